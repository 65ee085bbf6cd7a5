"""What a read of a key looks like in each language, and whether an edited unit still parses.

Python ``handoff_config.get("data_dir")`` / ``os.environ["DB_PASSWORD"]``; R
``Sys.getenv("DATA_DIR", config::get("data_dir"))`` (the environment wins, as in Python, then config.yml through
the R config package) / ``Sys.getenv("DB_PASSWORD")``; shell and SQL ``${DATA_DIR}``; in a YAML, INI or TOML file a
secret becomes ``${DB_PASSWORD}`` (the loader expands it) while a path or host stays as the value of its key.
"""
from __future__ import annotations

import configparser
import json
import re
from typing import Optional

from handoff_assistant.fix.literals import Literal, python_parses, split_keep
from handoff_assistant.fix.model import CONFIG, ENV
from handoff_assistant.fix.units import INI, PYTHON, R, SHELL, SQL, TOML, YAML, Unit

_CONFIG_LINE = re.compile(r"^(?P<indent>\s*)(?:-\s+)?[\"']?(?P<key>[\w.-]+)[\"']?\s*(?P<sep>[:=])\s*"
                          r"(?P<value>(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^#;\s][^#;]*?))\s*(?:[#;].*)?$")


def replacement(language: Optional[str], kind: str, key: str, literal: Literal) -> Optional[str]:
    env = key.upper()
    if language == PYTHON:
        return f'handoff_config.get("{key}")' if kind == CONFIG else f'os.environ["{env}"]'
    if language == R:
        return f'Sys.getenv("{env}", config::get("{key}"))' if kind == CONFIG else f'Sys.getenv("{env}")'
    if language == SHELL:
        return f'"${{{env}}}"'
    if language == SQL:
        quote = literal.source[0] if literal.quoted else ""
        return f"{quote}${{{env}}}{quote}"
    if language in (YAML, TOML) and kind == ENV:
        return f'"${{{env}}}"'
    if language == INI and kind == ENV:
        return f"${{{env}}}"
    return None


def joined_replacement(language: Optional[str], key: str, name: str, before: str) -> Optional[str]:
    """A read of a folder key joined with a file name, for the languages that have one."""
    env, quoted = key.upper(), json.dumps(name)
    if language == PYTHON:
        return f'handoff_config.path("{key}", {quoted})'
    if language == R:
        return f'file.path(Sys.getenv("{env}", config::get("{key}")), {quoted})'
    if language == SHELL:
        return f'"${{{env}}}/{name}"'
    if language == SQL:
        quote = before[0] if before[:1] in "'\"" else ""
        return f"{quote}${{{env}}}/{name}{quote}"
    return None


def config_value(text: str, line: int, language: str) -> Optional[Literal]:
    """The value of ``key: value`` / ``key = value`` on a line of a configuration file, named by its dotted key."""
    lines = split_keep(text)
    row = lines[line - 1].rstrip("\r\n")
    match = _CONFIG_LINE.match(row)
    if match is None:
        return None
    raw = match.group("value")
    value = _unquoted(raw)
    name = ".".join(_parents(lines, line, len(match.group("indent")), language) + [match.group("key")])
    return Literal(line, match.start("value"), line, match.end("value"), raw, value, name,
                   quoted=raw[:1] in "\"'")


def _unquoted(raw: str) -> str:
    if raw.startswith('"'):
        try:
            return json.loads(raw)
        except ValueError:
            return raw[1:-1]
    return raw[1:-1] if raw.startswith("'") else raw


def _parents(lines: list[str], line: int, indent: int, language: str) -> list[str]:
    """YAML: the keys of the less indented lines above; INI/TOML: the [section] above."""
    parents: list[str] = []
    for row in reversed(lines[:line - 1]):
        stripped = row.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if language != YAML:
            section = re.match(r"^\[+([^\]]+)\]+", stripped)
            if section:
                return [section.group(1).strip()]
            continue
        depth = len(row) - len(row.lstrip())
        key = re.match(r"^\s*[\"']?([\w.-]+)[\"']?\s*:\s*(?:#.*)?$", row.rstrip("\r\n"))
        if depth < indent and key:
            parents.insert(0, key.group(1))
            indent = depth
        if depth == 0:
            break
    return parents


def parse_problem(unit: Unit, text: str) -> Optional[str]:
    """Why the edited unit no longer parses, or None. Only languages we can parse are checked."""
    if unit.language == PYTHON:
        return None if python_parses(text, cell=unit.is_cell) else "Python syntax error"
    if unit.language == YAML:
        import yaml

        try:
            yaml.safe_load(text)
        except yaml.YAMLError as error:
            return f"YAML: {str(error).splitlines()[0]}"
    if unit.language == TOML:
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib
        try:
            tomllib.loads(text)
        except ValueError as error:
            return f"TOML: {error}"
    if unit.language == INI:
        try:
            configparser.ConfigParser(interpolation=None).read_string(text)
        except configparser.Error as error:
            return f"INI: {str(error).splitlines()[0]}"
    if unit.language == R and _unbalanced(text):
        return "unbalanced brackets or quotes in R"
    return None


def _unbalanced(text: str) -> bool:
    """A cheap R check: brackets and quotes balance outside comments (no R parser is assumed installed)."""
    depth, quote = 0, ""
    for line in text.splitlines():
        escaped = False
        for char in line:
            if quote:
                if escaped:
                    escaped = False
                elif char == "\\":
                    escaped = True
                elif char == quote:
                    quote = ""
            elif char == "#":
                break
            elif char in "\"'":
                quote = char
            elif char in "([{":
                depth += 1
            elif char in ")]}":
                depth -= 1
    return depth != 0 or bool(quote)
