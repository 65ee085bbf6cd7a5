"""Which language a file is written in, and how many lines of code it has.

Detection order: the file name (Makefile, Dockerfile, Snakefile...), then the extension, then a shebang line.
Notebooks are named by their kernel's language. ``.m`` is taken as MATLAB/Octave: in a data-science
prototype it is far more likely than Objective-C.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
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
SQL = "SQL"
SHELL = "Shell"
POWERSHELL = "PowerShell"
BATCH = "Batch"
JULIA = "Julia"
SCALA = "Scala"
MATLAB = "MATLAB/Octave"
SAS = "SAS"
STATA = "Stata"
JAVA = "Java"
KOTLIN = "Kotlin"
GROOVY = "Groovy"
JAVASCRIPT = "JavaScript"
TYPESCRIPT = "TypeScript"
C = "C"
CPP = "C++"
GO = "Go"
RUST = "Rust"
YAML = "YAML"
JSON = "JSON"
TOML = "TOML"
INI = "INI"
MARKDOWN = "Markdown"
RESTRUCTUREDTEXT = "reStructuredText"
HTML = "HTML"
CSS = "CSS"
DOCKERFILE = "Dockerfile"
MAKEFILE = "Makefile"
SNAKEMAKE = "Snakemake"
JUPYTER_FAMILY = frozenset({JUPYTER_PYTHON, JUPYTER_R, JUPYTER_OTHER})

_BY_NAME = {
    "makefile": MAKEFILE, "gnumakefile": MAKEFILE, "dockerfile": DOCKERFILE, "containerfile": DOCKERFILE,
    "snakefile": SNAKEMAKE, "jenkinsfile": GROOVY, ".rprofile": R, "sconstruct": PYTHON, "sconscript": PYTHON,
    ".bashrc": SHELL, ".bash_profile": SHELL, ".zshrc": SHELL, ".profile": SHELL,
}
_BY_EXTENSION = {
    ".py": PYTHON, ".pyw": PYTHON, ".pyi": PYTHON, ".ipynb": JUPYTER_PYTHON, ".r": R, ".rmd": R_MARKDOWN,
    ".qmd": QUARTO, ".rnw": SWEAVE, ".sql": SQL, ".hql": SQL, ".ddl": SQL, ".sh": SHELL, ".bash": SHELL,
    ".zsh": SHELL, ".ksh": SHELL, ".ps1": POWERSHELL, ".bat": BATCH, ".cmd": BATCH, ".jl": JULIA,
    ".scala": SCALA, ".sc": SCALA, ".m": MATLAB, ".sas": SAS, ".do": STATA, ".ado": STATA, ".java": JAVA,
    ".kt": KOTLIN, ".groovy": GROOVY, ".js": JAVASCRIPT, ".mjs": JAVASCRIPT, ".cjs": JAVASCRIPT,
    ".jsx": JAVASCRIPT, ".ts": TYPESCRIPT, ".tsx": TYPESCRIPT, ".c": C, ".h": C, ".cpp": CPP, ".cc": CPP,
    ".cxx": CPP, ".hpp": CPP, ".go": GO, ".rs": RUST, ".yaml": YAML, ".yml": YAML, ".json": JSON,
    ".toml": TOML, ".ini": INI, ".cfg": INI, ".md": MARKDOWN, ".markdown": MARKDOWN, ".rst": RESTRUCTUREDTEXT,
    ".html": HTML, ".htm": HTML, ".css": CSS, ".dockerfile": DOCKERFILE, ".mk": MAKEFILE, ".smk": SNAKEMAKE,
}
_BY_INTERPRETER = {
    "python": PYTHON, "pypy": PYTHON, "sh": SHELL, "bash": SHELL, "zsh": SHELL, "ksh": SHELL, "dash": SHELL,
    "rscript": R, "r": R, "julia": JULIA, "node": JAVASCRIPT, "scala": SCALA, "octave": MATLAB, "pwsh": POWERSHELL,
}
_INTERPRETER_VERSION = re.compile(r"[\d.]+$")  # python3.11 -> python


@dataclass(frozen=True)
class _CommentSyntax:
    line: tuple[str, ...] = ()  # prefixes that make a line a comment
    block: tuple[tuple[str, str], ...] = ()  # (opening, closing) pairs


_HASH = _CommentSyntax(("#",))
_C_LIKE = _CommentSyntax(("//",), (("/*", "*/"),))
_NO_COMMENTS = _CommentSyntax()
_COMMENTS = {
    PYTHON: _HASH, R: _HASH, SHELL: _HASH, YAML: _HASH, TOML: _HASH, DOCKERFILE: _HASH, MAKEFILE: _HASH,
    SNAKEMAKE: _HASH, POWERSHELL: _CommentSyntax(("#",), (("<#", "#>"),)), JULIA: _CommentSyntax(("#",), (("#=", "=#"),)),
    SQL: _CommentSyntax(("--",), (("/*", "*/"),)), MATLAB: _CommentSyntax(("%", "#"), (("%{", "%}"),)),
    SAS: _CommentSyntax(("*",), (("/*", "*/"),)), STATA: _CommentSyntax(("*", "//"), (("/*", "*/"),)),
    BATCH: _CommentSyntax(("rem ", "REM ", "::")), INI: _CommentSyntax(("#", ";")),
    HTML: _CommentSyntax((), (("<!--", "-->"),)), CSS: _CommentSyntax((), (("/*", "*/"),)),
    SCALA: _C_LIKE, JAVA: _C_LIKE, KOTLIN: _C_LIKE, GROOVY: _C_LIKE, JAVASCRIPT: _C_LIKE, TYPESCRIPT: _C_LIKE,
    C: _C_LIKE, CPP: _C_LIKE, GO: _C_LIKE, RUST: _C_LIKE,
}
_CHUNK_FENCE = re.compile(r"^\s*```+\s*\{?\s*([A-Za-z]*)")  # ```{r}, ```{python echo=FALSE}, ```r
_SWEAVE_CHUNK = re.compile(r"^\s*<<.*>>=\s*$")


def detect_language(path: str, text: str) -> Optional[str]:
    """The language of ``path`` (posix, relative); ``text`` is its content, used for shebangs. A notebook is
    Jupyter (Python) by its name here; its kernel's language comes from ``scan.notebooks``, which reads it once."""
    name = PurePosixPath(path).name
    lowered = name.lower()
    language = _BY_NAME.get(lowered) or _BY_EXTENSION.get(PurePosixPath(lowered).suffix)
    if language is None and lowered.startswith(("dockerfile.", "containerfile.")):
        language = DOCKERFILE
    return language or _shebang_language(text)


# Languages by name that hold data, settings or text rather than a program: a file of these too large to read is
# data (listed as such), where a program too large to read is code nobody checked.
_NOT_PROGRAMS = frozenset({SQL, YAML, JSON, TOML, INI, MARKDOWN, RESTRUCTUREDTEXT, HTML, CSS})


def is_program(path: str) -> bool:
    """Whether ``path`` is code by its name (a notebook, a script, a Dockerfile), not data or settings."""
    language = detect_language(path, "")
    return language is not None and language not in _NOT_PROGRAMS


def is_notebook(path: str) -> bool:
    """Whether ``path`` is a Jupyter notebook (by its name: the scan reads a notebook's JSON once, as one)."""
    return _BY_EXTENSION.get(PurePosixPath(path.lower()).suffix) == JUPYTER_PYTHON


def _shebang_language(text: str) -> Optional[str]:
    if not text.startswith("#!"):
        return None
    words = text[2:].split("\n", 1)[0].split()
    if words and PurePosixPath(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    if not words:
        return None
    interpreter = _INTERPRETER_VERSION.sub("", PurePosixPath(words[0]).name.lower())
    return _BY_INTERPRETER.get(interpreter)


def count_code_lines(language: str, text: str) -> int:
    """Lines that are neither blank nor only comment. R Markdown, Quarto and Sweave count their code chunks."""
    if language in (R_MARKDOWN, QUARTO, SWEAVE):
        return _count_chunk_lines(text)
    return _count_lines(text.splitlines(), _COMMENTS.get(language, _NO_COMMENTS))


def _count_lines(lines: list[str], syntax: _CommentSyntax) -> int:
    if not syntax.block:  # the common case, kept fast
        stripped = (line.strip() for line in lines)
        return sum(1 for line in stripped if line and not (syntax.line and line.startswith(syntax.line)))
    count = 0
    closing: Optional[str] = None  # set while inside a block comment
    for raw in lines:
        line = raw.strip()
        has_code = False
        while line:
            if closing is not None:
                end = line.find(closing)
                if end < 0:
                    break
                line = line[end + len(closing):].strip()
                closing = None
                continue
            opening = next(((o, c) for o, c in syntax.block if line.startswith(o)), None)
            if opening:
                line, closing = line[len(opening[0]):], opening[1]
                continue
            has_code = not line.startswith(syntax.line) if syntax.line else True
            break
        count += has_code
    return count


def _count_chunk_lines(text: str) -> int:
    """Code lines inside the chunks of a literate document (```{r} ... ``` or Sweave's <<>>= ... @)."""
    count = 0
    chunk: Optional[list[str]] = None
    language = R
    for line in text.splitlines():
        if chunk is None:
            fence = _CHUNK_FENCE.match(line)
            if fence and fence.group(1):
                chunk, language = [], _chunk_language(fence.group(1))
            elif _SWEAVE_CHUNK.match(line):
                chunk, language = [], R
        elif line.strip().startswith("```") or line.strip() == "@":
            count += _count_lines(chunk, _COMMENTS.get(language, _HASH))
            chunk = None
        else:
            chunk.append(line)
    return count


def _chunk_language(name: str) -> str:
    return {"r": R, "python": PYTHON, "sql": SQL, "bash": SHELL, "sh": SHELL, "julia": JULIA}.get(name.lower(), R)
