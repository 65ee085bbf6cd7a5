"""Shared scan fixtures: one real target virtual environment per test session, with tiny wheels installed.

The venv is made without pip (fast) and filled by the test runner's own pip through ``--python``, from
a local wheelhouse, offline. Its distributions mimic what the resolver must handle: an import name that
differs from the distribution name, a namespace package shared by several distributions, a wheel
without top_level.txt, and a distribution with requirements.
"""
from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env

TARGET_WHEELS = [
    WheelSpec("tiny-sklearn", "1.3.2", {"sklearn_tiny/__init__.py": "", "sklearn_tiny/ensemble.py": ""}),
    WheelSpec("acme-cloud-bigquery", "3.1.0", {"acme/cloud/bigquery/__init__.py": "",
                                               "acme/cloud/bigquery/client.py": ""}),
    WheelSpec("acme-cloud-storage", "2.0.0", {"acme/cloud/storage/__init__.py": ""}),
    WheelSpec("acme-protobuf", "4.25.0", {"acme/protobuf/__init__.py": ""}),
    WheelSpec("modern-lib", "0.5.0", {"modern_core/__init__.py": "", "modern_core/io.py": "",
                                      "modern_helpers.py": ""}, top_level_txt=False),
    WheelSpec("tiny-core", "1.2.0"),
    WheelSpec("tiny-app", "0.3.0", requires=("tiny-core>=1.0", "acme-protobuf; python_version >= '3.8'")),
]


def venv_python(env_dir: Path) -> Path:
    windows = env_dir / "Scripts" / "python.exe"
    return windows if windows.exists() else env_dir / "bin" / "python"


def pip_install(python: Path, wheelhouse: Path, *names: str) -> None:
    """Install ``names`` into the venv of ``python`` with the test runner's pip, from ``wheelhouse`` only."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", *names],
                   check=True, env=offline_pip_env(wheelhouse), capture_output=True)


@pytest.fixture(scope="session")
def target_wheelhouse(tmp_path_factory) -> Path:
    return build_wheelhouse(tmp_path_factory.mktemp("target-wheels"), TARGET_WHEELS)


@pytest.fixture(scope="session")
def target_python(tmp_path_factory, target_wheelhouse) -> Path:
    """The interpreter of a real venv holding every TARGET_WHEELS distribution (and nothing of the app)."""
    env_dir = tmp_path_factory.mktemp("target-env") / "venv"
    venv.create(env_dir, with_pip=False, symlinks=sys.platform != "win32")
    python = venv_python(env_dir)
    pip_install(python, target_wheelhouse, *(spec.name for spec in TARGET_WHEELS))
    return python
