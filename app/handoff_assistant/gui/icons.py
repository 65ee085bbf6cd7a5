"""SVG icons shipped in resources/icons (crisp at any DPI)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from handoff_assistant.assets import resource_path


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    if not path.is_file():
        raise FileNotFoundError(f"No icon named {name!r} in resources/icons")
    return QIcon(str(path))
