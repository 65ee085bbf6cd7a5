"""Reading notebooks without Jupyter: formats, kernels, bad files, magics, shell lines and pip installs."""
import json

import pytest

from handoff_assistant.assets import sample_project_path
from handoff_assistant.scan import languages
from handoff_assistant.scan.analysis import analyse_file
from handoff_assistant.scan.files import FileEntry
from handoff_assistant.scan.notebooks import (NotebookError, notebook_info, out_of_order_cells, parse_notebook,
                                              prepare_python_cell, skipped_cells)
from handoff_assistant.scan.python_imports import find_imports


def code_cell(source, count=None, outputs=()):
    return {"cell_type": "code", "source": source, "execution_count": count, "metadata": {},
            "outputs": list(outputs)}


def notebook_json(cells, metadata=None) -> str:
    return json.dumps({"cells": cells, "metadata": metadata if metadata is not None else {
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
        "nbformat": 4, "nbformat_minor": 5})


def read_sample(name: str):
    return parse_notebook((sample_project_path() / "notebooks" / name).read_text(encoding="utf-8"))


def test_sample_notebook_cells_kernel_and_pip_installs():
    notebook = read_sample("01_explore.ipynb")
    assert (notebook.language, notebook.kernel, notebook.nbformat) == ("python", "python3", 4)
    assert notebook.is_python and not notebook.is_r
    cells = {cell.index: cell for cell in notebook.code_cells()}
    assert prepare_python_cell(cells[1].source).pip_installs == (("lightgbm==4.3.0", 1), ("shap", 2))
    bash = prepare_python_cell(cells[3].source)
    assert (bash.cell_magic, bash.language, bash.python_source) == ("bash", "Shell", "")
    imports = find_imports(prepare_python_cell(cells[2].source).python_source).imports
    assert [(i.module, i.line) for i in imports][:2] == [("pandas", 2), ("numpy", 3)]
    info = notebook_info(notebook, "notebooks/01_explore.ipynb")
    assert (info.code_cells, info.errors, info.out_of_order) == (7, 1, False)


def test_sample_notebooks_run_order_and_r_kernel():
    assert notebook_info(read_sample("02_model.ipynb"), "n").out_of_order
    report = read_sample("03_report.ipynb")
    assert report.is_r and report.kernel == "ir"


def test_nbformat_3_with_worksheets_input_and_prompt_numbers():
    text = json.dumps({
        "metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0,
        "worksheets": [{"cells": [
            {"cell_type": "heading", "level": 1, "source": ["Old analysis"]},
            {"cell_type": "code", "language": "python", "input": ["import pandas as pd\n", "pd.__version__"],
             "prompt_number": 2, "outputs": [{"output_type": "pyout", "prompt_number": 2, "text": ["'0.13.1'"]}]},
            {"cell_type": "code", "language": "python", "input": "1/0", "prompt_number": 1,
             "outputs": [{"output_type": "pyerr", "ename": "ZeroDivisionError", "evalue": "division by zero",
                          "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]},
                         {"output_type": "display_data", "png": "iVBORw0KGgo" * 10, "text": "<Figure>"}]},
        ]}],
    })
    notebook = parse_notebook(text)
    assert (notebook.nbformat, notebook.language) == (3, "python")
    assert [c.cell_type for c in notebook.cells] == ["markdown", "code", "code"]
    first, second = notebook.code_cells()
    assert first.source == "import pandas as pd\npd.__version__" and first.execution_count == 2
    assert first.outputs[0].output_type == "execute_result" and first.outputs[0].text == "'0.13.1'"
    assert second.has_error and second.outputs[0].text == (
        "ZeroDivisionError: division by zero\nZeroDivisionError: division by zero")
    assert second.outputs[1].image_size == len(json.dumps("iVBORw0KGgo" * 10)) and second.outputs[1].text == "<Figure>"
    info = notebook_info(notebook, "old.ipynb")
    assert (info.nbformat, info.execution_counts, info.out_of_order, info.errors) == (3, (2, 1), True, 1)


@pytest.mark.parametrize("text, expected", [
    ('{"cells": [{"cell_type": "code", "source": ["import pan', "truncated"),
    ('{"cells": [], "metadata": {}, }', "invalid JSON at line 1"),
    ("", "empty"),
    ("[1, 2]", "JSON list"),
    ('{"metadata": {}}', "neither 'cells'"),
    ('{"cells": {"a": 1}}', "'cells' is not a list"),
    ('{"cells": ["import os"]}', "cell 0 is not a JSON object"),
    ('{\n<<<<<<< HEAD\n "cells": []\n=======\n "cells": [1]\n>>>>>>> theirs\n}', "merge conflict"),
    # the 100,000-deep list is stepped over, not built: what the cells list holds is not a cell
    ('{"cells": ' + "[" * 100_000 + "]" * 100_000 + "}", "cell 0 is not a JSON object"),
], ids=["truncated", "invalid", "empty", "list", "no-cells", "cells-object", "cell-string", "conflict", "deep"])
def test_bad_notebooks_raise_a_readable_error(text, expected):
    with pytest.raises(NotebookError, match=expected):
        parse_notebook(text)


def test_truncated_sample_notebook_says_it_looks_truncated():
    text = (sample_project_path() / "notebooks" / "02_model.ipynb").read_text(encoding="utf-8")
    with pytest.raises(NotebookError) as error:
        parse_notebook(text[: len(text) // 2])
    assert "truncated" in str(error.value) and "restore it from version control" in str(error.value)


@pytest.mark.parametrize("metadata, language", [
    ({"kernelspec": {"name": "ir", "language": "R"}}, "R"),
    ({"kernelspec": {"name": "ir"}}, "R"),  # no language: the kernel name tells
    ({"kernelspec": {"name": "conda-env-churn-r"}}, "R"),
    ({"language_info": {"name": "R"}}, "R"),
    ({"kernelspec": {"name": "julia-1.9", "language": "julia"}}, "julia"),
    ({"kernelspec": {"name": "spylon-kernel"}}, "scala"),
    ({"kernelspec": {"name": "conda-env-churn-py"}}, "python"),
    ({"kernelspec": {"name": "python2", "language": "python"}}, "python"),
    ({}, "python"),  # Jupyter's default kernel
    ({"kernelspec": "broken"}, "python"),
])
def test_kernel_language(metadata, language):
    assert parse_notebook(notebook_json([], metadata)).language == language


@pytest.mark.parametrize("kernel_language, code_language", [
    ("python", languages.PYTHON), ("R", languages.R), ("julia", languages.JULIA), ("octave", languages.MATLAB),
    ("brainfuck", None),
])
def test_code_language_uses_the_scans_language_names(kernel_language, code_language):
    metadata = {"kernelspec": {"name": "k", "language": kernel_language}}
    assert parse_notebook(notebook_json([], metadata)).code_language == code_language


def test_non_integer_execution_counts_are_treated_as_not_run():
    notebook = parse_notebook(notebook_json([code_cell("x", "*"), code_cell("y", True), code_cell("z", 4)]))
    assert [c.execution_count for c in notebook.code_cells()] == [None, None, 4]


@pytest.mark.parametrize("magic, language", [
    ("%%bash", "Shell"), ("%%sh", "Shell"), ("%%script bash", "Shell"), ("%%R -i df -w 800", "R"),
    ("%%sql postgresql://", "SQL"), ("%%html", None), ("%%javascript", None), ("%%writefile config.yaml", None),
])
def test_cell_magics_whose_body_is_not_python(magic, language):
    prepared = prepare_python_cell(f"{magic}\nimport os\nlibrary(dplyr)\n")
    assert prepared.python_source == "" and prepared.language == language and not prepared.is_python
    assert prepared.body.split("\n")[:2] == ["", "import os"]  # the magic line blanked, lines kept


@pytest.mark.parametrize("magic", ["%%time", "%%timeit -n 3", "%%capture out", "%%prun",
                                   "%%writefile helpers.py", "%%script python3"])
def test_cell_magics_whose_body_is_python(magic):
    prepared = prepare_python_cell(f"\n{magic}\nimport lightgbm\n%matplotlib inline\nfrom shap import plots\n")
    assert prepared.is_python and prepared.cell_magic == magic[2:].split()[0]
    imports = find_imports(prepared.python_source)
    assert [(i.module, i.line) for i in imports.imports] == [("lightgbm", 3), ("shap", 5)]


def test_pip_installs_inside_a_bash_cell():
    prepared = prepare_python_cell("%%bash\nset -e\npip install -q polars\necho done\n")
    assert prepared.pip_installs == (("polars", 3),)


@pytest.mark.parametrize("line, requirements", [
    ("!pip install shap", ["shap"]),
    ("%pip install lightgbm==4.3.0", ["lightgbm==4.3.0"]),
    ("!python -m pip install -q X==1.0 Y", ["X==1.0", "Y"]),
    ("!{sys.executable} -m pip install --upgrade 'pandas>=2' scikit-learn[alldeps]",
     ["pandas>=2", "scikit-learn[alldeps]"]),
    ("!pip3 install --index-url https://pypi.internal/simple -r requirements.txt -e . torch", ["torch"]),
    ("!pip install --target=/tmp/x --no-deps catboost", ["catboost"]),
    ("!pip install xgboost && pip install optuna", ["xgboost", "optuna"]),
    ("!uv pip install polars", ["polars"]),
    ("!pip install $PACKAGE {extra}", []),
    ("!pip install git+https://github.com/org/repo.git ./local_dir", []),
    ("!pip uninstall -y shap", []),
    ("!pip show shap", []),
    ("!conda install -y lightgbm", []),
    ("%conda install lightgbm", []),
    ("!pip install 'unbalanced", []),
    ("!echo pip install nothing", []),
])
def test_pip_install_commands(line, requirements):
    prepared = prepare_python_cell(f"import os\n{line}\n")
    assert prepared.pip_installs == tuple((r, 2) for r in requirements)
    assert prepared.python_source.split("\n")[1] == ""


def test_pip_install_continued_over_lines_keeps_its_first_line():
    prepared = prepare_python_cell("!pip install -q \\\n    shap \\\n    optuna\nimport shap\n")
    assert prepared.pip_installs == (("shap", 1), ("optuna", 1))
    assert [(i.module, i.line) for i in find_imports(prepared.python_source).imports] == [("shap", 4)]


def test_ipython_lines_are_blanked_and_line_numbers_kept():
    source = "\n".join([
        "%matplotlib inline",
        "files = !ls data",
        "out = %sx pwd",
        "df.head?",
        "??pd.read_csv",
        "for f in files:",
        "    !echo $f",
        "    %time load(f)",
        "x = (a",
        "     != b)",
        "y = (a",
        "     % b)",
        "import pandas as pd",
    ])
    prepared = prepare_python_cell(source)
    scanned = find_imports(prepared.python_source)
    assert scanned.python3 and [(i.module, i.line) for i in scanned.imports] == [("pandas", 13)]
    lines = prepared.python_source.split("\n")
    assert lines[:5] == ["", "", "", "", ""] and lines[6:8] == ["    pass", "    pass"]
    assert lines[9] == "     != b)" and lines[11] == "     % b)"


def test_plain_python_cell_is_unchanged():
    source = "import numpy as np\nprint('100%')\nx = 5 % 3\n"
    prepared = prepare_python_cell(source)
    assert prepared.python_source == source and prepared.cell_magic is None
    assert prepared.language == languages.PYTHON and prepared.pip_installs == ()


def counts_notebook(counts, sources=None):
    sources = sources or ["x = 1"] * len(counts)
    return parse_notebook(notebook_json([code_cell(s, c) for s, c in zip(sources, counts)]))


@pytest.mark.parametrize("counts, late", [
    ([1, 2, 3], []),
    ([1, None, 3, 7], []),  # gaps and unexecuted cells are not order problems
    ([3, 1, 5, 2, 6, 4], [1, 3, 5]),
    ([1, 1], [1]),
    ([5, 6, 2], [2]),
])
def test_out_of_order_cells(counts, late):
    notebook = counts_notebook(counts)
    assert [c.index for c in out_of_order_cells(notebook)] == late
    assert notebook_info(notebook, "n.ipynb").out_of_order == bool(late)


def test_skipped_cells_are_non_empty_cells_never_run_above_the_last_run_one():
    notebook = counts_notebook([1, None, None, 2, None], ["a", "b", "  \n", "c", "d"])
    assert [c.index for c in skipped_cells(notebook)] == [1]


def test_outputs_text_sizes_and_errors():
    image = "A" * 5000
    cell = code_cell("plot()", 1, [
        {"output_type": "stream", "name": "stdout", "text": ["loading\n", "done"]},
        {"output_type": "display_data", "data": {"image/png": image, "text/plain": ["<Figure size 640x480>"]},
         "metadata": {}},
        {"output_type": "error", "ename": "KeyError", "evalue": "'x'",
         "traceback": ["\x1b[0;31mKeyError\x1b[0m                  Traceback", "File \x1b[0;32m/home/ana/x.py\x1b[0m"]},
    ])
    [parsed] = parse_notebook(notebook_json([cell])).code_cells()
    stream, display, error = parsed.outputs
    assert stream.text == "loading\ndone"
    assert display.text == "<Figure size 640x480>" and display.image_size == len(json.dumps(image)) > 5000
    assert display.size > display.image_size
    assert error.text == "KeyError: 'x'\nKeyError                  Traceback\nFile /home/ana/x.py"
    assert parsed.has_error


def analyse_notebook(tmp_path, cells, metadata=None):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_json(cells, metadata), encoding="utf-8")
    return analyse_file(tmp_path, FileEntry("nb.ipynb", path.stat().st_size, path.stat().st_mtime_ns), 5_000_000)


def test_analysis_of_a_python_notebook_follows_each_cells_language(tmp_path):
    analysis = analyse_notebook(tmp_path, [
        code_cell("%pip install shap\nimport shap", 1),
        code_cell("%%bash\npip install polars", 2),
        code_cell("%%R\nlibrary(ggplot2)\nimport_me <- 1", 3),
        code_cell("%%time\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None", 4),
    ])
    assert analysis.language == languages.JUPYTER_PYTHON and analysis.problems == ()
    assert [(i.module, i.line, i.cell, i.optional) for i in analysis.imports] == [
        ("shap", 2, 0, False), ("ujson", 3, 3, True)]
    assert [(p.requirement, p.line, p.cell) for p in analysis.pip_installs] == [("shap", 1, 0), ("polars", 2, 1)]
    assert [(r.name, r.line, r.cell) for r in analysis.r_packages] == [("ggplot2", 2, 2)]
    assert analysis.notebook.code_cells == 4


def test_analysis_of_an_r_notebook_reads_r_packages(tmp_path):
    analysis = analyse_notebook(tmp_path, [code_cell("library(dplyr)\nx <- readr::read_csv('a.csv')", 1)],
                                {"kernelspec": {"name": "ir", "language": "R"}})
    assert analysis.language == languages.JUPYTER_R and analysis.imports == ()
    assert [(r.name, r.line, r.cell) for r in analysis.r_packages] == [("dplyr", 1, 0), ("readr", 2, 0)]


def test_analysis_of_a_python2_notebook_reports_it_once(tmp_path):
    analysis = analyse_notebook(tmp_path, [code_cell('import urllib2\nprint "a"', 1), code_cell('print "b"', 2)],
                                {"kernelspec": {"name": "python2", "language": "python"}})
    assert [i.module for i in analysis.imports] == ["urllib2"]
    assert [(f.rule, f.cell) for f in analysis.findings if f.category == "code"] == [("code.not-python3", 0)]


def test_analysis_of_a_truncated_notebook_is_a_problem_not_an_exception(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_json([code_cell("import pandas", 1)])[:40], encoding="utf-8")
    analysis = analyse_file(tmp_path, FileEntry("nb.ipynb", path.stat().st_size, path.stat().st_mtime_ns), 5_000_000)
    [problem] = analysis.problems
    assert problem.file == "nb.ipynb" and "truncated" in problem.reason and analysis.imports == ()


def test_loading_an_ipython_extension_imports_its_module():
    prepared = prepare_python_cell("%load_ext autoreload\n%autoreload 2\n%load_ext rpy2.ipython\n%reload_ext sql\n")
    imports = find_imports(prepared.python_source).imports
    assert [(i.module, i.line) for i in imports] == [("rpy2.ipython", 3), ("sql", 4)]
