"""Reading Jupyter notebooks without Jupyter: cells, outputs, kernel language, magics and shell lines.

Both nbformat 4 (``cells``, ``source``, ``execution_count``) and the older nbformat 3 and 2 (``worksheets``,
``input``, ``prompt_number``, ``pyout``/``pyerr`` outputs) are read into the same shape. The JSON is read once,
and only what the scan reads is built (``NOTEBOOK_SHAPE``, ``scan.json_shapes``): saved images, HTML and JSON
data are measured, not built, so a notebook's size costs memory once, whatever its outputs hold.
"""
from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, replace
from typing import Any, Iterator, Optional

from packaging.requirements import InvalidRequirement, Requirement

from handoff_assistant.scan import json_shapes, languages
from handoff_assistant.scan.json_shapes import SCALAR as SCALAR_SHAPE
from handoff_assistant.scan.report import NotebookInfo

_V3_OUTPUT_TYPES = {"pyout": "execute_result", "pyerr": "error"}
_V3_MIME_TYPES = {"text": "text/plain", "png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml",
                  "html": "text/html", "latex": "text/latex", "json": "application/json",
                  "javascript": "application/javascript", "pdf": "application/pdf"}
_OUTPUT_KEYS = frozenset({"output_type", "metadata", "prompt_number", "execution_count", "name", "stream"})
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_CONFLICT_MARKER = re.compile(r"^(<{7}|>{7}) ", re.MULTILINE)

# Cell magics whose body is still Python (they time, capture or profile the code), and the others' languages.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "python", "python3", "px",
                                 "memit", "snakeviz"})
SHELL, SQL = languages.SHELL, languages.SQL
_CELL_MAGIC_LANGUAGES = {"bash": SHELL, "sh": SHELL, "zsh": SHELL, "system": SHELL, "sx": SHELL, "R": languages.R,
                         "sql": SQL, "bigquery": SQL, "sparksql": SQL}
_SCRIPT_LANGUAGES = {"bash": SHELL, "sh": SHELL, "zsh": SHELL, "python": languages.PYTHON,
                     "python3": languages.PYTHON, "R": languages.R, "Rscript": languages.R}
_FILE_LANGUAGES = {".py": languages.PYTHON, ".r": languages.R, ".sh": SHELL, ".sql": SQL}
# Kernel languages (as Notebook.language has them) -> the scan's language names.
_CODE_LANGUAGES = {"python": languages.PYTHON, "R": languages.R, "julia": languages.JULIA, "scala": languages.SCALA,
                   "sas": languages.SAS, "bash": SHELL, "octave": languages.MATLAB, "matlab": languages.MATLAB}
_KERNEL_LANGUAGES = ((re.compile(r"^ir($|[-_])|(^|-)r$"), "R"), (re.compile(r"scala|spylon|almond"), "scala"),
                     (re.compile(r"julia"), "julia"), (re.compile(r"^sas"), "sas"), (re.compile(r"bash"), "bash"),
                     (re.compile(r"octave"), "octave"), (re.compile(r"py"), "python"))

_LINE_NEWLINES = re.compile(r"\r\n|\r|\n")  # the line ends Python's own parser counts
_HELP_LINE = re.compile(r"^\s*(\?{1,2}[\w.*]+|[\w.*\[\]()]+\?{1,2})\s*$")
_SHELL_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*(?P<command>[!%].*)$")
_LINE_MAGIC = re.compile(r"^%(?P<name>[A-Za-z_]\w*)(?P<rest>.*)$")
_SHELL_MAGICS = frozenset({"sx", "system"})
_LOAD_EXTENSION = re.compile(r"^(?P<indent>\s*)%(?:re)?load_ext\s+(?P<module>[A-Za-z_][\w.]*)\s*$")
_IPYTHON_EXTENSIONS = frozenset({"autoreload", "storemagic"})  # ship inside IPython itself
_PIP_PROGRAM = re.compile(r"(^|/)pip(\d+(\.\d+)?)?$")
_PIP_OPTIONS_WITH_VALUE = frozenset({
    "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
    "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--upgrade-strategy", "--platform",
    "--python-version", "--implementation", "--abi", "--only-binary", "--no-binary", "--trusted-host", "--proxy",
    "--timeout", "--retries", "--cache-dir", "--src", "--progress-bar", "--log", "-C", "--config-settings",
    "--global-option", "--install-option", "--report", "--python", "--exists-action", "--cert", "--client-cert",
    "--root-user-action", "--keyring-provider",
})

# What the scan reads of a notebook; everything else (images, HTML, JSON data, widget state, cell metadata) is
# stepped over and only measured. Output text is kept up to OUTPUT_TEXT_CHARS: the leak checks scan no more.
OUTPUT_TEXT_CHARS = 256 * 1024
_OUTPUT_TEXT = json_shapes.Text(OUTPUT_TEXT_CHARS)
_OUTPUT_SHAPE = json_shapes.Fields({
    "output_type": SCALAR_SHAPE, "name": SCALAR_SHAPE, "stream": SCALAR_SHAPE, "ename": _OUTPUT_TEXT,
    "evalue": _OUTPUT_TEXT, "traceback": json_shapes.Items(_OUTPUT_TEXT), "text": _OUTPUT_TEXT,
    "data": json_shapes.Fields({"text/plain": _OUTPUT_TEXT}),
})
_CELL_SHAPE = json_shapes.Fields({
    "cell_type": SCALAR_SHAPE, "source": json_shapes.Text(), "input": json_shapes.Text(),
    "execution_count": SCALAR_SHAPE, "prompt_number": SCALAR_SHAPE, "language": SCALAR_SHAPE,
    "outputs": json_shapes.Items(_OUTPUT_SHAPE),
})
NOTEBOOK_SHAPE = json_shapes.Fields({
    "cells": json_shapes.Items(_CELL_SHAPE),
    "worksheets": json_shapes.Items(json_shapes.Fields({"cells": json_shapes.Items(_CELL_SHAPE)})),
    "metadata": json_shapes.Fields({
        "kernelspec": json_shapes.Fields({"name": SCALAR_SHAPE, "language": SCALAR_SHAPE}),
        "language_info": json_shapes.Fields({"name": SCALAR_SHAPE, "version": SCALAR_SHAPE}),
        "language": SCALAR_SHAPE}),
    "nbformat": SCALAR_SHAPE,
})


class NotebookError(Exception):
    """The notebook cannot be read; the message says why and what to do (shown in the scan's problems)."""


@dataclass(frozen=True)
class Output:
    output_type: str  # nbformat 4 names: "stream", "execute_result", "display_data", "error"
    text: str  # what a reader sees as text: stream text, text/plain, or the error and its traceback (no ANSI)
    size: int  # characters of JSON text the output takes in the file, base64 images included
    image_size: int = 0  # characters of image data (base64) among them


@dataclass(frozen=True)
class Cell:
    index: int  # 0-based position among all cells
    cell_type: str  # "code", "markdown", "raw"
    source: str
    execution_count: Optional[int] = None
    outputs: tuple[Output, ...] = ()

    @property
    def has_error(self) -> bool:
        return any(output.output_type == "error" for output in self.outputs)


@dataclass(frozen=True)
class Notebook:
    language: str  # "python", "R", or the kernel's language in lower case
    kernel: str  # kernelspec name, "" when unknown
    nbformat: int
    cells: tuple[Cell, ...]
    language_version: str = ""  # metadata.language_info.version: the kernel's version when last run

    @property
    def is_python(self) -> bool:
        return self.language == "python"

    @property
    def is_r(self) -> bool:
        return self.language == "R"

    @property
    def code_language(self) -> Optional[str]:
        """The scan's name for the language of the code cells ("Python", "R", "Julia"...); None if unknown."""
        return _CODE_LANGUAGES.get(self.language)

    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.cell_type == "code"]


@dataclass(frozen=True)
class PreparedCell:
    python_source: str  # magics and shell lines blanked, so line numbers still match the cell; "" if not Python
    body: str = ""  # the cell with its cell magic line blanked: the code in ``language``
    cell_magic: Optional[str] = None  # name of the cell magic on the first line ("bash", "time"), if any
    language: Optional[str] = languages.PYTHON  # language of the body: Python, R, Shell, SQL; None if unknown
    pip_installs: tuple[tuple[str, int], ...] = ()  # (requirement as written, 1-based line in the cell)
    writes_file: Optional[str] = None  # ``%%writefile helpers.py`` / ``%%file``: the file the cell writes

    @property
    def is_python(self) -> bool:
        return self.language == languages.PYTHON


def parse_notebook(text: str) -> Notebook:
    """Read a notebook's JSON once, building only what the scan reads (see ``NOTEBOOK_SHAPE``);
    ``NotebookError`` says in a sentence why a file is not a readable notebook."""
    data = _load_json(text)
    if not isinstance(data, dict):
        kind = "list" if isinstance(data, json_shapes.Skipped) else type(data).__name__
        raise NotebookError(f"not a notebook: the file holds a JSON {kind}, not an object")
    raw_cells, nbformat = _raw_cells(data)
    cells = tuple(_cell(index, raw) for index, raw in enumerate(raw_cells))
    metadata = _as_dict(data.get("metadata"))
    spec = _as_dict(metadata.get("kernelspec"))
    kernel = str(spec.get("name") or "")
    first_cell_language = next((str(raw["language"]) for raw in raw_cells if raw.get("language")), "")
    version = str(_as_dict(metadata.get("language_info")).get("version") or "").strip()
    return Notebook(_kernel_language(metadata, kernel, first_cell_language), kernel, nbformat, cells, version)


def prepare_python_cell(source: str) -> PreparedCell:
    """Make a code cell parseable as Python and note the ``pip install`` commands it runs.

    A cell magic on the first line decides the body's language: ``%%time``/``%%timeit``/``%%capture`` bodies are
    Python, ``%%bash``/``%%R``/``%%sql`` bodies are not. Line magics, ``!`` shell lines, ``x = !ls`` and ``obj?``
    help lines become blank (or ``pass`` when indented), so the AST's line numbers are the cell's.
    ``%load_ext rpy2.ipython`` imports its module, so it becomes ``import rpy2.ipython``.
    """
    lines = _LINE_NEWLINES.split(source)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].lstrip().startswith("%%"):
        return _prepare_python_lines(lines, magic=None)
    magic, _, arguments = lines[first].strip()[2:].partition(" ")
    language = _cell_magic_language(magic, arguments.split())
    body = [""] * (first + 1) + lines[first + 1:]
    if language == languages.PYTHON:
        prepared = _prepare_python_lines(body, magic=magic)
        written = _written_file(magic, arguments.split())
        return replace(prepared, writes_file=written) if written else prepared
    pips = tuple(pip for number, line in enumerate(body, 1)
                 for pip in _pip_installs(line, number)) if language == SHELL else ()
    return PreparedCell("", "\n".join(body), magic, language, pips)


def notebook_info(notebook: Notebook, path: str) -> NotebookInfo:
    counts = tuple(cell.execution_count for cell in notebook.code_cells())
    return NotebookInfo(
        path=path, language=notebook.language, kernel=notebook.kernel, nbformat=notebook.nbformat,
        cells=len(notebook.cells), code_cells=len(counts), out_of_order=bool(out_of_order_cells(notebook)),
        errors=sum(1 for cell in notebook.code_cells() if cell.has_error), execution_counts=counts,
        language_version=notebook.language_version,
    )


def out_of_order_cells(notebook: Notebook) -> list[Cell]:
    """Executed code cells whose count is not above every count before them: run after a later cell."""
    found = []
    highest = None
    for cell in notebook.code_cells():
        if cell.execution_count is None:
            continue
        if highest is not None and cell.execution_count <= highest:
            found.append(cell)
        highest = cell.execution_count if highest is None else max(highest, cell.execution_count)
    return found


def skipped_cells(notebook: Notebook) -> list[Cell]:
    """Non-empty code cells never run although a later cell was: the saved results did not need them."""
    code = notebook.code_cells()
    last_run = max((i for i, cell in enumerate(code) if cell.execution_count is not None), default=0)
    return [cell for cell in code[:last_run] if cell.execution_count is None and cell.source.strip()]


def _load_json(text: str) -> Any:
    if not text.strip():
        raise NotebookError("not a readable notebook: the file is empty")
    try:
        return json_shapes.read_shaped(text, NOTEBOOK_SHAPE)
    except json_shapes.JsonError as error:
        if _CONFLICT_MARKER.search(text):
            raise NotebookError("not a readable notebook: it contains unresolved git merge conflict markers; "
                                "resolve the conflict (nbdime can help) and save it again") from error
        line = text.count("\n", 0, error.position) + 1
        if _ends_early(text):
            raise NotebookError(f"not a readable notebook: the JSON stops early at line {line} (the file "
                                "looks truncated); restore it from version control or save it again "
                                "from Jupyter") from error
        column = error.position - text.rfind("\n", 0, error.position)
        raise NotebookError(f"not a readable notebook: invalid JSON at line {line}, column {column} "
                            f"({error.message}); open it in Jupyter or restore it from version control") from error


def _ends_early(text: str) -> bool:
    """Whether the text stops inside a string or before closing every bracket: a truncated file."""
    outside_strings = _JSON_STRING.sub("", text)
    opened = outside_strings.count("{") + outside_strings.count("[")
    return '"' in outside_strings or opened > outside_strings.count("}") + outside_strings.count("]")


def _raw_cells(data: dict) -> tuple[list[dict], int]:
    """The cell objects of any nbformat, with the format number."""
    if "worksheets" in data:
        sheets = data["worksheets"]
        if not isinstance(sheets, list):
            raise NotebookError("not a readable notebook: 'worksheets' is not a list")
        cells = [cell for sheet in sheets for cell in _as_list(_as_dict(sheet).get("cells"), "cells")]
        return _checked_cells(cells), _format_number(data, default=3)
    if "cells" not in data:
        raise NotebookError("not a notebook: it has neither 'cells' (nbformat 4) nor 'worksheets' (nbformat 3)")
    return _checked_cells(_as_list(data["cells"], "cells")), _format_number(data, default=4)


def _checked_cells(cells: list) -> list[dict]:
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise NotebookError(f"not a readable notebook: cell {index} is not a JSON object")
    return cells


def _format_number(data: dict, default: int) -> int:
    number = data.get("nbformat")
    return number if isinstance(number, int) and not isinstance(number, bool) else default


def _cell(index: int, raw: dict) -> Cell:
    cell_type = str(raw.get("cell_type") or "")
    source = _text(raw["source"] if "source" in raw else raw.get("input"))
    count = raw["execution_count"] if "execution_count" in raw else raw.get("prompt_number")
    if not isinstance(count, int) or isinstance(count, bool):
        count = None
    outputs = tuple(_output(o) for o in raw.get("outputs") or () if isinstance(o, dict))
    return Cell(index, "markdown" if cell_type == "heading" else cell_type, source, count, outputs)


def _output(raw: dict) -> Output:
    kind = str(raw.get("output_type") or "")
    kind = _V3_OUTPUT_TYPES.get(kind, kind)
    if "data" in raw:
        data = _as_dict(raw.get("data"))
    else:  # nbformat 3 puts the MIME bundle on the output itself, under short names
        data = {_V3_MIME_TYPES.get(k, k): v for k, v in raw.items() if k not in _OUTPUT_KEYS}
    if kind == "stream":
        text = _text(raw.get("text"))
    elif kind == "error":
        heading = f"{_text(raw.get('ename'))}: {_text(raw.get('evalue'))}"
        text = _ANSI.sub("", "\n".join([heading, *map(_text, _as_list(raw.get("traceback"), "traceback"))]))
    else:
        text = _text(data.get("text/plain"))
    image_size = sum(_stored_size(v) for k, v in data.items() if str(k).startswith("image/"))
    return Output(kind, text, _stored_size(raw), image_size)


def _stored_size(value: Any) -> int:
    """Characters of JSON text a value took in the file, as the reader measured it (numbers and quotes too)."""
    if isinstance(value, json_shapes.ReadObject):
        return value.span
    if isinstance(value, json_shapes.Skipped):
        return value.chars
    return len(json.dumps(value)) if isinstance(value, str) else 0


def _kernel_language(metadata: dict, kernel: str, cell_language: str) -> str:
    spec = _as_dict(metadata.get("kernelspec"))
    language = (spec.get("language") or _as_dict(metadata.get("language_info")).get("name")
                or _language_of_kernel(kernel) or cell_language or metadata.get("language") or "python")
    language = str(language).strip()
    if language.lower() == "r":
        return "R"
    return "python" if language.lower() in ("python", "python2", "python3", "ipython") else language.lower()


def _language_of_kernel(kernel: str) -> Optional[str]:
    name = kernel.lower()
    return next((language for pattern, language in _KERNEL_LANGUAGES if pattern.search(name)), None)


def _cell_magic_language(magic: str, arguments: list[str]) -> Optional[str]:
    if magic in _PYTHON_CELL_MAGICS:
        return languages.PYTHON
    if magic == "script":
        return _SCRIPT_LANGUAGES.get(arguments[0].rsplit("/", 1)[-1]) if arguments else None
    if magic in ("writefile", "file"):
        target = next((a for a in arguments if not a.startswith("-")), "")
        suffix = target[target.rfind("."):].lower() if "." in target else ""
        return _FILE_LANGUAGES.get(suffix)
    return _CELL_MAGIC_LANGUAGES.get(magic)


def _written_file(magic: str, arguments: list[str]) -> Optional[str]:
    if magic not in ("writefile", "file"):
        return None
    return next((a.strip("'\"") for a in arguments if not a.startswith("-")), None)


def _prepare_python_lines(lines: list[str], magic: Optional[str]) -> PreparedCell:
    kept: list[str] = []
    pips: list[tuple[str, int]] = []
    pending: Optional[tuple[str, int]] = None  # a shell or magic command continued by a final backslash
    for number, line in enumerate(lines, 1):
        if pending is not None:
            command, start = f"{pending[0][:-1]} {line.strip()}", pending[1]
            kept.append("")
        else:
            found = _ipython_command(line)
            if found is None:
                kept.append("" if _HELP_LINE.match(line) else line)
                continue
            extension = _LOAD_EXTENSION.match(line)
            if extension and extension.group("module") not in _IPYTHON_EXTENSIONS:
                kept.append(f"{extension.group('indent')}import {extension.group('module')}")
                continue
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(f"{indent}pass" if indent else "")
            command, start = found.rstrip(), number
        pending = (command.rstrip(), start) if command.rstrip().endswith("\\") else None
        if pending is None:
            pips += _pip_installs(command, start)
    if pending is not None:
        pips += _pip_installs(pending[0][:-1], pending[1])
    return PreparedCell("\n".join(kept), "\n".join(lines), magic, languages.PYTHON, tuple(pips))


def _ipython_command(line: str) -> Optional[str]:
    """The shell or magic command of an IPython-only line ("" for magics that run nothing); None for Python."""
    stripped = line.strip()
    assignment = _SHELL_ASSIGNMENT.match(stripped)
    if assignment:
        stripped = assignment.group("command")
    if stripped.startswith("!") and not stripped.startswith("!="):
        return stripped.lstrip("!")
    magic = _LINE_MAGIC.match(stripped) or (_LINE_MAGIC.match(stripped[1:]) if stripped.startswith("%%") else None)
    if magic is None:
        return None
    name = magic.group("name")
    if name.startswith("pip"):
        return f"pip{magic.group('rest')}"
    return magic.group("rest") if name in _SHELL_MAGICS else ""


def _pip_installs(command: str, line: int) -> Iterator[tuple[str, int]]:
    """Requirements installed by ``pip install`` anywhere in a shell command line (``a && pip install b``)."""
    for part in re.split(r"&&|\|\||;|\|", command):
        try:
            words = shlex.split(part, comments=True)
        except ValueError:  # unbalanced quotes: take the words as they are
            words = part.split()
        while words and re.match(r"^\w+=", words[0]):  # VAR=value pip install x
            words = words[1:]
        for i, word in enumerate(words[1:], 1):
            runs_pip = i == 1 or words[i - 2] in ("-m", "uv", "sudo")
            if word == "install" and runs_pip and _PIP_PROGRAM.search(words[i - 1]):
                yield from ((req, line) for req in _requirement_words(words[i + 1:]))
                break


def _requirement_words(arguments: list[str]) -> Iterator[str]:
    skip_next = False
    for word in arguments:
        if skip_next:
            skip_next = False
        elif word.startswith("-"):
            skip_next = "=" not in word and word in _PIP_OPTIONS_WITH_VALUE
        elif "$" not in word and "{" not in word and _is_requirement(word):
            yield word


def _is_requirement(word: str) -> bool:
    try:
        Requirement(word)
    except InvalidRequirement:
        return False
    return True


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(item for item in value if isinstance(item, str))
    return value if isinstance(value, str) else ""


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise NotebookError(f"not a readable notebook: '{what}' is not a list")
    return value
