"""The acceptance harness (tests/) and the scripts (scripts/) IT runs on the server.

The harness checks are plain functions with plain asserts and only the standard library: pytest runs them,
and so does tests/run_harness.py on a server where pytest is not installed (see docs/bundle-format.md).
"""
from __future__ import annotations

from typing import Iterable, Optional

from handoff_assistant.bundle.entry_points import BundleEntryPoint
from handoff_assistant.bundle.r_env import REnvironment
from handoff_assistant.bundle.runner_group import RunnerLock
from handoff_assistant.bundle.templates import render

HARNESS_FILES = ("conftest.py", "pytest.ini", "harness_support.py", "run_harness.py", "test_environment.py",
                 "test_config.py", "test_smoke.py", "test_outputs.py", "test_network.py")
R_CHECKS = "test_r_environment.py"  # only in bundles with an R environment: elsewhere it could only be skipped
QUICK_CHECKS = ("test_environment.py", "test_config.py", "test_r_environment.py")  # run_harness.py --quick
EXECUTABLE_SCRIPTS = ("scripts/setup.sh", "scripts/run.sh", "scripts/check.sh")


def harness_files(project_name: str, with_r: bool = False) -> dict[str, str]:
    names = HARNESS_FILES + ((R_CHECKS,) if with_r else ())
    return {f"tests/{name}": render(f"harness/{name}.j2", project_name=project_name, quick_checks=QUICK_CHECKS)
            for name in names}


def script_files(project_name: str, python_version: str, hashed: bool, entry_points: Iterable[BundleEntryPoint],
                 uses_python: bool = True, r: Optional[REnvironment] = None,
                 runner: Optional[RunnerLock] = None) -> dict[str, str]:
    """The scripts IT runs. ``uses_python`` False (an R-only project): any Python 3 creates the venv that runs
    the entry-point runner and harness; the target version is not required."""
    r = r or REnvironment()
    context = {"project_name": project_name, "python_version": python_version,
               "install_flags": "--require-hashes " if hashed else "", "entry_points": list(entry_points),
               "uses_python": uses_python, "r_version": r.version, "renv_lock": bool(r.lock_text),
               "r_packages": [name for name, _ in r.packages],
               "runner_lock": bool(runner and runner.locked),
               "runner_flags": "--require-hashes " if runner and runner.hashed else ""}
    return {f"scripts/{name}": render(f"scripts/{name}.j2", **context)
            for name in ("setup.sh", "setup.ps1", "run.sh", "check.sh", "handoff_run.py")}
