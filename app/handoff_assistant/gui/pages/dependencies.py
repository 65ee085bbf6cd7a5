"""Dependencies: import → distribution → declared → installed → status; unknown imports are resolved here."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QInputDialog, QLineEdit, QPushButton,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)

from handoff_assistant.gui.models.base import ROW_ROLE
from handoff_assistant.gui.models.dependencies import (DependencyFilter, DependencyModel, DependencyRow,
                                                       RPackageModel, dependency_rows)
from handoff_assistant.gui.pages.base import ATTENTION, DONE, PENDING, Page, empty_state, page_layout
from handoff_assistant.scan.report import UNKNOWN


def ask_distribution(parent: QWidget, import_name: str, candidates: tuple[str, ...]) -> Optional[str]:
    """Ask which distribution provides ``import_name``; the user picks a candidate or types a name."""
    value, ok = QInputDialog.getItem(
        parent, "Resolve an import",
        f"Which distribution provides the import “{import_name}”?\n"
        "Type the name you would give to pip install (it is stored in handoff.yaml).",
        list(candidates), 0, True)
    value = value.strip()
    return value if ok and value else None


def _table(model, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSortingEnabled(True)
    table.setAlternatingRowColors(True)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class DependenciesPage(Page):
    page_id = "dependencies"
    title = "Dependencies"
    icon_name = "dependencies"

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = page_layout(self, "Dependencies",
                             "Every third-party library the code imports, where it is declared and which version "
                             "the target interpreter has. Undeclared and unknown libraries break a fresh install.")
        self._shown: tuple = (None, {})
        self.model = DependencyModel(self)
        self.proxy = DependencyFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by name, file or status…")
        self.filter_edit.setAccessibleName("Filter dependencies")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.attention_only = QCheckBox("Only what needs attention")
        self.attention_only.setToolTip("Hide libraries that are used and declared")
        self.attention_only.toggled.connect(self.proxy.set_attention_only)
        self.resolve_button = QPushButton("Resolve import…")
        self.resolve_button.setToolTip("Tell the app which distribution provides the selected unknown import")
        self.resolve_button.setAccessibleName("Resolve unknown import")
        self.resolve_button.setEnabled(False)
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.accept_button = QPushButton("Accept suggestion")
        self.accept_button.setToolTip("Use the knowledge base's suggested distribution for the selected import "
                                      "(saved under resolutions in handoff.yaml; only then is it locked)")
        self.accept_button.setAccessibleName("Accept suggested distribution")
        self.accept_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.accept_button.setEnabled(False)
        self.accept_button.clicked.connect(self.accept_selected)

        self.table = _table(self.proxy, "Python dependencies")
        self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _: self.resolve_selected())
        self.no_dependencies = empty_state("The code imports no third-party Python library.")

        tools = QHBoxLayout()
        tools.addWidget(self.filter_edit, 1)
        tools.addWidget(self.attention_only)
        tools.addWidget(self.accept_button)
        tools.addWidget(self.resolve_button)
        python_tab = QWidget()
        python_box = QVBoxLayout(python_tab)
        python_box.addLayout(tools)
        python_box.addWidget(self.table)
        python_box.addWidget(self.no_dependencies)

        self.r_model = RPackageModel(self)
        self.r_table = _table(self.r_model, "R packages")
        self.no_r = empty_state("No R code in this project.")
        r_tab = QWidget()
        r_box = QVBoxLayout(r_tab)
        r_box.addWidget(self.r_table)
        r_box.addWidget(self.no_r)

        self.tabs = QTabWidget()
        self.tabs.addTab(python_tab, "Python")
        self.tabs.addTab(r_tab, "R packages")
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        report = self.session.report if self.session else None
        if report is None:
            return
        shown = (report, dict(self.session.project.resolutions))
        if shown[0] is self._shown[0] and shown[1] == self._shown[1]:
            return  # a change elsewhere in handoff.yaml: nothing to redraw here
        self._shown = shown
        selected = self.selected_row()
        self.model.set_rows(dependency_rows(report.dependencies, self.session.project.resolutions))
        self.r_model.set_packages(report.r_packages)
        self.table.setVisible(bool(report.dependencies))
        self.no_dependencies.setVisible(not report.dependencies)
        self.r_table.setVisible(bool(report.r_packages))
        self.no_r.setVisible(not report.r_packages)
        self.tabs.setTabText(0, f"Python ({len(report.dependencies)})")
        self.tabs.setTabText(1, f"R packages ({len(report.r_packages)})")
        if selected is not None:
            self.select(lambda row: row.dependency.import_names == selected.dependency.import_names
                        and row.dependency.distribution == selected.dependency.distribution)
        self._update_buttons()

    def selected_row(self) -> Optional[DependencyRow]:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(ROW_ROLE) if rows else None

    def select(self, predicate) -> bool:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if predicate(index.data(ROW_ROLE)):
                self.table.selectionModel().select(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
                return True
        return False

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.resolve_button.setEnabled(row is not None and row.dependency.status == UNKNOWN)
        suggestion = row.pending_suggestion if row is not None else None
        self.accept_button.setEnabled(suggestion is not None)
        self.accept_button.setText(f"Accept {suggestion}" if suggestion else "Accept suggestion")

    def accept_selected(self) -> None:
        """One click: the suggestion becomes the import's resolution in handoff.yaml."""
        row = self.selected_row()
        if row is None or row.pending_suggestion is None or not row.dependency.import_names:
            return
        self.session.resolve(row.dependency.import_names[0], row.pending_suggestion)

    def resolve_selected(self) -> None:
        row = self.selected_row()
        if row is None or row.dependency.status != UNKNOWN or not row.dependency.import_names:
            return
        name = row.dependency.import_names[0]
        known = (row.resolution, row.dependency.suggestion)
        choices = tuple(dict.fromkeys(tuple(n for n in known if n) + row.dependency.candidates))
        distribution = ask_distribution(self, name, choices)
        if distribution:
            self.session.resolve(name, distribution)

    def state(self) -> str:
        if not self.session or self.session.report is None:
            return PENDING
        return ATTENTION if any(row.needs_attention for row in self.model.rows) else DONE

    def state_hint(self) -> str:
        count = sum(1 for row in self.model.rows if row.needs_attention)
        return f"{count} libraries are unknown or not declared" if count else ""

