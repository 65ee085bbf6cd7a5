"""The contract between long-running core work and whoever shows it (CLI progress bar, GUI worker).

Core functions take ``progress(done, total, message)`` and a ``CancelToken``; they never print.
"""
from __future__ import annotations

import threading
from typing import Callable, Optional

ProgressCallback = Callable[[int, int, str], None]


class Cancelled(Exception):
    """Raised inside core work when the user asked to stop; callers treat it as a normal outcome."""


class CancelToken:
    """A thread-safe flag the GUI or CLI sets and the core checks between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(done: int, total: int, message: str) -> None:
    """Default progress callback: reports nowhere."""


def ensure_progress(progress: Optional[ProgressCallback]) -> ProgressCallback:
    return progress or no_progress


def ensure_cancel(cancel: Optional[CancelToken]) -> CancelToken:
    return cancel or CancelToken()
