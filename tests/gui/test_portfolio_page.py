"""The portfolio page, offscreen: loading on the pool, sort/filter, drill-down, review, export."""
from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from handoff_assistant.gui.models.portfolio_model import (LEVEL_COLUMN, PROJECT_COLUMN, ROW_ROLE, SECTIONS_COLUMN,
                                                          PortfolioModel)
from handoff_assistant.gui.pages.portfolio_page import PortfolioPage
from handoff_assistant.portfolio.bundles import default_manifest_reader
from handoff_assistant.portfolio.model import APPROVED, CHANGES_REQUESTED
from handoff_assistant.portfolio.table import COLUMNS
from tests.portfolio.conftest import build_landing, fixed_assessor, make_bundle, manifest

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, tmp_path):
    widget = PortfolioPage(database=tmp_path / "portfolio.sqlite3", assessor=fixed_assessor)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    yield widget
    widget._runner.wait_for_done()


@pytest.fixture
def loaded(page, qtbot, tmp_path):
    landing = build_landing(tmp_path / "landing")
    with qtbot.waitSignal(page.rows_loaded, timeout=10000):
        page.add_source(landing)
    return page


def projects(page):
    return [page.proxy.row_at(i).project for i in range(page.proxy.rowCount())]


def test_empty_page_says_what_to_add(page):
    assert page.stack.currentWidget() is page.empty
    assert "folder where bundles land" in page.empty.text()
    assert page.sources_button.text() == "Sources (0)"


def test_rows_load_on_the_pool_and_the_model_is_sound(loaded, qtmodeltester):
    assert projects(loaded) == ["broken", "churn", "forecast", "fraud"]
    assert loaded.stack.currentWidget() is loaded.table
    assert loaded.sources_button.text() == "Sources (1)"
    assert not loaded.progress.isVisible()
    header = loaded.table.horizontalHeader()
    assert header.sectionSize(SECTIONS_COLUMN) > 200  # the painted Sections column takes the remaining width
    qtmodeltester.check(loaded.model)
    qtmodeltester.check(loaded.proxy)
    churn = loaded.proxy.index(1, LEVEL_COLUMN)
    assert churn.data() == "Ready"
    tooltip = loaded.proxy.index(1, SECTIONS_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
    assert "Code 85" in tooltip  # the painted bars have their numbers in the tooltip


def test_sort_and_filter_use_the_core_rules(loaded):
    loaded.table.sortByColumn(LEVEL_COLUMN, Qt.SortOrder.AscendingOrder)
    assert [loaded.proxy.row_at(i).level for i in range(4)] == ["Unreadable", "Needs work", "Needs work", "Ready"]
    loaded.table.sortByColumn(PROJECT_COLUMN, Qt.SortOrder.AscendingOrder)
    loaded.level_filter.setCurrentText("Needs work")
    assert projects(loaded) == ["forecast", "fraud"]
    loaded.owner_filter.setCurrentText("Cy Model")
    assert projects(loaded) == ["fraud"]
    loaded.level_filter.setCurrentIndex(0)
    loaded.owner_filter.setCurrentIndex(0)
    loaded.search.setText("not a zip")
    assert projects(loaded) == ["broken"]
    loaded.search.clear()
    loaded.blocker_filter.setCurrentText("Without blockers")
    assert "broken" in projects(loaded) and len(projects(loaded)) == 4


def test_drill_down_shows_history_and_trend(loaded, qtbot):
    with qtbot.waitSignal(loaded.changes_shown, timeout=10000):
        assert loaded.select_project("churn")
    assert loaded.detail.history_table.item(1, 4).text() == \
        "resolved no-hardcoded-credentials; Dependencies: ~ pandas 2.1.0 → 2.2.0 (upgraded)"
    assert loaded.detail.history_table.rowCount() == 3
    assert loaded.detail.history_table.item(0, 2).text() == "85 (+23)"
    assert "Not ready → Ready" in loaded.detail.history_table.item(0, 4).text()
    points = loaded.detail.trend.points()
    assert len(points) == 3 and points[0].y() > points[1].y() > points[2].y()  # rising scores
    assert "2026-10-01 40" in loaded.detail.trend.accessibleDescription()
    assert loaded.detail.approve_button.isEnabled()
    loaded.select_project("fraud")
    checklist = [[loaded.detail.checklist_table.item(r, c).text() for c in range(3)]
                 for r in range(loaded.detail.checklist_table.rowCount())]
    assert checklist[:2] == [["fail", "operations", "Operations item"], ["fail", "portability", "Portability item"]]
    assert checklist[-1][0] == "pass" and len(checklist) == 6
    loaded.select_project("broken")
    assert not loaded.detail.approve_button.isEnabled() and "zip" in loaded.detail.title.text().lower()


def test_review_round_trip_from_the_dialog(loaded, tmp_path):
    loaded.select_project("fraud")
    dialog = loaded.review_dialog(CHANGES_REQUESTED)
    dialog.reviewer.setText("lead")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "comment is empty" in dialog.error.text()
    dialog.comment.setPlainText("Add a smoke test")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    saved = json.loads((tmp_path / "landing" / "fraud-1.review.json").read_text())
    assert (saved["decision"], saved["by"], saved["comment"]) == (CHANGES_REQUESTED, "lead", "Add a smoke test")
    assert loaded.selected_row().review.state == CHANGES_REQUESTED
    assert "Add a smoke test" in loaded.detail.title.text()


def test_a_review_survives_a_refresh(loaded, qtbot):
    loaded.select_project("churn")
    dialog = loaded.review_dialog(APPROVED)
    dialog.buttons.accepted.emit()
    with qtbot.waitSignal(loaded.rows_loaded, timeout=10000):
        loaded.refresh()
    assert loaded.selected_row().project == "churn"
    assert loaded.selected_row().review.state == APPROVED


def test_export_writes_what_is_shown(loaded, tmp_path):
    loaded.level_filter.setCurrentText("Needs work")
    loaded.export(tmp_path / "p.csv", "csv")
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["forecast", "fraud"]
    loaded.export(tmp_path / "p.html", "html")
    assert "<td>fraud</td>" in (tmp_path / "p.html").read_text() and "<td>churn</td>" not in \
        (tmp_path / "p.html").read_text()


def test_removing_the_source_empties_the_table(loaded, qtbot):
    (source,) = loaded.sources()
    loaded.remove_source(source)
    assert loaded.model.rowCount() == 0 and loaded.stack.currentWidget() is loaded.empty


def test_model_rows_carry_the_core_row(qtmodeltester):
    model = PortfolioModel()
    qtmodeltester.check(model)
    assert model.columnCount() == SECTIONS_COLUMN + 1 and model.index(0, 0).data(ROW_ROLE) is None


def test_the_page_reads_its_remembered_sources_when_first_shown(loaded, qtbot, tmp_path):
    again = PortfolioPage(database=tmp_path / "portfolio.sqlite3", assessor=fixed_assessor)
    qtbot.addWidget(again)
    with qtbot.waitSignal(again.rows_loaded, timeout=10000):
        again.show()
    assert projects(again) == ["broken", "churn", "forecast", "fraud"]
    again._runner.wait_for_done()


def test_loading_many_bundles_fills_the_table_incrementally(qtbot, tmp_path, monkeypatch):
    """The reader stops at the 61st bundle until the test lets it go: the rows read so far must be in the table and
    the event loop must keep ticking meanwhile, however fast or slow the machine is."""
    monkeypatch.setattr("handoff_assistant.gui.pages.portfolio_page.PARTIAL_INTERVAL", 0.0)  # a fill per bundle
    drop = tmp_path / "many"
    for number in range(120):
        make_bundle(drop, f"p{number:03}", manifest(f"p{number:03}", "2026-11-01T00:00:00+00:00", number % 100,
                                                    "Needs work"))
    gate, read = threading.Event(), default_manifest_reader()

    def reader(path):
        if path.name == "p060.zip":
            assert gate.wait(60), "the test never let the reader go on"
        return read(path)

    page = PortfolioPage(database=tmp_path / "portfolio.sqlite3", reader=reader)
    qtbot.addWidget(page)
    page.show()
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(page.model.rowCount()))
    timer.start(20)
    try:
        page.add_source(drop)
        qtbot.waitUntil(lambda: page.model.rowCount() == 60 and len(ticks) >= 3, timeout=60000)
        assert page.loading and page.progress.isVisible()  # rows shown while the pool is still reading
    finally:
        gate.set()
    with qtbot.waitSignal(page.rows_loaded, timeout=60000):
        pass
    timer.stop()
    assert page.model.rowCount() == 120 and not page.loading
    page._runner.wait_for_done()


def test_a_refresh_started_during_another_wins(loaded, qtbot, tmp_path):
    make_bundle(tmp_path / "landing", "zeta-1", manifest("zeta", "2026-11-25T00:00:00+00:00", 90, "Ready"))
    loaded.refresh()
    with qtbot.waitSignal(loaded.rows_loaded, timeout=10000) as blocker:
        loaded.refresh()
    assert blocker.args == [5]
    qtbot.wait(200)  # the first refresh's late signals, if any, are ignored
    assert "zeta" in projects(loaded) and not loaded.loading and not loaded.progress.isVisible()


def test_a_bundle_landing_in_a_watched_source_refreshes_the_table(loaded, qtbot, tmp_path, monkeypatch):
    loaded._settle.setInterval(50)
    with qtbot.waitSignal(loaded.rows_loaded, timeout=10000):
        make_bundle(tmp_path / "landing" / "churn", "churn-4",
                    manifest("churn", "2026-11-28T00:00:00+00:00", 95, "Ready"))
    churn = next(r for r in loaded.model.rows if r.project == "churn")
    assert churn.record.score == 95 and churn.bundle_count == 4


def test_hostile_review_files_are_their_rows_reason_and_the_page_keeps_every_row(page, qtbot, tmp_path):
    landing = build_landing(tmp_path / "landing")
    (landing / "fraud-1.review.json").write_text('{"comment": ' + "[" * 50_000 + "]" * 50_000 + "}")
    with (landing / "churn" / "churn-3.review.json").open("wb") as handle:  # 100 MB by its size, sparse
        handle.write(b'{"comment": "')
        handle.truncate(100_000_000)
    with qtbot.waitSignal(page.rows_loaded, timeout=10000):
        page.add_source(landing)
    assert projects(page) == ["broken", "churn", "forecast", "fraud"]
    review_column = next(i for i, c in enumerate(COLUMNS) if c.id == "review")
    tooltips = {projects(page)[r]: page.proxy.index(r, review_column).data(Qt.ItemDataRole.ToolTipRole)
                for r in range(page.proxy.rowCount())}
    assert "nested too deeply" in tooltips["fraud"]
    assert "larger than 1,000,000 bytes and was not read" in tooltips["churn"]
    assert page.select_project("fraud") and page.detail.approve_button.isEnabled()


def test_a_database_busy_with_another_writer_is_a_message_and_keeps_the_sources(loaded, qtbot, tmp_path, monkeypatch):
    # before: the page's database was renamed .damaged after the wait and the sources were gone
    monkeypatch.setattr("handoff_assistant.gui.pages.portfolio_page.MAIN_THREAD_BUSY_TIMEOUT_S", 0.05)
    database = tmp_path / "portfolio.sqlite3"
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    other.execute("INSERT INTO sources (path, added_at) VALUES ('/other', 'now')")
    try:
        loaded.add_source(tmp_path)
        boxes = [b for b in loaded.findChildren(QMessageBox) if b.objectName() == "errorMessage"]
        assert len(boxes) == 1 and "is busy" in boxes[0].text() and "was not added" in boxes[0].text()
        assert loaded.sources() == [str(tmp_path / "landing")]  # the last sources read, still shown
        assert not database.with_name("portfolio.sqlite3.damaged").exists()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert loaded.sources() == [str(tmp_path / "landing")]


def test_a_database_with_wrong_tables_is_a_message_not_a_traceback(qtbot, tmp_path):
    """Failed before: the first query raised sqlite3.OperationalError (no such column) out of the page."""
    database = tmp_path / "portfolio.sqlite3"
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE records (x INTEGER)")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    widget = PortfolioPage(database=database, assessor=fixed_assessor)
    qtbot.addWidget(widget)
    widget.add_source(tmp_path)
    texts = [b.text() for b in widget.findChildren(QMessageBox) if b.objectName() == "errorMessage"]
    assert texts and all("does not have the tables this app expects" in text for text in texts)
    assert "was not added" in texts[-1]  # one message on opening, one for the refused folder
    widget._runner.wait_for_done()
