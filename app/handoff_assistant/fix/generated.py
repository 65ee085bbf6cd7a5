"""The files a fix adds to the project: the loader (handoff_config.py), config.yml and .env.example.

Their content follows the selected edits: config.yml gets the keys the selected edits read, with this machine's
values as defaults (under ``default:``, the R config package's layout, so R's ``config::get`` reads the same file);
.env.example gets the names of the secrets, never a value. Existing files are extended at their end, never
rewritten.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Optional

import yaml

from handoff_assistant.assets import resource_path
from handoff_assistant.fix.model import CONFIG, ENV, ConfigEntry, Edit, FileFix, FixPlan
from handoff_assistant.fix.units import sha256

LOADER = "handoff_config.py"
CONFIG_FILE = "config.yml"
ENV_EXAMPLE = ".env.example"
GENERATED = (LOADER, CONFIG_FILE, ENV_EXAMPLE)
_CONFIG_HEADER = ("# Configuration read by handoff_config.py (Python: handoff_config.get(\"key\")) and by R\n"
                  "# (config::get(\"key\")). The values are those of the machine the code was written on; on a\n"
                  "# server set each key here, or as an environment variable named in upper case (DATA_DIR).\n"
                  "# Secrets never go here: they are environment variables (see .env.example).\n")
_ENV_HEADER = ("# Secrets this project reads from environment variables. Set each one in the environment (or in\n"
               "# a .env file that is never committed); this file lists the names only, never the values.\n")


@dataclass(frozen=True)
class ExistingConfig:
    values: dict[str, Optional[str]] = field(default_factory=dict)  # config.yml default: key -> value
    env_names: frozenset[str] = frozenset()  # names already in .env.example
    config_text: Optional[str] = None  # None when there is no config.yml
    env_text: Optional[str] = None
    loader_exists: bool = False
    indent: str = "  "


def existing_config(root: Path) -> ExistingConfig:
    config_text = _read(root / CONFIG_FILE)
    env_text = _read(root / ENV_EXAMPLE)
    values: dict[str, Optional[str]] = {}
    indent = "  "
    if config_text is not None:
        try:
            data = yaml.safe_load(config_text) or {}
        except yaml.YAMLError:
            data = {}
        section = data.get("default") if isinstance(data, dict) else None
        if isinstance(section, dict):
            values = {str(k): None if v is None else str(v) for k, v in section.items()}
        found = re.search(r"^default:\s*\n([ \t]+)\S", config_text, re.M)
        indent = found.group(1) if found else indent
    names = frozenset(re.findall(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=", env_text or "", re.M))
    return ExistingConfig(values, names, config_text, env_text, (root / LOADER).exists(), indent)


def config_layout_problem(existing: ExistingConfig) -> Optional[str]:
    """config.yml can only be extended when its last top-level section is ``default:``."""
    text = existing.config_text
    if text is None:
        return None
    top = re.findall(r"^([^\s#][^:]*):", text, re.M)
    if not top or top[-1].strip() != "default":
        return "config.yml exists and does not end with a `default:` section the fix can add keys to"
    return None


def with_generated_files(plan: FixPlan, existing: ExistingConfig, notes: tuple[str, ...]) -> FixPlan:
    """The plan with the loader, config.yml and .env.example as generated files (only those it needs)."""
    root = Path(plan.root)
    config_keys = [e for e in plan.config_entries if e.kind == CONFIG and not e.stays_in and _uses(plan, e.key)]
    env_keys = [e for e in plan.config_entries if e.kind == ENV and _uses(plan, e.key)]
    files = list(plan.files)
    python_reads = any(edit.after.startswith("handoff_config.") for edit in plan.edits)
    if python_reads and not existing.loader_exists:
        files.append(FileFix(LOADER, "", (_generated_edit(LOADER, "loader", "The loader module the code reads its "
                                                          "configuration with (YAML file + environment)."),),
                             created=True, generated=True))
    new_config = [e for e in config_keys if e.key not in existing.values]
    if new_config:
        files.append(FileFix(CONFIG_FILE, _sha(root / CONFIG_FILE),
                             tuple(_generated_edit(CONFIG_FILE, e.key, f"{e.key}: this machine's value")
                                   for e in new_config), created=existing.config_text is None, generated=True))
    new_env = [e for e in env_keys if e.key not in existing.env_names]
    if new_env:
        files.append(FileFix(ENV_EXAMPLE, _sha(root / ENV_EXAMPLE),
                             tuple(_generated_edit(ENV_EXAMPLE, e.key, f"{e.key}= (name only)") for e in new_env),
                             created=existing.env_text is None, generated=True))
    return replace(plan, files=tuple(files), notes=plan.notes + notes)


def generated_text(plan: FixPlan, path: str, selected: Iterable[Edit]) -> Optional[str]:
    """The generated file's text for the selected code edits; None when it needs no change (or removal)."""
    root = Path(plan.root)
    existing = existing_config(root)
    keys = {edit.key for edit in selected}
    if path == LOADER:
        return loader_text() if any(e.after.startswith("handoff_config.") for e in selected) else None
    if path == CONFIG_FILE:
        entries = [e for e in plan.config_entries if e.kind == CONFIG and not e.stays_in and e.key in keys
                   and e.key not in existing.values]
        return _config_text(existing, entries) if entries else None
    if path == ENV_EXAMPLE:
        entries = [e for e in plan.config_entries if e.kind == ENV and e.key in keys and e.key not in existing.env_names]
        return _env_text(existing.env_text, entries) if entries else None
    return None


def loader_text() -> str:
    return resource_path("templates", "fix", "handoff_config.py.txt").read_text(encoding="utf-8")


def _config_text(existing: ExistingConfig, entries: list[ConfigEntry]) -> str:
    lines = "".join(f"{existing.indent}# {', '.join(e.used_in)}\n{existing.indent}{e.key}: {json.dumps(e.default, ensure_ascii=False)}\n"
                    for e in entries)
    if existing.config_text is None:
        return _CONFIG_HEADER + "default:\n" + lines
    text = existing.config_text
    return text + ("" if text.endswith("\n") or not text else "\n") + lines


def _env_text(text: Optional[str], entries: list[ConfigEntry]) -> str:
    lines = "".join(f"# {', '.join(e.used_in)}\n{e.key}=\n" for e in entries)
    if text is None:
        return _ENV_HEADER + lines
    return text + ("" if text.endswith("\n") or not text else "\n") + lines


def _uses(plan: FixPlan, key: str) -> bool:
    return any(edit.key == key for edit in plan.edits)


def _generated_edit(path: str, key: str, description: str) -> Edit:
    return Edit(f"{path}:{key}", "", "", 0, None, key, description, "", "")


def _read(path: Path) -> Optional[str]:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _sha(path: Path) -> str:
    try:
        return sha256(path.read_bytes())
    except OSError:
        return ""
