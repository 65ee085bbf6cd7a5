"""Credentials written into code or configuration.

Two kinds of evidence: a value given to a secret-sounding name (``password = "..."``, ``api_key: ...``,
R ``password <- "..."``), and values that are secrets on their own (provider tokens, private keys, credentials
in URLs and connection strings, ``curl -u``, bearer tokens). Values read from the environment, ``getpass``,
templates, placeholders and documentation examples are not findings. Every hit carries the position of the
value so that it is masked in the snippet; messages never contain it.
"""
from __future__ import annotations

from handoff_assistant.tasks import with_checkpoints
from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.masking import (
    PRIVATE_KEY_BEGIN, keyword_spans, looks_like_secret_value, secret_name_kind, secret_spans,
)
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source

_FIX_VALUE = ("Remove the value from the code and change it (everyone who saw the code has it), then read it at run "
              "time from an environment variable (Python os.environ[\"DB_PASSWORD\"], R Sys.getenv(\"DB_PASSWORD\")) "
              "or the team's secret store, and list the variable's name in .env.example.")
_FIX_TOKEN = ("Revoke this key with its provider now (everyone who saw the code has it), create a new one and read it "
              "at run time from an environment variable or the team's secret store.")
PASSWORD = Rule("secret.password-assignment", "secret", "high", "Password in the code",
                "A password is written in the code (the value of {detail}).", _FIX_VALUE)
KEY = Rule("secret.key-assignment", "secret", "high", "Key or token in the code",
           "A secret key or token is written in the code (the value of {detail}).", _FIX_VALUE)
PRIVATE_KEY = Rule("secret.private-key", "secret", "critical", "Private key",
                   "A private key is written in this file ({detail}).",
                   "Delete the key from the project and treat it as leaked (replace it); on the server, read it from "
                   "a key file or secret store that IT provides.")
_VALUE_RULES = (
    Rule("secret.url-credentials", "secret", "critical", "Password in a URL",
         "A URL contains a user name and password ({detail}).",
         "Remove the password from the URL and change it; build the URL at run time from environment variables "
         "(for example DB_USER, DB_PASSWORD, DB_HOST)."),
    Rule("secret.connection-string", "secret", "critical", "Password in a connection string",
         "A connection string contains a password or account key ({detail}).",
         "Remove the password or key from the connection string and change it; add it at run time from an "
         "environment variable, or use integrated authentication (a managed identity on Azure)."),
    Rule("secret.curl-credentials", "secret", "high", "Password on a curl command line",
         "A curl command passes a user name and password ({detail}).",
         "Change the password and let curl read it from a netrc file (--netrc-file) or from environment variables "
         "(-u \"$API_USER:$API_PASSWORD\")."),
    Rule("secret.bearer-token", "secret", "high", "Bearer token",
         "An HTTP Authorization bearer token is written in the code ({detail}).", _FIX_TOKEN),
)
_TOKEN_TITLES = {
    "secret.aws-access-key": ("AWS access key ID", "critical"),
    "secret.github-token": ("GitHub token", "critical"),
    "secret.gitlab-token": ("GitLab token", "critical"),
    "secret.slack-token": ("Slack token", "critical"),
    "secret.google-api-key": ("Google API key", "critical"),
    "secret.stripe-key": ("Stripe live key", "critical"),
    "secret.openai-key": ("OpenAI API key", "critical"),
    "secret.anthropic-key": ("Anthropic API key", "critical"),
    "secret.huggingface-token": ("Hugging Face token", "critical"),
    "secret.databricks-token": ("Databricks token", "critical"),
    "secret.jwt": ("JSON Web Token", "high"),
}
_TOKEN_RULES = tuple(
    Rule(rule_id, "secret", severity, title, f"{'An' if title[0] in 'AEIOU' else 'A'} {title} is written in the "
         "code ({detail}).", _FIX_TOKEN)
    for rule_id, (title, severity) in _TOKEN_TITLES.items()
)
_BY_ID = {rule.id: rule for rule in _VALUE_RULES + _TOKEN_RULES}
_DETAILS = {"secret.url-credentials": "user:****@host", "secret.connection-string": "Password=**** or AccountKey=****",
            "secret.curl-credentials": "-u user:****", "secret.bearer-token": "Authorization: Bearer ****"}
register(PASSWORD, KEY, PRIVATE_KEY, *_VALUE_RULES, *_TOKEN_RULES)
_AUTH_CALLS = {"HTTPBasicAuth", "HTTPDigestAuth", "HTTPProxyAuth", "BasicAuth", "login"}


def find_secrets(source: Source) -> list[Hit]:
    hits = _private_keys(source)
    for segment in source.segments:
        hits += _value_hits(segment)
        hits += _keyword_hits(segment, source)
    return hits


def _value_hits(segment: Segment) -> list[Hit]:
    hits = []
    for start, end, rule_id in secret_spans(segment.text):  # a list, built under checkpoints
        row, col = segment.position(start)
        width = min(end, segment.line_end(start)) - start
        detail = _DETAILS.get(rule_id, "the value is hidden here")
        hits.append(Hit(_BY_ID[rule_id], row, detail, ((row, col, col + width),)))
    return hits


def _keyword_hits(segment: Segment, source: Source) -> list[Hit]:
    if segment.kind == STRING and _is_auth_password(segment):
        if not looks_like_secret_value(segment.text, "password"):
            return []
        return [Hit(PASSWORD, segment.row, "the password of a login",
                    ((segment.row, segment.col, segment.col + segment.line_end(0)),))]
    if segment.kind == STRING:
        kind = secret_name_kind(segment.key) if segment.key else None
        if kind is None or not looks_like_secret_value(segment.text, kind):
            return []
        width = segment.line_end(0)
        return [Hit(PASSWORD if kind == "password" else KEY, segment.row, segment.key,
                    ((segment.row, segment.col, segment.col + width),))]
    if segment.kind not in (CODE, SHELL):
        return []
    unquoted = source.unquoted_values or segment.kind == SHELL
    hits = []
    for start, end, kind, name in keyword_spans(segment.text, unquoted=unquoted):
        row, col = segment.position(start)
        hits.append(Hit(PASSWORD if kind == "password" else KEY, row, name, ((row, col, col + end - start),)))
    return hits


def _is_auth_password(segment: Segment) -> bool:
    """The second item of ``auth=("user", "...")``, ``HTTPBasicAuth("user", "...")``, ``smtp.login("user", "...")``."""
    callee = segment.calls[-1].rsplit(".", 1)[-1] if segment.calls else ""
    return segment.argument == 1 and not segment.key and (segment.group_key == "auth" or callee in _AUTH_CALLS)


def _private_keys(source: Source) -> list[Hit]:
    """A PEM private key block: the BEGIN line is reported and every line up to END is hidden."""
    hits = []
    rows = iter(range(len(source.lines)))
    for index in rows:
        if not PRIVATE_KEY_BEGIN.search(source.lines[index]):
            continue
        masks = []
        for body in rows:
            if "-----END" in source.lines[body]:
                break
            masks.append((body + 1, 0, len(source.lines[body])))
        begin = PRIVATE_KEY_BEGIN.search(source.lines[index])
        masks.append((index + 1, begin.end(), len(source.lines[index])))
        hits.append(Hit(PRIVATE_KEY, index + 1, begin.group().strip("-"), tuple(masks)))
    return hits

