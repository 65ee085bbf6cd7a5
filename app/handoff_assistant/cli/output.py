"""Where CLI output goes (stdout or -o FILE) and the terminal progress bar."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO


def write_output(text: str, output: Optional[str]) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


class TerminalProgress:
    """A one-line progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: Optional[TextIO] = None) -> None:
        self._stream = sys.stderr if stream is None else stream  # now, not at import: tests swap it
        self._active = self._stream.isatty()

    def __call__(self, done: int, total: int, message: str) -> None:
        if not self._active:
            return
        if total:
            filled = int(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            line = f"[{bar}] {done}/{total} {message}"
        else:
            line = message
        self._stream.write("\r" + line[:100].ljust(100))
        self._stream.flush()

    def finish(self) -> None:
        if self._active:
            self._stream.write("\r" + " " * 100 + "\r")
            self._stream.flush()
