"""Notebook hygiene findings and what saved outputs leak (scanned apart from the code; paths low, secrets not)."""
import base64
import json

from handoff_assistant.assets import sample_project_path
from handoff_assistant.scan.findings.notebooks import LARGE_OUTPUT_CHARS, notebook_findings
from handoff_assistant.scan.notebooks import parse_notebook

ANSI_TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mFileNotFoundError\x1b[0m                         Traceback (most recent call last)",
    "File \x1b[0;32m/Users/maria/miniconda3/lib/python3.10/site-packages/pandas/io/common.py:859\x1b[0m, in get_handle",
]


def code_cell(source="x = 1", count=1, outputs=()):
    return {"cell_type": "code", "source": source, "execution_count": count, "metadata": {}, "outputs": list(outputs)}


def error_output(ename="FileNotFoundError", evalue="[Errno 2] No such file", traceback=()):
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": list(traceback)}


def stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def findings_of(*cells, path="nb.ipynb"):
    text = json.dumps({"cells": list(cells), "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                       "nbformat": 4, "nbformat_minor": 5})
    return notebook_findings(parse_notebook(text), path)


def rules(found):
    return sorted((f.rule, f.cell) for f in found)


def sample_findings(name):
    path = f"notebooks/{name}"
    return notebook_findings(parse_notebook((sample_project_path() / path).read_text(encoding="utf-8")), path)


def test_sample_out_of_order_notebook_is_flagged_once():
    found = [f for f in sample_findings("02_model.ipynb") if f.rule == "notebook.out-of-order"]
    assert len(found) == 1
    assert (found[0].category, found[0].severity, found[0].cell) == ("notebook", "medium", None)
    assert "3, 1, 5, 2, 6, 4" in found[0].message and "Restart" in found[0].fix


def test_sample_in_order_notebook_is_not_flagged_but_its_error_and_leaks_are():
    found = sample_findings("01_explore.ipynb")
    assert "notebook.out-of-order" not in {f.rule for f in found}
    [error] = [f for f in found if f.rule == "notebook.error-output"]
    assert (error.cell, error.severity, error.snippet) == (6, "medium", "FileNotFoundError")
    leaks = [f for f in found if f.rule.startswith("notebook.output.")]
    assert {(f.rule, f.cell) for f in leaks} == {("notebook.output.path.user-home", 1),
                                                 ("notebook.output.path.user-home", 6)}
    assert all(f.severity == "low" for f in leaks)


def test_out_of_order_fingerprint_survives_running_the_cells_again():
    first = findings_of(code_cell(count=3), code_cell(count=1))
    again = findings_of(code_cell(count=9), code_cell(count=8))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again] and first


def test_in_order_and_never_run_notebooks_have_no_hygiene_findings():
    assert findings_of(code_cell(count=1), code_cell(count=2), code_cell(count=5)) == []
    assert findings_of(code_cell(count=None), code_cell(count=None)) == []


def test_cells_skipped_between_executed_ones_are_reported_low():
    [found] = findings_of(code_cell(count=1), code_cell("import x", count=None), code_cell(count=2))
    assert (found.rule, found.severity) == ("notebook.skipped-cells", "low") and "cells 2" in found.message


def test_each_cell_with_an_error_output_gets_a_finding():
    found = findings_of(code_cell(count=1, outputs=[error_output("KeyError", "'a'")]),
                        code_cell(count=2),
                        code_cell(count=3, outputs=[error_output("ValueError", "bad")]))
    assert rules(found) == [("notebook.error-output", 0), ("notebook.error-output", 2)]
    assert [f.snippet for f in found] == ["KeyError", "ValueError"]


def test_large_image_output_is_low_and_says_images():
    png = base64.b64encode(b"\x89PNG" + bytes(800_000)).decode()
    image = {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"}, "metadata": {}}
    [found] = findings_of(code_cell(outputs=[image]))
    assert (found.rule, found.severity, found.cell) == ("notebook.large-output", "low", 0)
    assert "mostly images" in found.message


def test_large_text_output_is_flagged_and_small_output_is_not():
    [found] = findings_of(code_cell(outputs=[stream("row\n" * (LARGE_OUTPUT_CHARS // 4 + 10))]))
    assert found.rule == "notebook.large-output" and "images" not in found.message
    assert findings_of(code_cell(outputs=[stream("row\n" * 1000)])) == []


def test_path_in_a_traceback_with_colour_codes_is_a_low_output_finding():
    found = findings_of(code_cell(count=1, outputs=[error_output(traceback=ANSI_TRACEBACK)]))
    [leak] = [f for f in found if f.rule.startswith("notebook.output.")]
    assert (leak.rule, leak.severity, leak.cell, leak.category) == ("notebook.output.path.user-home", "low", 0, "path")
    assert "\x1b" not in leak.snippet and "/Users/maria" in leak.snippet
    assert leak.message.startswith("In a saved output") and leak.fingerprint


def test_the_same_leak_twice_in_one_cell_is_reported_once():
    text = "saved to /Users/maria/out.csv\nsaved to /Users/maria/out.csv again\n"
    leaks = [f for f in findings_of(code_cell(outputs=[stream(text), stream(text)]))]
    assert len(leaks) == 1


def test_secret_in_an_output_is_reported_masked_at_its_full_severity():
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    [leak] = findings_of(code_cell(outputs=[stream(f"token is {token}\n")]))
    assert leak.rule.startswith("notebook.output.secret.") and leak.severity in ("critical", "high")
    assert token not in leak.snippet and token not in leak.message


def test_images_and_metadata_are_never_scanned():
    fake_png = base64.b64encode(b"/Users/maria/secret.csv AKIAIOSFODNN7REALKEY " * 20).decode()
    image = {"output_type": "display_data", "data": {"image/png": fake_png},
             "metadata": {"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                          "path": "/Users/maria/plot.png"}}
    assert findings_of(code_cell(outputs=[image])) == []


def test_paths_in_cell_code_are_not_reported_as_output_leaks():
    found = findings_of(code_cell('df = load("/Users/maria/data.csv")', outputs=[stream("loaded 10 rows\n")]))
    assert found == []
