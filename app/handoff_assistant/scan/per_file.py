"""The per-file pass of a scan: cached results first, then the rest analysed, in worker processes when many.

Files are independent, so a cold scan of a big tree spreads them over a process pool (``spawn``: safe from a
GUI thread, and no Qt state is inherited; a frozen executable must call ``multiprocessing.freeze_support()``). Small scans and warm rescans stay in-process, where starting
workers would cost more than it saves. Either way the cancel token is checked before every file and an
unexpected error in a detector becomes a problem for that file, never the end of the scan.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import time
from concurrent import futures
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import Iterator, Optional

from handoff_assistant.scan.analysis import FileAnalysis, analyse_file
from handoff_assistant.scan.cache import ScanCache
from handoff_assistant.scan.files import FileEntry
from handoff_assistant.scan.options import ScanOptions
from handoff_assistant.scan.report import Problem
from handoff_assistant.tasks import Cancelled, CancelToken, ProgressCallback, cancellable

log = logging.getLogger(__name__)

PARALLEL_MIN_FILES = 300  # below this, worker start-up (~0.5 s each) costs more than it saves
_CHUNK = 8  # files per task sent to a worker: small, so a cancel is never far behind
_PROGRESS_INTERVAL = 0.1  # seconds between progress reports; a GUI needs no more


def analyse_entries(
    root: Path,
    entries: tuple[FileEntry, ...],
    options: ScanOptions,
    cache: Optional[ScanCache],
    progress: ProgressCallback,
    cancel: CancelToken,
) -> list[FileAnalysis]:
    """One FileAnalysis per entry, in the entries' order."""
    results: list[Optional[FileAnalysis]] = [cache.get(entry) if cache else None for entry in entries]
    missing = [index for index, result in enumerate(results) if result is None]
    throttle = _Throttle(progress, len(entries))
    done = len(entries) - len(missing)
    analysed = _analysed(root, [entries[i] for i in missing], options, cancel)
    try:
        for index in missing:
            cancel.raise_if_cancelled()
            throttle.report(done, entries[index].path)
            result = next(analysed)
            if cache:
                cache.put(entries[index], result)
            results[index] = result
            done += 1
    finally:
        analysed.close()  # stops the worker processes at once on a cancel or an error
    cancel.raise_if_cancelled()
    progress(len(entries), len(entries), "Files analysed")
    return results  # type: ignore[return-value]  # every None was replaced


def _worker_count(options: ScanOptions, files: int) -> int:
    if files < 2:
        return 1
    if options.workers is not None:
        return max(1, options.workers)
    return min(os.cpu_count() or 1, 4) if files >= PARALLEL_MIN_FILES else 1


def _analysed(root: Path, entries: list[FileEntry], options: ScanOptions, cancel: CancelToken
              ) -> Iterator[FileAnalysis]:
    """Analyses of ``entries`` in order, lazily. While waiting for a worker the cancel token is polled, so a
    slow file does not delay a cancel; leaving the generator (cancel, error, close) drops the pending work.
    If a worker process dies (killed, out of memory) the rest is analysed in this process."""
    analyse_chunk = partial(_analyse_chunk, root, options.max_text_bytes)
    chunks = [entries[start:start + _CHUNK] for start in range(0, len(entries), _CHUNK)]
    workers = _worker_count(options, len(entries))
    if workers <= 1:
        for chunk in chunks:
            with cancellable(cancel):  # a long file checks the token while it is analysed
                results = analyse_chunk(chunk)
            yield from results
        return
    executor = futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        submitted = [executor.submit(analyse_chunk, chunk) for chunk in chunks]
        broken = False
        for chunk, future in zip(chunks, submitted):
            results = None if broken else _result(future, cancel)
            if results is None and not broken:
                broken = True
                log.warning("a scan worker process stopped; analysing the remaining files in this process")
            yield from analyse_chunk(chunk) if results is None else results
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def _analyse_chunk(root: Path, max_text_bytes: int, entries: list[FileEntry]) -> list[FileAnalysis]:
    return [analyse_safely(root, entry, max_text_bytes) for entry in entries]


def _result(future: futures.Future, cancel: CancelToken) -> Optional[list[FileAnalysis]]:
    """The future's analyses, polling the cancel token meanwhile; None when the worker pool broke."""
    while True:
        cancel.raise_if_cancelled()
        try:
            return future.result(timeout=_PROGRESS_INTERVAL)
        except futures.TimeoutError:
            continue
        except BrokenProcessPool:
            return None


def analyse_safely(root: Path, entry: FileEntry, max_text_bytes: int) -> FileAnalysis:
    """``analyse_file``, except that a bug in a detector costs one file, not the scan."""
    try:
        return analyse_file(root, entry, max_text_bytes)
    except Cancelled:
        raise
    except Exception as error:  # noqa: BLE001 - reported as a problem with the file, and logged
        log.exception("analysing %s failed", entry.path)
        reason = f"could not be analysed ({type(error).__name__}: {error}); please report this"
        return FileAnalysis(path=entry.path, problems=(Problem(entry.path, reason),))


class _Throttle:
    """Passes progress on at most every ``_PROGRESS_INTERVAL`` seconds (and always the first time)."""

    def __init__(self, progress: ProgressCallback, total: int) -> None:
        self._progress, self._total, self._last = progress, total, float("-inf")

    def report(self, done: int, message: str) -> None:
        now = time.monotonic()
        if now - self._last >= _PROGRESS_INTERVAL:
            self._progress(done, self._total, message)
            self._last = now

