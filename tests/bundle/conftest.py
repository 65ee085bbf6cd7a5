"""Fixtures of the bundle tests: a tiny wheelhouse, the tiny project, and pip pointed only at the wheelhouse."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.bundle.helpers import make_project, make_wheelhouse
from tests.support.wheelhouse import offline_pip_env


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    return make_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


@pytest.fixture
def pip_env(wheelhouse) -> dict[str, str]:
    return offline_pip_env(wheelhouse)


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "tiny-scorer")
