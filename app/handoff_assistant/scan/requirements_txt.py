"""pip requirements files: ``-r`` includes (relative to the including file, cycles guarded), ``-c``
constraints, ``-e`` lines, markers, URL/VCS lines, comments, line continuations and option lines."""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Optional

from handoff_assistant.scan.report import Problem
from handoff_assistant.scan.requirement_specs import DeclaredRequirement, parse_requirement

_COMMENT = re.compile(r"(^|\s+)#.*$")
_REQUIREMENT_OPTION = re.compile(r"\s+--?[A-Za-z][\w-]*")  # --hash=..., --config-settings ... after a requirement
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)\s*=?\s*(\S.*)$")

Reader = Callable[[str], str]  # path relative to the root → text; raises OSError/ValueError with a reason


@dataclass
class RequirementsRead:
    """What a set of requirements files declared; files are read once even when included twice."""

    requirements: list[DeclaredRequirement] = field(default_factory=list)
    constraints: list[DeclaredRequirement] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, "requirements" | "constraints")
    problems: list[Problem] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)


def read_requirements_file(path: str, read: Reader, into: RequirementsRead, kind: str = "requirements",
                           included_from: Optional[tuple[str, int]] = None) -> None:
    """Read ``path`` and everything it includes into ``into``; a bad include is reported where it is written."""
    if path in into.visited:
        return
    into.visited.add(path)
    try:
        text = read(path)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        if included_from:
            into.problems.append(Problem(included_from[0], f"line {included_from[1]}: includes {path}, "
                                                           f"which cannot be read: {reason}"))
        else:
            into.problems.append(Problem(path, f"cannot read: {reason}"))
        return
    into.files.append((path, kind))
    read_requirement_lines(path, logical_lines(text), read, into, kind)


def read_requirement_lines(path: str, lines: Iterable[tuple[int, str]], read: Reader, into: RequirementsRead,
                           kind: str = "requirements") -> None:
    """Requirement lines that belong to ``path`` (a requirements file or an environment.yml pip list)."""
    target = into.constraints if kind == "constraints" else into.requirements
    for number, line in lines:
        line = _COMMENT.sub("", line).strip()
        if not line:
            continue
        include = _INCLUDE.match(line)
        editable = _EDITABLE.match(line)
        if include:
            _follow(path, number, include.group(2), include.group(1) in ("-c", "--constraint"), read, into)
        elif editable or not line.startswith("-"):
            _add(editable.group(1) if editable else line, path, number, target, into.problems)


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """Lines with backslash continuations joined, each with the number of its first physical line."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.endswith("\\") and not _COMMENT.match(raw.strip()):
            buffer, start = buffer + raw[:-1], start or number
            continue
        yield (start or number), buffer + raw
        buffer, start = "", 0
    if buffer:
        yield start, buffer


def _add(text: str, path: str, number: int, target: list[DeclaredRequirement], problems: list[Problem]) -> None:
    option = _REQUIREMENT_OPTION.search(text)
    text = text[:option.start()] if option else text
    if text.strip() in (".", "./"):
        return  # "-e ." installs the project itself, not a dependency
    try:
        target.append(parse_requirement(text, path, number))
    except ValueError as error:
        problems.append(Problem(path, f"line {number}: {error}"))


def _follow(path: str, number: int, included: str, constraint: bool, read: Reader, into: RequirementsRead) -> None:
    if "://" in included:
        into.problems.append(Problem(path, f"line {number}: includes {included} from the network; it was not read"))
        return
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), included))
    if resolved.startswith("../") or resolved == ".." or posixpath.isabs(included):
        into.problems.append(Problem(path, f"line {number}: includes {included}, which is outside the project "
                                           f"folder; copy it into the project so the handoff can use it"))
        return
    read_requirements_file(resolved, read, into, "constraints" if constraint else "requirements", (path, number))
