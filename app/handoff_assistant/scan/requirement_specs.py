"""One declared requirement, and turning the ways people write them into PEP 508 / PEP 440.

Covers PEP 508 strings, URL and VCS lines (``git+https://...#egg=name``, wheel/sdist URLs),
Poetry constraints (``^1.2``, ``~1.2``, ``1.2.*``), Poetry ``python = "^3.8"`` restrictions (as
markers) and conda match specs (``numpy=1.24``, ``numpy 1.24.*``, ``conda-forge::numpy>=1.2``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidSdistFilename, InvalidWheelFilename, parse_sdist_filename, parse_wheel_filename

URL_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "http://", "https://", "file:")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_POETRY_TERM = re.compile(r"(\^|~=|~|===|==|!=|>=|<=|>|<|=)?\s*(\*|[0-9][0-9A-Za-z.*+!-]*)")
_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9_][A-Za-z0-9_.-]*)\s*(.*)$")


@dataclass(frozen=True)
class DeclaredRequirement:
    name: str  # distribution name as written
    spec: str  # PEP 440 version specifier, "" when none
    file: str
    line: int
    marker: Optional[str] = None
    url: Optional[str] = None  # URL / VCS requirement
    group: str = "main"  # "main", "dev", "optional:<extra>", "group:<name>"
    extras: tuple[str, ...] = ()


def parse_requirement(text: str, file: str, line: int, group: str = "main") -> DeclaredRequirement:
    """A PEP 508 string or a URL/VCS line; ``ValueError`` with a readable reason when it is neither."""
    text = text.strip()
    if text.startswith(URL_PREFIXES):
        name = _name_from_url(text)
        if name is None:
            raise ValueError(f"'{text}' does not say which distribution it is; write it as 'name @ URL'")
        return DeclaredRequirement(name, "", file, line, url=text, group=group)
    try:
        req = Requirement(text)
    except InvalidRequirement as error:
        raise ValueError(f"'{text}' is not a valid requirement ({error})") from error
    return DeclaredRequirement(req.name, str(req.specifier), file, line, str(req.marker) if req.marker else None,
                               req.url, group, tuple(sorted(req.extras)))


def _name_from_url(url: str) -> Optional[str]:
    egg = _EGG.search(url)
    if egg:
        return egg.group(1)
    last = url.split("#")[0].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    try:
        return str(parse_wheel_filename(last)[0])
    except InvalidWheelFilename:
        pass
    try:
        return str(parse_sdist_filename(last)[0])
    except InvalidSdistFilename:
        return None


def poetry_to_pep440(constraint: str) -> str:
    """Poetry's constraint syntax as a PEP 440 specifier: "^1.2.3" → ">=1.2.3,<2.0.0", "*" → ""."""
    if "||" in constraint:
        raise ValueError(f"'{constraint}' allows either of several ranges, which one PEP 440 specifier cannot say")
    clauses = []
    for operator, version in _POETRY_TERM.findall(constraint):
        if version == "*":
            continue
        if operator == "^":
            clauses.append(f">={version},<{_bump(version, _caret_index(version))}")
        elif operator == "~":
            clauses.append(f">={version},<{_bump(version, 1 if version.count('.') >= 1 else 0)}")
        else:
            clauses.append(f"{'==' if operator in ('', '=') else operator}{version}")
    spec = ",".join(clauses)
    try:
        SpecifierSet(spec)
        return spec
    except InvalidSpecifier as error:
        raise ValueError(f"'{constraint}' is not a version constraint Poetry or pip understand") from error


def _release(version: str) -> list[int]:
    numbers = re.match(r"\d+(?:\.\d+)*", version)
    if numbers is None:
        raise ValueError(f"'{version}' is not a version")
    return [int(n) for n in numbers.group(0).split(".")]


def _caret_index(version: str) -> int:
    """^ allows changes that do not modify the left-most non-zero number."""
    release = _release(version)
    return next((i for i, n in enumerate(release) if n != 0), len(release) - 1)


def _bump(version: str, index: int) -> str:
    release = _release(version)
    release += [0] * (index + 1 - len(release))
    upper = release[:index] + [release[index] + 1]
    upper += [0] * (len(release) - len(upper))
    return ".".join(str(n) for n in upper)


def python_constraint_to_marker(constraint: str) -> Optional[str]:
    """Poetry's ``python = "^3.8"`` as a PEP 508 marker; None for "*" or no restriction."""
    spec = poetry_to_pep440(constraint)
    if not spec:
        return None
    parts = []
    for clause in SpecifierSet(spec):
        variable = "python_full_version" if clause.version.count(".") >= 2 else "python_version"
        parts.append(f'{variable} {clause.operator} "{clause.version}"')
    marker = " and ".join(sorted(parts))
    try:
        return str(Marker(marker))
    except InvalidMarker as error:
        raise ValueError(f"python restriction '{constraint}' cannot be written as a marker") from error


def conda_spec(text: str) -> tuple[str, str]:
    """A conda match spec → (name, PEP 440 specifier): "numpy=1.24" → ("numpy", "==1.24.*")."""
    match = _CONDA_SPEC.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not a conda package spec")
    name, rest = match.group(1), match.group(2).strip()
    if not rest:
        return name, ""
    if rest.startswith("=") and not rest.startswith("=="):
        version = rest[1:].split("=")[0].rstrip("*").rstrip(".")
        return name, f"=={version}.*"
    if re.match(r"[0-9]", rest):
        version = rest.split()[0].split("=")[0]
        rest = f"=={version}"
    spec = rest.split()[0]
    try:
        SpecifierSet(spec)
        return name, spec
    except InvalidSpecifier as error:
        raise ValueError(f"'{text}': the version '{rest}' cannot be read") from error
