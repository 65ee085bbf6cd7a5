"""The one worker: results, progress, cancel, and failures that reach the user instead of crashing the app."""
from __future__ import annotations

import pytest

from handoff_assistant.gui.workers import TaskRunner, error_summary
from handoff_assistant.scan import ScanError
from handoff_assistant.tasks import Cancelled
from tests.gui.conftest import open_and_scan

pytestmark = pytest.mark.gui


def _run(qtbot, call):
    runner = TaskRunner()
    outcome = {}
    worker = runner.start(call, "testing", finished=lambda r: outcome.setdefault("finished", r),
                          failed=lambda s, d: outcome.setdefault("failed", (s, d)),
                          cancelled=lambda: outcome.setdefault("cancelled", True),
                          progress=lambda *a: outcome.setdefault("progress", []).append(a))
    assert worker.activity == "testing"
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    return outcome


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    def call(progress, cancel):
        progress(1, 2, "half")
        return 42

    outcome = _run(qtbot, call)
    assert outcome["finished"] == 42
    assert outcome["progress"] == [(1, 2, "half")]


def test_cancelled_work_reports_cancelled_not_failed(qtbot):
    def call(progress, cancel):
        raise Cancelled()

    outcome = _run(qtbot, call)
    assert outcome == {"cancelled": True}


def test_an_exception_becomes_a_sentence_and_details(qtbot):
    def call(progress, cancel):
        raise ZeroDivisionError("division by zero")

    summary, details = _run(qtbot, call)["failed"]
    assert summary.startswith("Something went wrong while testing: ZeroDivisionError")
    assert "log file" in summary
    assert "Traceback" in details and "ZeroDivisionError" in details


def test_core_errors_keep_their_own_advice():
    message = "The folder /x does not exist. Choose the prototype's folder."
    assert error_summary(ScanError(message), "scanning") == message


def test_a_failing_scan_shows_a_message_and_the_app_goes_on(qtbot, window, errors, monkeypatch, sample_copy):
    def broken_scan(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("handoff_assistant.gui.main_window.scan_project", broken_scan)
    window.open_project(sample_copy)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    summary, details = errors[0]
    assert "Something went wrong while scanning the project" in summary and "disk on fire" in summary
    assert "RuntimeError" in details
    assert window.stack.currentWidget() is window.welcome
    monkeypatch.undo()
    session = open_and_scan(qtbot, window, sample_copy)
    assert session.report is not None


def test_the_real_error_dialog_is_non_modal_with_details(qtbot):
    from handoff_assistant.gui.messages import show_error

    box = show_error(None, "Choose another folder.", "Traceback: ...")
    qtbot.addWidget(box)
    assert box.isVisible() and not box.isModal()
    assert box.text() == "Choose another folder."
    assert box.detailedText() == "Traceback: ..."
