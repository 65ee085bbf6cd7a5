"""Shared fixtures: the sample prototype copied to a temp folder, and an isolated user cache."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from handoff_assistant.assets import sample_project_path

# GUI tests run without a display, also when pytest is started directly rather than through `make test`.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Caches, settings and logs of the app go to a temp folder, never the developer's home."""
    home = tmp_path_factory.mktemp("user-dirs")
    monkeypatch.setenv("HANDOFF_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("HANDOFF_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("HANDOFF_LOG_DIR", str(home / "log"))
    return home


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A private copy of the bundled sample prototype that a test may change."""
    target = tmp_path / "churn-prototype"
    shutil.copytree(sample_project_path(), target)
    return target
