"""The runner group: what runs the project's notebook entry points, locked apart from the project's dependencies.

A notebook is not a program. ``jupyter nbconvert --execute``, ``jupyter execute`` or ``papermill`` runs it, with
a kernel for its language (ipykernel for Python). Nothing in the project imports those tools, so the scan never
finds them, yet without them the entry point cannot run on the server. They are locked in their own group,
``env/requirements-runner.txt``: the production pins are part of its input, so a dependency both need keeps the
production version, and set-up installs it after the production lock. A runner the project already locks for
production needs nothing more.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Optional, Sequence

from packaging.utils import canonicalize_name

from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.scan.report import NotebookInfo

RUNNER_IN = "env/requirements-runner.in"
RUNNER_LOCK = "env/requirements-runner.txt"

# The words a command starts with (after ``python -m``, if any) -> the distribution that provides that runner.
RUNNERS: dict[tuple[str, ...], str] = {
    ("jupyter", "nbconvert"): "nbconvert",
    ("jupyter-nbconvert",): "nbconvert",
    ("nbconvert",): "nbconvert",
    ("jupyter", "execute"): "nbclient",
    ("jupyter-execute",): "nbclient",
    ("papermill",): "papermill",
}
# A notebook's kernel language -> the distribution that provides its kernel inside the Python environment.
KERNELS: dict[str, str] = {"python": "ipykernel"}
# Kernels that live outside the Python environment: what the runbook tells IT to install instead.
OTHER_KERNELS: dict[str, str] = {"r": "IRkernel in R (install.packages(\"IRkernel\"); IRkernel::installspec())"}


@dataclass(frozen=True)
class RunnerNeed:
    distribution: str
    reason: str  # for the manifest and runbook: which entry point needs it, and for what


@dataclass(frozen=True)
class RunnerPlan:
    needs: tuple[RunnerNeed, ...] = ()  # what the runner lock must hold (already-locked ones left out)
    notes: tuple[str, ...] = ()  # kernels the Python lock cannot provide

    @property
    def distributions(self) -> tuple[str, ...]:
        return tuple(need.distribution for need in self.needs)


def plan_runner_group(entry_points: Iterable[EntryPoint], notebooks: Sequence[NotebookInfo],
                      production: Iterable[str]) -> RunnerPlan:
    """The runners and kernels that the notebook entry points need and production does not lock already."""
    locked = {canonicalize_name(name) for name in production}
    languages = {nb.path: (nb.language or "").lower() for nb in notebooks}
    needs: dict[str, RunnerNeed] = {}
    notes: list[str] = []
    for entry in entry_points:
        words = command_words(entry.command)
        runner = runner_distribution(words)
        if runner is None:
            continue
        kernel_language = _kernel_language(words, languages)
        wanted = [(runner, f"runs the notebook of entry point {entry.name!r} ({' '.join(_runner_words(words))})")]
        if kernel_language in KERNELS:
            wanted.append((KERNELS[kernel_language], f"the {kernel_language.capitalize()} kernel for the notebook of "
                                                     f"entry point {entry.name!r}"))
        elif kernel_language in OTHER_KERNELS:
            notes.append(f"Entry point {entry.name!r} runs an {kernel_language.upper()} notebook: install "
                         f"{OTHER_KERNELS[kernel_language]} on the server.")
        for distribution, reason in wanted:
            if canonicalize_name(distribution) not in locked:
                needs.setdefault(distribution, RunnerNeed(distribution, reason))
    return RunnerPlan(tuple(needs.values()), tuple(notes))


def runner_distribution(words: Sequence[str]) -> Optional[str]:
    """The distribution that provides the notebook runner a command starts with, or None."""
    runner_words = tuple(_runner_words(words))
    for prefix, distribution in RUNNERS.items():
        if runner_words[:len(prefix)] == prefix:
            return distribution
    return None


def _runner_words(words: Sequence[str]) -> list[str]:
    """The command's words from the runner on: leading ``NAME=value`` settings and ``python -m`` dropped."""
    words = without_settings(words)
    if len(words) >= 3 and PurePosixPath(words[0]).name.startswith("python") and words[1] == "-m":
        words = words[2:]
    if words:
        words[0] = PurePosixPath(words[0]).name
    return words


def _kernel_language(words: Sequence[str], languages: dict[str, str]) -> str:
    """The language of the first notebook the command names; Python when the scan does not know it."""
    for word in words:
        if word.endswith(".ipynb"):
            path = PurePosixPath(word).as_posix().removeprefix("./")
            return languages.get(path) or "python"
    return "python"


def command_words(command: str) -> list[str]:
    """An entry point's command as the run script splits it; [] when it cannot be split (an unbalanced quote:
    the harness reports that itself)."""
    try:
        return shlex.split(command or "")
    except ValueError:
        return []


def without_settings(words: Sequence[str]) -> list[str]:
    """The words after the leading ``NAME=value`` settings of a command (``PYTHONHASHSEED=0 python x.py``)."""
    words = list(words)
    while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
        words.pop(0)
    return words


def runner_requirements_in(plan: RunnerPlan, production_pins: Iterable[str], project_name: str,
                           index_lines: Iterable[str] = ()) -> str:
    """env/requirements-runner.in: the production pins, so shared dependencies keep their version, and the runners."""
    lines = [f"# What runs the notebook entry points of {project_name or 'the project'}, written by handoff bundle.",
             "# Not the project's own dependencies: nothing imports them. The production pins come first so that a",
             "# dependency both need keeps the production version."]
    lines += list(index_lines)
    lines += [f"{pin}  # production pin" for pin in production_pins]
    lines += [f"{need.distribution}  # {need.reason}" for need in plan.needs]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RunnerLock:
    """The runner group as the bundle carries it: what was asked, and the lock or why there is none."""

    plan: RunnerPlan = RunnerPlan()
    requirements_in: str = ""
    requirements_txt: str = ""  # empty when nothing was needed or it could not be locked
    hashed: bool = False
    problem: str = ""  # why the lock could not be made (a warning; the harness then names what to install)

    @property
    def locked(self) -> bool:
        return bool(self.requirements_txt)

    def to_manifest(self) -> Optional[dict]:
        if not self.plan.needs and not self.plan.notes:
            return None
        return {"requirements": RUNNER_LOCK if self.locked else None, "hashed": self.hashed,
                "distributions": [{"distribution": n.distribution, "reason": n.reason} for n in self.plan.needs],
                "notes": list(self.plan.notes), "problem": self.problem or None}
