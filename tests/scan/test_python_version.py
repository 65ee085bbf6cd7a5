"""Which Python the project runs on: every record in order of precedence, and the conflicts between them."""
from __future__ import annotations

import json
from pathlib import Path

from handoff_assistant.scan import scan_project
from handoff_assistant.scan.python_version import (CONFLICT, choose_target_python, conflict_findings, describe,
                                                   python_version_sources)
from handoff_assistant.scan.report import NotebookInfo, PythonVersionSource, TargetEnvironment

TARGET = TargetEnvironment("3.11.7", "linux", "x86_64", "/usr/bin/python3", "PATH")


def _notebook(path: str, version: str, language: str = "python") -> NotebookInfo:
    return NotebookInfo(path, language, "python3", 4, 1, 1, False, 0, language_version=version)


def _write(root: Path, files: dict[str, str]) -> list[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return list(files)


def test_every_record_is_read_in_order_of_precedence(tmp_path):
    paths = _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.8,<3.12"\n',
        "environment.yml": "name: x\ndependencies:\n  - python=3.8.10\n  - pandas\n",
        "runtime.txt": "python-3.8.18\n",
        ".python-version": "3.8\n",
    })
    sources = python_version_sources(tmp_path, paths, [_notebook("nb.ipynb", "3.8.5"),
                                                        _notebook("r.ipynb", "4.3.1", "R")], TARGET)
    assert [(s.source, s.version) for s in sources] == [
        (".python-version", "3.8"), ("runtime.txt", "3.8.18"), ("environment.yml", "3.8.10"),
        ("pyproject.toml", ">=3.8,<3.12"), ("notebook", "3.8.5"), ("interpreter", "3.11.7")]
    chosen = choose_target_python(sources)
    assert (chosen.version, chosen.chosen.source) == ("3.8", ".python-version")
    assert [c.sentence for c in chosen.conflicts] == [
        "3.11.7 (the scanned interpreter /usr/bin/python3) differs from 3.8 (.python-version)"]
    assert conflict_findings(chosen) == ()  # the interpreter is not the project's record: a warning, not a finding


def test_a_notebook_only_project_takes_the_kernels_version():
    sources = (PythonVersionSource("3.8.10", "notebook", "analysis.ipynb"),
               PythonVersionSource("3.11.7", "interpreter", "/usr/bin/python3"))
    chosen = choose_target_python(sources)
    assert chosen.version == "3.8" and describe(chosen.chosen) == "3.8.10 (analysis.ipynb, recorded by its kernel)"


def test_records_that_disagree_are_a_finding_in_the_disagreeing_file():
    sources = (PythonVersionSource("3.11", ".python-version", ".python-version"),
               PythonVersionSource(">=3.12", "pyproject.toml", "pyproject.toml"),
               PythonVersionSource("3.8.10", "notebook", "old.ipynb"))
    chosen = choose_target_python(sources)
    findings = conflict_findings(chosen)
    assert [(f.rule, f.file, f.severity) for f in findings] == [
        (CONFLICT.id, "old.ipynb", "medium"), (CONFLICT.id, "pyproject.toml", "medium")]
    assert "3.8.10 (old.ipynb, recorded by its kernel) differs from 3.11 (.python-version)" in findings[0].message
    assert "outside requires-python >=3.12" in findings[1].message
    assert all(f.fingerprint for f in findings)


def test_a_range_alone_picks_the_interpreter_when_it_fits_else_its_lowest_bound():
    fits = (PythonVersionSource(">=3.9", "pyproject.toml", "pyproject.toml"),
            PythonVersionSource("3.11.7", "interpreter", "/usr/bin/python3"))
    assert choose_target_python(fits).version == "3.11"
    too_new = (PythonVersionSource(">=3.9,<3.11", "pyproject.toml", "pyproject.toml"),
               PythonVersionSource("3.11.7", "interpreter", "/usr/bin/python3"))
    assert choose_target_python(too_new).version == "3.9"
    assert choose_target_python(()).version == ""


def test_the_scan_reports_the_records_and_the_checklist_passes_on_a_notebook(tmp_path):
    notebook = {"nbformat": 4, "nbformat_minor": 5, "cells": [],
                "metadata": {"kernelspec": {"name": "python3", "language": "python"},
                             "language_info": {"name": "python", "version": "3.8.10"}}}
    _write(tmp_path, {"analysis.ipynb": json.dumps(notebook), ".python-version": "3.11\n"})
    report = scan_project(tmp_path)
    assert [(s.source, s.version) for s in report.python_versions][:2] == [(".python-version", "3.11"),
                                                                          ("notebook", "3.8.10")]
    assert report.notebooks[0].language_version == "3.8.10"
    assert [f.file for f in report.findings if f.rule == CONFLICT.id] == ["analysis.ipynb"]

    from handoff_assistant.readiness.assess import assess
    (tmp_path / ".python-version").unlink()  # only the notebook records it now, as in many prototypes
    item = next(i for i in assess(scan_project(tmp_path), None).items if i.id == "env.python-version")
    assert item.status == "pass" and any("analysis.ipynb, recorded by its kernel" in e for e in item.evidence)
