"""Configuration IT must provide: every path, host and credential the code needs, as keys — never values.

Keys come from handoff.yaml (``config_keys``) and from the scan's path, host and secret findings (the name
of the variable or YAML key the value was assigned to). Secrets go to ``config/.env.example`` as environment
variables; everything else to ``config/config.example.yaml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

from handoff_assistant.bundle.templates import render
from handoff_assistant.readiness.model import ConfigKey
from handoff_assistant.scan.report import Finding, location_text

PATH_SUFFIXES = ("_path", "_dir", "_file", "_folder", "_directory")
_KIND_BY_CATEGORY = {"secret": "credential", "path": "path", "host": "host"}
# ``NAME = "literal"`` in code; ``key: value`` / ``KEY=value`` in configuration files.
_CODE_ASSIGNMENT = re.compile(r"""^\s*(?P<name>[A-Za-z_][\w.]*)\s*(?::\s*[\w.\[\]]+\s*)?(?:=|<-)\s*[rRbBfFuU]?["']""")
_CONFIG_ASSIGNMENT = re.compile(r"""^\s*(?:export\s+)?["']?(?P<name>[A-Za-z_][\w.-]*)["']?\s*(?::|=)""")
_CONFIG_SUFFIXES = (".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".env", ".properties")
_OUTPUT_RULES = "notebook.output."  # a path printed in a notebook's output is not one the code needs


@dataclass(frozen=True)
class BundleConfigKey:
    name: str  # key in config/config.yaml (snake_case)
    env: str  # environment variable the run script and harness export it as
    kind: str  # "path", "host", "credential", "value"
    secret: bool
    description: str
    used_in: tuple[str, ...] = ()  # "churn/data.py:10"


def key_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "setting"


def kind_from_name(name: str, secret: bool) -> str:
    if secret:
        return "credential"
    return "path" if name.endswith(PATH_SUFFIXES) else "value"


def collect_config_keys(declared: Iterable[ConfigKey], findings: Iterable[Finding],
                        suppressions: Mapping[str, str]) -> tuple[BundleConfigKey, ...]:
    """Declared keys first (their descriptions win), then one key per variable a finding hard-codes."""
    keys: dict[str, BundleConfigKey] = {}
    for finding in findings:
        kind = _KIND_BY_CATEGORY.get(finding.category)
        if kind is None or finding.fingerprint in suppressions or finding.rule.startswith(_OUTPUT_RULES):
            continue
        found = _key_from_finding(finding, kind)
        keys[found.name] = _merge(keys[found.name], found) if found.name in keys else found
    for declared_key in declared:
        name = key_name(declared_key.name)
        kind = kind_from_name(name, declared_key.secret)
        previous = keys.get(name)
        keys[name] = BundleConfigKey(
            name, name.upper(), kind if previous is None or declared_key.secret else previous.kind,
            declared_key.secret, declared_key.description or (previous.description if previous else ""),
            previous.used_in if previous else ())
    return tuple(keys[name] for name in sorted(keys))


def _key_from_finding(finding: Finding, kind: str) -> BundleConfigKey:
    pattern = _CONFIG_ASSIGNMENT if finding.file.lower().endswith(_CONFIG_SUFFIXES) else _CODE_ASSIGNMENT
    match = pattern.match(finding.snippet)
    stem = finding.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    cell = f"_cell{finding.cell}" if finding.cell is not None else ""
    name = key_name(match.group("name").rsplit(".", 1)[-1] if match else f"{kind}_{stem}{cell}_line{finding.line}")
    where = location_text(finding.file, finding.line, finding.cell)
    description = {"credential": "Credential the code used to hard-code; provide it as an environment variable.",
                   "path": "Path the code used to hard-code; give the server's location.",
                   "host": "Host or URL the code used to hard-code; give the production address."}[kind]
    return BundleConfigKey(name, name.upper(), kind, kind == "credential", description, (where,))


def _merge(first: BundleConfigKey, second: BundleConfigKey) -> BundleConfigKey:
    secret = first.secret or second.secret
    return replace(first, secret=secret, kind="credential" if secret else first.kind,
                   description=(second if second.secret and not first.secret else first).description,
                   used_in=tuple(sorted(set(first.used_in) | set(second.used_in))))


def render_config_example(keys: Iterable[BundleConfigKey], project_name: str) -> str:
    return render("config/config.example.yaml.j2", keys=[k for k in keys if not k.secret],
                  project_name=project_name)


def render_env_example(keys: Iterable[BundleConfigKey], project_name: str) -> str:
    return render("config/env.example.j2", keys=[k for k in keys if k.secret], project_name=project_name)
