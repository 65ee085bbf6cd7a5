"""The handoff bundle: build it (writer), open it safely (reader) and verify it (docs/bundle-format.md).

Importing this package is cheap: the names below load their module on first use, so the CLI's argument
definitions (``bundle.options.ENGINES``) do not pull in the writer, jinja2 and the scan.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "BundleError": "options", "BundleOptions": "options", "BundleResult": "options", "LockError": "options",
    "NotReadyError": "options", "UnsafeBundleError": "options", "OpenedBundle": "reader", "open_bundle": "reader",
    "VerificationResult": "verify", "verify_bundle": "verify", "build_bundle": "writer",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"handoff_assistant.bundle.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
