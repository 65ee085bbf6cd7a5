"""Where a finding sits can change what it means: credentials of throwaway CI service containers and values in
example files are low severity and block nothing, with the reason in the message.

- A CI workflow (``.github/workflows/*.yml``, ``.gitlab-ci.yml``) starts *service containers* (a test Postgres,
  Redis…) whose password only exists inside that CI job: the lines of a ``services:`` block, the variables those
  images read (``POSTGRES_PASSWORD``, ``MYSQL_ROOT_PASSWORD``…) and URLs to such a service on ``localhost``.
- ``*.example``, ``*.sample``, ``*.template``, ``*.tmpl``, ``*.dist`` files (``.env.example``,
  ``config.yaml.sample``) show what to fill in; their values are placeholders by intent.

Provider tokens and private keys keep their severity everywhere: their shape says they are real.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from handoff_assistant.scan.findings.base import Rule, register
from handoff_assistant.scan.findings.source import Source
from handoff_assistant.scan.report import Finding

CI_SERVICE = Rule("secret.ci-service-credential", "secret", "low", "Credential of a CI service container",
                  "A credential for a throwaway CI service container ({detail}); it only exists inside the CI "
                  "job, so it is low severity and blocks nothing.",
                  "Nothing urgent. If the same value is used anywhere outside CI, change it there; you can read it "
                  "from a CI secret (${{ secrets.NAME }}) to keep scanners quiet.")
EXAMPLE_VALUE = Rule("secret.example-value", "secret", "low", "Value in an example file",
                     "A credential-like value in an example file ({detail}); example files show what to fill in, "
                     "so it is low severity and blocks nothing.",
                     "Make sure it is a placeholder (for example `changeme`), never a real credential.")
register(CI_SERVICE, EXAMPLE_VALUE)

_DOWNGRADED = frozenset({"secret.password-assignment", "secret.key-assignment", "secret.url-credentials",
                         "secret.connection-string", "secret.curl-credentials"})
_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".tmpl", ".dist")
_SERVICE_VARIABLES = re.compile(
    r"\b(?:POSTGRES_(?:PASSWORD|USER|DB)|PG(?:PASSWORD|USER)|MYSQL_(?:ROOT_)?PASSWORD|MARIADB_(?:ROOT_)?PASSWORD"
    r"|MONGO_INITDB_ROOT_PASSWORD|MSSQL_SA_PASSWORD|SA_PASSWORD|REDIS_PASSWORD|RABBITMQ_DEFAULT_PASS"
    r"|MINIO_ROOT_PASSWORD|ELASTIC_PASSWORD|CLICKHOUSE_PASSWORD|NEO4J_AUTH)\b")
_LOCAL_SERVICE_URL = re.compile(r"@(?:localhost|127\.0\.0\.1|postgres|mysql|mariadb|redis|mongo|mongodb|rabbitmq"
                                r"|db|database)(?=[:/\s'\"]|$)")
_SERVICES_KEY = re.compile(r"^(?P<indent>\s*)services\s*:")


def adjust_for_placement(findings: list[Finding], source: Source) -> list[Finding]:
    if not findings:
        return findings
    file = findings[0].file
    if is_example_file(file):
        return [_as(EXAMPLE_VALUE, f, "this is an example file") if f.rule in _DOWNGRADED else f for f in findings]
    if is_ci_workflow(file):
        service_rows = _service_rows(source.lines)
        return [_as(CI_SERVICE, f, "a CI service container's credential") if f.rule in _DOWNGRADED
                and _is_service_credential(f, service_rows) else f for f in findings]
    return findings


def is_example_file(path: str) -> bool:
    return PurePosixPath(path).name.lower().endswith(_EXAMPLE_SUFFIXES)


def is_ci_workflow(path: str) -> bool:
    pure = PurePosixPath(path)
    in_workflows = pure.parent.name == "workflows" and pure.parent.parent.name == ".github"
    return (in_workflows and pure.suffix in (".yml", ".yaml")) or pure.name in (".gitlab-ci.yml", ".gitlab-ci.yaml")


def _service_rows(lines: tuple[str, ...]) -> frozenset[int]:
    """1-based rows inside a ``services:`` block (more indented than the key)."""
    rows: set[int] = set()
    indent = None
    for row, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if indent is not None and depth > indent:
            rows.add(row)
            continue
        indent = None
        match = _SERVICES_KEY.match(line)
        if match:
            indent = len(match.group("indent"))
    return frozenset(rows)


def _is_service_credential(finding: Finding, service_rows: frozenset[int]) -> bool:
    snippet = finding.snippet
    return (finding.line in service_rows or bool(_SERVICE_VARIABLES.search(snippet))
            or bool(_LOCAL_SERVICE_URL.search(snippet)))


def _as(rule: Rule, finding: Finding, reason: str) -> Finding:
    return replace(finding, rule=rule.id, severity=rule.severity,
                   message=rule.message.format(detail=f"{reason}; was {finding.rule}"), fix=rule.fix)
