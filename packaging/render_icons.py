"""Render the app's one SVG icon (resources/icons/app.svg) into every icon file the installers need.

  packaging/linux/icons/hicolor/scalable/apps/io.github.handoff_assistant.svg   (the SVG itself)
  packaging/linux/icons/hicolor/<N>x<N>/apps/io.github.handoff_assistant.png    (N = 16 ... 512)
  packaging/linux/icons/hicolor/<N>x<N>/mimetypes/application-vnd.handoff-bundle+zip.png, and scalable/
  packaging/windows/handoff-assistant.ico   (16-256, Qt's ICO writer)
  packaging/macos/handoff-assistant.icns    (Qt's ICNS writer)

Run once after changing the SVG: ``QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/render_icons.py``;
the outputs are committed, so a build needs neither Qt image plug-ins nor this script.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
APP_ID = "io.github.handoff_assistant"
MIME_ICON = "application-vnd.handoff-bundle+zip"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def save(image: QImage, path: Path, fmt: str = "png") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = QImageWriter(str(path), fmt.encode())
    if not writer.write(image):
        sys.exit(f"cannot write {path}: {writer.errorString()}")


def main() -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage needs an app)
    hicolor = ROOT / "packaging" / "linux" / "icons" / "hicolor"
    for svg, kind, name in ((ROOT / "resources" / "icons" / "app.svg", "apps", APP_ID),
                            (ROOT / "resources" / "icons" / "bundle.svg", "mimetypes", MIME_ICON)):
        scalable = hicolor / "scalable" / kind / f"{name}.svg"
        scalable.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(svg, scalable)
        for size in SIZES:
            save(render(svg, size), hicolor / f"{size}x{size}" / kind / f"{name}.png")
    app_svg = ROOT / "resources" / "icons" / "app.svg"
    save(render(app_svg, 256), ROOT / "packaging" / "windows" / "handoff-assistant.ico", "ico")
    save(render(app_svg, 512), ROOT / "packaging" / "macos" / "handoff-assistant.icns", "icns")


if __name__ == "__main__":
    main()
