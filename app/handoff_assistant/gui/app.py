"""``handoff-assistant [PATH]``: the desktop app.  (STUB — minimal window until the full GUI lands)"""
from __future__ import annotations

import sys
from typing import Optional, Sequence


def main(argv: Optional[Sequence[str]] = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(list(argv if argv is not None else sys.argv))
    label = QLabel("Handoff Assistant")
    label.show()
    return app.exec()
