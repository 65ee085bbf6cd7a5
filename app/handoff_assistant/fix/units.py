"""A project file as the units the fix edits: the whole file, or each code cell of a notebook, with its language.

Also how a set of edits is applied to one unit (exact spans, last first) and how a Python unit gains the imports
its new reads need (``import handoff_config``, ``import os``), placed after its leading imports.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from handoff_assistant.fix.literals import offset, split_keep
from handoff_assistant.fix.model import Edit, FixError
from handoff_assistant.fix.notebook_json import NotebookLayoutError, cell_sources
from handoff_assistant.scan.notebooks import prepare_python_cell

PYTHON, R, SHELL, SQL, YAML, INI, TOML = "python", "r", "shell", "sql", "yaml", "ini", "toml"
CONFIG_LANGUAGES = (YAML, INI, TOML)
_SUFFIXES = {".py": PYTHON, ".r": R, ".rmd": R, ".qmd": R, ".rnw": R, ".sh": SHELL, ".bash": SHELL, ".zsh": SHELL,
             ".sql": SQL, ".yaml": YAML, ".yml": YAML, ".ini": INI, ".cfg": INI, ".conf": INI, ".toml": TOML}
# The scan's language names, to re-run its detectors on a unit.
SCAN_LANGUAGE = {PYTHON: "Python", R: "R", SHELL: "Shell", SQL: "SQL", YAML: "YAML", INI: "INI", TOML: None}
_CELL_MAGIC_LANGUAGES = {"bash": SHELL, "sh": SHELL, "script": SHELL, "sql": SQL, "R": R}


@dataclass(frozen=True)
class Unit:
    cell: Optional[int]  # None for a whole file
    text: str
    language: Optional[str]  # PYTHON, R, SHELL, SQL, YAML, INI, TOML; None when the fix cannot edit it

    @property
    def is_cell(self) -> bool:
        return self.cell is not None


@dataclass(frozen=True)
class SourceFile:
    path: str
    data: bytes
    units: tuple[Unit, ...]
    notebook: bool

    @property
    def sha256(self) -> str:
        return sha256(self.data)

    @property
    def text(self) -> str:
        return self.data.decode("utf-8-sig")

    def unit(self, cell: Optional[int]) -> Optional[Unit]:
        for unit in self.units:
            if unit.cell == cell:
                return unit
        return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_language(path: str) -> Optional[str]:
    return _SUFFIXES.get(PurePosixPath(path).suffix.lower())


def read_source_file(root: Path, path: str) -> SourceFile:
    """The file's units; FixError says in a sentence why it cannot be edited."""
    location = root / path
    try:
        data = location.read_bytes()
    except OSError as error:
        raise FixError(f"{path} cannot be read: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FixError(f"{path} is not UTF-8 text") from error
    if path.lower().endswith(".ipynb"):
        return SourceFile(path, data, tuple(_notebook_units(text, path)), True)
    return SourceFile(path, data, (Unit(None, text, file_language(path)),), False)


def _notebook_units(text: str, path: str) -> Iterable[Unit]:
    import json

    try:
        cells = cell_sources(text)
        metadata = json.loads(text).get("metadata") or {}
    except (NotebookLayoutError, ValueError) as error:
        raise FixError(f"{path} is not an nbformat 4 notebook the fix can edit ({error})") from error
    kernel_language = str((metadata.get("kernelspec") or {}).get("language")
                          or (metadata.get("language_info") or {}).get("name") or "python").lower()
    default = PYTHON if kernel_language.startswith("python") else (R if kernel_language == "r" else None)
    for index, (cell_type, source, _, _) in enumerate(cells):
        if cell_type == "code":
            yield Unit(index, source, _cell_language(source, default))


def _cell_language(source: str, default: Optional[str]) -> Optional[str]:
    if default != PYTHON:
        return default
    prepared = prepare_python_cell(source)
    if prepared.is_python:
        return PYTHON
    return _CELL_MAGIC_LANGUAGES.get(prepared.cell_magic or "")


def apply_edits(unit: Unit, edits: Iterable[Edit]) -> str:
    """The unit's text with the edits' spans replaced (edits must not overlap)."""
    text = unit.text
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        start = offset(text, edit.line, edit.column)
        end = offset(text, edit.end_line, edit.end_column)
        text = text[:start] + edit.after + text[end:]
    return text


def needed_imports(edits: Iterable[Edit]) -> tuple[str, ...]:
    """The modules the Python replacements read from."""
    modules = set()
    for edit in edits:
        if edit.after.startswith("handoff_config."):
            modules.add("handoff_config")
        elif edit.after.startswith("os.environ"):
            modules.add("os")
    return tuple(sorted(modules))


def add_imports(text: str, modules: Iterable[str], *, cell: bool = False) -> str:
    """``import X`` for each module not imported yet, after the unit's leading docstring, comments and imports."""
    prepared = prepare_python_cell(text).python_source if cell else text
    try:
        wrapper = MetadataWrapper(cst.parse_module(prepared))
    except cst.ParserSyntaxError as error:
        raise FixError(f"the code does not parse, so no import can be added ({error.message})") from error
    module = wrapper.module
    imported = {alias for statement in module.body for alias in _imported_names(statement)}
    missing = [name for name in modules if name not in imported]
    if not missing:
        return text
    positions = wrapper.resolve(PositionProvider)
    line = _insertion_line(module, positions)
    lines = split_keep(text)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    block = "".join(f"import {name}{newline}" for name in missing)
    if line > len(lines):
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.append(block)
    else:
        lines.insert(line - 1, block)
    return "".join(lines)


def _imported_names(statement: cst.CSTNode) -> Iterable[str]:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is None:
                        yield cst.helpers.get_full_name_for_node(alias.name) or ""


def _insertion_line(module: cst.Module, positions) -> int:
    """The line after the leading docstring and import statements (line 1 of the code when there are none)."""
    last = None
    for index, statement in enumerate(module.body):
        if _is_import(statement) or (index == 0 and _is_docstring(statement)):
            last = statement
            continue
        break
    if last is None:
        return positions[module.body[0]].start.line if module.body else len(split_keep(module.code)) + 1
    return positions[last].end.line + 1


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and isinstance(
        statement.body[0], cst.Expr) and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
