"""The fix preview's models: files with their edits (checkable), the configuration entries, the unfixable findings.

They only show the engine's plan (``handoff_assistant.fix``) and remember which edits the user keeps; what an
edit does and which findings can be fixed is the engine's decision.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from handoff_assistant.gui.models.base import Column, Index, RowTableModel
from handoff_assistant.gui.models.tree import TwoLevelModel
from handoff_assistant.scan.report import location_text

CHECK = Qt.ItemDataRole.CheckStateRole


def edit_where(edit: Any) -> str:
    """"line 10" or "cell 5, line 1" (cells counted from 1, as everywhere in the app)."""
    cell = getattr(edit, "cell", None)
    line = getattr(edit, "line", None) or 0
    if cell is not None:
        return f"cell {cell + 1}, line {line}" if line else f"cell {cell + 1}"
    return f"line {line}" if line else ""


def edit_label(edit: Any, editable: frozenset[str]) -> str:
    """"local_csv ← "/Users/ana/data.csv"": the key and the literal it replaces (a secret masked by the engine);
    a generated file's line keeps the engine's own words."""
    if edit.id not in editable or not edit.before:
        return edit.description
    return f"{edit.key} ← {edit.before}"


def edit_tooltip(edit: Any) -> str:
    """What the line looks like before and after (the engine masks secrets in ``before``)."""
    text = edit.description
    if getattr(edit, "before", None) or getattr(edit, "after", None):
        text += f"\n\nBefore:  {edit.before}\nAfter:   {edit.after}"
    if getattr(edit, "key", None):
        text += f"\nReads the configuration key: {edit.key}"
    return text


class FixPlanModel(TwoLevelModel):
    """Files (tri-state) and their edits (checkboxes); every edit starts selected.

    Generated files (config.yml, .env.example, the loader) have no checkboxes: the engine writes them from the
    edits that are ticked.
    """

    headers = ("Change", "Where")
    selection_changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._selected: set[str] = set()
        self._editable: frozenset[str] = frozenset()  # edits of the user's files (not the generated ones)

    def set_plan(self, plan: Any) -> None:
        self._editable = frozenset(edit.id for edit in plan.edits)
        self._selected = set(self._editable)
        self.set_groups([(file, file.edits) for file in plan.files])
        self.selection_changed.emit()

    @property
    def selected(self) -> frozenset[str]:
        return frozenset(self._selected)

    def set_selected(self, edit_ids: Iterable[str]) -> None:
        self.beginResetModel()
        self._selected = set(edit_ids) & self._editable
        self.endResetModel()
        self.selection_changed.emit()

    def file_state(self, file: Any) -> Qt.CheckState:
        chosen = sum(1 for edit in file.edits if edit.id in self._selected)
        if chosen == 0:
            return Qt.CheckState.Unchecked
        return Qt.CheckState.Checked if chosen == len(file.edits) else Qt.CheckState.PartiallyChecked

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and not self.file_at(index).generated:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def group_data(self, file: Any, column: int, role: int) -> Any:
        if role == CHECK and column == 0 and not file.generated:
            return self.file_state(file)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{file.path}" + ("  (new file)" if file.created else "")
            if file.generated:
                return "follows your choice"
            chosen = sum(1 for edit in file.edits if edit.id in self._selected)
            return f"{chosen} of {len(file.edits)} edits"
        if role == Qt.ItemDataRole.ToolTipRole:
            if file.generated:
                return f"{file.path} is written from the edits you tick: the keys they read, nothing else"
            return (f"{file.path} will be created" if file.created
                    else f"{file.path}: tick the edits to apply; the file is written in one step")
        if role == Qt.ItemDataRole.FontRole and column == 0 and file.generated:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def child_data(self, edit: Any, column: int, role: int) -> Any:
        if role == CHECK and column == 0 and edit.id in self._editable:
            return Qt.CheckState.Checked if edit.id in self._selected else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return edit_label(edit, self._editable) if column == 0 else edit_where(edit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return edit_tooltip(edit)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != CHECK or not index.isValid() or index.column() != 0 or self.file_at(index).generated:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if index.internalId() == 0:
            group_row = index.row()
            edits = self.groups[group_row][1]
        else:
            group_row = index.internalId() - 1
            edits = (self.groups[group_row][1][index.row()],)
        for edit in edits:
            (self._selected.add if checked else self._selected.discard)(edit.id)
        self._changed(group_row)
        return True

    def _changed(self, group_row: int) -> None:
        group = self.index(group_row, 0)
        last = len(self.groups[group_row][1]) - 1
        self.dataChanged.emit(group, group.siblingAtColumn(1))
        if last >= 0:
            self.dataChanged.emit(self.index(0, 0, group), self.index(last, 1, group))
        self.selection_changed.emit()

    def file_at(self, index: QModelIndex) -> Optional[Any]:
        """The file of a row (a file row or one of its edits)."""
        if not index.isValid():
            return None
        group_row = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.groups[group_row][0]


def entry_default(entry: Any) -> str:
    """Secrets are never shown: an environment entry names the variable and says IT sets it."""
    if entry.kind == "env":
        return "none: a secret, set by IT (rotate the exposed value)"
    return "" if entry.default is None else str(entry.default)


def kept_in(entry: Any) -> str:
    """Where IT sets the value: an existing config file keeps its key; new keys go to config.yml."""
    if entry.kind == "env":
        return "environment variable (named in .env.example)"
    return getattr(entry, "stays_in", "") or "config.yml"


def used_in_text(entry: Any) -> str:
    places = [place if isinstance(place, str) else location_text(place.file, place.line, getattr(place, "cell", None))
              for place in (entry.used_in or ())]
    shown = ", ".join(places[:3])
    return shown + (f" (+{len(places) - 3} more)" if len(places) > 3 else "")


class ConfigEntriesModel(RowTableModel):
    columns = (
        Column("Key", lambda e: e.key, tooltip=lambda e: e.description),
        Column("Set in", kept_in),
        Column("Default on this machine", entry_default, tooltip=entry_default),
        Column("Used in", used_in_text, tooltip=lambda e: used_in_text(e)),
        Column("What it is", lambda e: e.description, tooltip=lambda e: e.description),
    )


class UnfixableModel(RowTableModel):
    columns = (
        Column("Where", lambda u: location_text(u.file, u.line, getattr(u, "cell", None)),
               sort_key=lambda u: (u.file, getattr(u, "cell", None) or 0, u.line or 0)),
        Column("Why it is not fixed automatically", lambda u: u.reason, tooltip=lambda u: u.reason),
    )
