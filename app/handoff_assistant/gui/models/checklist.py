"""The checklist as a tree: blocking failures first, then each section with its items, worst first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.models.tree import TwoLevelModel
from handoff_assistant.readiness.model import (ATTESTED, FAIL, NOT_APPLICABLE, PASS, UNKNOWN, Assessment,
                                               ItemResult)

STATUS_TEXT = {PASS: "passed", ATTESTED: "attested", FAIL: "failed", NOT_APPLICABLE: "not applicable",
               UNKNOWN: "to check"}
STATUS_ORDER = {FAIL: 0, UNKNOWN: 1, ATTESTED: 2, PASS: 3, NOT_APPLICABLE: 4}
BLOCKERS_ID = "_blockers"


@dataclass(frozen=True)
class ChecklistGroup:
    id: str
    title: str
    score: Optional[float]
    open_count: int


def item_status_text(item: ItemResult) -> str:
    text = STATUS_TEXT.get(item.status, item.status)
    return f"{text} — blocking" if item.blocking and item.status == FAIL else text


def item_icon(item: ItemResult):
    if item.status == FAIL:
        return icon("blocker") if item.blocking else icon("attention")
    if item.status in (PASS, ATTESTED):
        return icon("done")
    return icon("pending")


def checklist_groups(assessment: Assessment) -> list[tuple[ChecklistGroup, list[ItemResult]]]:
    def order(item: ItemResult):
        return (not (item.blocking and item.status == FAIL), STATUS_ORDER.get(item.status, 9), -item.weight)

    groups = []
    blockers = [item for item in assessment.items if item.id in assessment.blockers]
    if blockers:
        groups.append((ChecklistGroup(BLOCKERS_ID, "Blocking the handoff", None, len(blockers)), blockers))
    for section in assessment.sections:
        items = sorted((i for i in assessment.items if i.section == section.id), key=order)
        open_count = sum(1 for i in items if i.status in (FAIL, UNKNOWN))
        groups.append((ChecklistGroup(section.id, section.title, section.score, open_count), items))
    return groups


class ChecklistModel(TwoLevelModel):
    headers = ("Item", "Status", "Weight")

    def set_assessment(self, assessment: Optional[Assessment]) -> None:
        self.set_groups(checklist_groups(assessment) if assessment else [])

    def group_data(self, group: ChecklistGroup, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return group.title
            if column == 1:
                if group.id == BLOCKERS_ID:
                    return f"{group.open_count} blocking"
                score = "n/a" if group.score is None else f"{group.score:.0f}/100"
                return f"{score} · {group.open_count} open" if group.open_count else score
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            if group.id == BLOCKERS_ID:
                return icon("blocker")
            return icon("attention") if group.open_count else icon("done")
        return None

    def child_data(self, item: ItemResult, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (item.title, item_status_text(item), item.risk or f"{item.weight:g}")[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return item_icon(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.title}\nWhy: {item.why}" + (f"\nHow to fix: {item.fix}" if item.fix else "")
        return None
