"""Notebook hygiene (run order, saved errors, oversized outputs) and what saved outputs leak.

Code cells are scanned as code by the caller, like any source file. Saved outputs are scanned here, separately:
a path in a traceback (``/Users/maria/...``) is low severity, as it tells what the code did on one laptop, not
what it will do on the server; a secret printed in an output keeps its severity. Only text is scanned (stream text, ``text/plain`` and tracebacks without their
colour codes), never images or metadata, whose base64 and hashes look random to any detector.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

from handoff_assistant.scan import findings as detectors
from handoff_assistant.scan.findings.base import Rule, fingerprint, make_finding, register
from handoff_assistant.scan.notebooks import OUTPUT_TEXT_CHARS, Cell, Notebook, out_of_order_cells, skipped_cells
from handoff_assistant.scan.report import Finding

OUTPUT_RULE_PREFIX = "notebook.output."
OUTPUT_SEVERITY = "low"
LARGE_OUTPUT_CHARS = 1_000_000  # stored characters per cell (base64 images included): about 1 MB on disk
OUTPUT_SCAN_CHARS = OUTPUT_TEXT_CHARS  # text scanned per output (the reader keeps no more): logs beyond add noise

OUT_OF_ORDER = Rule(
    id="notebook.out-of-order", category="notebook", severity="medium", title="Cells run out of order",
    message="Cells were run out of order ({detail}); the saved results depend on a run order nobody can repeat.",
    fix="Restart the kernel and run all cells from top to bottom (Kernel > Restart & Run All), then save.",
)
SKIPPED_CELLS = Rule(
    id="notebook.skipped-cells", category="notebook", severity="low", title="Code cells never run",
    message="Code cells above the last executed one were never run ({detail}); the saved results did not use "
            "them.",
    fix="Delete the cells that are not needed, then restart the kernel and run all cells from top to bottom.",
)
ERROR_OUTPUT = Rule(
    id="notebook.error-output", category="notebook", severity="medium", title="Error saved in an output",
    message="This cell's saved output is an error ({detail}): the notebook did not run cleanly when it was "
            "saved.",
    fix="Fix the cause and run the notebook from the top; if the error is intended, catch it in the code.",
)
LARGE_OUTPUT = Rule(
    id="notebook.large-output", category="notebook", severity="low", title="Large cell output",
    message="This cell stores {detail} of output; it bloats the notebook, its diffs and the handoff bundle.",
    fix="Clear the output (`jupyter nbconvert --clear-output --inplace NOTEBOOK`) and save large figures or "
        "tables to files instead.",
)
register(OUT_OF_ORDER, SKIPPED_CELLS, ERROR_OUTPUT, LARGE_OUTPUT)


def notebook_findings(notebook: Notebook, path: str) -> list[Finding]:
    """Hygiene findings for the whole notebook and each cell, then what each cell's saved outputs leak."""
    found = _order_findings(notebook, path)
    for cell in notebook.code_cells():
        found += _cell_findings(cell, path)
        found += _output_leaks(cell, path)
    return found


def _order_findings(notebook: Notebook, path: str) -> list[Finding]:
    """Whole-notebook findings: no cell and no snippet, so the fingerprint survives re-running cells."""
    found = []
    late = out_of_order_cells(notebook)
    if late:
        counts = ", ".join(str(c.execution_count) for c in notebook.code_cells() if c.execution_count is not None)
        detail = f"cell {late[0].index + 1} ran after a cell below it; execution counts {_shorten(counts)}"
        found.append(make_finding(OUT_OF_ORDER, file=path, line=1, snippet="", detail=detail))
    skipped = skipped_cells(notebook)
    if skipped:
        cells = _shorten(", ".join(str(c.index + 1) for c in skipped))
        found.append(make_finding(SKIPPED_CELLS, file=path, line=1, snippet="", detail=f"cells {cells}"))
    return found


def _cell_findings(cell: Cell, path: str) -> list[Finding]:
    found = []
    errors = [output for output in cell.outputs if output.output_type == "error"]
    if errors:
        error_name = errors[0].text.split(":", 1)[0] or "an error"
        found.append(make_finding(ERROR_OUTPUT, file=path, line=1, cell=cell.index, snippet=error_name,
                                  detail=error_name))
    size = sum(output.size for output in cell.outputs)
    if size > LARGE_OUTPUT_CHARS:
        images = sum(output.image_size for output in cell.outputs)
        detail = f"{size / 1_000_000:.1f} MB" + (", mostly images" if images * 2 > size else "")
        found.append(make_finding(LARGE_OUTPUT, file=path, line=1, cell=cell.index, snippet="", detail=detail))
    return found


def _output_leaks(cell: Cell, path: str) -> Iterator[Finding]:
    """Text detectors' findings in the cell's outputs, once per rule and snippet.

    A leaked path or host in an output is low severity (it tells what ran on one laptop), but a secret
    printed in an output is as exposed as one in the code, so secrets keep their severity.
    """
    seen: set[tuple[str, str]] = set()
    for output in cell.outputs:
        if not output.text:
            continue
        for finding in detectors.scan_text(output.text[:OUTPUT_SCAN_CHARS], file=path, language=None,
                                           cell=cell.index):
            rule = OUTPUT_RULE_PREFIX + finding.rule
            key = (rule, finding.message)
            if key in seen:
                continue
            seen.add(key)
            yield replace(
                finding, rule=rule, severity=_output_severity(finding), line=1,
                message=f"In a saved output of this cell: {finding.message}",
                fix=f"{finding.fix} Then clear or re-run the cell so its saved output no longer shows it.",
                fingerprint=fingerprint(rule, path, cell.index, finding.snippet),
            )


def _output_severity(finding: Finding) -> str:
    return finding.severity if finding.category == "secret" else OUTPUT_SEVERITY


def _shorten(listing: str, limit: int = 60) -> str:
    return listing if len(listing) <= limit else listing[: limit - 1] + "…"
