"""Scan a prototype folder: ``scan_project(path, options, progress, cancel) -> ScanReport``.

Read-only: nothing is written into the scanned folder and none of its code is imported or run.
Importing this package is cheap: ``scan_project`` (scan/project.py) and the analysers load on first use, so
``handoff --help`` and the modules that only need ``ScanError`` or the report's dataclasses stay fast.
"""
from __future__ import annotations

from typing import Any

__all__ = ["ScanError", "ScanOptions", "ScanReport", "scan_project"]

_LAZY = {"ScanOptions": "handoff_assistant.scan.options", "ScanReport": "handoff_assistant.scan.report",
         "scan_project": "handoff_assistant.scan.project"}


class ScanError(Exception):
    """The scan cannot start (missing folder, a file instead of a folder); the message says what to do."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
