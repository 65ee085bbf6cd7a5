"""A text cut into the pieces detectors look at: string literals, code and comments, with their positions.

Python is read with ``tokenize`` so only string literals count as values (docstrings and comments are kept
apart); notebook magics and ``!`` shell lines become shell pieces. Other languages are read line by line with
their comment marker split off. Nothing is imported or executed.
"""
from __future__ import annotations

import bisect
import io
import re
import token
import tokenize
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePosixPath
from typing import Iterator, Optional

from handoff_assistant.tasks import checkpoint, with_checkpoints

STRING = "string"  # a Python string literal (text = its source between the quotes)
DOCSTRING = "docstring"  # a Python string that is a statement on its own (docstring or block comment)
CODE = "code"  # a line of a language other than Python, comment removed
SHELL = "shell"  # a notebook magic or ``!`` shell line inside Python code
COMMENT = "comment"

# Comment markers by language; languages not named here use "#".
_COMMENT_MARKERS = {
    "SQL": "--", "MATLAB/Octave": "%",
    **dict.fromkeys(("Java", "JavaScript", "TypeScript", "Scala", "Kotlin", "Groovy", "C", "C++", "Go", "Rust",
                     "Stata"), "//"),
    **dict.fromkeys(("JSON", "SAS", "HTML", "CSS", "Batch"), None),  # no line comment marker to split off
}
_PROSE_SUFFIXES = {".md", ".markdown", ".rst", ".txt", ".adoc", ".csv", ".tsv"}
_PROSE_LANGUAGES = {"Markdown", "reStructuredText"}
# Languages whose unquoted values are literal values (config, shell); elsewhere an unquoted name is a variable.
_UNQUOTED_VALUE_LANGUAGES = {None, "YAML", "Shell", "INI", "Dockerfile", "Makefile", "Batch", "PowerShell"}
_LITERATE_LANGUAGES = {"R Markdown", "Quarto", "Sweave"}
_CHUNK_START = re.compile(r"^\s*(?:```+\s*\{|<<.*>>=\s*$)")
_CHUNK_END = re.compile(r"^\s*(?:```+\s*$|@\s*$)")


@dataclass(frozen=True)
class Segment:
    text: str
    row: int  # 1-based line of text[0]
    col: int  # 0-based column of text[0] in that line
    kind: str  # STRING, DOCSTRING, CODE, SHELL, COMMENT
    key: str = ""  # Python: the name or dict key the string is given to (password="x", "host": "db01")
    calls: tuple[str, ...] = ()  # Python: dotted names of the calls the string sits in, innermost last
    decorated: bool = False  # Python: the innermost call is a decorator (@app.route("/x"))
    escaped: bool = False  # Python: a string without the r prefix, whose "\\" in the source is one backslash
    argument: int = 0  # Python: position among the items of the innermost brackets (0 = first)
    group_key: str = ""  # Python: the name the innermost brackets are given to (auth in auth=("u", "p"))

    @cached_property
    def _newlines(self) -> list[int]:
        """Offsets of the newlines in ``text``, found once: ``position`` is asked for every hit, and counting
        from the start each time made a long line with many hits quadratic."""
        return [match.start() for match in re.finditer("\n", self.text)]

    def position(self, offset: int) -> tuple[int, int]:
        """(row, column) in the original text of ``text[offset]``."""
        newlines = bisect.bisect_left(self._newlines, offset)
        if newlines == 0:
            return self.row, self.col + offset
        return self.row + newlines, offset - self._newlines[newlines - 1] - 1

    def line_end(self, offset: int) -> int:
        """The offset of the end of the line that holds ``text[offset]`` (a newline or the end of the text)."""
        index = bisect.bisect_left(self._newlines, offset)
        return self._newlines[index] if index < len(self._newlines) else len(self.text)

    def covers(self, row: int, column: int) -> bool:
        """Whether (row, column) of the original text lies inside this segment."""
        lines = self.text.split("\n")
        if not self.row <= row < self.row + len(lines):
            return False
        start = self.col if row == self.row else 0
        return start <= column < start + len(lines[row - self.row])

    def spans(self) -> list[tuple[int, int, int]]:
        """(row, start column, end column) of each line of the segment in the original text."""
        lines = self.text.split("\n")
        return [(self.row + index, self.col if index == 0 else 0, (self.col if index == 0 else 0) + len(line))
                for index, line in enumerate(lines)]


@dataclass(frozen=True)
class Source:
    lines: tuple[str, ...]
    language: Optional[str]
    segments: tuple[Segment, ...]
    python: bool  # segments come from tokenize
    prose: bool  # documentation or data: only self-evident secrets are looked for
    unquoted_values: bool  # ``key = value`` without quotes is a literal value in this language


def read_source(text: str, *, file: str, language: Optional[str]) -> Source:
    lines = split_lines(text)
    prose = language in _PROSE_LANGUAGES or (language is None and PurePosixPath(file).suffix.lower() in _PROSE_SUFFIXES)
    unquoted = language in _UNQUOTED_VALUE_LANGUAGES and not prose
    if language == "Python":
        segments = _python_segments(lines)
        if segments is not None:
            return Source(lines, language, segments, True, False, False)
    if language in _LITERATE_LANGUAGES:
        return Source(lines, language, tuple(_literate_segments(lines)), False, False, False)
    marker = _COMMENT_MARKERS.get(language or "", "#")
    segments = [segment for row, line in enumerate(lines, start=1) for segment in _code_line(line, row, marker)]
    return Source(lines, language, tuple(segments), False, prose, unquoted)


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as editors and tracebacks number them: only \\n, \\r\\n and \\r end a line (str.splitlines also
    splits on form feeds and Unicode separators, which would shift every line number after them)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return tuple(lines[:-1] if lines and lines[-1] == "" else lines)


def _code_line(line: str, row: int, marker: Optional[str]) -> list[Segment]:
    """A line of code as a CODE segment and, when it has one, a COMMENT segment."""
    cut = comment_start(line, marker) if marker else -1
    code = line if cut < 0 else line[:cut]
    segments = [Segment(code, row, 0, CODE)] if code.strip() else []
    if cut >= 0:
        segments.append(Segment(line[cut:], row, cut, COMMENT))
    return segments


def _literate_segments(lines: tuple[str, ...]) -> list[Segment]:
    """R Markdown, Quarto, Sweave: code chunks and YAML front matter are code; the prose between them is read like
    a comment (only self-evident secrets count there)."""
    segments: list[Segment] = []
    state = "front-matter" if lines and lines[0].strip() == "---" else "prose"
    for row, line in enumerate(lines, start=1):
        if state == "front-matter" and row > 1 and line.strip() in ("---", "..."):
            state = "prose"
        elif state == "chunk" and _CHUNK_END.match(line):
            state = "prose"
        elif state == "prose" and _CHUNK_START.match(line):
            state = "chunk"
        elif state == "prose":
            segments.append(Segment(line, row, 0, COMMENT))
        elif row > 1 or state == "chunk":
            segments += _code_line(line, row, "#")
    return segments


def comment_start(line: str, marker: str) -> int:
    """Index of the comment marker outside quotes (at the start or after a space), else -1."""
    if marker not in line:
        return -1
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif line.startswith(marker, index) and (index == 0 or line[index - 1] in " \t"):
            return index
    return -1


_MAGIC_LINE = re.compile(r"^\s*[%!]")


def _python_segments(lines: tuple[str, ...]) -> Optional[tuple[Segment, ...]]:
    """Segments of Python source; None when it does not tokenize (Python 2, broken code)."""
    shell = [Segment(line, row, 0, SHELL) for row, line in enumerate(lines, start=1) if _MAGIC_LINE.match(line)]
    code = "\n".join("" if _MAGIC_LINE.match(line) else line for line in lines) + "\n"
    try:
        tokens = list(with_checkpoints(tokenize.generate_tokens(io.StringIO(code).readline), _CHECK_EVERY))
    except (tokenize.TokenError, SyntaxError):
        return None
    return tuple(shell) + tuple(_PythonReader(list(split_lines(code)), tokens).segments())


_CHECK_EVERY = 4096  # tokens between two looks at the cancel token: tokenizing 5 MB takes seconds
# Python 3.12+ splits f-strings into several tokens; older versions give one STRING token.
_FSTRING_START = getattr(token, "FSTRING_START", -1)
_FSTRING_END = getattr(token, "FSTRING_END", -1)
_SKIPPED = {token.NL, token.COMMENT, token.INDENT, token.DEDENT, token.ENCODING}
_STATEMENT_START = {None, token.NEWLINE, token.INDENT, token.DEDENT, token.ENCODING}


@dataclass
class _Bracket:
    """An open bracket while walking the tokens: who it calls, what it is given to, which item comes next."""

    callee: str  # dotted name before "(", "" for other brackets
    decorated: bool  # the callee follows "@"
    key: str  # the name the bracket is assigned or passed to
    items: int = 0  # commas seen so far at this level


class _PythonReader:
    """Walks the tokens once, keeping the call stack and the last name/key, to place every string literal."""

    def __init__(self, lines: list[str], tokens: list[tokenize.TokenInfo]) -> None:
        self._lines = lines
        self._tokens = tokens
        self._significant = [t for t in tokens if t.type not in _SKIPPED]

    def segments(self) -> list[Segment]:
        found = [Segment(t.string, t.start[0], t.start[1], COMMENT) for t in self._tokens if t.type == token.COMMENT]
        stack: list[_Bracket] = []
        significant = self._significant
        fstring_depth = 0
        for index, tok in enumerate(significant):
            if index % _CHECK_EVERY == 0:
                checkpoint()
            kind = _token_kind(tok)
            if kind == "fstring-start":
                fstring_depth += 1
                if fstring_depth == 1:
                    found.append(self._string(index, self._fstring_end(index), stack))
            elif kind == "fstring-end":
                fstring_depth -= 1
            elif fstring_depth:
                continue
            elif tok.type == token.STRING:
                found.append(self._string(index, tok, stack))
            elif tok.type == token.OP and tok.string in "([{":
                name, decorated = self._dotted_before(index) if tok.string == "(" else ("", False)
                stack.append(_Bracket(name, decorated, self._key_before(index)))
            elif tok.type == token.OP and tok.string in ")]}" and stack:
                stack.pop()
            elif tok.type == token.OP and tok.string == "," and stack:
                stack[-1].items += 1
        return found

    def _fstring_end(self, start: int) -> tokenize.TokenInfo:
        depth = 0
        for tok in self._significant[start:]:
            kind = _token_kind(tok)
            depth += kind == "fstring-start"
            depth -= kind == "fstring-end"
            if depth == 0:
                return tok
        return self._significant[-1]

    def _string(self, index: int, end: tokenize.TokenInfo, stack: list[_Bracket]) -> Segment:
        start = self._significant[index]
        literal = self._source_between(start.start, end.end)
        quote_at = min(i for i in (literal.find('"'), literal.find("'")) if i >= 0)
        width = 3 if literal[quote_at:quote_at + 3] in ('"""', "'''") else 1
        inner = literal[quote_at + width: len(literal) - width]
        calls = tuple(bracket.callee for bracket in stack if bracket.callee)
        innermost = stack[-1] if stack else _Bracket("", False, "")
        key = self._key_before(index)
        kind = DOCSTRING if self._is_statement(index, end) or _is_documentation(key, self._significant, index) \
            else STRING
        escaped = "r" not in literal[:quote_at].lower()
        return Segment(inner, start.start[0], start.start[1] + quote_at + width, kind, key, calls, innermost.decorated, escaped, innermost.items, innermost.key)

    def _source_between(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        (row1, col1), (row2, col2) = start, end
        if row1 == row2:
            return self._lines[row1 - 1][col1:col2]
        middle = self._lines[row1:row2 - 1]
        return "\n".join([self._lines[row1 - 1][col1:], *middle, self._lines[row2 - 1][:col2]])

    def _is_statement(self, index: int, end: tokenize.TokenInfo) -> bool:
        previous = self._significant[index - 1].type if index else None
        after = self._significant.index(end, index) + 1
        following = self._significant[after].type if after < len(self._significant) else None
        return previous in _STATEMENT_START and following in (token.NEWLINE, token.ENDMARKER, None)

    def _key_before(self, index: int) -> str:
        """The name a string is assigned or passed to: ``name = "x"``, ``name: T = "x"``, ``"name": "x"``,
        ``mapping["name"] = "x"``."""
        before = self._significant[max(0, index - 4):index]
        ops = [t.string if t.type == token.OP else None for t in before]
        if len(before) >= 4 and ops[-1] == "=" and before[-2].type == token.NAME and ops[-3] == ":":
            return before[-4].string if before[-4].type == token.NAME else ""
        if len(before) >= 4 and ops[-1] == "=" and ops[-2] == "]" and before[-3].type == token.STRING \
                and ops[-4] == "[":
            return _unquote(before[-3].string)  # os.environ["DB_PASSWORD"] = "...", cfg["host"] = "..."
        if len(before) >= 2 and ops[-1] in ("=", ":") and before[-2].type in (token.NAME, token.STRING):
            if ops[-1] == ":" and before[-2].type == token.NAME:
                return ""  # a slice, a lambda or an annotation without value
            return _unquote(before[-2].string)
        return ""

    def _dotted_before(self, index: int) -> tuple[str, bool]:
        """The dotted callee before an opening parenthesis and whether it follows a ``@``."""
        parts: list[str] = []
        position = index - 1
        while position >= 0:
            tok = self._significant[position]
            if tok.type == token.NAME:
                parts.append(tok.string)
                position -= 1
                if position >= 0 and self._significant[position].string == ".":
                    position -= 1
                    continue
            break
        decorated = position >= 0 and self._significant[position].string == "@"
        return ".".join(reversed(parts)), decorated


# Names whose string value is prose for people (``__doc__ = """…"""``, ``USAGE = "…"``), never code or config.
_DOCUMENTATION_NAMES = re.compile(r"(?i)^_*(?:doc|docs|docstring|usage|description|epilog|help_text|long_description)_*$")


def _is_documentation(key: str, tokens: list[tokenize.TokenInfo], index: int) -> bool:
    """A string assigned to ``__doc__`` (also ``f.__doc__ = …`` and ``__doc__ += …``) or a documentation name."""
    if key and _DOCUMENTATION_NAMES.match(key):
        return True
    return index >= 2 and tokens[index - 1].string == "+=" and tokens[index - 2].string == "__doc__"


def _token_kind(tok: tokenize.TokenInfo) -> str:
    if tok.type == _FSTRING_START:
        return "fstring-start"
    if tok.type == _FSTRING_END:
        return "fstring-end"
    return ""


def _unquote(text: str) -> str:
    match = re.match(r"^[A-Za-z]*(['\"]{1,3})(.*)\1$", text, re.S)
    return match.group(2) if match else text
