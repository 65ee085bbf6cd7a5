"""The header that is always visible: project name, score, level and the weakest section."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from handoff_assistant.gui.theme import LEVEL_COLOURS
from handoff_assistant.gui.widgets.score_bar import ScoreBar
from handoff_assistant.readiness.model import Assessment


class ScoreHeader(QFrame):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Project header")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.name_label = QLabel()
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label = QLabel()
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.score_label = QLabel("—")
        score_font = self.score_label.font()
        score_font.setPointSizeF(score_font.pointSizeF() * 1.8)
        score_font.setBold(True)
        self.score_label.setFont(score_font)
        self.score_label.setAccessibleName("Readiness score")
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.level_label = QLabel()
        self.level_label.setAccessibleName("Readiness level")
        self.level_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.level_label.setMinimumWidth(96)
        self.weakest_label = QLabel()
        self.weakest_label.setTextFormat(Qt.TextFormat.PlainText)
        self.score_bar = ScoreBar()

        names = QVBoxLayout()
        names.addWidget(self.name_label)
        names.addWidget(self.path_label)
        score_box = QVBoxLayout()
        score_row = QHBoxLayout()
        score_row.addWidget(self.score_label)
        score_row.addWidget(self.level_label)
        score_box.addLayout(score_row)
        score_box.addWidget(self.score_bar)
        score_box.addWidget(self.weakest_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addLayout(names, 1)
        layout.addLayout(score_box)

    def set_project(self, name: str, path: str, dirty: bool) -> None:
        self.name_label.setText(name + (" •" if dirty else ""))
        self.name_label.setToolTip("Unsaved changes to handoff.yaml (Ctrl+S saves)" if dirty else "")
        self.path_label.setText(path)

    def set_assessment(self, assessment: Optional[Assessment]) -> None:
        if assessment is None:
            self.score_label.setText("—")
            self.level_label.setText("not assessed")
            self.level_label.setStyleSheet("padding: 3px 8px; border-radius: 4px; border: 1px solid #8a94a3;")
            self.weakest_label.setText("")
            self.score_bar.set_score(None)
            return
        self.score_label.setText(f"{assessment.score:.0f}")
        self.score_label.setToolTip(f"Readiness score {assessment.score:.1f} out of 100")
        self.level_label.setText(assessment.level)
        colour = LEVEL_COLOURS.get(assessment.level, "#8a94a3")
        self.level_label.setStyleSheet(f"color: white; background: {colour}; padding: 3px 8px; border-radius: 4px;")
        weakest = next((s.title for s in assessment.sections if s.id == assessment.weakest_section), None)
        blockers = len(assessment.blockers)
        parts = ([f"Weakest: {weakest}"] if weakest else []) + ([f"{blockers} blocking"] if blockers else [])
        self.weakest_label.setText(" · ".join(parts))
        self.score_bar.set_score(assessment.score)
