"""The whole environment of a bundle, decided once and shown everywhere (manifest, runbook, scripts, container):
the target Python and where it came from, the production and development groups, the R environment, the system
packages and the accelerator notes."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from handoff_assistant.bundle import accelerator, groups, r_env, system_packages
from handoff_assistant.bundle.runner_group import RunnerLock
from handoff_assistant.bundle.lock import LockResult
from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.scan.declared import read_declared
from handoff_assistant.scan.python_version import INTERPRETER, choose_target_python, describe, minor_version
from handoff_assistant.scan.report import PythonVersionSource, ScanReport

APP_PYTHON = "%d.%d" % sys.version_info[:2]


@dataclass(frozen=True)
class TargetPythonChoice:
    version: str  # major.minor the bundle is built for
    full_version: str  # "3.8.10" when a patch release is known (for the container's base image), else version
    source: str  # "--target-python", or how describe() names the chosen source
    sources: tuple[PythonVersionSource, ...] = ()
    conflicts: tuple[str, ...] = ()

    def to_manifest(self, engine: str) -> dict[str, Any]:
        return {"version": self.version, "full_version": self.full_version, "from": self.source,
                "sources": [{"version": s.version, "source": s.source,
                             "file": "" if s.source == INTERPRETER else s.file, "shown": describe(s, with_path=False)}
                            for s in self.sources],
                "conflicts": list(self.conflicts), "locked_for": locked_for(engine, self.version)}


def locked_for(engine: str, version: str) -> str:
    """The Python the lock was resolved for: pip-tools can only resolve for the interpreter that runs it."""
    return APP_PYTHON if engine == "pip-tools" else version


def target_python(report: ScanReport, requested: Optional[str]) -> TargetPythonChoice:
    """``--target-python`` when given; else the project's own record (see scan/python_version.py)."""
    sources = report.python_versions
    chosen = choose_target_python(sources)
    conflicts = tuple(_without_interpreter_path(c.sentence, report) for c in chosen.conflicts)
    if requested:
        version = minor_version(requested) or requested
        return TargetPythonChoice(version, _full_version(requested, version, sources), "--target-python", sources,
                                  conflicts)
    if chosen.version:
        return TargetPythonChoice(chosen.version, _full_version(chosen.chosen.version, chosen.version, sources),
                                  describe(chosen.chosen, with_path=False), sources, conflicts)
    version = minor_version(report.target.python_version) or APP_PYTHON
    source = "the scanned interpreter" if report.target.python_version else "the app's own Python (nothing else answered)"
    return TargetPythonChoice(version, _full_version(report.target.python_version, version, sources), source, sources,
                              conflicts)


def _without_interpreter_path(sentence: str, report: ScanReport) -> str:
    path = report.target.interpreter
    return sentence.replace(f"the scanned interpreter {path}", "the scanned interpreter") if path else sentence


def _full_version(text: str, version: str, sources: tuple[PythonVersionSource, ...]) -> str:
    """A patch release of ``version``: from the chosen text, else from any source (the interpreter first)."""
    for candidate in [text] + [s.version for s in sorted(sources, key=lambda s: s.source != INTERPRETER)]:
        parts = (candidate or "").strip().split(".")
        if len(parts) >= 3 and minor_version(candidate) == version and parts[2].isdigit():
            return ".".join(parts[:3])
    return version


@dataclass(frozen=True)
class EnvironmentPlan:
    python: TargetPythonChoice
    grouped: tuple[groups.GroupedDependency, ...]
    r: r_env.REnvironment
    system: system_packages.SystemPackages
    accelerator_notes: tuple[accelerator.AcceleratorNote, ...] = ()
    runner: RunnerLock = RunnerLock()  # what runs the notebook entry points (runner_group.py)

    def development_names(self) -> tuple[str, ...]:
        return tuple(g.dependency.distribution for g in self.grouped
                     if g.group == groups.DEVELOPMENT and g.dependency.distribution)

    def groups_manifest(self) -> dict[str, list[dict[str, str]]]:
        result: dict[str, list[dict[str, str]]] = {groups.PRODUCTION: [], groups.DEVELOPMENT: []}
        for item in self.grouped:
            name = item.dependency.distribution or ", ".join(item.dependency.import_names)
            result[item.group].append({"distribution": name, "reason": item.reason})
        return result


def plan_groups(root: Path, report: ScanReport, project: ProjectFile,
                include_dev: bool) -> tuple[groups.GroupedDependency, ...]:
    declared = read_declared(root, [f.path for f in report.declared_files]).requirements
    commands = [entry.command for entry in project.entry_points]
    return groups.split_groups(report.dependencies, declared, commands, include_dev)


def plan_r(root: Path, report: ScanReport) -> r_env.REnvironment:
    return r_env.r_environment(root, report.lock_files, report.r_packages)


def plan_system(r: r_env.REnvironment, report: ScanReport, lock: LockResult,
                grouped: tuple[groups.GroupedDependency, ...], project: ProjectFile) -> system_packages.SystemPackages:
    """System packages for every locked R package (the lock travels whole) and every production distribution."""
    r_names = {name for name, _ in r.packages} | {p.name for p in report.r_packages if not p.base}
    python_names = {d.name for d in lock.locked} | {g.dependency.distribution for g in grouped
                                                     if g.group == groups.PRODUCTION and g.dependency.distribution}
    return system_packages.system_packages(r_names, python_names, project.system_packages)
