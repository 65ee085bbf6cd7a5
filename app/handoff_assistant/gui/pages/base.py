"""What every project step has: an id, a title, an icon, and a state for the step navigation."""
from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from handoff_assistant.gui.models.base import ROW_ROLE
from handoff_assistant.gui.models.tree import GROUP_ROLE
from handoff_assistant.gui.session import ProjectSession

DONE = "done"
ATTENTION = "attention"
PENDING = "pending"


class Page(QWidget):
    page_id = ""
    title = ""
    icon_name = ""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.session: Optional[ProjectSession] = None
        self.setAccessibleName(f"{self.title} page")

    def bind(self, session: ProjectSession) -> None:
        """Show ``session``; pages refresh themselves on the session's signals."""
        self.session = session
        for signal in self.refresh_signals(session):
            signal.connect(self.refresh)
        self.refresh()

    def refresh_signals(self, session: ProjectSession):
        """The session signals after which this page shows new data."""
        return session.report_changed, session.project_changed

    def refresh(self) -> None:
        raise NotImplementedError

    def commit_pending(self) -> None:
        """Hand edits still being typed to the session (before a save or a build)."""

    def state(self) -> str:
        return PENDING

    def state_hint(self) -> str:
        """One line for the navigation's tooltip: why the step needs attention."""
        return ""


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def page_layout(page: QWidget, title: str, explanation: str) -> QVBoxLayout:
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    layout.addWidget(heading(title))
    layout.addWidget(hint(explanation))
    return layout


def empty_state(text: str) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setMargin(24)
    return label


def scrolling_body(page: QWidget) -> QWidget:
    """The widget to lay a page out on, inside a frameless scroll area filling ``page`` (long forms on small
    screens)."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    return body


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons side by side, left-aligned."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch()
    return row


def select_row(view: QAbstractItemView, index: QModelIndex) -> bool:
    """Make ``index`` (of the view's own model) the current, selected row and scroll to it."""
    if not index.isValid():
        return False
    view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    view.scrollTo(index)
    return True


def current_child(view: QAbstractItemView) -> Optional[Any]:
    """The object behind the current row of a grouped tree; None for a group row or when nothing is current."""
    index = view.selectionModel().currentIndex()
    if not index.isValid() or index.data(GROUP_ROLE):
        return None
    return index.siblingAtColumn(0).data(ROW_ROLE)
