"""The fix engine's pieces on small texts: spans, imports, notebook layout, parse checks."""
from __future__ import annotations

import json

from handoff_assistant.fix.model import Edit
from handoff_assistant.fix.notebook_json import cell_sources, replace_sources
from handoff_assistant.fix.plan import _parsing_together
from handoff_assistant.fix.units import PYTHON, SourceFile, Unit, add_imports, apply_edits
from handoff_assistant.scan.report import Finding


def edit(id_, line, column, end_column, after):
    return Edit(id_, id_, "paths", line, None, "k", "", "", after, fingerprints=(id_,), column=column, end_line=line,
                end_column=end_column, language=PYTHON)


def finding(fingerprint):
    return Finding("path.user-home", "path", "high", "a.py", 1, "m", "f", fingerprint=fingerprint)


def test_an_edit_that_breaks_the_code_is_dropped_with_the_reason_and_the_others_kept():
    text = 'A = "/Users/a.csv"\nB = "/Users/b.csv"\n'
    source = SourceFile("a.py", text.encode(), (Unit(None, text, PYTHON),), False)
    good, bad = edit("good", 1, 4, 18, 'handoff_config.get("a_csv")'), edit("bad", 2, 4, 18, "handoff_config.get(")
    kept, unfixable = _parsing_together(source, [good, bad], [], [finding("good"), finding("bad")])
    assert kept == [good]
    assert [(u.fingerprint, u.reason) for u in unfixable] == [("bad", "the replacement would not parse here "
                                                                      "(Python syntax error)")]


def test_imports_go_after_the_docstring_and_leading_imports_once():
    text = '"""Doc."""\nimport pandas as pd\n\nX = 1\n'
    assert add_imports(text, ("handoff_config", "os")) == ('"""Doc."""\nimport pandas as pd\nimport handoff_config\n'
                                                           'import os\n\nX = 1\n')
    assert add_imports("import os\nX = 1\n", ("os",)) == "import os\nX = 1\n"
    cell = "%matplotlib inline\nimport pandas as pd\ndf = 1"
    assert add_imports(cell, ("handoff_config",), cell=True) == ("%matplotlib inline\nimport pandas as pd\n"
                                                                 "import handoff_config\ndf = 1")


def test_spans_are_replaced_in_crlf_text_and_notebook_sources_keep_their_layout():
    text = 'x = 1\r\nA = "/Users/a.csv"\r\n'
    assert apply_edits(Unit(None, text, PYTHON), [edit("e", 2, 4, 18, "get()")]) == 'x = 1\r\nA = get()\r\n'
    notebook = json.dumps({"cells": [{"cell_type": "code", "source": ["a = 1\n", "b = 2"], "outputs": [],
                                      "metadata": {}, "execution_count": 1, "id": "z"}],
                           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=2) + "\n"
    assert cell_sources(notebook)[0][1] == "a = 1\nb = 2"
    changed = replace_sources(notebook, {0: "a = 1\nb = 3\nc = 4"})
    assert json.loads(changed)["cells"][0]["source"] == ["a = 1\n", "b = 3\n", "c = 4"]
    assert '\n        "c = 4"\n      ]' in changed  # the notebook's own indentation
    assert replace_sources(changed, {0: "a = 1\nb = 2"}) == notebook  # nothing else moved
