"""The first screen: open a prototype folder or a bundle, a recent project, the sample, or the portfolio."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.pages.base import heading, hint


class WelcomePage(QWidget):
    open_folder_requested = Signal()
    open_bundle_requested = Signal()
    sample_requested = Signal()
    portfolio_requested = Signal()
    project_requested = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        title = heading("Get a prototype ready for production")
        intro = hint("Handoff Assistant reads your prototype folder, tells you what will break on a server, walks "
                     "you through a readiness checklist and builds one bundle that IT can run. Nothing in your "
                     "folder is changed or executed. Drop a folder here, or:")
        self.open_button = self._action_button("folder", "Open a prototype folder…",
                                               "Choose the folder that holds your notebooks and code (Ctrl+O)")
        self.bundle_button = self._action_button("bundle", "Open a handoff bundle…",
                                                 "Open a bundle someone sent you, to verify it")
        self.sample_button = self._action_button("sample", "Try the sample prototype",
                                                 "Open a messy churn-model prototype that ships with the app")
        self.portfolio_button = self._action_button("checklist", "Portfolio: readiness across projects",
                                                    "For team leads: every project's latest handoff, its score, "
                                                    "blockers, IT verification and review (Ctrl+Shift+P)")
        self.open_button.clicked.connect(self.open_folder_requested)
        self.bundle_button.clicked.connect(self.open_bundle_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        self.portfolio_button.clicked.connect(self.portfolio_requested)

        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent projects")
        self.recent.setIconSize(QSize(20, 20))
        self.recent.itemActivated.connect(lambda item: self.project_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        self.recent_empty = hint("Projects you open appear here.")

        self.recent.setMaximumHeight(280)
        actions = QVBoxLayout()
        actions.addWidget(self.sample_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.bundle_button)
        actions.addWidget(self.portfolio_button)
        actions.addStretch()
        recent_box = QVBoxLayout()
        recent_box.addWidget(QLabel("<b>Recent projects</b>"))
        recent_box.addWidget(self.recent_empty)
        recent_box.addWidget(self.recent)
        recent_box.addStretch()

        columns = QHBoxLayout()
        columns.addLayout(actions, 2)
        columns.addSpacing(24)
        columns.addLayout(recent_box, 3)

        inner = QWidget()
        inner.setMaximumWidth(900)
        box = QVBoxLayout(inner)
        box.addWidget(title)
        box.addWidget(intro)
        box.addSpacing(12)
        box.addLayout(columns)
        box.addStretch()
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 48, 32, 32)
        outer.addStretch(1)
        outer.addWidget(inner, 6)
        outer.addStretch(1)

    def _action_button(self, icon_name: str, text: str, tooltip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), text)
        button.setIconSize(QSize(24, 24))
        button.setMinimumHeight(44)
        button.setMinimumWidth(280)
        button.setToolTip(tooltip)
        button.setAccessibleName(text.rstrip("…"))
        button.setStyleSheet("text-align: left; padding-left: 12px;")
        return button

    def set_recent(self, paths: Sequence[str]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(icon("folder"), f"{Path(path).name}  —  {path}")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self.recent_empty.setVisible(not paths)
