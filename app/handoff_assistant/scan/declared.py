"""Dependencies the project declares: requirements files, environment.yml, pyproject, setup.*, Pipfile.

Every file is read statically; setup.py is parsed, never executed. A file that cannot be read becomes a
``Problem`` and the others are still read. Lock files (Pipfile.lock, uv.lock, poetry.lock, renv.lock...)
are only noted as present: the bundle makes its own lock.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from handoff_assistant.scan import declaration_files
from handoff_assistant.scan.declaration_files import FileDeclarations
from handoff_assistant.scan.files import NotText, read_text
from handoff_assistant.scan.report import DeclaredFile, Problem
from handoff_assistant.scan.requirement_specs import DeclaredRequirement
from handoff_assistant.scan.requirements_txt import Reader, RequirementsRead, read_requirements_file

__all__ = ["DeclaredDependencies", "DeclaredRequirement", "read_declared"]

LOCK_FILES = frozenset({"Pipfile.lock", "uv.lock", "poetry.lock", "pdm.lock", "conda-lock.yml", "renv.lock"})
MAX_DECLARATION_BYTES = 5 * 1024 * 1024
_CONDA_ENV_FILE = re.compile(r"^(environment|conda)[\w.-]*\.ya?ml$", re.IGNORECASE)
_PROJECT_FILES: dict[str, tuple[str, Callable[[str, str], FileDeclarations]]] = {
    "pyproject.toml": ("pyproject", declaration_files.read_pyproject),
    "setup.cfg": ("setup.cfg", declaration_files.read_setup_cfg),
    "setup.py": ("setup.py", declaration_files.read_setup_py),
    "Pipfile": ("Pipfile", declaration_files.read_pipfile),
}


@dataclass(frozen=True)
class DeclaredDependencies:
    requirements: tuple[DeclaredRequirement, ...] = ()
    files: tuple[DeclaredFile, ...] = ()
    lock_files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    constraints: tuple[DeclaredRequirement, ...] = ()  # from `-c` files: pins, not declarations


def is_requirements_file(path: str) -> bool:
    """requirements*.txt, dev-requirements.txt, requirements.in, requirements/*.txt."""
    parts = path.split("/")
    name = parts[-1].lower()
    in_folder = len(parts) > 1 and parts[-2].lower() == "requirements"
    return name.endswith((".txt", ".in")) and ("requirements" in name or in_folder)


def read_declared(root: Path, paths: Sequence[str]) -> DeclaredDependencies:
    """Read every declaration file among ``paths`` (posix, relative to ``root``)."""
    read = _reader(root)
    pip = RequirementsRead()
    found: list[DeclaredRequirement] = []
    problems: list[Problem] = []
    files: list[DeclaredFile] = []
    locks: list[str] = []
    for path in sorted(paths):
        name = posixpath.basename(path)
        if name in LOCK_FILES:
            locks.append(path)
        elif is_requirements_file(path):
            read_requirements_file(path, read, pip)
        elif _CONDA_ENV_FILE.match(name):
            if _read_environment_yml(path, read, pip):
                files.append(DeclaredFile(path, "environment.yml"))
        elif name in _PROJECT_FILES:
            kind, reader = _PROJECT_FILES[name]
            declared = _read_project_file(path, read, reader)
            found += declared.requirements
            problems += declared.problems
            if declared.declares:
                files.append(DeclaredFile(path, kind))
        elif name == "DESCRIPTION":
            files.append(DeclaredFile(path, "DESCRIPTION"))  # R package metadata, read with the R packages
    files += [DeclaredFile(path, kind) for path, kind in pip.files]
    return DeclaredDependencies(
        requirements=tuple(sorted(found + pip.requirements, key=_order)),
        files=tuple(sorted(set(files), key=lambda f: f.path)),
        lock_files=tuple(locks),
        problems=tuple(problems + pip.problems),
        constraints=tuple(sorted(pip.constraints, key=_order)),
    )


def _order(requirement: DeclaredRequirement) -> tuple[str, int]:
    return requirement.file, requirement.line


def _reader(root: Path) -> Reader:
    def read(path: str) -> str:
        try:
            return read_text(root / path, MAX_DECLARATION_BYTES).text
        except NotText as not_text:
            raise ValueError(f"not a text file ({not_text.reason})") from not_text
    return read


def _read_environment_yml(path: str, read: Reader, into: RequirementsRead) -> bool:
    try:
        text = read(path)
    except (OSError, ValueError) as error:
        into.problems.append(Problem(path, f"cannot read: {getattr(error, 'strerror', None) or error}"))
        return False
    return declaration_files.read_environment_yml(path, text, read, into)


def _read_project_file(path: str, read: Reader, reader: Callable[[str, str], FileDeclarations]) -> FileDeclarations:
    try:
        text = read(path)
    except (OSError, ValueError) as error:
        return FileDeclarations(problems=(Problem(path, f"cannot read: {getattr(error, 'strerror', None) or error}"),))
    return reader(path, text)
