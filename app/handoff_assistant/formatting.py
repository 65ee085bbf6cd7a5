"""Numbers as people read them, the same in the CLI, the reports and the GUI."""
from __future__ import annotations


def human_size(size: float) -> str:
    """``512 bytes``, ``19.6 KB``, ``1.2 GB`` (powers of 1024)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} GB"
