"""What can be known of a bundle's run before any of its code runs.

An entry point whose program is neither on PATH nor provided by the bundle's lock cannot run, whatever the
harness does; saying so first means IT learns it without being asked to let the bundle's code run, and a run
without a terminal (no ``--yes``) still reports the real failure instead of only refusing.
"""
from __future__ import annotations

import shutil
from typing import Iterator

from packaging.utils import canonicalize_name

from handoff_assistant.bundle.contents import BundleContents, lock_rows
from handoff_assistant.bundle.runner_group import RUNNER_LOCK, command_words, without_settings
from handoff_assistant.bundle.verification_record import CheckResult
from handoff_assistant.outcome import FAILED

LOCK_FILE = "env/requirements.txt"
# Programs the bundle's own environment provides whatever the lock holds (setup creates a venv).
VENV_PROGRAMS = frozenset({"python", "python3", "pip", "pip3"})
# Programs a locked distribution of another name provides (their console scripts).
PROVIDED_BY = {"jupyter": ("jupyter-core", "nbconvert", "nbclient", "notebook", "jupyterlab"),
               "papermill": ("papermill",), "streamlit": ("streamlit",), "uvicorn": ("uvicorn",)}


def missing_programs(contents: BundleContents) -> tuple[CheckResult, ...]:
    """One failed check per entry point whose program neither PATH nor the bundle's lock provides."""
    locked = {canonicalize_name(row.distribution) for path in (LOCK_FILE, RUNNER_LOCK)
              for row in lock_rows(contents.text(path) or "")}
    return tuple(_missing(contents.manifest.get("entry_points") or (), locked))


def _missing(entry_points, locked: set[str]) -> Iterator[CheckResult]:
    for entry in entry_points:
        program = _program(str(entry.get("command") or ""))
        if program is None or _provided(program, locked):
            continue
        name = entry.get("name", "?")
        yield CheckResult(f"entry point {name}: its program is available", FAILED,
                          f"{name!r} needs the program {program}, which is neither on PATH nor provided by the "
                          f"bundle's lock. Install {program} on this machine, then run the check again.")


def _program(command: str) -> str | None:
    """The command's program (after leading ``NAME=value`` settings); None when there is nothing to look up."""
    words = without_settings(command_words(command))
    return words[0] if words else None


def _provided(program: str, locked: set[str]) -> bool:
    if program in VENV_PROGRAMS or "/" in program:  # a script inside the bundle: the harness runs it
        return True
    if shutil.which(program):
        return True
    return canonicalize_name(program) in locked or any(d in locked for d in PROVIDED_BY.get(program, ()))
