"""A horizontal bar chart of lines of code per language, painted with QPainter."""
from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from handoff_assistant.gui.theme import CHART_COLOURS
from handoff_assistant.scan.report import LanguageStat

ROW_HEIGHT = 26
MAX_BARS = 8


class LanguageChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stats: tuple[LanguageStat, ...] = ()
        self.setAccessibleName("Languages chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_stats(self, stats: Sequence[LanguageStat]) -> None:
        self._stats = tuple(stats)[:MAX_BARS]
        described = ", ".join(f"{s.name}: {s.code_lines} lines in {s.files} files" for s in self._stats)
        self.setAccessibleDescription(described or "No code found")
        self.setToolTip(described.replace(", ", "\n") if described else "")
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(420, max(1, len(self._stats)) * ROW_HEIGHT + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(260, self.sizeHint().height())

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().color(QPalette.ColorRole.WindowText)
        if not self._stats:
            painter.setPen(text_colour)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No source files found")
            return
        metrics = self.fontMetrics()
        label_width = max(metrics.horizontalAdvance(s.name) for s in self._stats) + 12
        value_width = max(metrics.horizontalAdvance(_value_text(s)) for s in self._stats) + 12
        bar_space = max(20, self.width() - label_width - value_width - 8)
        biggest = max(max(s.code_lines for s in self._stats), 1)
        for row, stat in enumerate(self._stats):
            top = 4 + row * ROW_HEIGHT
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, top, label_width - 8, ROW_HEIGHT - 6),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, stat.name)
            width = max(3.0, bar_space * stat.code_lines / biggest)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(CHART_COLOURS[row % len(CHART_COLOURS)]))
            painter.drawRoundedRect(QRectF(label_width, top + 3, width, ROW_HEIGHT - 12), 3, 3)
            painter.setPen(text_colour)
            painter.drawText(QRectF(label_width + width + 6, top, value_width, ROW_HEIGHT - 6),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, _value_text(stat))


def _value_text(stat: LanguageStat) -> str:
    files = "file" if stat.files == 1 else "files"
    return f"{stat.code_lines:,} lines · {stat.files} {files}"
