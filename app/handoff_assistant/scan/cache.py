"""Per-file scan results cached by path, size and mtime in the user's cache folder.  (STUB)"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from handoff_assistant.scan.analysis import FileAnalysis
from handoff_assistant.scan.files import FileEntry


class ScanCache:
    def __init__(self, root: Path, cache_dir: Optional[Path]) -> None:
        self._entries: dict[str, tuple[int, int, FileAnalysis]] = {}

    def get(self, entry: FileEntry) -> Optional[FileAnalysis]:
        hit = self._entries.get(entry.path)
        return hit[2] if hit and hit[:2] == (entry.size, entry.mtime_ns) else None

    def put(self, entry: FileEntry, analysis: FileAnalysis) -> None:
        self._entries[entry.path] = (entry.size, entry.mtime_ns, analysis)

    def save(self) -> None:
        pass
