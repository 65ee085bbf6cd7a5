"""The app shell: welcome screen, opening a project, scanning off the GUI thread with progress and cancel."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from handoff_assistant.gui.app import parse_args, start_on

pytestmark = pytest.mark.gui


def test_welcome_screen_offers_the_sample_when_there_is_no_recent_project(window):
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.sample_button.isVisible()
    assert window.welcome.recent_empty.isVisible()
    start_on(window, None, [])
    assert window.stack.currentWidget() is window.welcome


def test_try_the_sample_opens_and_scans_it(qtbot, window, settings):
    with qtbot.waitSignal(window.scan_finished, timeout=30000):
        window.welcome.sample_button.click()
    assert window.session.report.files.count > 5
    assert window.stack.currentWidget() is window.project_view
    assert settings.recent_projects[0] == str(window.session.root)


def test_path_on_the_command_line_is_opened(qtbot, window, sample_copy):
    assert parse_args([str(sample_copy)]).path == sample_copy
    with qtbot.waitSignal(window.scan_finished, timeout=30000):
        start_on(window, sample_copy, [])
    assert window.session.root == sample_copy.resolve()


def test_a_missing_folder_is_a_message_not_a_crash(window, errors, tmp_path):
    window.open_project(tmp_path / "nowhere")
    assert "is not a folder" in errors[0][0]
    assert window.stack.currentWidget() is window.welcome


def _large_tree(root, files=3000):
    for i in range(files):
        folder = root / f"pkg{i // 200}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"m{i}.py").write_text(f"import os\nimport numpy\nPATH = '/home/alice/data/{i}.csv'\n")
    return root


@pytest.mark.slow
def test_window_stays_responsive_and_scan_can_be_cancelled(qtbot, window, tmp_path):
    root = _large_tree(tmp_path / "big")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    progress = []
    window.open_project(root)
    window.scan_worker.signals.progress.connect(lambda done, total, msg: progress.append((done, total)))
    qtbot.waitUntil(lambda: any(total > 0 and done > 0 for done, total in progress), timeout=30000)
    assert len(ticks) >= 3, "the GUI thread kept running its timer while scanning"
    assert window.project_view.progress.isVisible()
    window.project_view.progress.cancel_button.click()
    qtbot.waitUntil(lambda: window.scan_worker is None, timeout=5000)
    timer.stop()
    assert window.session is None, "a first scan that was cancelled goes back to the welcome screen"
    assert window.stack.currentWidget() is window.welcome
    assert "cancelled" in window.statusBar().currentMessage()


def test_an_unexpected_error_in_a_handler_becomes_a_message(window, monkeypatch):
    import sys

    from handoff_assistant.gui import app

    shown = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr("handoff_assistant.gui.messages.show_error",
                        lambda parent, summary, details="": shown.append((parent, summary, details)))
    app.install_excepthook(window)
    try:
        raise KeyError("column")
    except KeyError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    parent, summary, details = shown[0]
    assert parent is window
    assert summary.startswith("Something went wrong while doing that: KeyError")
    assert "Traceback" in details
