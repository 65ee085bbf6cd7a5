"""The one key set: the configuration IT must provide, used by ``handoff init``, the bundle's templates and harness.

It is the keys the code reads (the scan's ``config_reads``: ``handoff_config.get``, ``config::get``,
``os.environ``, ``Sys.getenv``, ``${NAME}``) plus those declared in handoff.yaml, one entry per key: a config key
and its environment variable (``data_dir`` / ``DATA_DIR``) are the same key. A literal that is still written in the
code is not a key: it stays a finding until it is fixed (``handoff fix``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.scan.findings.masking import secret_name_kind
from handoff_assistant.scan.report import ConfigRead, ScanReport, location_text

PATH_SUFFIXES = ("_path", "_dir", "_file", "_folder", "_directory", "_csv", "_parquet", "_pkl", "_pickle", "_json",
                 "_xlsx", "_xls", "_txt", "_db", "_sqlite", "_h5", "_joblib", "_feather", "_rds", "_tsv", "_model")
HOST_SUFFIXES = ("_url", "_uri", "_host", "_hostname", "_endpoint", "_server", "_dsn", "_address")
_DESCRIPTIONS = {"credential": "Secret the code reads from the environment; set it in config/.env or the service's "
                               "environment.",
                 "path": "Path the code reads from configuration; give the server's location.",
                 "host": "Host or URL the code reads from configuration; give the production address.",
                 "value": "Setting the code reads from configuration."}


@dataclass(frozen=True)
class ProjectConfigKey:
    name: str  # key in config.yaml (snake_case)
    env: str  # environment variable the run script and harness export it as
    kind: str  # "path", "host", "credential", "value"
    secret: bool
    description: str
    used_in: tuple[str, ...] = ()  # "churn/data.py:10", "nb.ipynb cell 5:1"


def key_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "setting"


def kind_from_name(name: str, secret: bool) -> str:
    if secret:
        return "credential"
    if name.endswith(PATH_SUFFIXES):
        return "path"
    return "host" if name.endswith(HOST_SUFFIXES) else "value"


def project_config_keys(report: ScanReport, project: Optional[ProjectFile] = None) -> tuple[ProjectConfigKey, ...]:
    """The configuration IT must provide for this project, sorted by name."""
    reads = report.config_reads
    declared_secret = {read.key.upper() for read in reads if read.kind == "env-example"}
    keys: dict[str, ProjectConfigKey] = {}
    for read in (r for r in reads if r.kind != "env-example"):
        _add(keys, _from_read(read, declared_secret))
    for declared in (project.config_keys if project else ()):
        name = key_name(declared.name)
        previous = keys.get(name)
        secret = declared.secret or (previous.secret if previous else False)
        keys[name] = ProjectConfigKey(name, name.upper(), kind_from_name(name, secret), secret,
                                      declared.description or (previous.description if previous else
                                                               _DESCRIPTIONS[kind_from_name(name, secret)]),
                                      previous.used_in if previous else ())
    return tuple(keys[name] for name in sorted(keys))


def _from_read(read: ConfigRead, declared_secret: set[str]) -> ProjectConfigKey:
    name = key_name(read.key)
    env = read.key if read.kind == "env" else name.upper()
    # The same rule as the masker's: a secret word ends the name (TOKEN_URL and PASSWORD_FILE are not secrets).
    secret = read.kind == "env" and (env.upper() in declared_secret or secret_name_kind(env) is not None)
    kind = kind_from_name(name, secret)
    return ProjectConfigKey(name, env, kind, secret, _DESCRIPTIONS[kind],
                            (location_text(read.file, read.line, read.cell),))


def _add(keys: dict[str, ProjectConfigKey], key: ProjectConfigKey) -> None:
    """A config key and its environment variable are one key; a secret read anywhere makes it a secret."""
    previous = keys.get(key.name)
    if previous is None:
        keys[key.name] = key
        return
    secret = previous.secret or key.secret
    kind = "credential" if secret else previous.kind
    keys[key.name] = replace(previous, secret=secret, kind=kind, description=_DESCRIPTIONS[kind],
                             used_in=tuple(sorted(set(previous.used_in) | set(key.used_in))))


def config_keys_for_project_file(report: ScanReport) -> tuple:
    """The key set as handoff.yaml's ``config_keys`` (what ``handoff init`` writes)."""
    from handoff_assistant.readiness.model import ConfigKey

    return tuple(ConfigKey(key.name, f"{key.description} Read at {', '.join(key.used_in[:3])}"
                           + (" and more" if len(key.used_in) > 3 else ""), key.secret)
                 for key in project_config_keys(report))
