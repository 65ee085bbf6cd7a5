"""Painted pieces of the portfolio page: section bars in a table cell, the score trend line, the review dialog."""
from __future__ import annotations

import getpass
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QRadioButton, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QVBoxLayout, QWidget)

from handoff_assistant.gui.models.portfolio_model import LEVEL_COLOURS, ROW_ROLE
from handoff_assistant.portfolio.model import APPROVED, CHANGES_REQUESTED, HistoryStep, SectionValue
from handoff_assistant.portfolio.reviews import Review, ReviewError, save_review
from handoff_assistant.readiness.model import READY

BAR_WIDTH = 9
READY_LINE = 80  # the default policy's Ready threshold, drawn as a guide
BAR_GAP = 3


def score_colour(score: Optional[float]) -> QColor:
    if score is None:
        return QColor("#8a94a3")
    return QColor("#2e8b57" if score >= 80 else "#c77c00" if score >= 50 else "#cc3b3b")


class SectionBarsDelegate(QStyledItemDelegate):
    """One small vertical bar per checklist section, coloured by its score (grey: not applicable)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        row = index.data(ROW_ROLE)
        if row is not None and row.record.error:
            painter.save()
            painter.setPen(QColor(LEVEL_COLOURS["Not ready"]))
            text = option.fontMetrics.elidedText(row.record.error, Qt.TextElideMode.ElideRight, option.rect.width() - 8)
            painter.drawText(option.rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
            return
        if row is None or not row.record.sections:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_section_bars(painter, QRectF(option.rect).adjusted(6, 4, -6, -4), row.record.sections,
                           option.palette.color(QPalette.ColorRole.Mid))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt API
        row = index.data(ROW_ROLE)
        count = len(row.record.sections) if row is not None else 6
        return QSize(12 + count * (BAR_WIDTH + BAR_GAP), 24)


def paint_section_bars(painter: QPainter, area: QRectF, sections: Sequence[SectionValue], track: QColor) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    for position, section in enumerate(sections):
        x = area.left() + position * (BAR_WIDTH + BAR_GAP)
        painter.setBrush(track)
        painter.drawRect(QRectF(x, area.top(), BAR_WIDTH, area.height()))
        height = area.height() * min(section.score or 0, 100) / 100
        painter.setBrush(score_colour(section.score))
        painter.drawRect(QRectF(x, area.bottom() - height, BAR_WIDTH, height))


class SectionScores(QWidget):
    """The sections of one bundle as labelled horizontal bars with their score."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._sections: tuple[SectionValue, ...] = ()
        self.setAccessibleName("Section scores")

    def set_sections(self, sections: Sequence[SectionValue]) -> None:
        self._sections = tuple(sections)
        self.setAccessibleDescription(", ".join(f"{s.title} {'n/a' if s.score is None else f'{s.score:.0f}'}"
                                                for s in self._sections))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(240, max(1, len(self._sections)) * (self.fontMetrics().height() + 6))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return self.sizeHint()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        line = metrics.height() + 6
        label_width = max((metrics.horizontalAdvance(s.title) for s in self._sections), default=0) + 10
        value_width = metrics.horizontalAdvance("100") + 8
        bar_width = max(self.width() - label_width - value_width, 20)
        for position, section in enumerate(self._sections):
            top = position * line
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            painter.drawText(QRectF(0, top, label_width, line), Qt.AlignmentFlag.AlignVCenter, section.title)
            value = "n/a" if section.score is None else f"{section.score:.0f}"
            painter.drawText(QRectF(label_width + bar_width, top, value_width, line),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, value)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.palette().color(QPalette.ColorRole.Mid))
            track = QRectF(label_width, top + line / 2 - 4, bar_width, 8)
            painter.drawRoundedRect(track, 3, 3)
            painter.setBrush(score_colour(section.score))
            painter.drawRoundedRect(QRectF(track.left(), track.top(), bar_width * min(section.score or 0, 100) / 100,
                                           track.height()), 3, 3)


class TrendChart(QWidget):
    """Score of each bundle of one project over time: a line, a dot per bundle coloured by level, the Ready line."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self._steps: tuple[HistoryStep, ...] = ()
        self.setMinimumSize(260, 150)
        self.setAccessibleName("Score trend")

    def set_steps(self, steps: Sequence[HistoryStep]) -> None:
        self._steps = tuple(steps)
        scores = ", ".join(f"{s.record.created_at[:10]} {s.record.score:.0f}" for s in self._steps
                           if s.record.score is not None)
        self.setAccessibleDescription(scores or "no bundles")
        self.update()

    def points(self) -> list[QPointF]:
        """Where each scored bundle is drawn (evenly spaced, oldest on the left)."""
        plot = self._plot_area()
        scored = [s for s in self._steps if s.record.score is not None]
        if not scored:
            return []
        step = plot.width() / max(len(scored) - 1, 1)
        return [QPointF(plot.left() + (i * step if len(scored) > 1 else plot.width() / 2),
                        plot.bottom() - plot.height() * s.record.score / 100) for i, s in enumerate(scored)]

    def _plot_area(self) -> QRectF:
        metrics = self.fontMetrics()
        return QRectF(self.rect()).adjusted(metrics.horizontalAdvance("100") + 12, metrics.height(),
                                            -metrics.horizontalAdvance("2026-11-20") // 2 - 4,
                                            -metrics.height() - 8)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._plot_area()
        text = self.palette().color(QPalette.ColorRole.Text)
        grid = self.palette().color(QPalette.ColorRole.Mid)
        self._paint_axes(painter, plot, text, grid)
        scored = [s for s in self._steps if s.record.score is not None]
        if not scored:
            painter.setPen(text)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No bundles of this project yet")
            return
        points = self.points()
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        for point, step in zip(points, scored):
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1.5))
            painter.setBrush(QColor(LEVEL_COLOURS.get(step.record.level, "#8a94a3")))
            painter.drawEllipse(point, 5, 5)
        self._paint_dates(painter, points, scored, text)

    def _paint_axes(self, painter: QPainter, plot: QRectF, text: QColor, grid: QColor) -> None:
        for value in (0, 50, 100):
            y = plot.bottom() - plot.height() * value / 100
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(text)
            painter.drawText(QRectF(0, y - 8, plot.left() - 6, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        ready_y = plot.bottom() - plot.height() * READY_LINE / 100
        painter.setPen(QPen(QColor(LEVEL_COLOURS[READY]), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), ready_y), QPointF(plot.right(), ready_y))
        painter.drawText(QRectF(plot.left() + 4, ready_y - self.fontMetrics().height() - 1, plot.width(),
                                self.fontMetrics().height()), Qt.AlignmentFlag.AlignLeft, f"{READY} ({READY_LINE})")

    def _paint_dates(self, painter: QPainter, points: list[QPointF], steps: list[HistoryStep], text: QColor) -> None:
        painter.setPen(text)
        width = self.fontMetrics().horizontalAdvance("2026-11-20") + 8
        last_right = float("-inf")
        for point, step in zip(points, steps):
            box = QRectF(point.x() - width / 2, self.height() - self.fontMetrics().height() - 4, width,
                         self.fontMetrics().height())
            if box.left() > last_right:  # skip a date that would overlap the previous one
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, step.record.created_at[:10])
                last_right = box.right()


class ReviewDialog(QDialog):
    """Approve or request changes with a comment; Save writes review.json beside the bundle."""

    def __init__(self, project: str, bundle: Path, parent: Optional[QWidget] = None,
                 decision: str = APPROVED) -> None:
        super().__init__(parent)
        self.bundle = bundle
        self.saved: Optional[Review] = None
        self.setWindowTitle(f"Review {project}")
        self.approve = QRadioButton("Approve")
        self.request_changes = QRadioButton("Request changes")
        group = QButtonGroup(self)
        for button in (self.approve, self.request_changes):
            group.addButton(button)
        (self.approve if decision == APPROVED else self.request_changes).setChecked(True)
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText("What is good, or what must change before IT takes it over")
        self.comment.setAccessibleName("Review comment")
        self.reviewer = QLineEdit(_user())
        self.reviewer.setAccessibleName("Reviewer")
        self.error = QLabel()
        self.error.setStyleSheet("color: #cc3b3b")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Bundle", QLabel(bundle.name))
        form.addRow("Decision", self.approve)
        form.addRow("", self.request_changes)
        form.addRow("Comment", self.comment)
        form.addRow("Reviewer", self.reviewer)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @property
    def decision(self) -> str:
        return APPROVED if self.approve.isChecked() else CHANGES_REQUESTED

    def save(self) -> None:
        try:
            self.saved = save_review(self.bundle, self.decision, self.comment.toPlainText(),
                                     by=self.reviewer.text().strip() or None)
        except (ReviewError, OSError) as error:
            self.error.setText(f"The review was not saved: {error}")
            return
        self.accept()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
