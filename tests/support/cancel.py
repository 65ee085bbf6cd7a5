"""Cancel a real scan from another thread and measure how long it took to stop (the GUI's Cancel, for tests)."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.tasks import Cancelled, CancelToken


def seconds_to_cancel(root: Path, started: Callable[[int, int, str], bool], settle: float = 0.0) -> float:
    """Scan ``root`` (no cache) on a thread; once ``started(done, total, message)`` is true for a progress call
    (and ``settle`` seconds later), cancel and return how long the scan took to stop. AssertionError when the
    scan never started, finished anyway, or did not stop."""
    token, analysing, outcome = CancelToken(), threading.Event(), {}

    def progress(done: int, total: int, message: str) -> None:
        if started(done, total, message):
            analysing.set()

    def run() -> None:
        try:
            outcome["report"] = scan_project(root, ScanOptions(use_cache=False), progress, token)
        except Cancelled:
            outcome["cancelled_at"] = time.monotonic()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert analysing.wait(60), "the scan never reached the point to cancel at"
    time.sleep(settle)
    cancelled = time.monotonic()
    token.cancel()
    worker.join(10)
    assert "report" not in outcome, "the scan finished although it was cancelled"
    assert "cancelled_at" in outcome, "the scan did not stop within 10 s of the cancel"
    return outcome["cancelled_at"] - cancelled
