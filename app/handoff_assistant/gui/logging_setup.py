"""The app's log file: details of every error go here, the user sees a sentence."""
from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from handoff_assistant.gui.settings import APP_NAME

LOG_FILE_NAME = "handoff-assistant.log"


def log_dir() -> Path:
    return Path(os.environ.get("HANDOFF_LOG_DIR") or platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging() -> Path:
    """Send the package's log records to a rotating file in the user's log folder; returns its path."""
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOG_FILE_NAME
    logger = logging.getLogger("handoff_assistant")
    if not any(isinstance(h, RotatingFileHandler) and Path(h.baseFilename) == path for h in logger.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return path
