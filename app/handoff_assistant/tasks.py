"""The contract between long-running core work and whoever shows it (CLI progress bar, GUI worker).

Core functions take ``progress(done, total, message)`` and a ``CancelToken``; they never print.
"""
from __future__ import annotations

import contextlib
import threading
from contextvars import ContextVar
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Optional, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

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


_current: ContextVar[Optional[CancelToken]] = ContextVar("handoff_cancel_token", default=None)


@contextlib.contextmanager
def cancellable(token: CancelToken) -> Iterator[None]:
    """Make ``token`` the one ``checkpoint`` consults inside this block (in this thread or task only).

    Work on one file can take seconds (a 5 MB single-line file); code deep inside it calls ``checkpoint``
    rather than having a token passed through every detector's signature.
    """
    reset = _current.set(token)
    try:
        yield
    finally:
        _current.reset(reset)


def checkpoint() -> None:
    """Raise ``Cancelled`` if the token of the enclosing ``cancellable`` block was cancelled; cheap."""
    token = _current.get()
    if token is not None:
        token.raise_if_cancelled()


T = TypeVar("T")
_CHECK_EVERY = 1024


def with_checkpoints(items: Iterable[T], every: int = _CHECK_EVERY) -> Iterable[T]:
    """``items``, calling ``checkpoint`` before starting and then every ``every`` items: for loops over the
    matches of one long line, which can number hundreds of thousands. Outside a ``cancellable`` block (the scan's
    worker processes) nothing can be cancelled, so ``items`` come back as they are, at no cost per item."""
    token = _current.get()
    if token is None:
        return items
    token.raise_if_cancelled()
    return _checked(items, token, every)


def _checked(items: Iterable[T], token: CancelToken, every: int) -> Iterator[T]:
    for count, item in enumerate(items, start=1):
        if count % every == 0:
            token.raise_if_cancelled()
        yield item


@contextlib.contextmanager
def alongside(function: Callable[..., T], *args: object) -> Iterator["Future[T]"]:
    """``function(*args)`` runs in a thread while the block runs; the block asks the future for its result.

    For work that mostly waits on another process (asking the target interpreter), so that this thread's own
    work overlaps it. Leaving the block early (a cancel, an error) does not wait for the function to finish.
    """
    from concurrent.futures import ThreadPoolExecutor

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="handoff-alongside")
    try:
        yield executor.submit(function, *args)
    finally:
        executor.shutdown(wait=False)
