"""Which Python the project runs on, from the project itself, each answer with where it came from.

Precedence (first concrete version wins): ``.python-version``, ``runtime.txt``, the ``python`` pin of
``environment.yml``, pyproject's ``requires-python`` (a range: it picks only when nothing above names a version),
the version the notebooks' kernels recorded (``metadata.language_info.version``), then the scanned interpreter.
Two sources naming different ``major.minor`` versions, or a version outside ``requires-python``, is a conflict:
it becomes a finding, so the data scientist settles which one is meant.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from handoff_assistant.scan.files import read_head
from handoff_assistant.scan.findings.base import Rule, fingerprint, register
from handoff_assistant.scan.report import Finding, NotebookInfo, PythonVersionSource, TargetEnvironment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

INTERPRETER = "interpreter"
NOTEBOOK = "notebook"
REQUIRES_PYTHON = "pyproject.toml"
_CONCRETE = re.compile(r"^(\d+)\.(\d+)(?:\.\d+)?")
_PYTHON_VERSION_FILE = re.compile(r"^\s*(?:python-?|cpython-)?(\d+\.\d+(?:\.\d+)?)\s*$", re.MULTILINE)
_RUNTIME_TXT = re.compile(r"python-(\d+\.\d+(?:\.\d+)?)")
_ENVIRONMENT_PIN = re.compile(r"^\s*-\s*python\s*(?:==?|>=|~=)?\s*(\d+\.\d+(?:\.\d+)?)(?:\.\*)?\s*(?:#.*)?$",
                              re.MULTILINE)
_ENVIRONMENT_FILES = ("environment.yml", "environment.yaml")
_MAX_READ = 200_000

CONFLICT = Rule("environment.python-version-conflict", "code", "medium", "Python versions disagree",
                "The project records different Python versions: {detail}.",
                "Keep one Python version: record it in .python-version (and requires-python), rerun the notebooks "
                "with that kernel, and remove or update the other records.")
register(CONFLICT)


@dataclass(frozen=True)
class VersionConflict:
    file: str  # the disagreeing source's file (the interpreter's path for the scanned interpreter)
    in_project: bool  # False for the scanned interpreter: a warning, not a finding in the project
    sentence: str  # "3.8.10 (nb.ipynb, recorded by its kernel) differs from 3.11 (.python-version)"


@dataclass(frozen=True)
class TargetPython:
    """The Python the bundle is built for, and why."""

    version: str  # major.minor ("3.8"); "" when nothing says
    chosen: Optional[PythonVersionSource]
    conflicts: tuple[VersionConflict, ...] = ()


def python_version_sources(root: Path, paths: Sequence[str], notebooks: Iterable[NotebookInfo],
                           target: TargetEnvironment) -> tuple[PythonVersionSource, ...]:
    """Every place, in order of precedence, that says which Python the project runs on."""
    top = set(paths)
    found: list[PythonVersionSource] = []
    if ".python-version" in top:
        found += _matches(_read(root / ".python-version"), _PYTHON_VERSION_FILE, ".python-version", 1)
    if "runtime.txt" in top:
        found += _matches(_read(root / "runtime.txt"), _RUNTIME_TXT, "runtime.txt", 1)
    for name in _ENVIRONMENT_FILES:
        if name in top:
            found += _matches(_read(root / name), _ENVIRONMENT_PIN, name, 1)
    if "pyproject.toml" in top:
        found += _requires_python(root / "pyproject.toml")
    found += [PythonVersionSource(nb.language_version, NOTEBOOK, nb.path)
              for nb in sorted(notebooks, key=lambda n: n.path)
              if nb.language == "python" and _CONCRETE.match(nb.language_version or "")]
    if target.python_version:
        found.append(PythonVersionSource(target.python_version, INTERPRETER, target.interpreter))
    return tuple(found)


def choose_target_python(sources: Sequence[PythonVersionSource]) -> TargetPython:
    """The first concrete version in order of precedence; a range picks only the scanned interpreter's version
    when it fits, else its lowest bound. Disagreements are listed as conflicts."""
    concrete = [s for s in sources if s.source != REQUIRES_PYTHON and _CONCRETE.match(s.version)]
    ranges = [s for s in sources if s.source == REQUIRES_PYTHON]
    recorded = [s for s in concrete if s.source != INTERPRETER]
    chosen = recorded[0] if recorded else None
    if chosen is None and ranges:
        interpreter = next((s for s in concrete if s.source == INTERPRETER), None)
        chosen = interpreter if interpreter and _fits(interpreter.version, ranges[0].version) else ranges[0]
    if chosen is None and concrete:
        chosen = concrete[0]
    if chosen is None:
        return TargetPython("", None)
    version = minor_version(chosen.version) or _lowest_bound(chosen.version)
    return TargetPython(version, chosen, _conflicts(chosen, version, concrete, ranges))


def conflict_findings(target: TargetPython) -> tuple[Finding, ...]:
    """One finding per disagreeing project file (the scanned interpreter's disagreement is a warning only)."""
    return tuple(Finding(CONFLICT.id, CONFLICT.category, CONFLICT.severity, c.file, 1,
                         CONFLICT.message.format(detail=c.sentence), CONFLICT.fix, c.sentence,
                         fingerprint=fingerprint(CONFLICT.id, c.file, None, c.sentence))
                 for c in target.conflicts if c.in_project)


def describe(source: PythonVersionSource, with_path: bool = True) -> str:
    """``3.8.10 (notebooks/explore.ipynb, recorded by its kernel)`` — how every output names a source.
    ``with_path`` False leaves out the interpreter's path (a bundle never carries it: it names a user's home)."""
    interpreter = f"the scanned interpreter {source.file}" if with_path else "the scanned interpreter"
    where = {NOTEBOOK: f"{source.file}, recorded by its kernel", INTERPRETER: interpreter,
             REQUIRES_PYTHON: "pyproject.toml requires-python"}.get(source.source, source.file)
    return f"{source.version} ({where})"


def minor_version(text: str) -> str:
    match = _CONCRETE.match(text.strip())
    return f"{match.group(1)}.{match.group(2)}" if match else ""


def _conflicts(chosen: PythonVersionSource, version: str, concrete: list[PythonVersionSource],
               ranges: list[PythonVersionSource]) -> tuple[VersionConflict, ...]:
    found = [VersionConflict(s.file, s.source != INTERPRETER, f"{describe(s)} differs from {describe(chosen)}")
             for s in concrete if s is not chosen and minor_version(s.version) != version]
    found += [VersionConflict(s.file, True, f"Python {version} from {describe(chosen)} is outside requires-python "
                                            f"{s.version}") for s in ranges if version and not _fits(version, s.version)]
    return tuple(found)


def _fits(version: str, specifier: str) -> bool:
    try:
        return SpecifierSet(specifier).contains(Version(version), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True  # an unreadable range cannot be said to conflict


def _lowest_bound(specifier: str) -> str:
    try:
        bounds = [minor_version(s.version) for s in SpecifierSet(specifier) if s.operator in (">=", "==", "~=", ">")]
    except InvalidSpecifier:
        return ""
    return min((b for b in bounds if b), key=lambda b: tuple(int(p) for p in b.split(".")), default="")


def _matches(text: str, pattern: re.Pattern, file: str, limit: int) -> list[PythonVersionSource]:
    return [PythonVersionSource(m.group(1), file, file) for m in list(pattern.finditer(text))[:limit]]


def _requires_python(path: Path) -> list[PythonVersionSource]:
    try:
        data = tomllib.loads(_read(path))
    except (tomllib.TOMLDecodeError, ValueError):
        return []
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    text = project.get("requires-python")
    return [PythonVersionSource(text.strip(), REQUIRES_PYTHON, "pyproject.toml")] if isinstance(text, str) and \
        text.strip() else []


def _read(path: Path) -> str:
    return read_head(path, _MAX_READ)
