"""Light and dark palettes (Fusion style), both checked for legible text in the screenshots."""
from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

LEVEL_COLOURS = {"Ready": "#2e8b57", "Needs work": "#c77c00", "Not ready": "#cc3b3b"}
SEVERITY_COLOURS = {"critical": "#b3261e", "high": "#d9534f", "medium": "#d08a00", "low": "#5b8bd0", "info": "#8a94a3"}
# Verification outcomes (handoff_assistant.outcome): incomplete is amber, never the green of passed.
OUTCOME_COLOURS = {"passed": "#2e8b57", "failed": "#cc3b3b", "incomplete": "#c77c00", "n/a": "#8a94a3",
                   "record error": "#b3261e"}
OUTCOME_ICONS = {"passed": "done", "failed": "attention", "incomplete": "pending", "n/a": "suppress",
                 "record error": "attention"}
CHART_COLOURS = ("#3b78c2", "#e07b39", "#3aa17e", "#c4496c", "#8a63c9", "#c9a227", "#4fb0c6", "#7f8c8d")


def apply_theme(app: QApplication, theme: str) -> None:
    """``theme`` is "light", "dark" or "system" (follows the desktop's colour scheme)."""
    app.setStyle("Fusion")
    if theme == "system":
        scheme = QGuiApplication.styleHints().colorScheme()
        theme = "dark" if scheme == Qt.ColorScheme.Dark else "light"
    app.setPalette(dark_palette() if theme == "dark" else light_palette())


def light_palette() -> QPalette:
    return _palette(window="#f4f5f7", base="#ffffff", alt="#f0f2f5", text="#1d2430", button="#e9ecf0",
                    highlight="#2f6fb0", mid_text="#5a6473", link="#1f5fa8", mid="#d3d8df")


def dark_palette() -> QPalette:
    return _palette(window="#23272e", base="#1b1e23", alt="#262a31", text="#e6e9ee", button="#2f343c",
                    highlight="#4a8fd9", mid_text="#a5adba", link="#7db3ee", mid="#414852")


def _palette(*, window, base, alt, text, button, highlight, mid_text, link, mid) -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: window, QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base, QPalette.ColorRole.AlternateBase: alt,
        QPalette.ColorRole.Text: text, QPalette.ColorRole.Button: button,
        QPalette.ColorRole.ButtonText: text, QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: base,
        QPalette.ColorRole.ToolTipText: text, QPalette.ColorRole.PlaceholderText: mid_text,
        QPalette.ColorRole.Link: link, QPalette.ColorRole.BrightText: "#ff5555",
        QPalette.ColorRole.Mid: mid,
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(mid_text))
    return p
