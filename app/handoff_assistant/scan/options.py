"""What a scan may be told: which interpreter is the target, caps, and where its cache lives."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

DEFAULT_MAX_TEXT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ScanOptions:
    python: Optional[str] = None  # target interpreter (path or command); None = project env, then PATH
    max_text_bytes: int = DEFAULT_MAX_TEXT_BYTES  # text analysis cap per file; larger files are data
    use_cache: bool = True  # per-file results cached by path, size and mtime
    cache_dir: Optional[Path] = None  # None = the user's cache folder
    workers: Optional[int] = None  # processes for the per-file pass; None = CPU count for big cold scans
