"""R packages a project uses and declares.

Used: ``library(x)``/``require(x)`` (quoted or not; with ``character.only = TRUE`` a literal string, a literal
vector ``c("a", "b")`` or a variable assigned one of those), ``requireNamespace("x")``, ``loadNamespace("x")``,
``x::f``, ``x:::f`` and ``pacman::p_load(a, b)``. Only R code counts: ``.R`` files, the ``{r}`` chunks of R
Markdown and Quarto, the ``<<>>=`` chunks of Sweave and R-kernel notebook cells — never prose, comments or
strings (a tokenizer keeps strings and comments apart).

Declared: ``renv.lock`` (exact versions) and ``DESCRIPTION`` (Depends/Imports/Suggests/LinkingTo). Lock entries
that another locked package requires are transitive: they give versions but are not reported as unused.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator, NamedTuple, Optional, Sequence

from handoff_assistant.scan import languages
from handoff_assistant.scan.files import NotText, read_text
from handoff_assistant.scan.options import DEFAULT_MAX_TEXT_BYTES
from handoff_assistant.scan.refs import RPackageRef
from handoff_assistant.scan.report import Problem, RPackage, SourceRef

BASE_PACKAGES = frozenset({"base", "stats", "utils", "methods", "graphics", "grDevices", "datasets", "grid",
                           "splines", "stats4", "tools", "parallel", "compiler", "tcltk"})
_LOADERS = frozenset({"library", "require"})
_NAMESPACE_LOADERS = frozenset({"requireNamespace", "loadNamespace"})
_MULTI_LOADERS = frozenset({"p_load"})
_APPLIERS = frozenset({"lapply", "sapply", "vapply", "walk", "map"})  # lapply(pkgs, library, character.only=T)
_CALLS_OF_INTEREST = _LOADERS | _NAMESPACE_LOADERS | _MULTI_LOADERS | _APPLIERS
_DESCRIPTION_FIELDS = ("Depends", "Imports", "LinkingTo", "Suggests")
_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9.]*$")
_DESCRIPTION_ENTRY = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9.]*)\s*(\(\s*(?P<spec>[<>=!]+\s*[^()\s][^()]*)\))?$")
_IGNORED_FOLDERS = frozenset({"renv", "packrat", "library", "site-library"})  # installed packages live there

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<raw>[rR](?P<q>["'])(?P<dash>-*)(?:\((?P<b1>.*?)\)|\[(?P<b2>.*?)\]|\{(?P<b3>.*?)\})(?P=dash)(?P=q))
  | (?P<string>"(?:[^"\\]|\\.)*(?:"|\Z)|'(?:[^'\\]|\\.)*(?:'|\Z))
  | (?P<backtick>`[^`]*`)
  | (?P<name>(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*)
  | (?P<op>:::|::|<<-|<-|->>|->|==|[(),=\[\]{}])
  | (?P<other>[^\s])
""", re.VERBOSE | re.DOTALL)
_RMD_CHUNK_START = re.compile(r"^\s*(?P<fence>`{3,})\s*\{\s*(?P<engine>[A-Za-z0-9_.-]+)")
_SWEAVE_CHUNK_START = re.compile(r"^\s*<<.*>>=\s*$")
_SWEAVE_CHUNK_END = re.compile(r"^\s*@")


class _Token(NamedTuple):  # a NamedTuple: files have hundreds of thousands of tokens
    kind: str  # "string", "name", "op", "other"
    text: str  # a string's value without quotes; a name or operator as written
    position: int


@dataclass(frozen=True)
class RSummary:
    packages: tuple[RPackage, ...]
    problems: tuple[Problem, ...] = ()


def find_r_packages(source: str, language: str) -> list[RPackageRef]:
    """Packages the R code in ``source`` loads or calls into, with 1-based lines, in order of appearance."""
    code = r_code(source, language)
    tokens = list(_tokens(code))
    newlines = [match.start() for match in re.finditer("\n", code)]
    found = sorted(((position, name) for position, name in _package_uses(tokens) if _PACKAGE_NAME.match(name)),
                   key=lambda use: use[0])  # stable: a call's packages stay in argument order
    return [RPackageRef(name, bisect.bisect_left(newlines, position) + 1) for position, name in found]


def r_code(source: str, language: str) -> str:
    """The R code of a file with every other line blanked, so positions and line numbers are kept."""
    if language in (languages.R_MARKDOWN, languages.QUARTO):
        return chunk_code(source, "r")
    if language == languages.SWEAVE:
        return _keep_lines(source, _sweave_chunk_lines)
    return source


def chunk_code(source: str, engine: str) -> str:
    """The code of an R Markdown or Quarto document's ``{engine}`` chunks (``r``, ``python``...), every other
    line blanked."""
    return _keep_lines(source, lambda lines: _rmd_chunk_lines(lines, engine))


def summarise(analyses: Iterable, root: Path, paths: Sequence[str]) -> RSummary:
    """One RPackage per name used or declared, with where it is used, its locked version and declarations."""
    sources: dict[str, list[SourceRef]] = {}
    for analysis in analyses:
        for ref in analysis.r_packages:
            sources.setdefault(ref.name, []).append(SourceRef(analysis.path, ref.line, ref.cell))
    declarations = _Declarations()
    for path in paths:
        pure = PurePosixPath(path)
        if _IGNORED_FOLDERS.intersection(pure.parts[:-1]):
            continue
        if pure.name == "renv.lock":
            declarations.read_lock(root, path)
        elif pure.name == "DESCRIPTION":
            declarations.read_description(root, path)
    direct = set(declarations.described) | declarations.direct_locked
    packages = tuple(RPackage(
        name, tuple(sources.get(name, ())), base=name in BASE_PACKAGES, version=declarations.versions.get(name),
        declared_in=tuple(declarations.declared_in(name, used=name in sources)),
    ) for name in sorted(set(sources) | direct, key=lambda n: (n.lower(), n)))
    return RSummary(packages, tuple(declarations.problems))


def _keep_lines(source: str, chunk_lines: Callable[[list[str]], Iterable[int]]) -> str:
    lines = source.split("\n")
    keep = set(chunk_lines(lines))
    return "\n".join(line if number in keep else "" for number, line in enumerate(lines))


def _rmd_chunk_lines(lines: list[str], engine: str) -> Iterator[int]:
    fence: Optional[str] = None
    wanted = False
    for number, line in enumerate(lines):
        if fence is None:
            start = _RMD_CHUNK_START.match(line)
            if start:
                fence, wanted = start.group("fence"), start.group("engine").lower() == engine
        elif line.strip().startswith(fence) and not line.strip().strip("`"):
            fence = None
        elif wanted:
            yield number


def _sweave_chunk_lines(lines: list[str]) -> Iterator[int]:
    inside = False
    for number, line in enumerate(lines):
        if _SWEAVE_CHUNK_START.match(line):
            inside = True
        elif inside and _SWEAVE_CHUNK_END.match(line):
            inside = False
        elif inside:
            yield number


def _tokens(code: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(code):
        kind = match.lastgroup
        if kind == "comment":
            continue
        if kind == "raw":
            kind, text = "string", match.group("b1") or match.group("b2") or match.group("b3") or ""
        elif kind == "string":
            text = _unquote(match.group())
        elif kind == "backtick":
            kind, text = "name", match.group()[1:-1]
        else:
            text = match.group()
        yield _Token(kind or "other", text, match.start())


def _unquote(literal: str) -> str:
    quote = literal[0]
    body = literal[1:-1] if len(literal) > 1 and literal.endswith(quote) else literal[1:]
    return re.sub(r"\\(.)", r"\1", body)


def _package_uses(tokens: list[_Token]) -> Iterator[tuple[int, str]]:
    """(position, package) for every use; literal string variables are followed for character.only."""
    values: dict[str, list[str]] = {}  # variable -> literal strings last assigned to it (or looped over)
    for i, token in enumerate(tokens):
        if token.kind != "name":
            continue
        following = tokens[i + 1].text if i + 1 < len(tokens) else ""
        if following in ("::", ":::"):
            yield token.position, token.text
            continue
        if following == "(" and token.text in _CALLS_OF_INTEREST:
            yield from ((token.position, name) for name in _call_uses(token.text, _arguments(tokens, i + 1),
                                                                      values))
        elif following in ("<-", "=") and _previous(tokens, i) not in (",", "("):
            values[token.text] = _literal_strings(_expression(tokens, i + 2), values)
        elif following == "in" and _previous(tokens, i) == "(" and _previous(tokens, i - 1) == "for":
            values[token.text] = _literal_strings(_until_close(tokens, i + 2), values)


def _call_uses(function: str, arguments: list[list[_Token]], values: dict[str, list[str]]) -> list[str]:
    named = {arg[0].text: arg[2:] for arg in arguments if len(arg) > 2 and arg[1].text == "="}
    positional = [arg for arg in arguments if not (len(arg) > 2 and arg[1].text == "=")]
    character_only = _is_true(named.get("character.only"))
    if function in _LOADERS:
        first = named.get("package") or (positional[0] if positional else None)
        return _package_argument(first, character_only, values) if first else []
    if function in _NAMESPACE_LOADERS:
        first = named.get("package") or (positional[0] if positional else None)
        return _literal_strings(first, values) if first else []
    if function in _MULTI_LOADERS:
        listed = _literal_strings(named["char"], values) if "char" in named else []
        return listed + [name for arg in positional for name in _package_argument(arg, character_only, values)]
    if function in _APPLIERS and len(positional) >= 2 and _single_name(positional[1]) in _LOADERS:
        return _literal_strings(positional[0], values) if character_only else []
    return []


def _package_argument(argument: list[_Token], character_only: bool, values: dict[str, list[str]]) -> list[str]:
    """``library(x)`` means package x, unless character.only says x holds the name."""
    name = _single_name(argument)
    if name is not None and not character_only:
        return [name]
    return _literal_strings(argument, values)


def _literal_strings(expression: list[_Token], values: dict[str, list[str]]) -> list[str]:
    """The strings of a literal ``"a"``, ``c("a", "b")`` or a variable holding one; [] for anything else."""
    if len(expression) == 1 and expression[0].kind == "string":
        return [expression[0].text]
    name = _single_name(expression)
    if name is not None:
        return values.get(name, [])
    if len(expression) >= 3 and expression[0].text == "c" and expression[1].text == "(" and \
            expression[-1].text == ")":
        items = expression[2:-1]
        strings = [t.text for t in items if t.kind == "string"]
        if len(strings) == len([t for t in items if t.text != ","]):
            return strings
    return []


def _single_name(expression: Optional[list[_Token]]) -> Optional[str]:
    if expression and len(expression) == 1 and expression[0].kind == "name":
        return expression[0].text
    return None


def _is_true(expression: Optional[list[_Token]]) -> bool:
    return bool(expression) and len(expression) == 1 and expression[0].text in ("TRUE", "T")


def _previous(tokens: list[_Token], i: int) -> str:
    return tokens[i - 1].text if i > 0 else ""


def _arguments(tokens: list[_Token], open_index: int) -> list[list[_Token]]:
    """The top-level comma-separated arguments of the call whose "(" is at ``open_index``."""
    arguments: list[list[_Token]] = [[]]
    depth = 0
    for index in range(open_index + 1, len(tokens)):
        token = tokens[index]
        if token.text in ("(", "[", "{"):
            depth += 1
        elif token.text in (")", "]", "}"):
            if depth == 0:
                break
            depth -= 1
        elif token.text == "," and depth == 0:
            arguments.append([])
            continue
        arguments[-1].append(token)
    return [argument for argument in arguments if argument]


def _expression(tokens: list[_Token], start: int) -> list[_Token]:
    """The tokens of a simple right-hand side: one literal, one name, or one balanced call."""
    if start >= len(tokens):
        return []
    if start + 1 < len(tokens) and tokens[start + 1].text == "(":
        return tokens[start:start + 2] + _until_close(tokens, start + 2) + [_Token("op", ")", -1)]
    return tokens[start:start + 1]


def _until_close(tokens: list[_Token], start: int) -> list[_Token]:
    """Tokens from ``start`` up to the ")" that closes an already open parenthesis."""
    depth = 0
    for end in range(start, len(tokens)):
        text = tokens[end].text
        if text == "(":
            depth += 1
        elif text == ")":
            if depth == 0:
                return tokens[start:end]
            depth -= 1
    return tokens[start:]


class _Declarations:
    """What renv.lock and DESCRIPTION files say, with the problems met while reading them."""

    def __init__(self) -> None:
        self.versions: dict[str, str] = {}  # locked version, else the DESCRIPTION constraint
        self.described: dict[str, list[str]] = {}  # package -> ["DESCRIPTION:12"]
        self.locked: dict[str, str] = {}  # package -> "renv.lock:40"
        self.direct_locked: set[str] = set()  # locked packages no other locked package requires
        self.problems: list[Problem] = []

    def declared_in(self, name: str, used: bool) -> list[str]:
        """Where a package is declared; a transitive lock entry only counts for a package the code uses."""
        lock = [self.locked[name]] if name in self.locked and (used or name in self.direct_locked) else []
        return self.described.get(name, []) + lock

    def read_lock(self, root: Path, path: str) -> None:
        text = self._read(root, path)
        if text is None:
            return
        try:
            packages = json.loads(text).get("Packages")
        except (ValueError, AttributeError) as error:
            self.problems.append(Problem(path, f"renv.lock is not valid JSON ({error}); run renv::snapshot() "
                                               "to write it again"))
            return
        if not isinstance(packages, dict):
            self.problems.append(Problem(path, "renv.lock has no \"Packages\" object; run renv::snapshot() to "
                                               "write it again"))
            return
        entries = {name: entry for name, entry in packages.items() if isinstance(entry, dict)}
        for name, entry in entries.items():
            if isinstance(entry.get("Version"), str):
                self.versions[name] = entry["Version"]
            match = re.search(rf'"{re.escape(name)}"\s*:\s*\{{', text)
            self.locked[name] = f"{path}:{text.count(chr(10), 0, match.start()) + 1 if match else 1}"
        if any("Requirements" in entry for entry in entries.values()):
            required = {r for entry in entries.values() for r in entry.get("Requirements") or ()
                        if isinstance(r, str)}
            self.direct_locked |= set(entries) - required - {"renv"}

    def read_description(self, root: Path, path: str) -> None:
        text = self._read(root, path)
        if text is None:
            return
        fields, problem = _dcf_fields(text)
        if problem:
            self.problems.append(Problem(path, f"DESCRIPTION {problem}; it must be 'Field: value' lines with "
                                               "indented continuation lines"))
            return
        for field_name in _DESCRIPTION_FIELDS:
            for entry, line in _field_entries(fields.get(field_name)):
                match = _DESCRIPTION_ENTRY.match(entry)
                if match is None:
                    self.problems.append(Problem(path, f"DESCRIPTION line {line}: {field_name} entry {entry!r} "
                                                       "is not 'package' or 'package (>= version)'"))
                elif match.group("name") != "R":
                    self.described.setdefault(match.group("name"), []).append(f"{path}:{line}")
                    if match.group("spec") and match.group("name") not in self.locked:
                        self.versions.setdefault(match.group("name"), " ".join(match.group("spec").split()))

    def _read(self, root: Path, path: str) -> Optional[str]:
        try:
            return read_text(root / path, DEFAULT_MAX_TEXT_BYTES).text
        except NotText as not_text:
            self.problems.append(Problem(path, f"cannot read: the file is {not_text.reason}"))
        except OSError as error:
            self.problems.append(Problem(path, f"cannot read: {error.strerror or error}"))
        return None


def _dcf_fields(text: str) -> tuple[dict[str, list[tuple[str, int]]], Optional[str]]:
    """DESCRIPTION's fields: name -> [(text, line)] per physical line; or a problem naming the bad line."""
    fields: dict[str, list[tuple[str, int]]] = {}
    current: Optional[list[tuple[str, int]]] = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if current is None:
                return {}, f"line {number} is indented but continues no field"
            current.append((line.strip(), number))
            continue
        name, colon, value = line.partition(":")
        if not colon or not re.match(r"^[A-Za-z][\w/@.-]*$", name):
            return {}, f"line {number} is not a 'Field: value' line"
        current = fields.setdefault(name, [])
        current.append((value.strip(), number))
    return fields, None


def _field_entries(lines: Optional[list[tuple[str, int]]]) -> Iterator[tuple[str, int]]:
    """Comma-separated entries of a field, each with the line it starts on (entries may span lines)."""
    entry, start = "", 0
    for text, number in lines or ():
        for index, piece in enumerate(text.split(",")):
            if index and entry.strip():
                yield " ".join(entry.split()), start
            if index:
                entry = ""
            if piece.strip() and not entry.strip():
                start = number
            entry += " " + piece
    if entry.strip():
        yield " ".join(entry.split()), start
