"""Remembered state, interpreter choice, drag and drop, the log file, shortcuts and accessible names."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QIcon, QKeySequence

from handoff_assistant.gui.environments import interpreter_in
from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.logging_setup import LOG_FILE_NAME, setup_logging
from handoff_assistant.gui.main_window import MainWindow
from handoff_assistant.gui.pages.base import Page
from handoff_assistant.gui.workers import TaskRunner
from tests.gui.conftest import open_and_scan

pytestmark = pytest.mark.gui


def test_geometry_page_recent_projects_and_bundle_options_are_remembered(qtbot, window, settings, sample_copy):
    open_and_scan(qtbot, window, sample_copy)
    window.project_view.show_page("findings")
    bundle = window.project_view.page("bundle")
    bundle.zip_check.setChecked(False)
    bundle.output_edit.setText("/srv/bundles")
    bundle._remember_options()
    window.close_project()
    window.resize(700, 520)
    saved_size = (window.width(), window.height())
    window.close()

    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == saved_size != (1200, 800)
    assert again.welcome.recent.item(0).data(Qt.ItemDataRole.UserRole) == str(sample_copy.resolve())
    open_and_scan(qtbot, again, sample_copy)
    assert again.project_view.current_page_id() == "findings"
    page = again.project_view.page("bundle")
    assert not page.zip_check.isChecked() and page.output_edit.text() == "/srv/bundles"


def test_changing_the_target_interpreter_rescans_with_it(qtbot, window, settings, sample_copy):
    open_and_scan(qtbot, window, sample_copy)
    with qtbot.waitSignal(window.scan_finished, timeout=30000):
        window.set_interpreter(sys.executable)
    assert settings.interpreter_for(str(sample_copy.resolve())) == sys.executable
    assert window.session.report.target.source == "--python"
    assert window.project_view.page("overview").target_labels[3].text() == "chosen by you"


def test_an_environment_folder_is_resolved_to_its_interpreter(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    assert interpreter_in(venv) == venv / "bin" / "python"
    assert interpreter_in(tmp_path / "nothing") is None


def test_dropping_a_folder_opens_it(qtbot, window, sample_copy):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(sample_copy))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.scan_finished, timeout=30000):
        window.dropEvent(event)
    assert window.session.root == sample_copy.resolve()


def test_errors_are_written_to_the_log_file(qtbot, isolated_user_dirs):
    path = setup_logging()
    assert path == Path(isolated_user_dirs / "log" / LOG_FILE_NAME)
    runner = TaskRunner()
    failures = []

    def broken(progress, cancel):
        raise ValueError("bad row 12")

    runner.start(broken, "reading rows", finished=lambda r: None, failed=lambda s, d: failures.append(s))
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    for handler in logging.getLogger("handoff_assistant").handlers:
        handler.flush()
    text = path.read_text()
    assert "reading rows failed" in text and "ValueError: bad row 12" in text


def test_worker_imports_are_guarded_against_the_pyside_import_hook():
    TaskRunner()
    feature = sys.modules.get("shibokensupport.feature")
    assert feature is None or feature._mod_uses_pyside(sys.modules[__name__]) is False


def test_shortcuts_and_accessible_names(qtbot, window, sample_copy):
    assert window.open_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.rescan_action.shortcut() == QKeySequence(Qt.Key.Key_F5)
    assert window.build_action.shortcut() == QKeySequence("Ctrl+B")
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    open_and_scan(qtbot, window, sample_copy)
    for page in window.project_view.pages:
        assert isinstance(page, Page) and page.accessibleName()
    assert window.project_view.page("dependencies").filter_edit.accessibleName() == "Filter dependencies"
    assert window.project_view.header.score_label.accessibleName() == "Readiness score"


def test_a_selected_icon_keeps_its_colours_and_a_disabled_one_is_greyed(qapp):
    done = icon("done")
    normal = done.pixmap(24, QIcon.Mode.Normal).toImage()
    assert done.pixmap(24, QIcon.Mode.Selected).toImage() == normal  # the step state stays readable when selected
    assert done.pixmap(24, QIcon.Mode.Disabled).toImage() != normal
    assert any(normal.pixelColor(x, y).alpha() > 0 for x in range(24) for y in range(24))  # the SVG was drawn
