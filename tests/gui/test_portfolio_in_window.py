"""The portfolio mounted in the main window: reached from the welcome screen and the View menu, and left again."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from handoff_assistant.gui.main_window import MainWindow
from tests.gui.conftest import open_and_scan
from tests.portfolio.conftest import make_bundle, manifest

pytestmark = pytest.mark.gui


def landing_with_one_bundle(folder):
    make_bundle(folder, "churn-20261120-090000-handoff",
                manifest("churn", "2026-11-20T09:00:00+00:00", 85, "Ready", owner="Ana Data"))
    return folder


def test_portfolio_from_the_welcome_screen_shows_an_added_source(qtbot, window, tmp_path, monkeypatch):
    landing = landing_with_one_bundle(tmp_path / "landing")
    qtbot.mouseClick(window.welcome.portfolio_button, Qt.MouseButton.LeftButton)
    page = window.portfolio
    assert window.stack.currentWidget() is page and "Portfolio" in window.windowTitle()
    assert page.stack.currentWidget() is page.empty and page.close_button.isVisible()
    monkeypatch.setattr("handoff_assistant.gui.pages.portfolio_page.QFileDialog.getExistingDirectory",
                        lambda *args, **kwargs: str(landing))
    with qtbot.waitSignal(page.rows_loaded, timeout=20000):
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert [page.proxy.row_at(i).project for i in range(page.proxy.rowCount())] == ["churn"]
    assert page.proxy.index(0, 0).data() == "churn" and page.stack.currentWidget() is page.table
    assert "1 rows" in window.statusBar().currentMessage()
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.welcome and window.windowTitle() == "Handoff Assistant"


def test_the_sources_are_remembered_for_the_next_window(qtbot, window, settings, tmp_path):
    landing = landing_with_one_bundle(tmp_path / "landing")
    with qtbot.waitSignal(window.open_portfolio().rows_loaded, timeout=20000):
        window.portfolio.add_source(landing)
    window.close()
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.open_portfolio().rows_loaded, timeout=20000):
        pass  # the first show reads the remembered sources
    assert again.portfolio.sources() == [str(landing.resolve())]
    assert again.portfolio.proxy.row_at(0).project == "churn"
    again.runner.wait_for_done(5000)


def test_the_view_menu_shortcut_opens_it_over_a_project_and_back_returns(qtbot, window, tmp_path):
    project = tmp_path / "proto"
    project.mkdir()
    (project / "train.py").write_text("import json\nprint(json.dumps({}))\n")
    open_and_scan(qtbot, window, project)
    assert window.portfolio_action.shortcut() == QKeySequence("Ctrl+Shift+P")
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert window.portfolio_action in view_menu.actions()
    assert window.rescan_action.isEnabled()
    window.portfolio_action.trigger()
    assert window.stack.currentWidget() is window.portfolio
    assert not window.rescan_action.isEnabled()  # F5 belongs to the portfolio's Refresh while it is shown
    window.portfolio.close_requested.emit()
    assert window.stack.currentWidget() is window.project_view
    assert window.windowTitle().startswith("proto") and window.rescan_action.isEnabled()
