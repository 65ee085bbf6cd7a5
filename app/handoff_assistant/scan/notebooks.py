"""Reading Jupyter notebooks without Jupyter: cells, kernels, magics.  (STUB — to be completed)"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

from handoff_assistant.scan.report import NotebookInfo


class NotebookError(Exception):
    """The notebook cannot be read; the message says why (shown in the scan's problems)."""


@dataclass(frozen=True)
class Cell:
    index: int
    cell_type: str
    source: str
    execution_count: Optional[int] = None
    outputs: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Notebook:
    language: str
    kernel: str
    nbformat: int
    cells: tuple[Cell, ...]

    @property
    def is_python(self) -> bool:
        return self.language.lower() == "python"

    @property
    def is_r(self) -> bool:
        return self.language.lower() == "r"

    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.cell_type == "code"]


@dataclass(frozen=True)
class PreparedCell:
    python_source: str  # magics and shell lines blanked, so line numbers still match the cell
    cell_magic: Optional[str] = None  # "bash", "R", "sql"... when the whole cell is not Python
    pip_installs: tuple[tuple[str, int], ...] = ()  # (requirement, line)


def parse_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"not valid notebook JSON: {error}") from error
    spec = data.get("metadata", {}).get("kernelspec", {})
    cells = tuple(
        Cell(i, c.get("cell_type", ""), "".join(c.get("source", "")), c.get("execution_count"),
             tuple(c.get("outputs", ())))
        for i, c in enumerate(data.get("cells", []))
    )
    return Notebook(spec.get("language", "python"), spec.get("name", ""), data.get("nbformat", 4), cells)


def prepare_python_cell(source: str) -> PreparedCell:
    lines = source.splitlines()
    if lines and lines[0].startswith("%%"):
        return PreparedCell("", lines[0][2:].split()[0] if lines[0][2:].split() else "")
    kept = ["" if line.lstrip().startswith(("%", "!")) else line for line in lines]
    return PreparedCell("\n".join(kept))


def notebook_info(notebook: Notebook, path: str) -> NotebookInfo:
    counts = tuple(c.execution_count for c in notebook.code_cells())
    executed = [c for c in counts if c is not None]
    return NotebookInfo(
        path=path, language=notebook.language, kernel=notebook.kernel, nbformat=notebook.nbformat,
        cells=len(notebook.cells), code_cells=len(counts), out_of_order=executed != sorted(executed),
        errors=sum(1 for c in notebook.code_cells() if any(o.get("output_type") == "error" for o in c.outputs)),
        execution_counts=counts,
    )
