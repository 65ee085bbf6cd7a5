"""Finding the python executable inside a venv or conda environment folder the user picked."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

CANDIDATES = ("bin/python3", "bin/python", "Scripts/python.exe", "python.exe")


def interpreter_in(folder: Path) -> Optional[Path]:
    """The environment's interpreter (venv: bin/ or Scripts/; conda on Windows: the top folder), or None."""
    return next((folder / name for name in CANDIDATES if (folder / name).is_file()), None)
