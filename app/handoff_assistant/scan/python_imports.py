"""Python imports found statically with the AST; the prototype's code is never imported.

What counts as an import:
- ``import a.b`` and ``from a.b import c`` (module ``a.b``); relative imports (``from . import x``) are the
  project's own and never count;
- ``importlib.import_module("a.b")``, ``import_module("a.b")`` and ``__import__("a.b")`` with a literal name;
- an import is *optional* when the code copes with its absence: inside the body or the handlers of a ``try``
  whose handlers catch ``ImportError``, ``ModuleNotFoundError``, ``Exception``, ``BaseException`` or everything,
  or inside ``if TYPE_CHECKING:`` (never run).

Source that does not parse as Python 3 (typically Python 2: ``print "x"``, ``except E, e``) falls back to a
line-based scan, so its libraries are still listed, and ``python2_findings`` reports it.
"""
from __future__ import annotations

import ast
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from stdlib_list import stdlib_list

from handoff_assistant.scan.findings.base import Rule, make_finding, make_snippet, register
from handoff_assistant.scan.refs import ImportRef
from handoff_assistant.scan.report import Finding

# Standard-library modules of Python 2 that Python 3 renamed or removed: importing one means Python 2 code.
_PYTHON2_MODULES = frozenset({  # generic names (commands, exceptions, new) are left out: often local modules
    "urllib2", "urlparse", "StringIO", "cStringIO", "cPickle", "ConfigParser", "Queue", "Tkinter", "tkMessageBox",
    "httplib", "HTMLParser", "htmlentitydefs", "__builtin__", "dummy_thread", "SocketServer", "SimpleHTTPServer",
    "BaseHTTPServer", "CGIHTTPServer", "Cookie", "cookielib", "xmlrpclib", "SimpleXMLRPCServer", "anydbm",
    "dbhash", "whichdb", "robotparser", "UserDict", "UserList", "UserString", "copy_reg", "popen2", "mimetools",
    "rfc822", "tkFileDialog", "tkSimpleDialog", "tkFont", "tkColorChooser", "ttk", "Tkconstants", "ScrolledText",
    "htmllib", "sgmllib", "dircache", "MimeWriter",
    "DocXMLRPCServer", "future_builtins", "dumbdbm", "gdbm", "markupbase", "hotshot", "statvfs", "fpformat",
})
_APP_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
_OPTIONAL_HANDLERS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_DYNAMIC_IMPORTERS = frozenset({"import_module", "__import__"})
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")  # where statements nest

_FALLBACK_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_FALLBACK_FROM = re.compile(r"^\s*from\s+([A-Za-z_][\w.]*)\s+import\b")
# Python 2 constructs, each a syntax error in Python 3: how the not-Python-3 finding tells them apart.
_PYTHON2_SIGNS = (
    (re.compile(r"^\s*print\s+(?![\s(=]|$)[^=]"), "a print statement"),
    (re.compile(r"^\s*print\s*>>"), "a print >> statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"), "an `except Error, name:` clause"),
    (re.compile(r"^\s*exec\s+['\"]"), "an exec statement"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,\s*"), "a `raise Error, message` statement"),
    (re.compile(r"(?<![\w'\"])ur['\"]"), "a ur'' string"),
)

NOT_PYTHON3 = Rule(
    id="code.not-python3", category="code", severity="medium", title="Python 2 code",
    message="This code is Python 2 ({detail}); it will not run on a Python 3 server.",
    fix="Port it to Python 3 (`python-modernize -w FILE` does most of it), then run it once on Python 3.",
)
SYNTAX_ERROR = Rule(
    id="code.syntax-error", category="code", severity="medium", title="Python syntax error",
    message=f"This file does not parse with Python {_APP_PYTHON} ({{detail}}); it cannot run as it is.",
    fix="Fix the syntax error (`python -m py_compile FILE` shows it) or remove the file from the handoff; if it "
        "needs a newer Python, write that version down for the server.",
)
register(NOT_PYTHON3, SYNTAX_ERROR)


@lru_cache(maxsize=1)
def python2_only() -> frozenset[str]:
    """Every top-level module of Python 2's standard library that Python 3 lacks (stdlib-list): no dependency.
    Computed on first use: the per-file workers never need it."""
    return frozenset({n.split(".")[0] for n in stdlib_list("2.7")}
                     - {n.split(".")[0] for version in ("3.9", "3.12") for n in stdlib_list(version)})


@dataclass(frozen=True)
class SyntaxProblem:
    line: int
    text: str  # the offending source line
    message: str  # the parser's message


@dataclass(frozen=True)
class PythonImportScan:
    imports: tuple[ImportRef, ...]
    python3: bool = True  # False when the source does not parse (the line-based fallback was used)
    syntax_error: Optional[SyntaxProblem] = None


def find_imports(source: str) -> PythonImportScan:
    """Every absolute import in ``source`` with its line, sorted by line; never raises."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not our business
            tree = ast.parse(source)
    except SyntaxError as error:
        return PythonImportScan(_fallback_imports(source), python3=False,
                                syntax_error=_syntax_problem(source, error.lineno, error.msg))
    except ValueError as error:  # null bytes: Python refuses the file too
        return PythonImportScan(_fallback_imports(source), python3=False,
                                syntax_error=_syntax_problem(source, 1, str(error)))
    except (RecursionError, MemoryError):  # too deeply nested for this parser, which says nothing of the code
        return PythonImportScan(_fallback_imports(source), python3=False)
    dynamic = any(name in source for name in _DYNAMIC_IMPORTERS)
    found = sorted(set(_walk_imports(tree, dynamic)), key=lambda ref: (ref.line, ref.module, ref.optional))
    return PythonImportScan(tuple(found))


def python2_findings(scanned: PythonImportScan, path: str, cell: Optional[int] = None) -> list[Finding]:
    """A not-Python-3 finding for Python 2 code; a syntax-error finding for other unparseable files.

    Code that parses is Python 2 when it needs a module only Python 2 has (``import urllib2``), unless it copes
    without it (an optional import: the usual ``try: import cPickle except ImportError: import pickle``).
    Notebook cells (``cell`` given) only report Python 2: other parse failures in a cell are usually IPython
    syntax the cell preparation does not know, not a defect worth a finding.
    """
    problem = scanned.syntax_error
    if scanned.python3:
        return _python2_module_findings(scanned, path, cell)
    if problem is None:
        return []
    sign = _python2_sign(problem.text)
    if sign is None and cell is not None:
        return []
    rule, detail = (NOT_PYTHON3, f"line {problem.line}: {sign}") if sign else (
        SYNTAX_ERROR, f"line {problem.line}: {problem.message}")
    return [make_finding(rule, file=path, line=problem.line, snippet=make_snippet(problem.text), cell=cell,
                         detail=detail)]


def _python2_module_findings(scanned: PythonImportScan, path: str, cell: Optional[int]) -> list[Finding]:
    old = next((ref for ref in scanned.imports
                if not ref.optional and ref.module.split(".")[0] in _PYTHON2_MODULES), None)
    if old is None:
        return []
    top = old.module.split(".")[0]
    return [make_finding(NOT_PYTHON3, file=path, line=old.line, snippet=f"import {old.module}", cell=cell,
                         detail=f"line {old.line}: it imports {top}, a module only Python 2 has")]


def _syntax_problem(source: str, lineno: Optional[int], message: str) -> SyntaxProblem:
    lines = source.splitlines()
    line = min(max(lineno or 1, 1), max(len(lines), 1))
    text = lines[line - 1] if lines else ""
    if _python2_sign(text) is None:  # the parser may stop after the real culprit (e.g. `except E, e:` block)
        for number, candidate in enumerate(lines, 1):
            if _python2_sign(candidate):
                return SyntaxProblem(number, candidate, message)
    return SyntaxProblem(line, text, message)


def _python2_sign(line: str) -> Optional[str]:
    code = line.split("#", 1)[0]
    return next((what for pattern, what in _PYTHON2_SIGNS if pattern.search(code)), None)


def _fallback_imports(source: str) -> tuple[ImportRef, ...]:
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        if match := _FALLBACK_FROM.match(line):
            found.append(ImportRef(match.group(1), number))
        elif match := _FALLBACK_IMPORT.match(line):
            found += [ImportRef(part.split()[0], number) for part in match.group(1).split(",")]
    return tuple(found)


def _walk_imports(tree: ast.AST, dynamic: bool) -> Iterator[ImportRef]:
    """Imports under ``tree`` (iteratively: generated code can nest deeper than the recursion limit).

    Import statements only sit in statement bodies, so expressions are only walked when the source mentions a
    dynamic importer: that keeps large files fast.
    """
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, optional = stack.pop()
        yield from _imports_of(node, optional)
        stack += _children(node, optional, dynamic)


def _imports_of(node: ast.AST, optional: bool) -> list[ImportRef]:
    if isinstance(node, ast.Import):
        return [ImportRef(alias.name, node.lineno, optional=optional) for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = tuple(alias.name for alias in node.names if alias.name != "*")
        return [ImportRef(node.module, node.lineno, optional=optional, names=names)]
    if isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
        name = node.args[0]
        if isinstance(name, ast.Constant) and isinstance(name.value, str) and _is_absolute_name(name.value):
            return [ImportRef(name.value, node.lineno, optional=optional)]
    return []


def _children(node: ast.AST, optional: bool, expressions: bool) -> list[tuple[ast.AST, bool]]:
    """Child nodes with whether imports under them are optional."""
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))) and _catches_import_errors(node.handlers):
        guarded = [*node.body, *node.handlers]
        rest = [*node.orelse, *node.finalbody]
        return [(child, True) for child in guarded] + [(child, optional) for child in rest]
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        return [(child, True) for child in node.body] + [(child, optional) for child in node.orelse]
    if expressions:
        return [(child, optional) for child in ast.iter_child_nodes(node)]
    return [(child, optional) for name in _STATEMENT_FIELDS for child in getattr(node, name, ())]


def _catches_import_errors(handlers: Iterable[ast.ExceptHandler]) -> bool:
    for handler in handlers:
        if handler.type is None:
            return True
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        if any(_last_name(t) in _OPTIONAL_HANDLERS for t in types):
            return True
    return False


def _is_type_checking(test: ast.expr) -> bool:
    return _last_name(test) == "TYPE_CHECKING"


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _DYNAMIC_IMPORTERS
    return isinstance(func, ast.Attribute) and func.attr == "import_module" and _last_name(func.value) == "importlib"


def _last_name(node: ast.expr) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_absolute_name(name: str) -> bool:
    return bool(name) and all(part.isidentifier() for part in name.split("."))


@dataclass(frozen=True)
class LocalModules:
    """The project's own importable modules, as seen from each importing file.

    A name is local for a file when Python, run the way data scientists run the project, would find it in the
    project before any installed library:
    - in a *source root*: the project root, ``src/``, and every folder holding a ``pyproject.toml``,
      ``setup.py`` or ``setup.cfg`` (and its ``src/``) — notebooks and scripts reach these through the working
      directory or an editable install;
    - in the importing file's own folder, which Python puts first on ``sys.path`` for a script and which is a
      notebook's working directory. That holds inside a regular package (a folder with ``__init__.py``) too: data
      scientists run ``python pipeline/train.py`` directly, and ``import features`` then finds
      ``pipeline/features.py``;
    - a module a notebook writes itself (``%%writefile helpers.py``), passed in as one more project file.

    In those folders a module (``x.py``) or a regular package (``x/__init__.py``) shadows any library. A folder
    without ``__init__.py`` is a namespace package, which Python only uses when no library of that name exists,
    so it counts only for a dotted import that exists in the project (``churn.features`` with
    ``churn/features.py``), never for the bare name. Hence ``utils/selenium.py`` is local for ``import selenium``
    only in files inside ``utils/``, and a folder named ``airflow/`` holding DAGs does not hide the ``airflow``
    library.
    """

    files: frozenset[str]  # every file of the project (posix, relative to the root)
    folders_with_python: frozenset[str] = field(default=frozenset())  # folders with a .py file at any depth
    source_roots: tuple[str, ...] = ("",)
    _answers: dict[tuple[str, str, bool], bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_paths(cls, paths: Iterable[str]) -> "LocalModules":
        files = frozenset(paths)
        folders: set[str] = set()
        roots = {"", "src"}
        for path in files:  # string operations: PurePosixPath for each of 50,000 files took a noticeable time
            name = path.rpartition("/")[2]
            if name.endswith(".py") and name != ".py":
                folder = _folder(path)
                while folder and folder not in folders:  # a folder already in the set came with its parents
                    folders.add(folder)
                    folder = _folder(folder)
            if name in ("pyproject.toml", "setup.py", "setup.cfg"):
                folder = _folder(path)
                roots |= {folder, _join(folder, "src")}
        return cls(files, frozenset(folders), tuple(sorted(roots)))

    def is_local(self, module: str, importing_file: str) -> bool:
        """Whether ``import module`` in ``importing_file`` finds the project's own code.

        The answer depends only on the module and the importing file's folder and kind, and a large project asks
        the same question hundreds of thousands of times, so answers are remembered.
        """
        key = (module, _folder(importing_file), importing_file.endswith(".ipynb"))
        answer = self._answers.get(key)
        if answer is None:
            parts = module.split(".")
            answer = any(self._resolves(folder, parts) for folder in self._search_folders(importing_file))
            self._answers[key] = answer
        return answer

    def _search_folders(self, importing_file: str) -> list[str]:
        return [*self.source_roots, _folder(importing_file)]

    def _resolves(self, folder: str, parts: list[str]) -> bool:
        top = _join(folder, parts[0])
        if f"{top}.py" in self.files or f"{top}/__init__.py" in self.files:
            return True
        full = _join(folder, "/".join(parts))
        return len(parts) > 1 and (f"{full}.py" in self.files or full in self.folders_with_python)


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
