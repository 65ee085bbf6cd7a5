"""How the app talks to the user when something needs attention: a sentence, details on request."""
from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def show_error(parent: Optional[QWidget], summary: str, details: str = "") -> QMessageBox:
    """A non-blocking error message that says what to do; the traceback sits behind "Show Details"."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Handoff Assistant", summary, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    if details:
        box.setDetailedText(details)
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def ask_yes_no(parent: Optional[QWidget], title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: Optional[QWidget], title: str, label: str, text: str = "") -> Optional[str]:
    """A short line of text from the user (a reason, a distribution name); None when cancelled or empty."""
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    value = value.strip()
    return value if ok and value else None


def ask_password(parent: Optional[QWidget], title: str, label: str) -> Optional[str]:
    """A password typed without echo; None when cancelled (an empty password is a password)."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return value if ok else None
