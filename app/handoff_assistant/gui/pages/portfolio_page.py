"""The team lead's portfolio: every bundle and project below some folders, with history, review and export.

A self-contained widget: mount it anywhere with ``PortfolioPage(parent)``. Loading runs on the thread
pool and fills the table as records arrive; sorting and filtering use the core's ``RowFilter`` and
column keys, the drill-down reads the history from the portfolio database.
"""
from __future__ import annotations

import dataclasses
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QLabel,
                               QLineEdit, QMenu, QProgressBar, QPushButton, QSplitter, QStackedWidget, QTableView,
                               QToolButton, QVBoxLayout, QWidget)

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import show_error
from handoff_assistant.gui.models.portfolio_model import (PROJECT_COLUMN, SECTIONS_COLUMN, PortfolioFilterModel,
                                                          PortfolioModel)
from handoff_assistant.gui.pages.portfolio_detail import ProjectDetail
from handoff_assistant.gui.pages.portfolio_parts import ReviewDialog, SectionBarsDelegate
from handoff_assistant.gui.workers import TaskRunner
from handoff_assistant.portfolio.build import bundle_changes, history, refresh, rows_from_records
from handoff_assistant.portfolio.bundles import ManifestReader
from handoff_assistant.portfolio.export import to_csv, to_html
from handoff_assistant.portfolio.model import APPROVED, BUNDLE, History, Portfolio, Row
from handoff_assistant.portfolio.projects import ProjectAssessor
from handoff_assistant.portfolio.reviews import read_review
from handoff_assistant.portfolio.store import Store, StoreError, default_database_path
from handoff_assistant.portfolio.table import RowFilter
from handoff_assistant.readiness.model import NEEDS_WORK, NOT_READY, READY

PARTIAL_INTERVAL = 0.25  # seconds between table updates while loading
WATCH_SETTLE_MS = 1500  # a change in a source folder refreshes after this quiet time
LEVEL_CHOICES = ("All levels", READY, NEEDS_WORK, NOT_READY, "Unreadable")
MAIN_THREAD_BUSY_TIMEOUT_S = 1.0  # the window waits briefly for another writer; the pool waits longer
BLOCKER_CHOICES = {"Blockers: any": None, "With blockers": True, "Without blockers": False}



class _Partial(QObject):
    """Carries rows from the loading thread to the GUI thread (queued signal)."""

    rows = Signal(object)


class PortfolioPage(QWidget):
    loading_changed = Signal(bool)
    rows_loaded = Signal(int)
    changes_shown = Signal(str)  # the drill-down now lists what changed between the project's bundles
    close_requested = Signal()  # the Close portfolio button (shown when mounted with ``closable=True``)

    def __init__(self, parent: Optional[QWidget] = None, *, database: Optional[Path] = None,
                 reader: Optional[ManifestReader] = None, assessor: Optional[ProjectAssessor] = None,
                 runner: Optional[TaskRunner] = None, closable: bool = False) -> None:
        super().__init__(parent)
        self._closable = closable
        self.setAccessibleName("Portfolio page")
        self._database = database or default_database_path()
        self._reader, self._assessor = reader, assessor
        self._runner = runner or TaskRunner(self)
        self._worker = None
        self._generation = 0
        self._detail_request = 0
        self._started = False
        self._known_sources: list[str] = []
        self._store_problem = ""
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._source_changed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(WATCH_SETTLE_MS)
        self._settle.timeout.connect(self.refresh)
        self._partial = _Partial(self)
        self._partial.rows.connect(self._show_partial)
        self.model = PortfolioModel(self)
        self.proxy = PortfolioFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self._build_ui()
        self._update_sources_menu()

    # ---- public API -------------------------------------------------------------------------
    def sources(self) -> list[str]:
        """The saved sources; while the database is busy or unusable, the last ones read (and a message)."""
        try:
            with self._store() as store:
                self._known_sources = store.sources()
        except StoreError as error:
            self._report_store_problem(error)
        return list(self._known_sources)

    def add_source(self, path: Path | str) -> None:
        try:
            with self._store() as store:
                store.add_source(str(Path(path).expanduser().resolve()))
        except StoreError as error:
            self._report_store_problem(error, f"{path} was not added")
            return
        self._update_sources_menu()
        self.refresh()

    def remove_source(self, path: str) -> None:
        try:
            with self._store() as store:
                store.remove_source(path)
        except StoreError as error:
            self._report_store_problem(error, f"{path} was not removed")
            return
        self._update_sources_menu()
        self.refresh()

    def _store(self) -> Store:
        """The database, opened on the window's thread: wait only briefly for another writer."""
        store = Store(self._database, busy_timeout=MAIN_THREAD_BUSY_TIMEOUT_S)
        self._store_problem = ""
        return store

    def _report_store_problem(self, error: StoreError, consequence: str = "") -> None:
        """One message per problem, not one per call (several calls meet the same lock)."""
        message = " ".join(f"{part[:1].upper()}{part[1:]}." for part in (str(error), consequence) if part)
        if message != self._store_problem:
            self._store_problem = message
            show_error(self, message)

    @property
    def loading(self) -> bool:
        return self._worker is not None

    def refresh(self) -> None:
        """Rescan every source on the thread pool; the table fills as bundles are read.

        A refresh started while another runs cancels it; the older one's results are ignored.
        """
        if self._worker is not None:
            self._worker.cancel()
        self._generation += 1
        sources = self.sources()
        if not sources:
            self._set_loading(False)
            self.model.set_rows(())
            self._update_empty_state()
            return
        self._set_loading(True)
        current = self._only_current(self._generation)
        self._worker = self._runner.start(self._refresh_call(sources, self._generation), "reading the portfolio",
                                          finished=current(self._loaded), failed=current(self._failed),
                                          progress=current(self._progress), cancelled=current(self._cancelled))

    def _only_current(self, generation: int) -> Callable[[Callable], Callable]:
        def wrap(handler: Callable) -> Callable:
            def call_if_current(*args: object) -> None:
                if generation == self._generation:
                    handler(*args)

            return call_if_current

        return wrap

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    def select_project(self, project: str) -> bool:
        for position in range(self.proxy.rowCount()):
            if self.proxy.row_at(position).project == project:
                self.table.selectRow(position)
                return True
        return False

    def selected_row(self) -> Optional[Row]:
        indexes = self.table.selectionModel().selectedRows()
        return self.proxy.row_at(indexes[0].row()) if indexes else None

    def export(self, path: Path, fmt: str) -> None:
        """Write the rows as shown (filtered, sorted) as "csv" or "html"."""
        portfolio = Portfolio(rows=self.proxy.visible_rows(), sources=tuple(self.sources()),
                              generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        path.write_text(to_csv(portfolio) if fmt == "csv" else to_html(portfolio), encoding="utf-8")

    def review_dialog(self, decision: str = APPROVED) -> Optional[ReviewDialog]:
        """The review dialog for the selected bundle (shown, not executed, so tests can drive it)."""
        row = self.selected_row()
        if row is None or row.record.kind != BUNDLE or not row.record.readable:
            return None
        dialog = ReviewDialog(row.project, Path(row.record.path), self, decision)
        dialog.accepted.connect(lambda: self._reviewed(row))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()
        return dialog

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """The first time the page is shown it reads its sources, so the table is fresh on start."""
        super().showEvent(event)
        if not self._started:
            self._started = True
            if self.sources():
                self.refresh()

    # ---- loading ----------------------------------------------------------------------------
    def _refresh_call(self, sources: list[str], generation: int) -> Callable:
        database, reader, assessor, emit = self._database, self._reader, self._assessor, self._partial.rows.emit

        def call(progress, cancel) -> Portfolio:
            records, last = [], time.monotonic()
            with Store(database) as store:
                for record in refresh(sources, store, reader, assessor, progress, cancel):
                    records.append(record)
                    if time.monotonic() - last >= PARTIAL_INTERVAL:
                        emit((generation, rows_from_records(records)))
                        last = time.monotonic()
            return Portfolio(rows=rows_from_records(records), sources=tuple(sources),
                             generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))

        return call

    def _show_partial(self, payload: tuple[int, tuple[Row, ...]]) -> None:
        generation, rows = payload
        if generation == self._generation:
            self._show_rows(rows)

    def _show_rows(self, rows: tuple[Row, ...]) -> None:
        selected = self.selected_row()
        first_fill = self.model.rowCount() == 0
        self.model.set_rows(rows)
        if first_fill:
            self._fit_columns()
        self._update_owner_choices()
        if selected is not None:
            self.select_project(selected.project)
        self._update_empty_state()

    def _loaded(self, portfolio: Portfolio) -> None:
        self._show_rows(portfolio.rows)
        self._fit_columns()  # once, not on every partial fill: hundreds of rows stay fast
        self._set_loading(False)
        self.status.setText(f"{len(portfolio.rows)} rows · updated {datetime.now().strftime('%H:%M')}")
        self.rows_loaded.emit(len(portfolio.rows))

    def _fit_columns(self) -> None:
        """Fit every column but the last (Sections), which stretches to the table's width."""
        for column in range(SECTIONS_COLUMN):
            self.table.resizeColumnToContents(column)

    def _failed(self, summary: str, details: str) -> None:
        self._set_loading(False)
        show_error(self, summary, details)

    def _cancelled(self) -> None:
        self._set_loading(False)
        self.status.setText("Loading cancelled; the table may be incomplete.")

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(total, 0))
        self.progress.setValue(done)
        self.progress.setFormat(f"{message} (%v of %m)" if total else message)

    def _set_loading(self, loading: bool) -> None:
        if not loading:
            self._worker = None
        self.progress.setVisible(loading)
        self.cancel_button.setVisible(loading)
        self.refresh_button.setEnabled(not loading)
        self.loading_changed.emit(loading)

    # ---- user interface ---------------------------------------------------------------------
    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Portfolio")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        title.setFont(font)
        header = QHBoxLayout()
        header.addWidget(title, 1)
        self.close_button = QPushButton(icon("cancel"), "Close portfolio")
        self.close_button.setToolTip("Back to the screen you came from")
        self.close_button.clicked.connect(self.close_requested)
        self.close_button.setVisible(self._closable)
        header.addWidget(self.close_button)
        layout.addLayout(header)
        layout.addLayout(self._toolbar())
        layout.addLayout(self._filters())
        self.progress = QProgressBar()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        loading = QHBoxLayout()
        loading.addWidget(self.progress, 1)
        loading.addWidget(self.cancel_button)
        layout.addLayout(loading)
        self._set_loading(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._table_stack())
        self.detail = ProjectDetail()
        self.detail.review_requested.connect(self.review_dialog)
        self.detail.open_requested.connect(self._open_folder)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        self.status = QLabel("")
        layout.addWidget(self.status)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)

    def _toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.add_button = QPushButton("Add folder…")
        self.add_button.setToolTip("A folder where bundles land (e.g. a shared drive) or a project folder "
                                   "with handoff.yaml")
        self.add_button.clicked.connect(self._choose_source)
        self.sources_button = QToolButton()
        self.sources_button.setText("Sources")
        self.sources_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.sources_button.setMenu(QMenu(self.sources_button))
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read every source again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        export = QToolButton()
        export.setText("Export")
        export.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(export)
        menu.addAction("CSV…", lambda: self._choose_export("csv"))
        menu.addAction("HTML summary…", lambda: self._choose_export("html"))
        export.setMenu(menu)
        for widget in (self.add_button, self.sources_button, self.refresh_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(export)
        return bar

    def _filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search project, owner, section, path…")
        self.search.setAccessibleName("Search")
        self.search.setClearButtonEnabled(True)
        self.level_filter = QComboBox()
        self.level_filter.addItems(LEVEL_CHOICES)
        self.level_filter.setAccessibleName("Level filter")
        self.owner_filter = QComboBox()
        self.owner_filter.addItem("All owners")
        self.owner_filter.setAccessibleName("Owner filter")
        self.blocker_filter = QComboBox()
        self.blocker_filter.addItems(list(BLOCKER_CHOICES))
        self.blocker_filter.setAccessibleName("Blocker filter")
        self.search.textChanged.connect(self._apply_filter)
        for combo in (self.level_filter, self.owner_filter, self.blocker_filter):
            combo.currentIndexChanged.connect(self._apply_filter)
        bar.addWidget(self.search, 2)
        for combo in (self.level_filter, self.owner_filter, self.blocker_filter):
            bar.addWidget(combo)
        return bar

    def _table_stack(self) -> QStackedWidget:
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(PROJECT_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setItemDelegateForColumn(SECTIONS_COLUMN, SectionBarsDelegate(self.table))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Projects")
        self.table.selectionModel().selectionChanged.connect(self._show_detail)
        self.empty = QLabel("Add the folder where bundles land (a shared drive) or a project folder "
                            "to see every project's readiness here.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        return self.stack

    # ---- reactions --------------------------------------------------------------------------
    def _apply_filter(self) -> None:
        level = self.level_filter.currentText()
        owner = self.owner_filter.currentText()
        self.proxy.set_row_filter(RowFilter(
            levels=frozenset() if level == LEVEL_CHOICES[0] else frozenset({level}),
            owner="" if self.owner_filter.currentIndex() <= 0 else owner,
            with_blockers=BLOCKER_CHOICES[self.blocker_filter.currentText()],
            text=self.search.text()))

    def _update_owner_choices(self) -> None:
        current = self.owner_filter.currentText()
        owners = sorted({row.record.owner for row in self.model.rows if row.record.owner})
        if owners == [self.owner_filter.itemText(i) for i in range(1, self.owner_filter.count())]:
            return
        self.owner_filter.blockSignals(True)
        self.owner_filter.clear()
        self.owner_filter.addItems(["All owners", *owners])
        self.owner_filter.setCurrentIndex(max(self.owner_filter.findText(current), 0))
        self.owner_filter.blockSignals(False)

    def _update_empty_state(self) -> None:
        self.stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty)

    def _update_sources_menu(self) -> None:
        menu = self.sources_button.menu()
        menu.clear()
        sources = self.sources()
        for source in sources:
            menu.addAction(f"Remove {source}", lambda s=source: self.remove_source(s))
        if not sources:
            menu.addAction("No sources yet").setEnabled(False)
        self.sources_button.setText(f"Sources ({len(sources)})")
        self._watch(sources)
        self.sources_button.setToolTip("\n".join(sources) or "No sources yet")

    def _watch(self, sources: list[str]) -> None:
        """Watch each source and its direct subfolders: a bundle landing there triggers a refresh."""
        if self._watcher.directories():
            self._watcher.removePaths(self._watcher.directories())
        folders = [Path(s) for s in sources if Path(s).is_dir()]
        folders += [child for folder in folders for child in _subfolders(folder)]
        if folders:
            self._watcher.addPaths([str(f) for f in folders])

    def _source_changed(self, path: str) -> None:
        self._settle.start()  # many files land at once: refresh when they have settled

    def _show_detail(self, *args: object) -> None:
        """The history at once; what changed between its bundles (``handoff diff``) follows from the pool."""
        self._detail_request += 1
        row = self.selected_row()
        if row is None:
            self.detail.show_row(None, History(project="", steps=()))
            return
        try:
            with self._store() as store:
                project_history = history(row.project, store)
        except StoreError as error:
            self._report_store_problem(error, "the history is not shown")
            project_history = History(project=row.project, steps=())
        self.detail.show_row(row, project_history)
        if len(project_history.steps) > 1:
            request, database = self._detail_request, self._database

            def with_changes(progress, cancel) -> History:
                with Store(database) as store:
                    return history(row.project, store, bundle_changes)

            self._runner.start(with_changes, "comparing the bundles of " + row.project,
                               finished=lambda result: self._show_changes(request, row, result),
                               failed=lambda summary, details: show_error(self, summary, details))

    def _show_changes(self, request: int, row: Row, project_history: History) -> None:
        if request == self._detail_request:
            self.detail.show_row(row, project_history)
            self.changes_shown.emit(row.project)

    def _reviewed(self, row: Row) -> None:
        updated = dataclasses.replace(row, review=read_review(Path(row.record.path)))
        position = self.model.rows.index(row)
        self.model.replace_row(position, updated)
        self._show_detail()

    def _choose_source(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder where bundles land, or a project folder")
        if folder:
            self.add_source(folder)

    def _choose_export(self, fmt: str) -> None:
        suffix = {"csv": "CSV files (*.csv)", "html": "HTML files (*.html)"}[fmt]
        path, _ = QFileDialog.getSaveFileName(self, "Export the portfolio", f"portfolio.{fmt}", suffix)
        if path:
            try:
                self.export(Path(path), fmt)
            except OSError as error:
                show_error(self, f"The portfolio was not exported: {error.strerror or error}. "
                                 "Choose a folder you can write to.")

    def _open_folder(self) -> None:
        row = self.selected_row()
        if row is not None:
            path = Path(row.record.path)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if path.is_dir() else path.parent)))


def _subfolders(folder: Path) -> list[Path]:
    try:
        return [child for child in folder.iterdir() if child.is_dir() and not child.name.startswith(".")]
    except OSError:
        return []
