"""A slim bar under the project header: one sentence, an optional action button, and a close button."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from handoff_assistant.gui.icons import icon


class NotificationBar(QFrame):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Notification")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.action_button = QToolButton()
        self.action_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.close_button = QToolButton()
        self.close_button.setIcon(icon("cancel"))
        self.close_button.setToolTip("Hide this message")
        self.close_button.setAccessibleName("Hide notification")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_message(self, text: str, action: Optional[QAction] = None) -> None:
        """Show ``text``; ``action`` (e.g. Undo Fix) becomes the bar's button, following its enabled state."""
        self.label.setText(text)
        if action is not None:
            self.action_button.setDefaultAction(action)
        self.action_button.setVisible(action is not None)
        self.show()
