"""Reliance on the working directory or on one machine's folder layout to find code.

``os.chdir``, IPython ``%cd`` and R ``setwd`` make every relative path depend on where the last run left the
process; ``sys.path.append``/``insert`` and R ``.libPaths`` with an absolute folder find code only on this computer.
"""
from __future__ import annotations

import re

from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Source

CHDIR = Rule("workdir.chdir", "workdir", "medium", "Changes the working directory",
             "The code changes the working directory ({detail}); relative paths then depend on where it was run.",
             "Remove the directory change and build paths from the project folder instead: "
             "Path(__file__).resolve().parent / \"data\" in scripts (R: here::here(\"data\")), or a configured "
             "folder.")
SYS_PATH = Rule("workdir.sys-path", "workdir", "high", "Adds an absolute folder to the import path",
                "The code adds a folder of this computer to the import path ({detail}); imports fail elsewhere.",
                "Make the code an installable package (pyproject.toml) or import it relative to the project, and "
                "declare other libraries in requirements.txt (R: DESCRIPTION or renv) instead of pointing at "
                "folders.")
register(CHDIR, SYS_PATH)

_PY_CHDIR = re.compile(r"(?<![\w.])(?<!def )((?:os\.)?f?chdir)\s*\(")
_PY_SYS_PATH = {"sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"}
_ABSOLUTE = re.compile(r"^(?:/|~|[A-Za-z]:[\\/]|\\\\)")
# A text whose lower-cased form contains none of these has no working-directory finding (see scan_text).
TEXT_NEEDLES = ("chdir", "setwd", "sys.path", "addsitedir", "libpaths", "%cd")
_CD_MAGIC = re.compile(r"^\s*%cd\b")
_LINE_RULES = (
    (CHDIR, re.compile(r"(?<![\w.])(?:os\.chdir|setwd)\s*\(")),
    (SYS_PATH, re.compile(r"(?<![\w.])(?:sys\.path\.(?:append|insert)|\.libPaths)\s*\([^)]*?[\"']"
                          r"(?:/|~|[A-Za-z]:[\\/])")),
)


def find_workdir(source: Source) -> list[Hit]:
    if source.python:
        return _python_hits(source)
    hits = []
    for segment in source.segments:
        if segment.kind in (CODE, SHELL):
            hits += _line_hits(segment.text, segment.row)
    return hits


def _python_hits(source: Source) -> list[Hit]:
    hits = []
    for segment in source.segments:
        if segment.kind == SHELL:
            cd_magic = _CD_MAGIC.match(segment.text)
            hits += [Hit(CHDIR, segment.row, "%cd")] if cd_magic else _line_hits(segment.text, segment.row)
        elif (segment.kind == STRING and segment.calls and segment.calls[-1] in _PY_SYS_PATH
              and _ABSOLUTE.match(segment.text)):
            hits.append(Hit(SYS_PATH, segment.row, segment.calls[-1]))
    literals = [segment for segment in source.segments if segment.kind != SHELL]
    for row, line in enumerate(source.lines, start=1):
        for match in _PY_CHDIR.finditer(line):
            if not any(segment.covers(row, match.start()) for segment in literals):
                hits.append(Hit(CHDIR, row, match.group(1)))
                break
    return hits


def _line_hits(text: str, row: int) -> list[Hit]:
    hits = []
    for rule, pattern in _LINE_RULES:
        match = pattern.search(text)
        if match:
            hits.append(Hit(rule, row, match.group().split("(")[0].strip()))
    return hits
