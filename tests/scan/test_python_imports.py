"""Python imports: what counts, what is optional, Python 2 fallback, and which names are the project's own."""
import textwrap

import pytest

from handoff_assistant.scan.python_imports import LocalModules, find_imports, python2_findings


def modules(source: str) -> list[tuple[str, int, bool]]:
    scanned = find_imports(textwrap.dedent(source))
    assert scanned.python3
    return [(ref.module, ref.line, ref.optional) for ref in scanned.imports]


def test_plain_and_from_imports_with_lines():
    assert modules("""\
        import os, numpy as np
        import google.cloud.bigquery
        from sklearn.model_selection import train_test_split
        from mpl_toolkits.mplot3d import Axes3D
    """) == [("numpy", 1, False), ("os", 1, False), ("google.cloud.bigquery", 2, False),
             ("sklearn.model_selection", 3, False), ("mpl_toolkits.mplot3d", 4, False)]


def test_relative_imports_are_not_libraries():
    assert modules("from . import helpers\nfrom .models import Net\nfrom ..utils import x\n") == []


def test_imports_nested_in_functions_and_classes_count():
    assert modules("""\
        def load():
            import pandas
            class Inner:
                from scipy import stats
    """) == [("pandas", 2, False), ("scipy", 4, False)]


@pytest.mark.parametrize("handler", ["ImportError", "ModuleNotFoundError", "(ImportError, OSError)",
                                     "Exception", "builtins.ImportError", ""])
def test_try_except_import_error_marks_body_and_fallback_optional(handler):
    source = f"try:\n    import ujson as json\nexcept {handler}:\n    import simplejson as json\n"
    assert modules(source) == [("ujson", 2, True), ("simplejson", 4, True)]


def test_try_with_other_handlers_is_not_optional():
    assert modules("try:\n    import requests\nexcept KeyError:\n    pass\n") == [("requests", 2, False)]


def test_else_and_finally_of_a_guarded_try_are_not_optional():
    assert modules("""\
        try:
            import lxml
        except ImportError:
            pass
        else:
            import cssselect
        finally:
            import attrs
    """) == [("lxml", 2, True), ("cssselect", 6, False), ("attrs", 8, False)]


@pytest.mark.parametrize("test", ["TYPE_CHECKING", "typing.TYPE_CHECKING"])
def test_type_checking_block_is_optional_but_not_its_else(test):
    source = (f"import typing\nfrom typing import TYPE_CHECKING\n"
              f"if {test}:\n    import pandas\nelse:\n    import polars\n")
    assert modules(source) == [("typing", 1, False), ("typing", 2, False), ("pandas", 4, True),
                               ("polars", 6, False)]


def test_ordinary_if_is_not_optional():
    assert modules("import sys\nif sys.platform == 'win32':\n    import win32api\n") == [
        ("sys", 1, False), ("win32api", 3, False)]


def test_dynamic_imports_with_literal_names_count():
    assert modules("""\
        import importlib
        from importlib import import_module
        a = importlib.import_module("xgboost")
        b = import_module("catboost.core")
        c = __import__("lightgbm")
        d = importlib.import_module(name)
        e = import_module(".sibling", package="x")
        f = other.import_module("nope")
    """) == [("importlib", 1, False), ("importlib", 2, False), ("xgboost", 3, False),
             ("catboost.core", 4, False), ("lightgbm", 5, False)]


def test_dynamic_import_in_a_guarded_try_is_optional():
    assert modules("try:\n    torch = __import__('torch')\nexcept ImportError:\n    torch = None\n") == [
        ("torch", 2, True)]


def test_deeply_nested_code_does_not_break_the_walk():
    source = "x = " + "+".join(["1"] * 2500) + "\nimport pandas\n"  # deeper than Python's recursion limit
    assert modules(source) == [("pandas", 2, False)]


def test_code_too_deep_for_the_parser_falls_back_without_a_finding():
    scanned = find_imports("x = " + "+".join(["1"] * 20000) + "\nimport pandas\n")
    assert not scanned.python3 and [r.module for r in scanned.imports] == ["pandas"]
    assert python2_findings(scanned, "generated.py") == []


PYTHON2 = """\
import os, urllib2
from StringIO import StringIO

def main():
    try:
        print "hello"
    except IOError, e:
        pass
"""


def test_python2_code_falls_back_to_a_line_scan():
    scanned = find_imports(PYTHON2)
    assert not scanned.python3
    assert [(r.module, r.line) for r in scanned.imports] == [("os", 1), ("urllib2", 1), ("StringIO", 2)]


def test_python2_code_gives_a_not_python3_finding():
    [finding] = python2_findings(find_imports(PYTHON2), "legacy/etl.py")
    assert (finding.rule, finding.category, finding.severity) == ("code.not-python3", "code", "medium")
    assert finding.line == 6 and finding.snippet == 'print "hello"'
    assert "print statement" in finding.message and finding.fix
    assert finding.fingerprint and finding.file == "legacy/etl.py"


def test_except_comma_alone_is_recognised_as_python2():
    [finding] = python2_findings(find_imports("try:\n    pass\nexcept ValueError, e:\n    pass\n"), "a.py")
    assert finding.rule == "code.not-python3" and finding.line == 3


def test_a_python3_syntax_error_is_not_called_python2():
    scanned = find_imports('import pandas\npath = "C:\\Users\\maria\\data.csv"\n')
    assert [r.module for r in scanned.imports] == ["pandas"]
    [finding] = python2_findings(scanned, "load.py")
    assert finding.rule == "code.syntax-error" and finding.line == 2


def test_valid_python3_has_no_python2_finding():
    assert python2_findings(find_imports("print('hello')\n"), "a.py") == []


def test_unparseable_notebook_cell_without_python2_signs_gives_no_finding():
    assert python2_findings(find_imports("x = = 1\n"), "nb.ipynb", cell=2) == []
    [finding] = python2_findings(find_imports('print "x"\n'), "nb.ipynb", cell=2)
    assert finding.cell == 2


def test_null_bytes_fall_back_instead_of_raising():
    scanned = find_imports("import pandas\n\x00\n")
    assert not scanned.python3 and [r.module for r in scanned.imports] == ["pandas"]


PROJECT = [
    "train.py", "churn/__init__.py", "churn/features.py", "src/mylib/__init__.py", "helpers.py",
    "utils/__init__.py", "utils/selenium.py", "utils/run.py",
    "scripts/requests.py", "scripts/fetch.py", "notebooks/plotting.py", "notebooks/explore.ipynb",
    "airflow/dags/daily.py", "ns/models/net.py", "tools/pkg/pyproject.toml", "tools/pkg/src/toolkit/__init__.py",
]


@pytest.fixture
def local() -> LocalModules:
    return LocalModules.from_paths(PROJECT)


@pytest.mark.parametrize("module, importing_file", [
    ("churn.features", "notebooks/explore.ipynb"),  # a package at the root, from a notebook in a subfolder
    ("churn", "train.py"),
    ("helpers", "notebooks/explore.ipynb"),
    ("mylib.core", "train.py"),  # src/ layout
    ("toolkit", "train.py"),  # src/ of a folder with its own pyproject.toml
    ("plotting", "notebooks/explore.ipynb"),  # a sibling of the notebook
    ("requests", "scripts/fetch.py"),  # a script's own folder is first on sys.path: it really shadows
    ("ns.models.net", "train.py"),  # namespace package, and the dotted module exists in the project
    ("selenium", "utils/run.py"),  # a script run directly has its own folder first, even inside a package
])
def test_local_modules(local, module, importing_file):
    assert local.is_local(module, importing_file)


@pytest.mark.parametrize("module, importing_file", [
    ("selenium", "train.py"),  # utils/selenium.py is not importable as `selenium` from the root
    ("requests", "train.py"),  # scripts/requests.py only shadows for files in scripts/
    ("plotting", "train.py"),
    ("airflow", "airflow/dags/daily.py"),  # a DAG folder named airflow/ does not hide the airflow library
    ("airflow.operators.bash", "train.py"),
    ("ns", "train.py"),  # a bare namespace name: an installed library of that name would win
    ("pandas", "notebooks/explore.ipynb"),
])
def test_not_local_modules(local, module, importing_file):
    assert not local.is_local(module, importing_file)


def test_every_folder_above_a_python_file_holds_python_and_others_do_not():
    local = LocalModules.from_paths(["a/b/c/x.py", "a/b/d/notes.txt", "e/.py", "f/..py", "a/y.py"])
    assert local.folders_with_python == frozenset({"a", "a/b", "a/b/c", "f"})  # ".py" is no module, "..py" is


def test_parseable_code_importing_a_python2_only_module_is_python2():
    [finding] = python2_findings(find_imports("import os\nimport urllib2\nfrom StringIO import StringIO\n"), "a.py")
    assert (finding.rule, finding.line, finding.snippet) == ("code.not-python3", 2, "import urllib2")
    assert "urllib2" in finding.message


def test_python2_module_as_an_optional_fallback_is_fine():
    source = "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle\n"
    assert python2_findings(find_imports(source), "a.py") == []
