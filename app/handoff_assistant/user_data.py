"""The app's own folder for what it keeps between runs (the sample's copy, fix backups); Qt-free.

``HANDOFF_DATA_DIR`` overrides it (the tests use it to stay isolated). The GUI, the portfolio store and the fix
engine all take the folder from here.
"""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "handoff-assistant"


def user_data_dir() -> Path:
    return Path(os.environ.get("HANDOFF_DATA_DIR") or platformdirs.user_data_dir(APP_NAME, appauthor=False))


def fix_backup_root() -> Path:
    """Where ``apply_fixes`` keeps the backups and records Undo needs: never inside the project."""
    return user_data_dir() / "fix-backups"
