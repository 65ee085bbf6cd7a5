"""Facts read from the folder: README, tests, licence, secret files, seeds, print() and entry scripts."""
from __future__ import annotations

import json

import pytest

from handoff_assistant.readiness.facts import MainScript, gather_facts, is_secret_file


def write(root, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def notebook(*cells: str) -> str:
    return json.dumps({"nbformat": 4, "nbformat_minor": 5,
                       "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
                       "cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": [],
                                  "execution_count": i + 1} for i, c in enumerate(cells)]})


@pytest.fixture
def project(tmp_path):
    write(tmp_path, "README.md", "# Churn\n\nScores customers.\n")
    write(tmp_path, "LICENSE", "Internal use only")
    write(tmp_path, ".python-version", "3.11\n")  # the scan's to read (scan/python_version.py)
    write(tmp_path, ".tool-versions", "python 3.11.7\nnodejs 20.1.0\n")
    write(tmp_path, "churn/__init__.py", "")
    write(tmp_path, "churn/score.py", "import logging\n\nif __name__ == '__main__':\n    print('done')\n")
    write(tmp_path, "churn/train.py",
          "from sklearn.model_selection import train_test_split\n"
          "from sklearn.ensemble import RandomForestClassifier\n"
          "a, b = train_test_split(x, random_state=0)\n"
          "model = RandomForestClassifier(\n    n_estimators=10,\n)\n")
    write(tmp_path, "scripts/run.py", "if __name__ == \"__main__\":\n    pass\n")
    write(tmp_path, "tests/test_score.py", "def test_x():\n    print('tests may print')\n")
    write(tmp_path, "notebooks/model.ipynb", notebook("%matplotlib inline\nimport numpy as np", "np.random.seed(1)",
                                                      "idx = np.random.permutation(10)"))
    write(tmp_path, "R/plots.R", "x <- sample(1:10)\n")
    write(tmp_path, ".env", "TOKEN=abc")
    write(tmp_path, ".env.example", "TOKEN=")
    write(tmp_path, "keys/service-account-prod.json", "{}")
    return tmp_path


def test_gathers_what_the_checklist_needs(project):
    facts = gather_facts(project)
    assert facts.readable and facts.readme == "README.md" and "Scores customers" in facts.readme_text
    assert facts.licence_files == ("LICENSE",)
    assert facts.python_version_sources == (".tool-versions: 3.11.7",)
    assert facts.test_files == ("tests/test_score.py",)
    assert facts.secret_files == (".env", "keys/service-account-prod.json")
    assert facts.main_scripts == (MainScript("churn/score.py", "python -m churn.score"),
                                  MainScript("scripts/run.py", "python scripts/run.py"))
    assert facts.print_calls == ("churn/score.py:4",)  # test files may print


def test_seeds_per_call_and_per_file(project):
    facts = gather_facts(project)
    assert facts.unseeded_calls == ("R/plots.R:1 sample()", "churn/train.py:4 RandomForestClassifier()")
    assert "churn/train.py:3 train_test_split()" in facts.random_calls
    assert "notebooks/model.ipynb cell 3:1 permutation()" in facts.random_calls
    assert facts.seeded_files == ("notebooks/model.ipynb",)


def test_broken_python_and_notebooks_do_not_stop_gathering(tmp_path):
    write(tmp_path, "old.py", "print 'python 2'\n")
    write(tmp_path, "bad.ipynb", "{not json")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02print(1)")
    facts = gather_facts(tmp_path)
    assert facts.readable and facts.print_calls == () and facts.random_calls == ()


def test_missing_folder_is_not_readable(tmp_path):
    assert not gather_facts(tmp_path / "gone").readable


@pytest.mark.parametrize("path, secret", [
    (".env", True), ("config/.env.production", True), (".env.example", False), ("deploy/server.pem", True),
    ("id_rsa", True), ("gcp/client_secret_123.json", True), ("credentials.json", True), ("data/customers.json", False),
    ("notes/keys.md", False), ("secrets.yaml.template", False),
])
def test_secret_file_names(path, secret):
    assert is_secret_file(path) is secret
