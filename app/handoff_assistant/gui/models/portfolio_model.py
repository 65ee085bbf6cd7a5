"""Qt models over the portfolio's rows: the table (core columns + a painted "Sections" column) and its filter.

Sorting and filtering use the core's column sort keys and ``RowFilter`` so the window and
``handoff portfolio`` agree.
"""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from handoff_assistant.gui.models.base import ROW_ROLE, SORT_ROLE, Index, RowTableModel
from handoff_assistant.gui.theme import OUTCOME_COLOURS
from handoff_assistant.portfolio.model import UNREADABLE, Row
from handoff_assistant.portfolio.table import COLUMNS, RowFilter

SECTIONS_COLUMN = len(COLUMNS)
LEVEL_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.id == "level")
PROJECT_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.id == "project")
_NUMERIC = {"score", "blockers"}
LEVEL_COLOURS = {"Ready": "#2e8b57", "Needs work": "#c77c00", "Not ready": "#cc3b3b", UNREADABLE: "#8a94a3"}
STATE_COLOURS = OUTCOME_COLOURS


class PortfolioModel(RowTableModel):
    """The core's table columns (``portfolio.table.COLUMNS``) plus the painted Sections column."""

    def replace_row(self, position: int, row: Row) -> None:
        self._rows = self._rows[:position] + (row,) + self._rows[position + 1:]
        self.dataChanged.emit(self.index(position, 0), self.index(position, SECTIONS_COLUMN))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else SECTIONS_COLUMN + 1

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == SECTIONS_COLUMN:
            return "Sections"
        return COLUMNS[section].title if 0 <= section < SECTIONS_COLUMN else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() > SECTIONS_COLUMN:
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        if index.column() == SECTIONS_COLUMN:
            return _sections_data(row, role)
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort_key(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, column.id)
        if role == Qt.ItemDataRole.ForegroundRole:
            return _foreground(row, column.id)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.id in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _sections_data(row: Row, role: int) -> Any:
    scores = [s.score for s in row.record.sections if s.score is not None]
    if role == SORT_ROLE:
        return min(scores) if scores else -1.0
    if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        return ", ".join(f"{s.title} {'n/a' if s.score is None else f'{s.score:.0f}'}"
                         for s in row.record.sections) or row.record.error
    return None


def _tooltip(row: Row, column_id: str) -> Optional[str]:
    record = row.record
    if record.error:
        return f"{record.path}\n{record.error}"
    if column_id == "score" and row.score_change is not None:
        return f"{row.score_change:+.0f} since the previous bundle ({row.bundle_count} bundles)"
    if column_id == "blockers" and record.blockers:
        return "\n".join(record.blockers)
    if column_id == "verification" and row.verification.detail:
        return " ".join(filter(None, (row.verification.detail, row.verification.by, row.verification.at)))
    if column_id == "review" and (row.review.comment or row.review.detail):
        return row.review.detail or f"“{row.review.comment}” — {row.review.by}, {row.review.at}"
    return record.path if column_id in ("project", "version") else None


def _foreground(row: Row, column_id: str) -> Optional[QColor]:
    if column_id == "level":
        return QColor(LEVEL_COLOURS.get(row.level, "#8a94a3"))
    if column_id == "verification" and row.verification.state in STATE_COLOURS:
        return QColor(STATE_COLOURS[row.verification.state])
    return None


class PortfolioFilterModel(QSortFilterProxyModel):
    """Filters with the core ``RowFilter``; sorts on the core's sort keys."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._filter = RowFilter()
        self.setSortRole(SORT_ROLE)

    @property
    def row_filter(self) -> RowFilter:
        return self._filter

    def set_row_filter(self, row_filter: RowFilter) -> None:
        self.beginFilterChange()
        self._filter = row_filter
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt API
        row = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return row is not None and self._filter.matches(row)

    def row_at(self, proxy_row: int) -> Row:
        return self.index(proxy_row, 0).data(ROW_ROLE)

    def visible_rows(self) -> tuple[Row, ...]:
        return tuple(self.row_at(i) for i in range(self.rowCount()))
