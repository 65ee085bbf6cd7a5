"""Per-file scan results cached by path, size and mtime in the user's cache folder.

One file per scanned root (named by a hash of its resolved path) under ``<cache>/scans/``, where ``<cache>``
is ``ScanOptions.cache_dir``, else ``$HANDOFF_CACHE_DIR``, else platformdirs' user cache folder. A cache
written by another tool version, analysis version or text cap is ignored, and so is a corrupt one: the scan
then analyses every file again and rewrites it. The file is replaced atomically, so a crash or a concurrent
scan never leaves half a cache.

The cache holds snippets of the user's code (findings quote the secret-looking lines, masked), so it is private:
the file is 0600 and the ``scans`` folder 0700. It is JSON, never pickle: a cache file someone else could write
must not be able to run code when the next scan loads it. For the same reason a cache file owned by another
user, or writable by others, is ignored (a planted cache could hide findings).

It is read with msgspec's typed decoder, which checks every value against the dataclasses' annotations and
builds them in C: a warm rescan is mostly this load (10,000 files: about 0.05 s instead of 0.3 s through the
generic ``serialization.from_jsonable``). A value of the wrong type makes the whole file ignored. msgspec
writes only UTF-8, so the rare analysis of a file whose name is not UTF-8 (a lone surrogate in Python) goes
into ``escaped`` as ASCII text of the standard ``json`` module, read back through ``msgspec.convert`` with the
same types, so a tampered entry there is refused too.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import logging
import os
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional, get_args, get_type_hints

import msgspec
from platformdirs import user_cache_dir

from handoff_assistant.atomic_files import atomic_file
from handoff_assistant import __version__
from handoff_assistant.scan.analysis import ANALYSIS_VERSION, FileAnalysis
from handoff_assistant.scan.files import FileEntry

log = logging.getLogger(__name__)

CACHE_FORMAT = 2  # 1 was pickle (loaded with pickle.load: a planted file ran code)
CACHE_DIR_ENV = "HANDOFF_CACHE_DIR"


def default_cache_dir() -> Path:
    """The app's cache folder: $HANDOFF_CACHE_DIR, else the user cache folder of the platform."""
    return Path(os.environ.get(CACHE_DIR_ENV) or user_cache_dir("handoff-assistant", appauthor=False))


class ScanCache:
    """Cached analyses of one root. Only the files seen by the current scan are written back."""

    def __init__(self, root: Path, cache_dir: Optional[Path], max_text_bytes: int) -> None:
        key = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        folder = (cache_dir or default_cache_dir()) / "scans"
        self.path = folder / f"{key}.json"
        self._legacy_path = folder / f"{key}.pickle"  # format 1, world-readable: removed when this one is saved
        self._header = [CACHE_FORMAT, ANALYSIS_VERSION, __version__, _SCHEMA, str(root.resolve()), max_text_bytes]
        self._stored = self._load()
        self._current: dict[str, tuple[int, int, FileAnalysis]] = {}
        self._changed = False

    def _load(self) -> dict[str, tuple[int, int, FileAnalysis]]:
        try:
            with open(self.path, "rb") as handle, collector_paused():
                if not _is_private_to_us(os.fstat(handle.fileno())):
                    return {}
                stored = _DECODER.decode(handle.read())
                if stored.header != self._header:
                    return {}
                stored.entries.update(_unescaped(stored.escaped))
                return stored.entries
        except Exception:  # missing, truncated, corrupt, foreign or from an incompatible version: start afresh
            return {}

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
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(self.path.parent, 0o700)
            encoded = _encoded(_Stored(self._header, self._current))
            with atomic_file(self.path, binary=True, permissions=0o600) as handle:
                handle.write(encoded)
            self._legacy_path.unlink(missing_ok=True)
        except (OSError, TypeError, ValueError) as error:
            log.warning("could not write the scan cache %s: %s", self.path, error)
            return
        self._stored, self._changed = self._current, False


class _Stored(msgspec.Struct):
    """The cache file: ``{"header": [...], "entries": {path: [size, mtime_ns, analysis]}, "escaped": [...]}``."""

    header: list[Any]
    entries: dict[str, tuple[int, int, FileAnalysis]]
    escaped: list[str] = []  # entries with a string that is not UTF-8, as ASCII JSON text of [path, size, mtime, analysis]


_DECODER = msgspec.json.Decoder(_Stored)
_ENCODER = msgspec.json.Encoder()


def _encoded(stored: _Stored) -> bytes:
    try:
        return _ENCODER.encode(stored)
    except UnicodeEncodeError:  # a file name that is not UTF-8 somewhere: set those few entries apart
        pass
    plain, escaped = {}, []
    for path, (size, mtime, analysis) in stored.entries.items():
        try:
            _ENCODER.encode((path, analysis))
            plain[path] = (size, mtime, analysis)
        except UnicodeEncodeError:
            escaped.append(json.dumps(msgspec.to_builtins((path, size, mtime, analysis)), ensure_ascii=True))
    return _ENCODER.encode(_Stored(stored.header, plain, escaped))


def _unescaped(escaped: list[str]) -> dict[str, tuple[int, int, FileAnalysis]]:
    """The set-apart entries, typed as strictly as the others: a wrong type raises (the cache is then ignored)."""
    entries = {}
    for text in escaped:
        path, size, mtime, analysis = msgspec.convert(json.loads(text), tuple[str, int, int, FileAnalysis])
        entries[path] = (size, mtime, analysis)
    return entries


def _is_private_to_us(status: os.stat_result) -> bool:
    """A regular file of this user that nobody else can write (always true where there are no owners)."""
    if not hasattr(os, "getuid"):
        return stat.S_ISREG(status.st_mode)
    return (stat.S_ISREG(status.st_mode) and status.st_uid == os.getuid()
            and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def _schema_of(cls: Any, seen: Optional[dict[str, tuple[str, ...]]] = None) -> dict[str, tuple[str, ...]]:
    """Field names of ``cls`` and of every dataclass it holds: a cache written before a field was added or
    renamed would otherwise come back as objects without it (or with its default)."""
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
    """Pause the cyclic garbage collector: loading or writing 50,000 analyses creates millions of objects, and
    the collections this triggers make loading the cache several times slower, and a warm scan of 50,000 files
    half again slower. The objects hold no cycles; what little cyclic garbage a scan leaves (exception
    tracebacks) is collected once the collector resumes."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
