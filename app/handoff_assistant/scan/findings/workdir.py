"""Reliance on the working directory or on one machine's folder layout to find code.

``os.chdir``, IPython ``%cd`` and R ``setwd`` make every relative path depend on where the last run left the
process; ``sys.path.append``/``insert`` and R ``.libPaths`` with an absolute folder find code only on this computer.
"""
from __future__ import annotations

import bisect
import re
from typing import Optional, Sequence

from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source

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
SYS_PATH_RELATIVE = Rule("workdir.sys-path-relative", "workdir", "medium",
                         "Adds a folder relative to the working directory to the import path",
                         "The code adds a relative folder to the import path ({detail}); Python resolves it against "
                         "the working directory, so imports fail when the code is started from another folder.",
                         "Build the folder from the file's own location: sys.path.insert(0, str(Path(__file__)"
                         ".resolve().parent / \"lib\")), or better make the code an installable package "
                         "(pyproject.toml) and declare the library in requirements.txt.")
register(CHDIR, SYS_PATH, SYS_PATH_RELATIVE)

_PY_CHDIR = re.compile(r"(?<![\w.])(?<!def )((?:os\.)?f?chdir)\s*\(")
_PY_SYS_PATH = {"sys.path.append", "sys.path.insert", "sys.path.extend", "site.addsitedir"}
_PATH_WRAPPERS = {"abspath", "realpath", "normpath", "Path", "str", "fspath", "resolve", "join"}
_ABSOLUTE = re.compile(r"^(?:/|~|[A-Za-z]:[\\/]|\\\\)")
# A text whose lower-cased form contains none of these has no working-directory finding (see scan_text).
TEXT_NEEDLES = ("chdir", "setwd", "sys.path", "addsitedir", "libpaths", "%cd")
_CD_MAGIC = re.compile(r"^\s*%cd\b")
_LINE_RULES = (
    (CHDIR, re.compile(r"(?<![\w.])(?:os\.chdir|setwd)\s*\(")),
    (SYS_PATH, re.compile(r"(?<![\w.])(?:sys\.path\.(?:append|insert)|\.libPaths)\s*\([^)\n]{0,200}?[\"']"
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
        elif segment.kind == STRING and _is_relative_sys_path(segment, source.lines):
            hits.append(Hit(SYS_PATH_RELATIVE, segment.row, f'{_sys_path_call(segment)}("{segment.text}")'))
    literals = _literal_spans(source)
    for row, line in enumerate(source.lines, start=1):
        for match in _PY_CHDIR.finditer(line):
            if not _inside(literals.get(row, ()), match.start()):
                hits.append(Hit(CHDIR, row, match.group(1)))
                break
    return hits


def _is_relative_sys_path(segment: Segment, lines: tuple[str, ...]) -> bool:
    """``sys.path.append("../input/lib")``, also through ``os.path.abspath``/``Path``/``str``, unless the line
    anchors it to the file's own folder (``__file__``)."""
    call = _sys_path_call(segment)
    if call is None or _ABSOLUTE.match(segment.text) or "\n" in segment.text or len(segment.text) > 200:
        return False
    wrappers = segment.calls[segment.calls.index(call) + 1:]
    if any(wrapper.rsplit(".", 1)[-1] not in _PATH_WRAPPERS for wrapper in wrappers):
        return False
    line = lines[segment.row - 1] if segment.row <= len(lines) else ""
    if "__file__" in line:
        return False
    return bool(wrappers) or segment.argument == (1 if call.endswith("insert") else 0)


def _sys_path_call(segment: Segment) -> Optional[str]:
    return next((call for call in segment.calls if call in _PY_SYS_PATH), None)


def _line_hits(text: str, row: int) -> list[Hit]:
    hits = []
    for rule, pattern in _LINE_RULES:
        match = pattern.search(text)
        if match:
            hits.append(Hit(rule, row, match.group().split("(")[0].strip()))
    return hits


def _literal_spans(source: Source) -> dict[int, list[tuple[int, int]]]:
    """Per row, the sorted column ranges of string literals and comments (everything but shell lines)."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for segment in source.segments:
        if segment.kind != SHELL:
            for row, start, end in segment.spans():
                spans.setdefault(row, []).append((start, end))
    for ranges in spans.values():
        ranges.sort()
    return spans


def _inside(ranges: Sequence[tuple[int, int]], column: int) -> bool:
    """Whether ``column`` lies in one of the sorted, non-overlapping ``ranges`` (a binary search: a long line
    with many literals stays linear)."""
    index = bisect.bisect_right(ranges, (column, float("inf"))) - 1
    return index >= 0 and ranges[index][0] <= column < ranges[index][1]
