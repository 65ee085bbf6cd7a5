"""A notebook's JSON is read once and only what the scan reads is built (issue 11, item 7).

A 50 MB notebook whose output was a nested array peaked at 1.9 GB: the language detection and the notebook
reader each built the whole document. The figures are in benchmarks/README.md (bench_notebook_memory.py);
these tests check what the reader keeps and that nothing parses the notebook a second time.
"""
import json

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from handoff_assistant.scan import ScanOptions, json_shapes, scan_project
from handoff_assistant.scan.notebooks import OUTPUT_TEXT_CHARS, parse_notebook

AWS_KEY = "AKIA" + "Q3EGRTZ7MX4PLW2N"


def nested_array(blocks: int) -> list:
    """``[[[0]], [[0]], ...]``: millions of one-item lists is the costliest shape to build."""
    return [[[0]] for _ in range(blocks)]


def r_notebook_with_a_large_nested_output(blocks: int) -> str:
    cell = new_code_cell(f'key_id <- "{AWS_KEY}"\nsummary(fit)', execution_count=1)
    cell.outputs = [new_output("execute_result", data={"application/json": nested_array(blocks),
                                                        "text/plain": "fit summary"}, execution_count=1)]
    notebook = new_notebook(cells=[new_markdown_cell("# Model"), cell], metadata={
        "kernelspec": {"name": "ir", "language": "R", "display_name": "R"}, "language_info": {"name": "R"}})
    return nbformat.writes(notebook)


def test_a_large_nested_output_notebook_yields_its_code_cells_secret_its_language_and_its_size(tmp_path):
    text = r_notebook_with_a_large_nested_output(blocks=300_000)
    (tmp_path / "model.ipynb").write_text(text)
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    assert [(f.rule, f.file, f.cell) for f in report.findings if f.category == "secret"] == [
        ("secret.aws-access-key", "model.ipynb", 1)]
    assert [language.name for language in report.languages] == ["Jupyter (R)"]
    [large] = [f for f in report.findings if f.rule == "notebook.large-output"]
    assert large.cell == 1 and f"{len(text) / 1_000_000:.1f} MB" in large.message  # the array counts, not its strings
    assert report.problems == ()


def test_scanning_a_notebook_reads_its_json_once_and_never_builds_it_whole(tmp_path, monkeypatch):
    text = r_notebook_with_a_large_nested_output(blocks=1_000)
    (tmp_path / "model.ipynb").write_text(text)
    whole_loads, shaped_reads = [], []
    loads, read_shaped = json.loads, json_shapes.read_shaped

    def spy_loads(value, *args, **kwargs):
        if value == text:
            whole_loads.append(len(value))
        return loads(value, *args, **kwargs)

    def spy_read_shaped(value, shape):
        if value == text:
            shaped_reads.append(shape)
        return read_shaped(value, shape)

    monkeypatch.setattr(json, "loads", spy_loads)
    monkeypatch.setattr(json_shapes, "read_shaped", spy_read_shaped)
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    assert [language.name for language in report.languages] == ["Jupyter (R)"]
    assert whole_loads == [] and len(shaped_reads) == 1


def test_the_reader_keeps_sources_and_output_text_and_measures_what_it_steps_over():
    stream_text = "x" * (OUTPUT_TEXT_CHARS + 10)
    cell = new_code_cell(["import os\n", f'key = "{AWS_KEY}"'], execution_count=3)
    cell.outputs = [new_output("stream", name="stdout", text=[stream_text[:100], stream_text[100:]]),
                    new_output("display_data", data={"image/png": "iVBORw0KGgo" * 1000, "text/plain": "<Figure>",
                                                     "application/json": {"deep": nested_array(50)}})]
    cell.metadata = {"scratch": nested_array(100)}
    notebook = parse_notebook(nbformat.writes(new_notebook(cells=[cell])))
    [read] = notebook.cells
    assert read.source == f'import os\nkey = "{AWS_KEY}"' and read.execution_count == 3
    stream, display = read.outputs
    assert stream.text == stream_text[:OUTPUT_TEXT_CHARS] and stream.size > len(stream_text)
    assert display.text == "<Figure>" and display.image_size == len(json.dumps("iVBORw0KGgo" * 1000))
    assert display.size > display.image_size + len(json.dumps({"deep": nested_array(50)}))
