"""Where CLI output goes (stdout or -o FILE) and the terminal progress bar."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, TextIO

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.cli import UsageError
from handoff_assistant.formatting import printable_text


def write_output(text: str, output: Optional[str]) -> None:
    """Atomically: a failed write (full disk, text that cannot be encoded) leaves an existing file as it was
    and is one line (``UsageError``), not a traceback. Bytes of file names that were not UTF-8 are shown as
    ``\xff`` (a strict UTF-8 terminal or file refused them)."""
    text = printable_text(text)
    if output:
        try:
            write_text_atomically(Path(output), text)
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise UsageError(f"cannot write {output}: {reason}; an existing file was left as it was") from error
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
