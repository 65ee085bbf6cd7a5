"""Per-file scan results cached by path, size and mtime in the user's cache folder.

One file per scanned root (named by a hash of its resolved path) under ``<cache>/scans/``, where ``<cache>``
is ``ScanOptions.cache_dir``, else ``$HANDOFF_CACHE_DIR``, else platformdirs' user cache folder. A cache
written by another tool version, analysis version or text cap is ignored, and so is a corrupt one: the scan
then analyses every file again and rewrites it. The file is replaced atomically, so a crash or a concurrent
scan never leaves half a cache.

The format is pickle: on 50,000 files it loads several times faster than JSON rebuilt into dataclasses, and
the cache is as trusted as the rest of the user's private cache folder (it is created only readable by them).
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, get_args, get_type_hints

from platformdirs import user_cache_dir

from handoff_assistant.atomic_files import atomic_file
from handoff_assistant import __version__
from handoff_assistant.scan.analysis import ANALYSIS_VERSION, FileAnalysis
from handoff_assistant.scan.files import FileEntry

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
CACHE_DIR_ENV = "HANDOFF_CACHE_DIR"


def default_cache_dir() -> Path:
    """The app's cache folder: $HANDOFF_CACHE_DIR, else the user cache folder of the platform."""
    return Path(os.environ.get(CACHE_DIR_ENV) or user_cache_dir("handoff-assistant", appauthor=False))


class ScanCache:
    """Cached analyses of one root. Only the files seen by the current scan are written back."""

    def __init__(self, root: Path, cache_dir: Optional[Path], max_text_bytes: int) -> None:
        key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.path = (cache_dir or default_cache_dir()) / "scans" / f"{key}.pickle"
        self._header = (CACHE_FORMAT, ANALYSIS_VERSION, __version__, _SCHEMA, str(root.resolve()), max_text_bytes)
        self._stored = self._load()
        self._current: dict[str, tuple[int, int, FileAnalysis]] = {}
        self._changed = False

    def _load(self) -> dict[str, tuple[int, int, FileAnalysis]]:
        try:
            with open(self.path, "rb") as handle, collector_paused():
                header, entries = pickle.load(handle)
        except Exception:  # missing, truncated, corrupt or from an incompatible version: start afresh
            return {}
        return entries if header == self._header and isinstance(entries, dict) else {}

    def get(self, entry: FileEntry) -> Optional[FileAnalysis]:
        hit = self._stored.get(entry.path)
        if hit is None or hit[0] != entry.size or hit[1] != entry.mtime_ns or not isinstance(hit[2], FileAnalysis):
            return None
        self._current[entry.path] = hit
        return hit[2]

    def put(self, entry: FileEntry, analysis: FileAnalysis) -> None:
        self._current[entry.path] = (entry.size, entry.mtime_ns, analysis)
        self._changed = True

    def save(self) -> None:
        """Write the cache if anything changed (new, changed or deleted files). A failure to write is not an
        error for the scan: the next one is just slower."""
        if not self._changed and len(self._current) == len(self._stored):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(self.path, binary=True) as handle, collector_paused():
                pickle.dump((self._header, self._current), handle, protocol=pickle.HIGHEST_PROTOCOL)
        except (OSError, pickle.PicklingError) as error:
            log.warning("could not write the scan cache %s: %s", self.path, error)
            return
        self._stored, self._changed = self._current, False


def _schema_of(cls: Any, seen: Optional[dict[str, tuple[str, ...]]] = None) -> dict[str, tuple[str, ...]]:
    """Field names of ``cls`` and of every dataclass it holds: a cache pickled before a field was added or
    renamed would otherwise come back as objects without it."""
    seen = {} if seen is None else seen
    if dataclasses.is_dataclass(cls) and cls.__qualname__ not in seen:
        seen[cls.__qualname__] = tuple(f.name for f in dataclasses.fields(cls))
        for hint in get_type_hints(cls).values():
            _schema_of(hint, seen)
    for argument in get_args(cls):
        _schema_of(argument, seen)
    return seen


_SCHEMA = hashlib.sha256(repr(sorted(_schema_of(FileAnalysis).items())).encode()).hexdigest()[:16]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: (un)pickling 50,000 analyses creates millions of objects, and the
    collections this triggers make loading the cache five times slower, and a warm scan of 50,000 files
    half again slower. The objects hold no cycles; what little cyclic garbage a scan leaves (exception
    tracebacks) is collected once the collector resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
