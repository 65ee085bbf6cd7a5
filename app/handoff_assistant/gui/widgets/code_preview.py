"""A read-only code view that shows a finding's file (or notebook cell) with its line highlighted.

Secrets stay masked: every line that carries a secret finding is replaced by that finding's masked
snippet before the text reaches the screen.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from PySide6.QtGui import QColor, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from handoff_assistant.scan.files import NotText, read_text
from handoff_assistant.scan.notebooks import NotebookError, parse_notebook
from handoff_assistant.scan.report import Finding

PREVIEW_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class PreviewText:
    text: str  # masked, ready to show
    title: str  # "churn/data.py" or "notebooks/02_model.ipynb — cell 4"
    line: int  # 1-based line to highlight, 0 when none


def load_preview(root: Path, finding: Finding, secrets: Iterable[Finding]) -> PreviewText:
    """The text around ``finding``; ``secrets`` are the report's secret findings (their lines get masked)."""
    try:
        content = read_text(root / finding.file, PREVIEW_MAX_BYTES).text
    except (OSError, NotText) as error:
        return PreviewText(f"The file cannot be shown ({_reason(error)}).\n\n{finding.snippet}", finding.file, 0)
    title = finding.file
    if finding.cell is not None:
        try:
            cells = parse_notebook(content).cells
        except NotebookError as error:
            return PreviewText(f"The notebook cannot be read ({error}).\n\n{finding.snippet}", finding.file, 0)
        content = cells[finding.cell].source if 0 <= finding.cell < len(cells) else ""
        title = f"{finding.file} — cell {finding.cell + 1}"
    masks = {s.line: s.snippet for s in secrets if s.file == finding.file and s.cell == finding.cell}
    lines = [masks.get(number, line) for number, line in enumerate(content.splitlines(), start=1)]
    return PreviewText("\n".join(lines), title, finding.line)


def _reason(error: Exception) -> str:
    return error.reason if isinstance(error, NotText) else (error.strerror or str(error))


def read_only_code(view: QPlainTextEdit, name: str, placeholder: str = "") -> QPlainTextEdit:
    """Make ``view`` a read-only code view: fixed font, no wrapping, a name for screen readers."""
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.setAccessibleName(name)
    view.setPlaceholderText(placeholder)
    return view


class CodePreview(QPlainTextEdit):
    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        read_only_code(self, "Code preview", "Select a finding to see its code here.")
        self.highlighted_line = 0

    def show_preview(self, preview: PreviewText) -> None:
        numbered = "\n".join(f"{n:>4}  {line}" for n, line in enumerate(preview.text.split("\n"), start=1))
        self.setPlainText(numbered)
        self.highlighted_line = preview.line
        self.setExtraSelections([])
        if preview.line <= 0:
            return
        block = self.document().findBlockByNumber(preview.line - 1)
        if not block.isValid():
            return
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(255, 196, 0, 90))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        selection.cursor = QTextCursor(block)
        self.setExtraSelections([selection])
        self.setTextCursor(QTextCursor(block))
        self.centerCursor()

    def clear_preview(self) -> None:
        self.clear()
        self.highlighted_line = 0
        self.setExtraSelections([])
