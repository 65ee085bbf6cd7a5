"""The project's window content: the header, the step navigation and the step pages."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QVBoxLayout, QWidget

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.pages.base import ATTENTION, DONE, Page
from handoff_assistant.gui.session import ProjectSession
from handoff_assistant.gui.widgets.notification_bar import NotificationBar
from handoff_assistant.gui.widgets.progress_panel import ProgressPanel
from handoff_assistant.gui.widgets.score_header import ScoreHeader

STATE_ICONS = {DONE: "done", ATTENTION: "attention"}
STATE_WORDS = {DONE: "done", ATTENTION: "needs attention"}


class ProjectView(QWidget):
    page_changed = Signal(str)

    def __init__(self, pages: Sequence[Page], parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.session: Optional[ProjectSession] = None
        self.pages = list(pages)
        self.header = ScoreHeader()
        self.progress = ProgressPanel()
        self.notice = NotificationBar()
        self.nav = QListWidget()
        self.nav.setAccessibleName("Steps")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setSpacing(2)
        self.stack = QStackedWidget()
        for page in self.pages:
            item = QListWidgetItem(icon(page.icon_name), page.title)
            item.setSizeHint(QSize(180, 36))
            self.nav.addItem(item)
            self.stack.addWidget(page)
        self.nav.setFixedWidth(210)
        self.nav.currentRowChanged.connect(self._on_step)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.progress)
        layout.addWidget(self.notice)
        layout.addLayout(body, 1)
        self.nav.setCurrentRow(0)

    def bind(self, session: ProjectSession) -> None:
        self.session = session
        for page in self.pages:
            page.bind(session)
        for signal in (session.report_changed, session.project_changed, session.assessment_changed):
            signal.connect(self.refresh_states)
        session.dirty_changed.connect(lambda _: self._refresh_header())
        session.assessment_changed.connect(self._refresh_header)
        self._refresh_header()
        self.refresh_states()

    def _refresh_header(self) -> None:
        if self.session is None:
            return
        self.header.set_project(self.session.name, str(self.session.root), self.session.dirty)
        self.header.set_assessment(self.session.assessment)

    def refresh_states(self) -> None:
        for row, page in enumerate(self.pages):
            state = page.state()
            item = self.nav.item(row)
            item.setIcon(icon(STATE_ICONS.get(state, page.icon_name)))
            why = page.state_hint()
            item.setToolTip(f"{page.title}: {STATE_WORDS.get(state, 'not checked yet')}" + (f" — {why}" if why else ""))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, STATE_WORDS.get(state, "not checked yet"))

    def page(self, page_id: str) -> Page:
        return next(page for page in self.pages if page.page_id == page_id)

    def current_page_id(self) -> str:
        return self.pages[max(self.nav.currentRow(), 0)].page_id

    def show_page(self, page_id: str) -> None:
        for row, page in enumerate(self.pages):
            if page.page_id == page_id:
                self.nav.setCurrentRow(row)

    def _on_step(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self.stack.setCurrentIndex(row)
            self.page_changed.emit(self.pages[row].page_id)
