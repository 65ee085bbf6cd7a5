"""The portfolio's drill-down: one project's latest state, its score trend, bundle history and checklist."""
from __future__ import annotations

from html import escape
from typing import Optional, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from handoff_assistant.gui.pages.portfolio_parts import SectionScores, TrendChart
from handoff_assistant.gui.theme import OUTCOME_COLOURS
from handoff_assistant.portfolio.model import (APPROVED, BUNDLE, CHANGES_REQUESTED, NOT_RUN, PASSED, ChecklistLine,
                                               History, HistoryStep, Row)

STATUS_ORDER = {"fail": 0, "unknown": 1, "attested": 2, "na": 3, "pass": 4}
STATUS_COLOURS = {"fail": "#cc3b3b", "unknown": "#c77c00", "pass": "#2e8b57"}
NOTHING_SELECTED = "Select a project to see its history."
SHOWN_CHANGES = 4  # lines of "What changed" in the cell; all of them in its tooltip


class ProjectDetail(QWidget):
    review_requested = Signal(str)  # APPROVED or CHANGES_REQUESTED
    open_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.title = QLabel(NOTHING_SELECTED)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.sections = SectionScores()
        self.approve_button = QPushButton("Approve…")
        self.approve_button.clicked.connect(lambda: self.review_requested.emit(APPROVED))
        self.changes_button = QPushButton("Request changes…")
        self.changes_button.clicked.connect(lambda: self.review_requested.emit(CHANGES_REQUESTED))
        self.open_button = QPushButton("Open folder")
        self.open_button.clicked.connect(self.open_requested.emit)
        self.trend = TrendChart()
        self.history_table = _table(["Created", "Version", "Score", "Level", "What changed"], "Bundle history")
        self.history_table.setWordWrap(True)
        self.checklist_table = _table(["Status", "Section", "Item", "Note"], "Checklist of the selected bundle")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history_table, "History")
        self.tabs.addTab(self.checklist_table, "Checklist")
        self._lay_out()
        self.show_row(None, History(project="", steps=()))

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.approve_button, self.changes_button, self.open_button):
            buttons.addWidget(button)
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.sections)
        left.addStretch(1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(left, 2)
        layout.addWidget(self.trend, 2)
        layout.addWidget(self.tabs, 3)

    def show_row(self, row: Optional[Row], project_history: History) -> None:
        reviewable = row is not None and row.record.kind == BUNDLE and row.record.readable
        for button in (self.approve_button, self.changes_button):
            button.setEnabled(reviewable)
        self.open_button.setEnabled(row is not None)
        self.title.setText(NOTHING_SELECTED if row is None else _summary(row))
        self.sections.set_sections(() if row is None else row.record.sections)
        self._show_checklist(() if row is None else row.record.items)
        self._show_history(project_history)

    def _show_history(self, project_history: History) -> None:
        self.trend.set_steps(project_history.steps)
        steps = list(reversed(project_history.steps))  # newest first
        self.history_table.setRowCount(len(steps))
        for position, step in enumerate(steps):
            record = step.record
            change = "" if step.score_change is None else f" ({step.score_change:+.0f})"
            changes = _changes(step)
            more = f" (+{len(changes) - SHOWN_CHANGES} more)" if len(changes) > SHOWN_CHANGES else ""
            cells = (record.created_at[:16].replace("T", " "), record.version,
                     ("-" if record.score is None else f"{record.score:.0f}") + change, record.level,
                     "; ".join(changes[:SHOWN_CHANGES]) + more)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(record.path if column < 2 else "\n".join(changes) if column == 4 else text)
                self.history_table.setItem(position, column, item)
        for column in range(4):
            self.history_table.resizeColumnToContents(column)
        self.history_table.resizeRowsToContents()

    def _show_checklist(self, items: Sequence[ChecklistLine]) -> None:
        """Failing and unknown items first, then attested, N/A and passed."""
        ordered = sorted(items, key=lambda i: (STATUS_ORDER.get(i.status, 0), i.section, i.title))
        self.checklist_table.setRowCount(len(ordered))
        for position, item in enumerate(ordered):
            for column, text in enumerate((item.status, item.section, item.title, item.note)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"{item.id}: {text}")
                if column == 0 and item.status in STATUS_COLOURS:
                    cell.setForeground(QColor(STATUS_COLOURS[item.status]))
                self.checklist_table.setItem(position, column, cell)
        for column in range(3):
            self.checklist_table.resizeColumnToContents(column)


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAccessibleName(name)
    return table


def _summary(row: Row) -> str:
    record = row.record
    if record.error:
        return (f"<b>{escape(record.project)}</b><br>{escape(record.path)}<br>"
                f"<span style='color:#cc3b3b'>{escape(record.error)}</span>")
    review = row.review.state if record.kind == BUNDLE else "—"
    if row.review.comment:
        review += f": “{escape(row.review.comment)}” ({escape(row.review.by)})"
    blockers = ", ".join(escape(b) for b in record.blockers) or "none"
    return (f"<b>{escape(record.project)}</b> · {escape(record.owner or 'no owner named')}<br>"
            f"{escape(record.kind)} {escape(record.version)} · {escape(record.created_at[:10])}<br>"
            f"Blockers: {blockers}<br>IT verification: {_verification(row)} · Review: {review}")


def _verification(row: Row) -> str:
    """The state in its colour, with why when it is not a plain pass."""
    state = row.verification.state
    text = f"<span style='color:{OUTCOME_COLOURS.get(state, 'inherit')}'><b>{escape(state)}</b></span>"
    if state not in (PASSED, NOT_RUN) and row.verification.detail:
        text += f" ({escape(row.verification.detail)})"
    return text


def _changes(step: HistoryStep) -> list[str]:
    parts = [f"resolved {b}" for b in step.blockers_resolved] + [f"new blocker {b}" for b in step.blockers_added]
    if step.level_changed:
        parts.insert(0, f"{step.previous_level} → {step.record.level}")
    return parts + list(step.changes)
