"""Reading a large JSON document once, keeping only the parts a shape asks for and measuring the rest.

A notebook is mostly saved outputs (plot images, HTML, widget state, JSON data), and the scan reads little of it:
cells' source and type, execution counts, the kernel's metadata and the text of outputs. Building Python objects
for all of it costs up to 40 bytes per character of JSON: a 50 MB notebook whose output was a nested array
peaked at 1.9 GB. ``read_shaped`` walks the text once and builds only what its shape names; every other value is
stepped over without building anything and kept as ``Skipped`` with its size in characters. Stepping over a
container counts brackets a segment at a time in C (bytes.translate and replace) rather than one token at a time
in Python, and never recurses, so any depth is stepped over. Shapes are a few levels deep, so reading them
recursively is bounded too.

Shapes (data, not code): ``SCALAR`` (a string, number, true/false/null; a container there is skipped),
``Text(cap)`` (a string or a list of strings, joined, at most ``cap`` characters kept), ``Fields({key: shape})``
(an object: the keys named are read with their shapes, the others skipped) and ``Items(shape)`` (a list whose
items have one shape). A value whose type does not fit its shape is skipped. Objects come back as
``ReadObject`` (a dict that knows how many characters of JSON it spanned).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.decoder import scanstring
from json.scanner import make_scanner
from typing import Any, Callable, Mapping, Optional, Union

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null|-?Infinity|NaN")
_BRACKET = re.compile(r"[\[\]{}]")
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
# From a place outside any string: what lies between strings, each followed by a whole string, as far as it goes.
_STRING_UNITS = re.compile(r'(?:[^"]*"[^"\\]*(?:\\.[^"\\]*)*")+', re.DOTALL)
_SCAN_SCALAR = make_scanner(json.JSONDecoder())  # the json module's own C scanner, used on scalars only
# One bracket pair for both kinds, every other byte deleted: what is left of a segment is its nesting alone.
_PAIRS = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_SEGMENT = 64 * 1024  # characters of a container counted at once, at most
_FIRST_SEGMENT = 1024  # the first look: most containers stepped over are small ({} metadata), so it doubles from here
_SHORT_SEGMENT = 256  # shorter segments (between strings) are walked bracket by bracket: cheaper than counting
_REDUCTIONS = 48  # innermost pairs removed at most this many times a segment; deeper ones are walked


class JsonError(ValueError):
    """The text is not the JSON a shape reads; ``position`` is where reading stopped."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class Skipped:
    """A value stepped over unread. Falsy, so ``value or default`` treats it as absent."""
    chars: int  # characters of JSON text it spanned

    def __bool__(self) -> bool:
        return False


class ReadObject(dict):
    """A JSON object as read, with how many characters of JSON text it spanned (``span``)."""
    span: int = 0


@dataclass(frozen=True)
class Text:
    cap: Optional[int] = None  # characters kept at most; None: all


@dataclass(frozen=True)
class Fields:
    shapes: Mapping[str, "Shape"]


@dataclass(frozen=True)
class Items:
    shape: "Shape"


class _Scalar:
    def __repr__(self) -> str:
        return "SCALAR"


SCALAR = _Scalar()
Shape = Union[_Scalar, Text, Fields, Items]


def read_shaped(text: str, shape: Shape) -> Any:
    """The JSON value of ``text`` read with ``shape``; ``JsonError`` when it is not valid where it was read."""
    reader = _Reader(text)
    value, end = reader.value(_skip_space(text, 0), shape)
    end = _skip_space(text, end)
    if end != len(text):
        raise JsonError("Extra data", end)
    return value


def _skip_space(text: str, position: int) -> int:
    return _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]  # matches the empty string


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text

    def value(self, position: int, shape: Shape) -> tuple[Any, int]:
        """The value at ``position`` (no space before it) and where it ends."""
        first = self.text[position:position + 1]
        if isinstance(shape, Text):
            return self.text_value(position, shape.cap)
        if first == "{" and isinstance(shape, Fields):
            return self.object(position, shape)
        if first == "[" and isinstance(shape, Items):
            return self.list(position, shape)
        if first in ("[", "{"):
            end = self.container_end(position)
            return Skipped(end - position), end
        return self.scalar(position)

    def scalar(self, position: int) -> tuple[Any, int]:
        try:
            return _SCAN_SCALAR(self.text, position)
        except StopIteration:
            raise JsonError("Expecting value", position) from None
        except json.JSONDecodeError as error:  # a string with a bad escape or a control character
            raise JsonError(error.msg, error.pos) from None

    def object(self, start: int, shape: Fields) -> tuple[ReadObject, int]:
        found, text = ReadObject(), self.text
        position = _skip_space(text, start + 1)
        if text.startswith("}", position):
            found.span = position + 1 - start
            return found, position + 1
        while True:
            if not text.startswith('"', position):
                raise JsonError("Expecting property name enclosed in double quotes", position)
            key, position = self.string(position)
            position = _skip_space(text, position)
            if not text.startswith(":", position):
                raise JsonError("Expecting ':' delimiter", position)
            position = _skip_space(text, position + 1)
            inner = shape.shapes.get(key)
            found[key], position = self.value(position, inner) if inner is not None else self.skip(position)
            position = _skip_space(text, position)
            if text.startswith("}", position):
                found.span = position + 1 - start
                return found, position + 1
            if not text.startswith(",", position):
                raise JsonError("Expecting ',' delimiter", position)
            position = _skip_space(text, position + 1)

    def list(self, start: int, shape: Items) -> tuple[list, int]:
        found: list = []

        def read_item(position: int) -> int:
            item, end = self.value(position, shape.shape)
            found.append(item)
            return end

        return found, self.each_item(start, read_item)

    def each_item(self, start: int, read_item: Callable[[int], Optional[int]]) -> int:
        """Call ``read_item`` with the start of each item of the list at ``start``; it returns the item's end, or
        None to read no further (the rest of the list is stepped over). Returns where the list ends."""
        text = self.text
        position = _skip_space(text, start + 1)
        if text.startswith("]", position):
            return position + 1
        while True:
            end = read_item(position)
            if end is None:
                return self.container_end(position, depth=1)
            position = _skip_space(text, end)
            if text.startswith("]", position):
                return position + 1
            if not text.startswith(",", position):
                raise JsonError("Expecting ',' delimiter", position)
            position = _skip_space(text, position + 1)

    def text_value(self, position: int, cap: Optional[int]) -> tuple[Any, int]:
        """A string, or a list's strings joined (other items ignored), cut at ``cap`` characters; else skipped."""
        text = self.text
        if text.startswith('"', position):
            found, end = self.string(position)
            return (found if cap is None else found[:cap]), end
        if not text.startswith("[", position):
            return self.value(position, SCALAR)
        batches: list[str] = []
        batch: list[str] = []
        kept = 0

        def read_item(item: int) -> Optional[int]:
            nonlocal batch, kept
            if cap is not None and kept >= cap:  # the rest is not read
                return None
            if not text.startswith('"', item):
                return self.skip(item)[1]
            line, end = self.string(item)
            batch.append(line)
            kept += len(line)
            if len(batch) >= 1024:  # a million short strings must not become a million objects at once
                batches.append("".join(batch))
                batch = []
            return end

        end = self.each_item(position, read_item)
        joined = "".join(batches + batch)
        return (joined if cap is None else joined[:cap]), end

    def string(self, position: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, position + 1, True)
        except json.JSONDecodeError as error:
            raise JsonError(error.msg, error.pos) from None

    def skip(self, position: int) -> tuple[Skipped, int]:
        """Step over the value at ``position`` without building it."""
        text = self.text
        first = text[position:position + 1]
        if first in ("[", "{"):
            end = self.container_end(position)
        elif first == '"':
            end = _string_end(text, position)
            if end < 0:
                raise JsonError("Unterminated string starting at", position)
        else:
            found = _SCALAR.match(text, position)
            if found is None:
                raise JsonError("Expecting value", position)
            end = found.end()
        return Skipped(end - position), end

    def container_end(self, position: int, depth: int = 0) -> int:
        """Where the container opened at ``position`` ends (or, with ``depth``, the one ``position`` is inside).
        Strings are matched whole, so brackets inside them do not count."""
        text, size = self.text, len(self.text)
        window = _FIRST_SEGMENT
        while position < size:
            segment_end = min(position + window, size)
            window = min(2 * window, _SEGMENT)
            units = _STRING_UNITS.match(text, position, segment_end)
            if units is not None and units.end() - position > _SHORT_SEGMENT:  # many strings: count them at once
                end, depth = _segment_with_strings_end(text, position, units.end(), depth)
                if end is not None:
                    return end
                position = units.end()
                continue
            quote = text.find('"', position, segment_end)
            stop = segment_end if quote < 0 else quote
            end, depth = _segment_end(text, position, stop, depth)
            if end is not None:
                return end
            if quote < 0:
                position = stop
                continue
            position = _string_end(text, quote)
            if position < 0:
                break
        raise JsonError("Unterminated container", size)


def _string_end(text: str, position: int) -> int:
    """Just after the closing quote of the string that opens at ``position``; -1 when it never closes.
    ``str.find`` runs at memory speed over long strings (a saved PNG), where the string regex crawls."""
    search = position + 1
    while True:
        quote = text.find('"', search)
        if quote < 0:
            return -1
        backslashes = 0
        while text[quote - 1 - backslashes] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:  # \\" is a backslash then the end; \" is an escaped quote
            return quote + 1
        search = quote + 1


def _segment_end(text: str, start: int, stop: int, depth: int) -> tuple[Optional[int], int]:
    """Brackets of ``text[start:stop]`` (no strings in it) from ``depth``: where depth comes back to 0, if it
    does there, and the depth after the segment. A segment that cannot close is counted, not walked; one that
    may close is halved until the halves are short enough to walk bracket by bracket."""
    if stop - start <= _SHORT_SEGMENT:
        return _walk(_BRACKET, text, start, stop, depth)
    after = _depth_if_open(text[start:stop], depth)
    if after is not None:
        return None, after
    middle = (start + stop) // 2
    end, depth = _segment_end(text, start, middle, depth)
    return (end, 0) if end is not None else _segment_end(text, middle, stop, depth)


def _segment_with_strings_end(text: str, start: int, stop: int, depth: int) -> tuple[Optional[int], int]:
    """``_segment_end`` for a segment of whole strings and what lies between them: the strings are removed in C
    before counting; only a segment that may close is walked, string by string."""
    after = _depth_if_open(_STRING.sub("", text[start:stop]), depth)
    return (None, after) if after is not None else _walk(_TOKEN, text, start, stop, depth)


def _depth_if_open(brackets_text: str, depth: int) -> Optional[int]:
    """The depth after ``brackets_text`` (no strings in it) when the container cannot close inside it, else None.
    Removing its innermost pairs leaves "]]]...[[[": fewer leading closers than ``depth`` means it stays open."""
    pairs = brackets_text.encode("utf-8", "replace").translate(_PAIRS, _NOT_BRACKETS)
    for _ in range(_REDUCTIONS):
        shorter = pairs.replace(b"[]", b"")
        if len(shorter) == len(pairs):
            break
        pairs = shorter
    if b"[]" in pairs:
        return None
    closers = len(pairs) - len(pairs.lstrip(b"]"))
    return depth - closers + (len(pairs) - closers) if closers < depth else None


def _walk(tokens: re.Pattern[str], text: str, start: int, stop: int, depth: int) -> tuple[Optional[int], int]:
    """Bracket by bracket (strings matched whole and passed over): where depth comes back to 0, if it does."""
    for token in tokens.finditer(text, start, stop):
        bracket = text[token.start()]
        if bracket == '"':
            continue
        depth += 1 if bracket in "[{" else -1
        if depth == 0:
            return token.end(), 0
    return None, depth
