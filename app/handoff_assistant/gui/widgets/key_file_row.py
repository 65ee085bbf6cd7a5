"""A remembered key file: a path, "Choose…" and "Clear" (the signing key of the Bundle step, IT's trusted key).

Only the path is stored (in the user's settings); the key is read when it is used, by the signing package.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

from handoff_assistant.gui.icons import icon


class KeyFileRow(QWidget):
    changed = Signal(str)  # the new path, "" when cleared

    def __init__(self, what: str, file_filter: str, remembered: Optional[str],
                 remember: Callable[[Optional[str]], None], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._what, self._filter, self._remember = what, file_filter, remember
        self._current = remembered or ""
        self.path_edit = QLineEdit(remembered or "")
        self.path_edit.setAccessibleName(what[:1].upper() + what[1:])
        self.path_edit.editingFinished.connect(lambda: self.set_path(self.path_edit.text()))
        self.choose_button = QPushButton("Browse…")
        self.choose_button.setAccessibleName(f"Choose the {what}")
        self.choose_button.clicked.connect(self.choose)
        self.clear_button = QPushButton(icon("cancel"), "Clear")
        self.clear_button.setAccessibleName(f"Clear the {what}")
        self.clear_button.setToolTip(f"Forget the {what}")
        self.clear_button.clicked.connect(lambda: self.set_path(""))
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.path_edit, 1)
        self._layout.addWidget(self.choose_button)
        self._layout.addWidget(self.clear_button)
        self._update_clear()

    def add_button(self, button: QPushButton) -> None:
        """Another action on the row (the Bundle step's "New key pair…"), before Clear."""
        self._layout.insertWidget(self._layout.indexOf(self.clear_button), button)

    def path(self) -> Optional[Path]:
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def choose(self) -> None:
        start = str(self.path().parent) if self.path() else str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self, f"Choose the {self._what}", start, self._filter)
        if chosen:
            self.set_path(chosen)

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setToolTip(text)
        self.path_edit.setToolTip(text)
        self.choose_button.setToolTip(text)

    def set_path(self, text: str) -> None:
        """Show, remember and announce a path ("" clears it)."""
        text = text.strip()
        self.path_edit.setText(text)
        self._update_clear()
        if text != self._current:
            self._current = text
            self._remember(text or None)
            self.changed.emit(text)

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(bool(self.path_edit.text().strip()))
