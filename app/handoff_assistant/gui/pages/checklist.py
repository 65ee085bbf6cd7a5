"""Checklist: section scores, blockers first, each item's evidence and fix; the user attests or marks N/A."""
from __future__ import annotations

from html import escape
from typing import Optional

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
                               QTextBrowser, QTreeView, QVBoxLayout, QWidget)

from handoff_assistant.gui.messages import ask_text
from handoff_assistant.gui.models.checklist import ChecklistModel, item_status_text
from handoff_assistant.gui.pages.base import (ATTENTION, DONE, PENDING, Page, button_row, current_child, page_layout,
                                             select_row)
from handoff_assistant.gui.widgets.score_bar import ScoreBar
from handoff_assistant.readiness.model import ATTESTED, FAIL, NOT_APPLICABLE, PASS, ItemResult


def ask_note(parent: QWidget, title: str, label: str) -> Optional[str]:
    return ask_text(parent, title, label)


class ChecklistPage(Page):
    page_id = "checklist"
    title = "Checklist"
    icon_name = "checklist"
    policy_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        layout = page_layout(self, "Readiness checklist",
                             "What production needs, section by section. Items pass on evidence found in the "
                             "project; where the evidence cannot be found, attest it with a note (half credit) or "
                             "mark it not applicable with a reason.")
        self.sections_box = QGroupBox("Sections")
        self.sections_grid = QGridLayout(self.sections_box)
        self.sections_grid.setColumnStretch(1, 1)
        self.sections_grid.setColumnStretch(4, 1)
        self.sections_grid.setHorizontalSpacing(12)
        self._section_rows: dict[str, tuple[QLabel, ScoreBar, QLabel]] = {}
        self.policy_label = QLabel()
        self.policy_button = QPushButton("Team policy…")
        self.policy_button.setToolTip("Use a policy file from your team lead (weights, blocking items, threshold)")
        self.policy_button.setAccessibleName("Choose team policy")
        self.policy_button.clicked.connect(self.policy_requested)
        policy_row = QHBoxLayout()
        policy_row.addWidget(self.policy_label, 1)
        policy_row.addWidget(self.policy_button)

        self.model = ChecklistModel(self)
        self.tree = QTreeView()
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Checklist items")
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._show_selected())

        self.item_title = QLabel()
        self.item_title.setWordWrap(True)
        font = self.item_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.item_title.setFont(font)
        self.item_body = QTextBrowser()
        self.item_body.setAccessibleName("Item details")
        self.item_body.setOpenLinks(False)
        self.attest_button = QPushButton("Attest…")
        self.attest_button.setToolTip("Say it is done, with a note on how (counts half until evidence is found)")
        self.na_button = QPushButton("Not applicable…")
        self.na_button.setToolTip("Take this item out of the score, with the reason why it does not apply")
        self.withdraw_button = QPushButton("Withdraw")
        self.withdraw_button.setToolTip("Remove your attestation or N/A note")
        for button in (self.attest_button, self.na_button, self.withdraw_button):
            button.setAccessibleName(button.text().rstrip("…"))
        self.attest_button.clicked.connect(lambda: self._attest(ATTESTED))
        self.na_button.clicked.connect(lambda: self._attest(NOT_APPLICABLE))
        self.withdraw_button.clicked.connect(self._withdraw)
        buttons = button_row(self.attest_button, self.na_button, self.withdraw_button)
        detail = QWidget()
        detail_box = QVBoxLayout(detail)
        detail_box.addWidget(self.item_title)
        detail_box.addLayout(buttons)
        detail_box.addWidget(self.item_body, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tree)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 380])
        splitter.setChildrenCollapsible(False)
        self.tree.setMinimumWidth(320)
        detail.setMinimumWidth(240)
        layout.addWidget(self.sections_box)
        layout.addLayout(policy_row)
        layout.addWidget(splitter, 1)
        self._show_selected()

    def refresh_signals(self, session):
        return (session.assessment_changed,)

    def refresh(self) -> None:
        assessment = self.session.assessment if self.session else None
        if assessment is None:
            return
        selected = self.selected_item()
        self.model.set_assessment(assessment)
        self.tree.expandAll()
        self._show_sections(assessment)
        self.policy_label.setText(f"Policy: {assessment.policy} · Ready at {self.session.policy.ready_threshold:g} "
                                  "points with no blocking item")
        if selected is not None:
            self.select(selected.id)
        self._show_selected()

    def _show_sections(self, assessment) -> None:
        """One row per section, made once and updated after every change (no flicker, no stale widgets)."""
        for row, section in enumerate(assessment.sections):
            if section.id not in self._section_rows:
                name, bar, value = QLabel(), ScoreBar(), QLabel()
                bar.setAccessibleName(f"{section.title} score")
                value.setMinimumWidth(32)
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                column = (row % 2) * 3
                self.sections_grid.addWidget(name, row // 2, column)
                self.sections_grid.addWidget(bar, row // 2, column + 1)
                self.sections_grid.addWidget(value, row // 2, column + 2)
                self._section_rows[section.id] = (name, bar, value)
            name, bar, value = self._section_rows[section.id]
            name.setText(section.title + (" (weakest)" if section.id == assessment.weakest_section else ""))
            bar.set_score(section.score)
            value.setText("n/a" if section.score is None else f"{section.score:.0f}")

    def select(self, item_id: str) -> bool:
        return select_row(self.tree, self.model.find_child(lambda item: item.id == item_id))

    def selected_item(self) -> Optional[ItemResult]:
        return current_child(self.tree)

    def _show_selected(self) -> None:
        item = self.selected_item()
        user_note = item is not None and self.session is not None and item.id in self.session.project.attestations
        self.attest_button.setEnabled(item is not None and item.status not in (PASS,))
        self.na_button.setEnabled(item is not None)
        self.withdraw_button.setEnabled(user_note)
        if item is None:
            self.item_title.setText("Select an item to see why it matters and how to fix it.")
            self.item_body.clear()
            return
        self.item_title.setText(item.title)
        self.item_body.setText(_item_html(item))

    def _attest(self, status: str) -> None:
        item = self.selected_item()
        if item is None:
            return
        if status == ATTESTED:
            note = ask_note(self, "Attest", f"{item.title}\n\nHow is this taken care of? (saved in handoff.yaml)")
        else:
            note = ask_note(self, "Not applicable", f"{item.title}\n\nWhy does this not apply to this project?")
        if note:
            self.session.attest(item.id, status, note)

    def _withdraw(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.session.withdraw_attestation(item.id)

    def state(self) -> str:
        assessment = self.session.assessment if self.session else None
        if assessment is None:
            return PENDING
        return ATTENTION if assessment.blockers or any(i.status == FAIL for i in assessment.items) else DONE

    def state_hint(self) -> str:
        assessment = self.session.assessment if self.session else None
        if assessment and assessment.blockers:
            return f"{len(assessment.blockers)} blocking items"
        return ""


def _item_html(item: ItemResult) -> str:
    parts = [f"<p><b>Status:</b> {escape(item_status_text(item))}"
             f" · weight {item.weight:g}{' · blocking' if item.blocking else ''}</p>"]
    if item.why:
        source = f" <i>({escape(item.source)})</i>" if item.source else ""
        parts.append(f"<p><b>Why it matters:</b> {escape(item.why)}{source}</p>")
    if item.evidence:
        parts.append("<p><b>Evidence:</b></p><ul>" + "".join(f"<li>{escape(e)}</li>" for e in item.evidence[:12])
                     + (f"<li>… {len(item.evidence) - 12} more</li>" if len(item.evidence) > 12 else "") + "</ul>")
    if item.fix:
        parts.append(f"<p><b>How to fix:</b> {escape(item.fix)}</p>")
    if item.note:
        parts.append(f"<p><b>Note:</b> {escape(item.note)}</p>")
    return "".join(parts)
