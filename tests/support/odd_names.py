"""A project whose file names a report can choke on: bytes that are not UTF-8, and a line break."""
from __future__ import annotations

import os
from pathlib import Path

UNDECODABLE = b"bad\xff.py"  # as the file system stores it; Python names it 'bad\udcff.py'
WITH_NEWLINE = "new\nline.py"
PASSWORD = "Hunter2secretvalue"


def make_oddly_named_project(root: Path) -> Path:
    """Both files hold a password, so each gets a finding that every report must name."""
    root.mkdir(parents=True, exist_ok=True)
    for name in (os.path.join(os.fsencode(root), UNDECODABLE), root / WITH_NEWLINE):
        with open(name, "w", encoding="utf-8") as handle:
            handle.write(f'password = "{PASSWORD}"\n')
    return root
