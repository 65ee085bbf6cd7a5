"""GUI fixtures: an isolated settings store per test and a main window that is closed afterwards."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from handoff_assistant.gui.main_window import MainWindow
from handoff_assistant.gui.settings import AppSettings

# The offscreen platform plugin warns about a feature it lacks; that says nothing about the app.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent == Path(__file__).parent:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(scope="session", autouse=True)
def modal_guard(qapp) -> list[str]:
    """Closes any blocking question (QMessageBox, QInputDialog; every test replaces the app's questions with
    stand-ins), so a test that fails with unsaved changes cannot hang the suite in the window's "Save them?"
    question at teardown. Dialogs the tests drive themselves (opened without a nested event loop) are left alone."""
    seen: list[str] = []

    def close_modal() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, (QMessageBox, QInputDialog)):
            seen.append(f"{type(dialog).__name__} {dialog.windowTitle()!r}")
            dialog.reject() if hasattr(dialog, "reject") else dialog.close()

    timer = QTimer()
    timer.setInterval(200)
    timer.timeout.connect(close_modal)
    timer.start()
    yield seen
    timer.stop()


@pytest.fixture(autouse=True)
def no_modal_dialog(modal_guard):
    """A blocking question during a test is a real dialog the test forgot to replace: the test fails naming it."""
    modal_guard.clear()
    yield
    assert not modal_guard, f"a blocking question opened during the test (closed by the guard): {modal_guard}"


@pytest.fixture
def settings(tmp_path) -> AppSettings:
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, settings):
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.runner.wait_for_done(5000)


@pytest.fixture
def errors(monkeypatch):
    """Every error message the app would show, as (summary, details), instead of a dialog."""
    shown: list[tuple[str, str]] = []

    def record(parent, summary, details=""):
        shown.append((summary, details))

    for module in ("handoff_assistant.gui.main_window", "handoff_assistant.gui.pages.bundle",
                   "handoff_assistant.gui.fix_controller"):
        monkeypatch.setattr(f"{module}.show_error", record, raising=False)
    return shown


def open_and_scan(qtbot, window, path, timeout=30000):
    with qtbot.waitSignal(window.scan_finished, timeout=timeout):
        window.open_project(path)
    return window.session
