"""Production and development groups: what the service needs at run time, and what only tests and exploration need.

A distribution is *development* when every place that imports it is a test file or a notebook that no entry point
runs, or, when nothing imports it, when every declaration of it is in a development file (requirements-dev.txt,
requirements/test.txt ...) or group (pyproject ``optional-dependencies`` dev/test/docs, ``dependency-groups``,
Poetry's dev group). Production is everything else. ``--include-dev`` puts everything in production, as before.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Sequence

from packaging.utils import canonicalize_name

from handoff_assistant.scan.report import Dependency
from handoff_assistant.scan.requirement_specs import DeclaredRequirement

PRODUCTION = "production"
DEVELOPMENT = "development"
_DEV_WORDS = r"(dev|develop|development|test|tests|testing|lint|docs|doc|notebook|notebooks)"
_DEV_FILE = re.compile(rf"(^|/)((requirements[-_.]{_DEV_WORDS}|{_DEV_WORDS}[-_]requirements)[^/]*"
                       rf"|requirements/{_DEV_WORDS})\.(txt|in)$", re.IGNORECASE)
_DEV_GROUP = re.compile(rf"^(dev|(optional|group):{_DEV_WORDS})$", re.IGNORECASE)
_TEST_FOLDERS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True)
class GroupedDependency:
    dependency: Dependency
    group: str  # PRODUCTION or DEVELOPMENT
    reason: str  # why it is in that group, for the manifest and runbook


def is_test_file(path: str) -> bool:
    pure = PurePosixPath(path)
    return (bool(_TEST_FOLDERS & {part.lower() for part in pure.parts[:-1]}) or pure.name == "conftest.py"
            or pure.name.startswith("test_") or pure.stem.endswith("_test"))


def is_dev_declaration_file(path: str) -> bool:
    return bool(_DEV_FILE.search(path))


def split_groups(dependencies: Iterable[Dependency], declared: Sequence[DeclaredRequirement],
                 entry_commands: Sequence[str], include_dev: bool = False) -> tuple[GroupedDependency, ...]:
    """Each dependency with its group and the reason, in the scan's order."""
    dev_only = _declared_only_for_development(declared)
    grouped = []
    for dep in dependencies:
        if include_dev:
            grouped.append(GroupedDependency(dep, PRODUCTION, "--include-dev: every dependency is locked together"))
            continue
        reason = _development_reason(dep, dev_only, entry_commands)
        grouped.append(GroupedDependency(dep, DEVELOPMENT, reason) if reason else
                       GroupedDependency(dep, PRODUCTION, _production_reason(dep)))
    return tuple(grouped)


def _development_reason(dep: Dependency, dev_only: set[str], entry_commands: Sequence[str]) -> str:
    if dep.sources:
        places = {source.file for source in dep.sources}
        kinds = {_dev_place(place, entry_commands) for place in places}
        if "" in kinds:
            return ""
        return "imported only in " + " and ".join(sorted(kinds)) + f" ({', '.join(sorted(places)[:3])})"
    if dep.distribution and canonicalize_name(dep.distribution) in dev_only:
        return "declared only as a development dependency"
    files = [where.rsplit(":", 1)[0] for where in dep.declared_in]
    if files and all(is_dev_declaration_file(f) for f in files):
        return f"declared only in {', '.join(sorted(set(files)))}"
    return ""


def _dev_place(path: str, entry_commands: Sequence[str]) -> str:
    """'tests', 'notebooks no entry point runs', or '' for a production place."""
    if is_test_file(path):
        return "tests"
    if path.endswith(".ipynb") and not any(path in command for command in entry_commands):
        return "notebooks no entry point runs"
    return ""


def _production_reason(dep: Dependency) -> str:
    if dep.sources:
        first = dep.sources[0]
        return f"imported by the code ({first.file}:{first.line})"
    return "declared for production" + (f" ({dep.declared_in[0]})" if dep.declared_in else "")


def _declared_only_for_development(declared: Sequence[DeclaredRequirement]) -> set[str]:
    groups: dict[str, set[bool]] = {}
    for requirement in declared:
        dev = bool(_DEV_GROUP.match(requirement.group)) or is_dev_declaration_file(requirement.file)
        groups.setdefault(canonicalize_name(requirement.name), set()).add(dev)
    return {name for name, kinds in groups.items() if kinds == {True}}
