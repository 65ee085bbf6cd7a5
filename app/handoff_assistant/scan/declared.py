"""Dependencies the project declares: requirements files, environment.yml, pyproject, setup.*, Pipfile.  (STUB)

Every file is read statically; setup.py is parsed, never executed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from packaging.requirements import InvalidRequirement, Requirement

from handoff_assistant.scan.report import DeclaredFile, Problem


@dataclass(frozen=True)
class DeclaredRequirement:
    name: str  # distribution name as written
    spec: str  # version specifier, "" when none
    file: str
    line: int
    marker: Optional[str] = None
    url: Optional[str] = None  # URL / VCS requirement


@dataclass(frozen=True)
class DeclaredDependencies:
    requirements: tuple[DeclaredRequirement, ...] = ()
    files: tuple[DeclaredFile, ...] = ()
    lock_files: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


def read_declared(root: Path, paths: Sequence[str]) -> DeclaredDependencies:
    requirements = []
    files = []
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if name.startswith("requirements") and name.endswith(".txt"):
            files.append(DeclaredFile(path, "requirements"))
            for number, line in enumerate((root / path).read_text(errors="replace").splitlines(), 1):
                line = line.split("#", 1)[0].strip()
                if not line or line.startswith("-"):
                    continue
                try:
                    req = Requirement(line)
                except InvalidRequirement:
                    continue
                requirements.append(DeclaredRequirement(req.name, str(req.specifier), path, number,
                                                        str(req.marker) if req.marker else None))
    return DeclaredDependencies(tuple(requirements), tuple(files))
