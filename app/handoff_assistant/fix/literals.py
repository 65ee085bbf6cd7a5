"""Where the string literals of a unit of code are, with what they are given to (the context keys are named from).

A *unit* is what one language reads at once: a whole file, or one notebook cell. Python is read with libcst (exact
spans, the assigned name, the keyword, the called function); R, shell, SQL and configuration files by their quoting
rules on one line. Spans are (line, column) pairs, 1-based lines and 0-based character columns in the unit's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from handoff_assistant.scan.notebooks import prepare_python_cell


@dataclass(frozen=True)
class Literal:
    line: int
    column: int
    end_line: int
    end_column: int
    source: str  # the literal as written, quotes included
    value: Optional[str]  # what it evaluates to; None when it cannot be replaced by a read (f-string, bytes)
    name: str = ""  # the variable, parameter or dict key it is given to
    callee: str = ""  # dotted name of the innermost call it is an argument of
    quoted: bool = True  # False for an unquoted shell/SQL/YAML value
    why_not: str = ""  # when value is None: why it cannot be replaced

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line


def python_literals(text: str, *, cell: bool = False) -> Optional[tuple[Literal, ...]]:
    """Every outermost string expression of Python source (a cell's magics blanked); None if it does not parse.
    Remembered per text: a plan asks once per finding of the same file."""
    return _python_literals(text, cell)


@lru_cache(maxsize=64)
def _python_literals(text: str, cell: bool) -> Optional[tuple[Literal, ...]]:
    prepared = prepare_python_cell(text).python_source if cell else text
    try:
        wrapper = MetadataWrapper(cst.parse_module(prepared))
    except (cst.ParserSyntaxError, RecursionError):
        return None
    collector = _Collector()
    wrapper.visit(collector)
    positions = wrapper.resolve(PositionProvider)
    literals = [_literal(node, positions[node], prepared, context) for node, context in collector.found]
    return tuple(replace(lit, value=None, why_not="a match-case pattern must stay a literal")
                 if id(node) in collector.in_pattern else lit for lit, (node, _) in zip(literals, collector.found))


def python_parses(text: str, *, cell: bool = False) -> bool:
    return python_literals(text, cell=cell) is not None


class _Collector(cst.CSTVisitor):
    """Outermost strings with their context: ``NAME = "x"``, ``f(key="x")``, ``{"key": "x"}``, ``def f(p="x")``."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.BaseExpression, tuple[str, str]]] = []
        self._names: list[str] = []
        self._calls: list[str] = []
        self._inside_string = 0
        self.in_pattern: set[int] = set()  # ids of strings that are match-case patterns
        self._patterns = 0

    def _string(self, node: cst.BaseExpression) -> bool:
        if self._inside_string == 0:
            self.found.append((node, (self._names[-1] if self._names else "", self._calls[-1] if self._calls else "")))
            if self._patterns:
                self.in_pattern.add(id(node))
        self._inside_string += 1
        return False  # nothing inside a string is another literal to fix on its own

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        return self._string(node)

    def leave_SimpleString(self, node: cst.SimpleString) -> None:
        self._inside_string -= 1

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        return self._string(node)

    def leave_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._inside_string -= 1

    def visit_FormattedString(self, node: cst.FormattedString) -> bool:
        return self._string(node)

    def leave_FormattedString(self, node: cst.FormattedString) -> None:
        self._inside_string -= 1

    def visit_Assign(self, node: cst.Assign) -> None:
        self._names.append(_target_name(node.targets[-1].target) if node.targets else "")

    def leave_Assign(self, node: cst.Assign) -> None:
        self._names.pop()

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._names.append(_target_name(node.target))

    def leave_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._names.pop()

    def visit_Arg(self, node: cst.Arg) -> None:
        self._names.append(node.keyword.value if node.keyword else "")

    def leave_Arg(self, node: cst.Arg) -> None:
        self._names.pop()

    def visit_Param(self, node: cst.Param) -> None:
        self._names.append(node.name.value)

    def leave_Param(self, node: cst.Param) -> None:
        self._names.pop()

    def visit_DictElement(self, node: cst.DictElement) -> None:
        key = node.key
        self._names.append(key.evaluated_value if isinstance(key, cst.SimpleString)
                           and isinstance(key.evaluated_value, str) else "")

    def leave_DictElement(self, node: cst.DictElement) -> None:
        self._names.pop()

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._patterns += 1

    def leave_MatchValue(self, node: cst.MatchValue) -> None:
        self._patterns -= 1

    def visit_MatchMappingElement(self, node: cst.MatchMappingElement) -> None:
        self._patterns += 1

    def leave_MatchMappingElement(self, node: cst.MatchMappingElement) -> None:
        self._patterns -= 1

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(_dotted(node.func))

    def leave_Call(self, node: cst.Call) -> None:
        self._calls.pop()


def _target_name(target: cst.BaseExpression) -> str:
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1:
        index = target.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            value = index.value.evaluated_value
            return value if isinstance(value, str) else ""
    return ""


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else node.attr.value
    return ""


def _literal(node: cst.BaseExpression, position, text: str, context: tuple[str, str]) -> Literal:
    start, end = position.start, position.end
    source = _between(text, start.line, start.column, end.line, end.column)
    value, why_not = _value(node)
    return Literal(start.line, start.column, end.line, end.column, source, value, context[0], context[1],
                   why_not=why_not)


def _value(node: cst.BaseExpression) -> tuple[Optional[str], str]:
    if isinstance(node, cst.FormattedString):
        return None, "the value is built inside an f-string; move the fixed part into a variable first"
    try:
        value = node.evaluated_value  # type: ignore[attr-defined]
    except Exception:  # a concatenation with an f-string part
        value = None
    if isinstance(value, bytes):
        return None, "a bytes literal cannot be read from configuration"
    if not isinstance(value, str):
        return None, "the value is built from several parts, one of them an f-string"
    return value, ""


def _between(text: str, line: int, column: int, end_line: int, end_column: int) -> str:
    lines = split_keep(text)
    if line == end_line:
        return lines[line - 1][column:end_column]
    middle = "".join(lines[line:end_line - 1])
    return lines[line - 1][column:] + middle + lines[end_line - 1][:end_column]


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_keep(text: str) -> list[str]:
    """Lines with their endings (only \\n, \\r\\n, \\r end a line, as in the scan)."""
    lines, start = [], 0
    for match in _LINE_END.finditer(text):
        lines.append(text[start:match.end()])
        start = match.end()
    if start < len(text) or not lines:
        lines.append(text[start:])
    return lines


def offset(text: str, line: int, column: int) -> int:
    """The character offset of (line, column) in ``text``."""
    lines = split_keep(text)
    return sum(len(chunk) for chunk in lines[:line - 1]) + column


# Other languages: quoted strings on a line ("..." and '...' with backslash escapes), or a bare token.
_QUOTED = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'")
_BARE = re.compile(r"[^\s'\"`,;()=<>|&]+")
_R_ASSIGN = re.compile(r"([A-Za-z_.][\w.]*)\s*(?:<-|=)\s*$")
_R_CALL = re.compile(r"([A-Za-z_.][\w.:]*)\s*\(\s*(?:[A-Za-z_.][\w.]*\s*=\s*)?$")
_R_KEYWORD = re.compile(r"([A-Za-z_.][\w.]*)\s*=\s*$")


def line_literals(text: str, line: int, *, bare: bool) -> list[Literal]:
    """Quoted strings on one line of R/shell/SQL, and with ``bare`` also unquoted path-like words."""
    lines = split_keep(text)
    if not 1 <= line <= len(lines):
        return []
    row = lines[line - 1].rstrip("\r\n")
    found = []
    taken: list[tuple[int, int]] = []
    for match in _QUOTED.finditer(row):
        before = row[:match.start()]
        name, callee = _r_context(before)
        found.append(Literal(line, match.start(), line, match.end(), match.group(), _unquote(match.group()),
                             name, callee))
        taken.append(match.span())
    if bare:
        for match in _BARE.finditer(row):
            if not any(s <= match.start() < e for s, e in taken):
                found.append(Literal(line, match.start(), line, match.end(), match.group(), match.group(),
                                     quoted=False))
    return found


def _r_context(before: str) -> tuple[str, str]:
    keyword = _R_KEYWORD.search(before)
    call = _R_CALL.search(before)
    assign = _R_ASSIGN.search(before)
    name = keyword.group(1) if keyword else (assign.group(1) if assign else "")
    return name, call.group(1) if call else ""


def _unquote(text: str) -> str:
    inner = text[1:-1]
    return re.sub(r"\\(.)", r"\1", inner) if "\\" in inner else inner
