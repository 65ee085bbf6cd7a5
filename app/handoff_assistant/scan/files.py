"""Which files a scan looks at, and reading their text safely.  (STUB — to be completed)"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from handoff_assistant.scan.report import Problem, SkippedFile
from handoff_assistant.tasks import CancelToken

DEFAULT_IGNORED_DIRS = frozenset(
    {".git", ".venv", "venv", "env", "__pycache__", ".ipynb_checkpoints", "node_modules", "build", "dist"}
)


@dataclass(frozen=True)
class FileEntry:
    path: str  # posix, relative to the root
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FileInventory:
    entries: tuple[FileEntry, ...]
    skipped: tuple[SkippedFile, ...] = ()
    problems: tuple[Problem, ...] = ()
    listing: str = "walk"  # "git" or "walk"


@dataclass(frozen=True)
class TextContent:
    text: str
    encoding: str
    truncated: bool = False


class NotText(Exception):
    """The file is not text the scan can analyse (binary, too large); ``reason`` is a SkippedFile reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def list_files(root: Path, cancel: CancelToken) -> FileInventory:
    entries = []
    for dirpath, dirnames, filenames in os.walk(root):
        cancel.raise_if_cancelled()
        dirnames[:] = sorted(d for d in dirnames if d not in DEFAULT_IGNORED_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            stat = full.stat()
            entries.append(FileEntry(full.relative_to(root).as_posix(), stat.st_size, stat.st_mtime_ns))
    return FileInventory(tuple(entries))


def read_text(path: Path, max_bytes: int) -> TextContent:
    data = path.read_bytes()[:max_bytes]
    if b"\0" in data[:8192]:
        raise NotText("binary")
    return TextContent(data.decode("utf-8", errors="replace"), "utf-8")
