"""One reusable worker: runs a core call on the thread pool and reports back through signals.

The core call receives ``(progress, cancel)`` as keyword arguments, matching the core contract in
``handoff_assistant.tasks``. Whatever it raises becomes a ``failed(summary, details)`` signal: the app
shows the summary as a sentence and keeps the traceback for the log and the "Show details" area.
"""
from __future__ import annotations

import logging
import sys
import traceback
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from handoff_assistant.tasks import CancelToken, Cancelled, ProgressCallback

log = logging.getLogger(__name__)

CoreCall = Callable[[ProgressCallback, CancelToken], Any]


class WorkerSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str, str)  # summary for the user, details (traceback) for the expandable area
    cancelled = Signal()
    done = Signal()  # after any of finished / failed / cancelled


class Worker(QRunnable):
    """Runs ``call(progress, cancel)`` off the GUI thread; ``activity`` names the work in messages."""

    def __init__(self, call: CoreCall, activity: str) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self.cancel_token = CancelToken()
        self.activity = activity
        self._call = call

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def run(self) -> None:
        try:
            result = self._call(self.signals.progress.emit, self.cancel_token)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user, never crash the app
            log.exception("%s failed", self.activity)
            self.signals.failed.emit(error_summary(exc, self.activity), traceback.format_exc())
        else:
            if self.cancel_token.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        self.signals.done.emit()


def error_summary(exc: BaseException, activity: str) -> str:
    """A sentence for the user. Core errors carry their own advice; anything else points at the log."""
    if _is_user_facing(exc):
        return str(exc)
    return (f"Something went wrong while {activity}: {type(exc).__name__}: {exc}. "
            "Try again; if it keeps happening, send the log file (Help → Open log folder) to your support team.")


def _is_user_facing(exc: BaseException) -> bool:
    """Core modules raise errors whose message already says what to do (ScanError, NotReadyError, ...)."""
    return type(exc).__module__.startswith("handoff_assistant.") and bool(str(exc))


def make_worker_imports_safe() -> None:
    """Stop PySide6 reading every newly imported module's source, which is not safe off the GUI thread.

    shiboken hooks ``import`` and calls ``inspect.getsource`` on each new module to look for
    ``from __feature__ import ...``. Core code imports lazily (GitPython on the first scan, the bundle
    writer's helpers); doing that hook in a worker while the GUI thread runs crashed the interpreter
    ("Fatal Python error: none_dealloc", PySide6 6.12). This app uses no ``__feature__`` switch, so every
    module can be treated as one that does not use them.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and hasattr(feature, "_mod_uses_pyside"):
        feature._mod_uses_pyside = _uses_no_pyside_features


def _uses_no_pyside_features(module: Any) -> bool:
    return False


class TaskRunner(QObject):
    """Starts workers on a thread pool and keeps them alive until they report their end."""

    busy_changed = Signal(bool)

    def __init__(self, parent: Optional[QObject] = None, pool: Optional[QThreadPool] = None) -> None:
        super().__init__(parent)
        make_worker_imports_safe()
        self._pool = pool or QThreadPool.globalInstance()
        self._running: set[Worker] = set()

    def start(
        self,
        call: CoreCall,
        activity: str,
        *,
        finished: Callable[[Any], None],
        failed: Callable[[str, str], None],
        progress: Optional[Callable[[int, int, str], None]] = None,
        cancelled: Optional[Callable[[], None]] = None,
    ) -> Worker:
        """Run ``call`` on the pool; the callbacks run on the GUI thread (queued signal delivery)."""
        worker = Worker(call, activity)
        worker.signals.finished.connect(finished)
        worker.signals.failed.connect(failed)
        if progress is not None:
            worker.signals.progress.connect(progress)
        if cancelled is not None:
            worker.signals.cancelled.connect(cancelled)
        worker.signals.done.connect(lambda: self._forget(worker))
        was_busy = bool(self._running)
        self._running.add(worker)
        self._pool.start(worker)
        if not was_busy:
            self.busy_changed.emit(True)
        return worker

    def cancel_all(self) -> None:
        for worker in list(self._running):
            worker.cancel()

    def wait_for_done(self, msecs: int = 5000) -> bool:
        self.cancel_all()
        return self._pool.waitForDone(msecs)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def _forget(self, worker: Worker) -> None:
        self._running.discard(worker)
        if not self._running:
            self.busy_changed.emit(False)
