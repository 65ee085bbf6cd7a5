"""The acceptance harness (tests/) and the scripts (scripts/) IT runs on the server.

The harness checks are plain functions with plain asserts and only the standard library: pytest runs them,
and so does tests/run_harness.py on a server where pytest is not installed (see docs/bundle-format.md).
"""
from __future__ import annotations

from typing import Iterable

from handoff_assistant.bundle.entry_points import BundleEntryPoint
from handoff_assistant.bundle.templates import render

HARNESS_FILES = ("conftest.py", "pytest.ini", "harness_support.py", "run_harness.py", "test_environment.py",
                 "test_config.py", "test_smoke.py", "test_outputs.py")
EXECUTABLE_SCRIPTS = ("scripts/setup.sh", "scripts/run.sh", "scripts/check.sh")


def harness_files(project_name: str) -> dict[str, str]:
    return {f"tests/{name}": render(f"harness/{name}.j2", project_name=project_name) for name in HARNESS_FILES}


def script_files(project_name: str, python_version: str, hashed: bool,
                 entry_points: Iterable[BundleEntryPoint]) -> dict[str, str]:
    context = {"project_name": project_name, "python_version": python_version,
               "install_flags": "--require-hashes " if hashed else "", "entry_points": list(entry_points)}
    return {f"scripts/{name}": render(f"scripts/{name}.j2", **context)
            for name in ("setup.sh", "setup.ps1", "run.sh", "check.sh", "handoff_run.py")}
