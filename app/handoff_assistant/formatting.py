"""Numbers and names as people read them, the same in the CLI, the reports and the GUI."""
from __future__ import annotations


def human_size(size: float) -> str:
    """``512 bytes``, ``19.6 KB``, ``1.2 GB`` (powers of 1024)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{value:,.1f} GB"


def printable_text(text: str) -> str:
    """``text`` with the bytes of a file name that were not UTF-8 shown as ``\\xff``.

    Python keeps such bytes as lone surrogates (``\\udcff``), which no UTF-8 writer accepts: a report naming
    ``bad\\xff.py`` would otherwise fail when written, or hold an invalid escape in JSON.
    """
    if text.isascii():
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file system produced ('\ud800'): shown as its code point
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
