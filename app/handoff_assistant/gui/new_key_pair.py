"""The Bundle step's "New key pair…": where to save NAME.key, its password typed twice, and what to tell the user.

The key is written by the signing package (password-protected as ``minisign -G`` does, mode 0600, never over an
existing file); deriving with minisign's 1 GiB scrypt takes seconds, so the page runs it on its TaskRunner.
"""
from __future__ import annotations

import getpass
from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from handoff_assistant.gui.icons import icon
from handoff_assistant.gui.messages import ask_password
from handoff_assistant.user_data import user_data_dir

TITLE = "New key pair"
SECRET_KEY_FILTER = "minisign secret keys (*.key);;All files (*)"


def keys_folder() -> Path:
    """Where new keys are suggested: the app's data folder's keys/ (made private on first use), else home."""
    folder = user_data_dir() / "keys"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def suggested_name() -> str:
    try:
        return getpass.getuser() or "handoff"
    except (KeyError, OSError):  # no login name (some containers)
        return "handoff"


def ask_new_key_path(parent: QWidget) -> Optional[Path]:
    """The secret key's path from a save dialog (".key" added when missing); None when cancelled."""
    start = keys_folder() / f"{suggested_name()}.key"
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save the new secret key", str(start), SECRET_KEY_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix == ".key" else path.with_name(path.name + ".key")


def ask_new_key_password(parent: QWidget, secret: Path) -> Optional[str]:
    """A password typed twice without echo; asked again while empty or the two differ; None when cancelled."""
    problem = ""
    while True:
        first = ask_password(parent, TITLE, f"{problem}Password for the new secret key {secret.name} (asked each time "
                                            "it signs a bundle):")
        if first is None:
            return None
        if not first:
            problem = "An empty password is not allowed.\n"
            continue
        second = ask_password(parent, TITLE, f"Type the password for {secret.name} again:")
        if second is None:
            return None
        if second == first:
            return first
        problem = "The two passwords differ; try again.\n"


def made_text(key_id: str, public: Path) -> str:
    return (f"New key pair {key_id} (password-protected) now signs your bundles.\n"
            f"Give {public.name} to IT; they choose it as Trusted key:")


class NewKeyNote(QWidget):
    """Below the signing row after a key pair was made: what to give IT, its path to copy, and "Open folder"."""

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.folder: Optional[Path] = None
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName("New key pair")
        self.public_path = QLineEdit()  # selectable and copyable, and a long path does not widen the page
        self.public_path.setReadOnly(True)
        self.public_path.setAccessibleName("Public key to give IT")
        self.open_folder_button = QPushButton(icon("folder"), "Open folder")
        self.open_folder_button.setAccessibleName("Open the folder of the new key pair")
        self.open_folder_button.setToolTip("Show the .key and .pub files in your file manager")
        path_row = QHBoxLayout()
        path_row.addWidget(self.public_path, 1)
        path_row.addWidget(self.open_folder_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(path_row)
        self.hide()

    def say(self, key_id: str, public: Path) -> None:
        self.folder = public.parent
        self.label.setText(made_text(key_id, public))
        self.public_path.setText(str(public))
        self.show()
