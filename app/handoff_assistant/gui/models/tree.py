"""A read-only two-level tree model: groups at the top, their rows below."""
from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt

from handoff_assistant.gui.models.base import Index, ROW_ROLE

GROUP_ROLE = Qt.ItemDataRole.UserRole + 3  # True for a group row


class TwoLevelModel(QAbstractItemModel):
    """Subclasses define ``headers`` and ``group_data`` / ``child_data`` for (object, column, role).

    An index's internal id is 0 for a group and ``group row + 1`` for a child, so ``parent()`` needs
    no pointers into Python objects.
    """

    headers: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._groups: tuple[tuple[Any, tuple[Any, ...]], ...] = ()

    def set_groups(self, groups: Sequence[tuple[Any, Sequence[Any]]]) -> None:
        self.beginResetModel()
        self._groups = tuple((group, tuple(children)) for group, children in groups)
        self.endResetModel()

    @property
    def groups(self) -> tuple[tuple[Any, tuple[Any, ...]], ...]:
        return self._groups

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt API
        return len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        group_id = index.internalId()
        if group_id == 0:
            group = self._groups[index.row()][0]
            if role == GROUP_ROLE:
                return True
            return group if role == ROW_ROLE else self.group_data(group, index.column(), role)
        child = self._groups[group_id - 1][1][index.row()]
        if role == GROUP_ROLE:
            return False
        return child if role == ROW_ROLE else self.child_data(child, index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return None

    def group_data(self, group: Any, column: int, role: int) -> Any:
        raise NotImplementedError

    def child_data(self, child: Any, column: int, role: int) -> Any:
        raise NotImplementedError

    def find_child(self, predicate) -> QModelIndex:
        """The index of the first child for which ``predicate(child)`` is true (to keep the user's place)."""
        for group_row, (_, children) in enumerate(self._groups):
            for row, child in enumerate(children):
                if predicate(child):
                    return self.index(row, 0, self.index(group_row, 0))
        return QModelIndex()
