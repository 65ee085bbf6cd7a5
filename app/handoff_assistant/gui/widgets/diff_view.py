"""A file's changes: a unified diff (removed lines red, added green, hunk headers blue) or the file before and after
side by side; the colours read on the light and the dark palette."""
from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QTextEdit, QWidget

from handoff_assistant.gui.widgets.code_preview import read_only_code


def _format(foreground: str, background: Optional[QColor] = None, bold: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(foreground))
    if background is not None:
        fmt.setBackground(background)
    if bold:
        fmt.setFontWeight(700)
    return fmt


# Translucent backgrounds read on both the light and the dark palette.
ADDED = _format("#2e9e5b", QColor(46, 158, 91, 45))
REMOVED = _format("#d0494f", QColor(208, 73, 79, 45))
HUNK = _format("#4a86c8")
FILE_HEADER = _format("#8a94a3", bold=True)


def line_kind(line: str) -> str:
    """"file", "hunk", "added", "removed" or "context" for one line of a unified diff."""
    if line.startswith(("+++ ", "--- ")):
        return "file"
    if line.startswith("@@"):
        return "hunk"
    if line.startswith("+"):
        return "added"
    if line.startswith("-"):
        return "removed"
    return "context"


FORMATS = {"file": FILE_HEADER, "hunk": HUNK, "added": ADDED, "removed": REMOVED}


class DiffHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        fmt = FORMATS.get(line_kind(text))
        if fmt is not None:
            self.setFormat(0, len(text), fmt)


class DiffView(QPlainTextEdit):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        read_only_code(self, "Changes (unified diff)", "Select a file to see its changes.")
        self.highlighter = DiffHighlighter(self.document())

    def show_diff(self, diff: str) -> None:
        self.setPlainText(diff)


LEFT_COLOURS = {"changed": REMOVED.background().color(), "removed": REMOVED.background().color()}
RIGHT_COLOURS = {"changed": ADDED.background().color(), "added": ADDED.background().color()}


class SideBySideView(QWidget):
    """The file before (left) and after (right), line against line; both panes scroll together."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.left = read_only_code(QPlainTextEdit(), "Before the fix")
        self.right = read_only_code(QPlainTextEdit(), "After the fix")
        for bar in ("verticalScrollBar", "horizontalScrollBar"):
            getattr(self.left, bar)().valueChanged.connect(getattr(self.right, bar)().setValue)
            getattr(self.right, bar)().valueChanged.connect(getattr(self.left, bar)().setValue)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.left)
        layout.addWidget(self.right)

    def show_rows(self, rows: Sequence) -> None:
        """``rows`` have ``left``, ``right`` and ``kind`` ("same", "changed", "removed", "added")."""
        for pane, side, colours in ((self.left, "left", LEFT_COLOURS), (self.right, "right", RIGHT_COLOURS)):
            pane.setPlainText("\n".join(getattr(row, side) for row in rows))
            pane.setExtraSelections([_line_selection(pane, number, colours[row.kind])
                                     for number, row in enumerate(rows) if row.kind in colours])


def _line_selection(pane: QPlainTextEdit, number: int, colour: QColor) -> QTextEdit.ExtraSelection:
    selection = QTextEdit.ExtraSelection()
    selection.format.setBackground(colour)
    selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
    selection.cursor = QTextCursor(pane.document().findBlockByNumber(number))
    return selection
