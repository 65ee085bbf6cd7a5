"""A small painted bar for a 0-100 score, coloured like the level it would earn."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QWidget


def score_colour(score: Optional[float]) -> QColor:
    if score is None:
        return QColor("#8a94a3")
    if score >= 80:
        return QColor("#2e8b57")
    if score >= 50:
        return QColor("#c77c00")
    return QColor("#cc3b3b")


class ScoreBar(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._score: Optional[float] = None
        self.setMinimumWidth(120)

    def set_score(self, score: Optional[float]) -> None:
        self._score = score
        self.setAccessibleDescription("not applicable" if score is None else f"{score:.0f} out of 100")
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(180, 16)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = QRectF(0, 3, self.width(), self.height() - 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(track, 4, 4)
        if self._score:
            painter.setBrush(score_colour(self._score))
            painter.drawRoundedRect(QRectF(0, 3, track.width() * min(self._score, 100) / 100, track.height()), 4, 4)
