"""A read-only table model over a tuple of dataclass rows, described by its columns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from handoff_assistant.scan.report import location_text

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the dataclass behind a row
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a str/int/float key that sorts the column naturally

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort_key: Optional[Callable[[Any], Any]] = None
    tooltip: Optional[Callable[[Any], str]] = None
    decoration: Optional[Callable[[Any], Any]] = None


class RowTableModel(QAbstractTableModel):
    columns: tuple[Column, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = ()

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def row_object(self, row: int) -> Any:
        return self._rows[row]

    @property
    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.DecorationRole:
            return column.decoration(row) if column.decoration else None
        if role == SORT_ROLE:
            return column.sort_key(row) if column.sort_key else column.text(row).lower()
        if role == ROW_ROLE:
            return row
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return None


def where(refs: Sequence[Any], limit: int = 3) -> str:
    """"a.py:3, nb.ipynb cell 2:1 (+4 more)" for a list of SourceRefs."""
    shown = [ref_text(ref) for ref in refs[:limit]]
    more = len(refs) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def ref_text(ref: Any) -> str:
    return location_text(ref.file, ref.line, getattr(ref, "cell", None))
