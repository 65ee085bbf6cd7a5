"""SVG icons shipped in resources/icons (crisp at any DPI)."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QStyleOption

from handoff_assistant.assets import resource_path


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    if not path.is_file():
        raise FileNotFoundError(f"No icon named {name!r} in resources/icons")
    return QIcon(SvgIconEngine(str(path)))


class SvgIconEngine(QIconEngine):
    """Renders the SVG in its own colours when selected too.

    Qt's selected variant blends an icon into the highlight colour, which left the step states (done,
    needs attention) unreadable on the selected step of the navigation. Disabled icons stay greyed.
    """

    def __init__(self, path: str) -> None:
        super().__init__()
        self._path = path
        self._renderer = QSvgRenderer(path)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State,  # noqa: N802 - Qt API
                     scale: float) -> QPixmap:
        pixmap = QPixmap(size * scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self._renderer.render(painter, QRectF(pixmap.rect()))
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        if mode == QIcon.Mode.Disabled and QApplication.instance() is not None:
            return QApplication.style().generatedIconPixmap(mode, pixmap, QStyleOption())
        return pixmap

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self._path)
