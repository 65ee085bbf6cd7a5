"""Detection round 2 (issue 13), libraries: namespace from-imports, local modules next to the importing file and
written by notebooks, Python 2 standard library, declared distributions with another import name, and the
knowledge base's suggestions."""
from __future__ import annotations

import json

import pytest

from handoff_assistant.scan import ScanOptions, scan_project
from handoff_assistant.scan.declared import DeclaredDependencies, DeclaredRequirement
from handoff_assistant.scan.distributions import import_map, resolve_dependencies
from handoff_assistant.scan.knowledge import providers, suggest
from handoff_assistant.scan.python_imports import LocalModules, find_imports, python2_findings
from handoff_assistant.scan.report import UNKNOWN, USED_DECLARED, USED_UNDECLARED


def deps_of(source: str, *, file: str = "train.py", declared: tuple[str, ...] = (), files: tuple[str, ...] = ()):
    refs = [(file, ref) for ref in find_imports(source).imports]
    requirements = DeclaredDependencies(tuple(DeclaredRequirement(name, None, "requirements.txt", number)
                                              for number, name in enumerate(declared, 1)))
    local = LocalModules.from_paths([file, *files])
    return resolve_dependencies(refs, (), requirements, (), local, "3.11.7")


def by_import(deps) -> dict[str, tuple]:
    return {name: (d.distribution, d.status, d.resolved_by) for d in deps for name in d.import_names}


# --- 1. from X import Y: X.Y before X --------------------------------------------------------------------------
@pytest.mark.parametrize(("source", "import_name", "distribution"), [
    ("from google.cloud import bigquery", "google.cloud.bigquery", "google-cloud-bigquery"),
    ("from google.cloud import storage as gcs", "google.cloud.storage", "google-cloud-storage"),
    ("from airflow.providers import google", "airflow.providers.google", "apache-airflow-providers-google"),
])
def test_from_import_resolves_the_submodule_of_a_namespace_package(source, import_name, distribution):
    (dep,) = deps_of(source)
    assert (dep.distribution, dep.import_names, dep.status) == (distribution, (import_name,), USED_UNDECLARED)


def test_two_namespace_submodules_in_one_line_are_two_dependencies():
    deps = deps_of("from google.cloud import bigquery, storage")
    assert sorted(d.distribution for d in deps) == ["google-cloud-bigquery", "google-cloud-storage"]


def test_from_import_of_a_plain_library_still_resolves_the_library():
    assert by_import(deps_of("from sklearn import ensemble\nfrom pandas import DataFrame")) == {
        "sklearn": ("scikit-learn", USED_UNDECLARED, "import-map"), "pandas": ("pandas", USED_UNDECLARED, "import-map")}


def test_a_declared_namespace_distribution_matches_its_dotted_import():
    (dep,) = deps_of("from google.cloud import bigquery", declared=("google-cloud-bigquery",))
    assert (dep.distribution, dep.status) == ("google-cloud-bigquery", USED_DECLARED)


# --- 2. local modules next to the importing file, and written by notebooks -------------------------------------
def test_a_module_next_to_a_script_inside_a_package_is_local():
    files = ("pipeline/__init__.py", "pipeline/features.py")
    assert deps_of("import features", file="pipeline/train.py", files=files) == ()


def test_a_module_elsewhere_in_the_project_is_not_local_for_that_script():
    files = ("other/__init__.py", "other/shap.py")
    assert [d.distribution for d in deps_of("import shap", file="pipeline/train.py", files=files)] == ["shap"]


def test_from_import_of_a_module_in_a_plain_folder_is_local():
    assert deps_of("from utils import cleaning", files=("utils/cleaning.py",)) == ()


def _notebook(path, *cells):
    notebook = {"nbformat": 4, "nbformat_minor": 5, "cells": [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
        for source in cells], "metadata": {"kernelspec": {"name": "python3", "language": "python"}}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")


@pytest.mark.parametrize("magic", ["%%writefile", "%%file", "%%writefile -a"])
def test_a_module_a_notebook_writes_itself_is_local(tmp_path, magic):
    _notebook(tmp_path / "nb" / "explore.ipynb",
              f"{magic} churn_helpers.py\nimport numpy as np\ndef score(x):\n    return np.mean(x)\n",
              "import churn_helpers\nfrom churn_helpers import score")
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    assert [d.distribution for d in report.dependencies] == ["numpy"]


def test_a_module_written_by_another_folders_notebook_is_not_local_here(tmp_path):
    _notebook(tmp_path / "nb" / "explore.ipynb", "%%writefile churn_helpers.py\nx = 1\n")
    (tmp_path / "train.py").write_text("import churn_helpers\n", encoding="utf-8")
    report = scan_project(tmp_path, ScanOptions(use_cache=False))
    assert [(d.import_names, d.status) for d in report.dependencies] == [(("churn_helpers",), UNKNOWN)]


# --- 3. Python 2 standard library --------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ["import cPickle", "import urllib2", "import SocketServer",
                                    "from ConfigParser import SafeConfigParser", "import Queue",
                                    "from StringIO import StringIO", "import tkFileDialog"])
def test_python2_standard_library_is_a_finding_never_a_dependency(source):
    assert deps_of(source) == ()
    (finding,) = python2_findings(find_imports(source), "old.py")
    assert finding.rule == "code.not-python3" and "only Python 2 has" in finding.message


@pytest.mark.parametrize("source", ["import pickle", "import configparser", "import queue",
                                    "try:\n    import cPickle as pickle\nexcept ImportError:\n    import pickle"])
def test_python3_names_and_guarded_fallbacks_are_not_python2(source):
    assert python2_findings(find_imports(source), "new.py") == [] and deps_of(source) == ()


# --- 4. declared distributions whose import name differs, not installed -------------------------------------------
def test_a_declared_long_tail_distribution_matches_its_import_without_being_installed():
    assert "scikitplot" not in import_map()  # known from the knowledge base only
    deps = deps_of("import scikitplot as skplt", declared=("scikit-plot",))
    assert [(d.distribution, d.import_names, d.status) for d in deps] == [
        ("scikit-plot", ("scikitplot",), USED_DECLARED)]


def test_a_declared_curated_distribution_matches_once():
    deps = deps_of("import yaml\nfrom dateutil import parser", declared=("PyYAML", "python-dateutil"))
    assert sorted((d.distribution, d.status) for d in deps) == [
        ("PyYAML", USED_DECLARED), ("python-dateutil", USED_DECLARED)]


def test_a_declared_distribution_that_ships_something_else_stays_unused():
    deps = deps_of("import scikitplot", declared=("kneed",))
    assert sorted((d.distribution or "", d.status) for d in deps) == [("", UNKNOWN), ("kneed", "declared-unused")]


# --- 5. the knowledge base: suggestions, ranked, never locked unseen ---------------------------------------------
def test_a_long_tail_import_gets_a_suggestion_not_a_resolution():
    assert "kneed" not in import_map()
    (dep,) = deps_of("from kneed import KneeLocator")
    assert (dep.distribution, dep.status, dep.resolved_by, dep.suggestion) == (None, UNKNOWN, "suggested", "kneed")


def test_an_ambiguous_import_lists_candidates_without_a_pick():
    (dep,) = deps_of("import scikitplot")
    assert dep.suggestion is None and dep.resolved_by == "suggested"
    assert "scikit-plot" in dep.candidates and len(dep.candidates) > 1


def test_the_dotted_module_path_ranks_first_among_hundreds_sharing_the_namespace():
    found = suggest("google.cloud.videointelligence")
    assert len(providers("google")) > 100
    assert (found.pick, found.candidates[0], found.import_name) == (
        "google-cloud-videointelligence", "google-cloud-videointelligence", "google.cloud.videointelligence")


def test_a_bare_crowded_namespace_is_never_picked():
    assert suggest("google").pick is None


def test_curated_names_rank_first():
    found = suggest("umap", ("umap-learn",))
    assert found.pick == found.candidates[0] == "umap-learn"


def test_names_every_wheel_ships_are_not_in_the_table():
    assert providers("tests") == () and providers("utils") == () and suggest("src") is None


def test_a_suggestion_is_not_locked_until_accepted():
    from handoff_assistant.bundle.lock import direct_requirements

    deps = deps_of("import kneed\nimport numpy")
    assert direct_requirements(deps).lines == ("numpy",)
    assert direct_requirements(deps, {"kneed": "kneed"}).lines == ("kneed", "numpy")


def test_the_cli_report_shows_suggestions(tmp_path):
    from handoff_assistant.cli import main

    (tmp_path / "train.py").write_text("import kneed\nimport scikitplot\n", encoding="utf-8")
    out = tmp_path / "report.txt"
    assert main(["scan", str(tmp_path), "--no-cache", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "kneed" in text and "suggested: kneed" in text and "scikit-plot" in text
    assert main(["scan", str(tmp_path), "--no-cache", "--format", "json", "-o", str(out)]) == 0
    reported = {d["import_names"][0]: d for d in json.loads(out.read_text(encoding="utf-8"))["dependencies"]}
    assert reported["kneed"]["suggestion"] == "kneed" and reported["scikitplot"]["suggestion"] is None


def test_the_shipped_table_stays_small_and_complete():
    import zipfile

    from handoff_assistant.assets import resource_path
    from handoff_assistant.scan.knowledge import SHARDS

    path = resource_path("knowledge", "pypi-import-names.zip")
    assert path.stat().st_size <= 15 * 1024 * 1024
    with zipfile.ZipFile(path) as archive:
        assert len(archive.namelist()) == SHARDS
    assert (path.parent / "LICENSE-pigar.txt").read_text(encoding="utf-8").count("BSD 3-Clause") == 1
