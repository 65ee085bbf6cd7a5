"""The one masking implementation of the app: how secret values are recognised and hidden.

The detectors, the bundle writer, the HTML report and the GUI all use ``mask_value`` / ``mask_secrets``, so a
secret value is shown the same (hidden) way everywhere: at most its first 4 characters, then ``****``.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from handoff_assistant.tasks import with_checkpoints

MASK = "****"


def mask_value(value: str) -> str:
    """Keep only a short prefix so the owner recognises the value, and never reveal its length."""
    if len(value) >= 20:
        keep = 4
    elif len(value) >= 6:
        keep = 2
    else:
        keep = 0
    return value[:keep] + MASK


# Secret values that are recognisable on their own wherever they appear (also in outputs and logs).
TOKEN_PATTERNS: dict[str, re.Pattern[str]] = {
    "secret.aws-access-key": re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{16}(?![A-Z0-9])"),
    "secret.github-token": re.compile(r"(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{50,255})"),
    "secret.gitlab-token": re.compile(r"(?<![\w-])glpat-[A-Za-z0-9_-]{20,}"),
    "secret.slack-token": re.compile(r"(?<![\w-])xox[bpars]-[A-Za-z0-9-]{10,}"),
    "secret.google-api-key": re.compile(r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])"),
    "secret.stripe-key": re.compile(r"(?<![\w])(?:sk|rk)_live_[0-9A-Za-z]{16,}"),
    "secret.huggingface-token": re.compile(r"(?<![\w-])hf_[A-Za-z0-9]{30,}(?![\w-])"),
    "secret.databricks-token": re.compile(r"(?<![\w-])dapi[0-9a-f]{32}(?:-\d)?(?![\w-])"),
    "secret.anthropic-key": re.compile(r"(?<![\w-])sk-ant-[A-Za-z0-9_-]{20,}"),
    "secret.openai-key": re.compile(r"(?<![\w-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}(?![\w-])"),
    "secret.jwt": re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
}
# libpq keyword/value strings: "dbname=crm user=app password=... host=db01": a key=value pair (no spaces around
# "=") right before. One pair, not a repetition, so that matching stays linear on long lines.
LIBPQ_PAIRS = r"(?<![\w=])\w+=[^\s'\",()=]+\s+"
VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    # The scheme starts where no scheme character precedes ("\b" let "sk-sk-sk-..." start one after every "-").
    "secret.url-credentials": re.compile(
        r"(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@'\"]+:(?P<value>[^\s@/'\"]+)@"),
    "secret.connection-string": re.compile(
        r"(?i)(?:(?:^|[;'\"])\s*(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*|" + LIBPQ_PAIRS + r"(?:password)=)"
        r"(?P<value>[^;'\"\s]+)"),
    # "-u user:password"; that it belongs to a curl command is checked after a match (see _CURL_BEFORE): a
    # pattern starting at "curl" tried every later "-u" of the line from every "curl" (quadratic).
    "secret.curl-credentials": re.compile(r"(?<!\S)(?:-u|--user)\s*['\"]?[^\s:'\"]{1,200}:(?P<value>[^\s'\"]+)"),
    "secret.bearer-token": re.compile(r"(?i)\bbearer\s+(?P<value>[A-Za-z0-9._~+/-]{16,}=*)"),
}
_CURL_BEFORE = re.compile(r"\bcurl\b")
_CURL_REACH = 300  # how far before "-u" the word curl is looked for, within the same command
_COMMAND_END = re.compile(r"[\n|;]")
# Cheap pre-checks: most lines contain none of these, and skip the full set of patterns.
_SECRET_HINT = re.compile(r"AKIA|ASIA|AGPA|AIDA|AROA|ANPA|gh[pousr]_|github_pat_|glpat-|xox[bpars]-|AIza|_live_|"
                          r"sk-|eyJ|hf_|dapi|://|(?i:password|pwd|curl|bearer|accountkey|sharedaccesskey)")
_KEYWORD_HINT = re.compile(r"(?i)pass|pwd|secret|token|key|credential")
# A text whose lower-cased form has none of these needles and no match of the pattern has no secret finding.
TEXT_NEEDLES = ("akia", "asia", "agpa", "aida", "aroa", "anpa", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
                "github_pat_", "glpat-", "xox", "aiza", "_live_", "sk-", "eyj", "hf_", "dapi", "://", "password", "pwd",
                "curl", "bearer", "accountkey", "sharedaccesskey", "private key")
TEXT_PATTERN = (r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|key|credentials?)[\"'\]]*\s*(?:=>|:=|<-|=|:)|"
                r"auth\s*=|auth\(|login\(")
PRIVATE_KEY_BEGIN = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
PRIVATE_KEY_BLOCK = re.compile(r"(?P<begin>-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)"
                               r"(?:.*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|.*)", re.S)
# The AWS documentation's example credentials, and other keys written to be shown rather than used.
EXAMPLE_MARKERS = ("EXAMPLE", "example", "your", "YOUR", "xxxx", "XXXX", "dummy", "DUMMY", "sample", "redacted",
                   "REDACTED", "placeholder", "PLACEHOLDER", "changeme", "CHANGEME", "<", "...", MASK)
PLACEHOLDER_WORDS = {"password", "passwd", "pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "key",
                     "user", "username", "none", "null", "true", "false", "todo", "tbd", "fixme", "hidden", "secret123",
                     "password123", "test", "testing"}


def is_placeholder(value: str) -> bool:
    """Empty values, templates and documentation examples are not secrets."""
    stripped = value.strip().strip("'\"")
    if len(stripped) < 3 or len(set(stripped)) <= 2 or stripped.lower() in PLACEHOLDER_WORDS:
        return True
    if re.search(r"\$\{[^}]*\}|^\$\(|^\$[A-Za-z_]\w*$|\{\{.*?\}\}|%\([^)]*\)[sd]|\{[^{}]*\}|^%[A-Z_]+%$", stripped):
        return True
    return any(marker in stripped for marker in EXAMPLE_MARKERS)


_SECRET_WORDS = {"password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "apikey", "credential",
                 "credentials"}
_KEY_QUALIFIERS = {"api", "access", "secret", "private", "auth", "signing", "encryption", "master", "account",
                   "subscription", "client", "app", "consumer", "service"}
_NOT_SECRET_TOKENS = {"pad", "eos", "bos", "unk", "cls", "sep", "mask", "start", "end", "special", "sos", "max", "num",
                      "n", "next", "page", "csrf", "split", "sentence", "word", "first", "last"}
_PASSWORD_WORDS = {"password", "passwd", "pwd", "pass", "passphrase"}


def secret_name_kind(name: str) -> Optional[str]:
    """"password", "key" or None: whether a variable, argument or config key names a secret.

    The secret word must end the name (``db_password``, ``apiKey``, ``client_secret``), so ``password_file``,
    ``token_url`` and ``tokenizer`` are not secrets, nor are NLP special tokens (``pad_token``).
    """
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.split(".")[-1]).lower()
    words = [word for word in re.split(r"[^a-z0-9]+", snake) if word]
    if not words:
        return None
    last, previous = words[-1], words[-2] if len(words) > 1 else ""
    if last in _PASSWORD_WORDS:
        return "password"
    if last == "token" and previous in _NOT_SECRET_TOKENS:
        return None
    if last in _SECRET_WORDS or (last == "key" and previous in _KEY_QUALIFIERS):
        return "key"
    return None


def looks_like_secret_value(value: str, kind: str) -> bool:
    """A literal that could be a real credential (not a placeholder, a path, a URL, a prompt or a variable name)."""
    value = value.strip()
    if is_placeholder(value) or re.search(r"\s", value) or len(value) < (4 if kind == "password" else 8):
        return False
    if value[0] in "$%<(!/.~" or "://" in value or re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", value):
        return False  # a variable, a path, a URL or the name of an environment variable
    if re.search(r"\.(?:json|ya?ml|txt|csv|pem|key|p12|pfx|cfg|ini|env|toml|crt)$", value, re.I):
        return False  # the name of a file that holds the secret
    if re.search(r"\[\^|\(\?|\\[dwsbDWSB]|\.\*|\.\+", value):
        return False  # a regular expression
    return True


# ``name = "value"``, ``"name": "value"``, ``name <- 'value'``: a quoted value given to a name.
KEYWORD_QUOTED = re.compile(r"""(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)["']?\s*(?:=>|:=|<-|=|:)\s*"""
                            r"""(?P<q>["'])(?P<value>[^"'\n]*)(?P=q)""")
# The same with an unquoted value, for configuration files and shell lines.
KEYWORD_UNQUOTED = re.compile(r"""(?<![\w.-])(?P<name>[A-Za-z_][\w.-]*)["']?\s*(?:=>|:=|<-|=|:)[ \t]*"""
                              r"""(?P<value>[^\s"',;#=)}\]][^\s"',;#)}\]]*)""")


def keyword_spans(text: str, *, unquoted: bool) -> list[tuple[int, int, str, str]]:
    """(start, end, kind, name) of values given to secret-sounding names in one piece of text."""
    if not _KEYWORD_HINT.search(text):
        return []
    found = []
    for pattern in (KEYWORD_QUOTED, KEYWORD_UNQUOTED) if unquoted else (KEYWORD_QUOTED,):
        for match in with_checkpoints(pattern.finditer(text)):
            kind = secret_name_kind(match.group("name"))
            if kind and looks_like_secret_value(match.group("value"), kind):
                found.append((match.start("value"), match.end("value"), kind, match.group("name")))
    return found


def secret_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, rule id) of every self-evident secret value in a piece of text."""
    if not _SECRET_HINT.search(text):
        return []
    spans = []
    for rule_id, pattern in TOKEN_PATTERNS.items():
        spans += [(m.start(), m.end(), rule_id) for m in with_checkpoints(pattern.finditer(text))
                  if not is_placeholder(m.group())]
    for rule_id, pattern in VALUE_PATTERNS.items():
        spans += [(m.start("value"), m.end("value"), rule_id) for m in with_checkpoints(pattern.finditer(text))
                  if not is_placeholder(m.group("value")) and _in_context(rule_id, text, m.start())]
    return spans


def _in_context(rule_id: str, text: str, start: int) -> bool:
    """curl's ``-u user:password`` counts only in a curl command: ``curl`` earlier in the same command."""
    if rule_id != "secret.curl-credentials":
        return True
    before = text[max(0, start - _CURL_REACH):start]
    command = _COMMAND_END.split(before)[-1]
    return _CURL_BEFORE.search(command) is not None


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each span with its masked form; overlapping spans are merged first."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, done = [], 0
    for start, end in merged:  # joined once: replacing span by span copied a long line for every span
        pieces += [text[done:start], mask_value(text[start:end])]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def mask_secrets(text: str) -> str:
    """Mask every recognisable secret in free text (a log line, an output, a snippet written elsewhere)."""
    text = PRIVATE_KEY_BLOCK.sub(lambda m: m.group("begin") + MASK, text)
    spans = [(start, end) for start, end, _ in secret_spans(text)]
    spans += [(start, end) for start, end, _, _ in keyword_spans(text, unquoted=False)]
    return mask_spans(text, spans)
