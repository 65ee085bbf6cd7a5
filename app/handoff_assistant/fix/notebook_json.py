"""Rewriting the source of notebook cells without touching one byte of the rest of the file.

nbformat's own writer re-sorts keys and re-indents, which would turn a one-line fix into a diff of the whole
notebook. Here the JSON text is walked once to find where each cell's ``source`` value is written; only those spans
are replaced, in the notebook's own style (a list of lines with its indentation, or one string). The result is
validated with nbformat before it is used.
"""
from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Optional

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


class NotebookLayoutError(ValueError):
    """The notebook's JSON is not the nbformat 4 layout this writer edits."""


def cell_sources(text: str) -> list[tuple[str, str, int, int]]:
    """(cell_type, source, start, end) per cell, start/end the offsets of the source value in ``text``."""
    walker = _Walker(text)
    walker.value(0, ())
    data = json.loads(text)
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookLayoutError("the notebook has no nbformat 4 'cells' list")
    result = []
    for index, cell in enumerate(cells):
        span = walker.spans.get(index)
        source = cell.get("source", "") if isinstance(cell, dict) else ""
        text_source = "".join(source) if isinstance(source, list) else str(source)
        start, end = span if span else (-1, -1)
        result.append((str(cell.get("cell_type", "")) if isinstance(cell, dict) else "", text_source, start, end))
    return result


def replace_sources(text: str, new_sources: dict[int, str]) -> str:
    """The notebook with the given cells' sources replaced; every other byte as it was."""
    cells = cell_sources(text)
    pieces, last = [], 0
    for index in sorted(new_sources):
        _, _, start, end = cells[index]
        if start < 0:
            raise NotebookLayoutError(f"cell {index + 1} has no source to replace")
        pieces += [text[last:start], _written_like(text[start:end], new_sources[index], text, start)]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def validate(text: str) -> Optional[str]:
    """None when nbformat accepts the notebook, else the reason in one line."""
    import nbformat

    try:
        notebook = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated types for a bad notebook
        return str(error).splitlines()[0] if str(error) else type(error).__name__
    return None


def _written_like(original: str, source: str, text: str, start: int) -> str:
    """``source`` written as the original value was: one JSON string, or a list of lines with its indentation."""
    if not original.startswith("["):
        return _string(source)
    lines = source.splitlines(keepends=True)
    if not lines:
        return "[]"
    first = re.match(r"\[([ \t]*\n[ \t]*)", original)
    if first is None:  # everything on one line: ["a\n", "b"]
        return "[" + ", ".join(_string(line) for line in lines) + "]"
    separator = first.group(1)
    closing = re.search(r"(\n[ \t]*)\]$", original)
    close = closing.group(1) if closing else "\n" + _indent_of(text, start)
    return "[" + separator + ("," + separator).join(_string(line) for line in lines) + close + "]"


def _indent_of(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    return re.match(r"[ \t]*", text[line_start:]).group()


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


class _Walker:
    """A JSON reader that only remembers where ``cells[i].source`` values are."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[int, tuple[int, int]] = {}

    def value(self, index: int, path: tuple) -> int:
        index = _WHITESPACE.match(self.text, index).end()
        char = self.text[index:index + 1]
        if char == "{":
            end = self._object(index + 1, path)
        elif char == "[":
            end = self._array(index + 1, path)
        elif char == '"':
            end = scanstring(self.text, index + 1)[1]
        else:
            match = _NUMBER.match(self.text, index) or re.compile(r"true|false|null").match(self.text, index)
            if match is None:
                raise NotebookLayoutError(f"not JSON at character {index}")
            end = match.end()
        if len(path) == 3 and path[0] == "cells" and path[2] == "source":
            self.spans[path[1]] = (index, end)
        return end

    def _object(self, index: int, path: tuple) -> int:
        index = _WHITESPACE.match(self.text, index).end()
        if self.text.startswith("}", index):
            return index + 1
        while True:
            index = _WHITESPACE.match(self.text, index).end()
            key, index = scanstring(self.text, index + 1)
            index = _WHITESPACE.match(self.text, index).end() + 1  # the ":"
            index = self.value(index, path + (key,) if len(path) < 3 else path + ("",))
            index = _WHITESPACE.match(self.text, index).end()
            if self.text.startswith("}", index):
                return index + 1
            index += 1  # the ","

    def _array(self, index: int, path: tuple) -> int:
        index = _WHITESPACE.match(self.text, index).end()
        if self.text.startswith("]", index):
            return index + 1
        item = 0
        while True:
            index = self.value(index, path + (item,) if len(path) < 3 else path + ("",))
            index = _WHITESPACE.match(self.text, index).end()
            if self.text.startswith("]", index):
                return index + 1
            index += 1
            item += 1
