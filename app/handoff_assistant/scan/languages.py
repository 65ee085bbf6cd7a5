"""Which language a file is written in, and how many lines of code it has.  (STUB — to be completed)"""
from __future__ import annotations

from pathlib import PurePosixPath
from typing import Optional

PYTHON = "Python"
JUPYTER_PYTHON = "Jupyter (Python)"
JUPYTER_R = "Jupyter (R)"
JUPYTER_OTHER = "Jupyter (other)"
R = "R"
R_MARKDOWN = "R Markdown"
QUARTO = "Quarto"
SWEAVE = "Sweave"
R_FAMILY = frozenset({R, R_MARKDOWN, QUARTO, SWEAVE})

_BY_EXTENSION = {".py": PYTHON, ".ipynb": JUPYTER_PYTHON, ".r": R, ".rmd": R_MARKDOWN, ".qmd": QUARTO,
                 ".rnw": SWEAVE, ".sql": "SQL", ".sh": "Shell", ".yaml": "YAML", ".yml": "YAML", ".json": "JSON"}


def detect_language(path: str, text: str) -> Optional[str]:
    language = _BY_EXTENSION.get(PurePosixPath(path).suffix.lower())
    if language == JUPYTER_PYTHON and '"language": "R"' in text:
        return JUPYTER_R
    return language


def count_code_lines(language: str, text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip() and not line.strip().startswith("#"))
