"""The manifest's inputs: files the code opens travel whatever their extension, larger ones and LFS pointers are
required inputs (runbook, build warnings), and ``handoff verify`` accepts them placed where the manifest says."""
from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions, verify_bundle
from handoff_assistant.bundle.data_inputs import string_literals
from handoff_assistant.bundle.harness_run import RunOptions, run_harness
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.outcome import PASSED
from handoff_assistant.readiness.model import EntryPoint
from tests.bundle.helpers import inputs_for, project_file, report_for

VOCAB_PY = '''import gzip, os
VOCAB = os.path.join(os.path.dirname(__file__), "vocab.txt.gz")


def words():
    with gzip.open(VOCAB, "rt") as handle:
        return handle.read().split()
'''
MAIN_PY = '''import sys
from pkg import words
open(sys.argv[2], "w").write(" ".join(words()) + " " + open(sys.argv[1]).read())
weights = open("models/big.bin", "rb") if len(sys.argv) > 3 else None
lfs = "data/tracked.parquet"
'''
LFS_DATA = b"the real parquet bytes"
LFS_POINTER = (f"version https://git-lfs.github.com/spec/v1\noid sha256:{hashlib.sha256(LFS_DATA).hexdigest()}\n"
               f"size {len(LFS_DATA)}\n")


def _project(root: Path, big_bytes: int = 2000) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text(VOCAB_PY)
    (root / "pkg" / "main.py").write_text(MAIN_PY)
    (root / "pkg" / "vocab.txt.gz").write_bytes(gzip.compress(b"alpha beta\n", mtime=0))
    (root / "models").mkdir()
    (root / "models" / "big.bin").write_bytes(b"\0" * big_bytes)
    (root / "data").mkdir()
    (root / "data" / "in.txt").write_text("x\n")
    (root / "data" / "tracked.parquet").write_text(LFS_POINTER)
    return root


def _bundle(project: Path, out: Path, **options) -> Path:
    entry = EntryPoint("report", "python -m pkg.main {input} {output}", sample_input="data/in.txt")
    inputs = inputs_for(project, report=report_for(project, dependencies=()),
                        project=project_file(entry_points=(entry,), config_keys=()))
    return write_bundle(inputs, BundleOptions(out, zip=False, engine="installed", max_input_bytes=1000, **options))


def test_literals_are_read_line_by_line_within_a_bound():
    assert list(string_literals('x = "a.csv"\ny = f(\'b/c.txt\', "")\n')) == [(1, "a.csv"), (2, "b/c.txt")]
    assert list(string_literals('"' + "a" * 5000 + '"')) == []  # longer than MAX_LITERAL: not a file name


def test_a_gz_next_to_its_module_travels_a_large_file_and_an_lfs_pointer_are_required_inputs(tmp_path):
    result = _bundle(_project(tmp_path / "proj"), tmp_path / "out")
    bundle = result.path
    assert (bundle / "code" / "pkg" / "vocab.txt.gz").is_file()  # .gz is a "data format", yet the code opens it
    assert not (bundle / "code" / "models" / "big.bin").exists()
    manifest = json.loads((bundle / "handoff-manifest.json").read_text())
    inputs = {i["path"]: i for i in manifest["inputs"]}
    assert inputs["pkg/vocab.txt.gz"]["travels"] and inputs["pkg/vocab.txt.gz"]["referenced_by"] == [
        "pkg/__init__.py:2"]
    big, lfs = inputs["models/big.bin"], inputs["data/tracked.parquet"]
    assert (big["travels"], big["size"], big["reason"]) == (False, 2000, "it is larger than the limit of 0.0 MB")
    assert (lfs["travels"], lfs["lfs_pointer"], lfs["size"]) == (False, True, len(LFS_DATA))
    assert lfs["sha256"] == hashlib.sha256(LFS_DATA).hexdigest()  # the data's hash, from the pointer
    assert any(w.startswith("Required input models/big.bin (0.0 MB, referenced by pkg/main.py:4) does not travel")
               for w in result.warnings)
    runbook = (bundle / "RUNBOOK.md").read_text()
    assert f"| code/models/big.bin | 2000 bytes | {big['sha256']} |" in runbook
    assert "| code/data/tracked.parquet |" in runbook and "Git LFS pointer" in runbook


def test_a_file_a_notebook_opens_is_named_by_its_cell_and_line(tmp_path):
    """Failed before: code cells were joined into one text, so the place was a line of that text (nb.ipynb:3)."""
    project = _project(tmp_path / "proj")
    notebook = {"cells": [{"cell_type": "markdown", "source": "# Notes"},
                          {"cell_type": "code", "source": ["import pandas as pd\n", "x = 1\n"]},
                          {"cell_type": "code", "source": ["# load\n", "vocab = open('pkg/vocab.txt.gz', 'rb')\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    (project / "explore.ipynb").write_text(json.dumps(notebook))
    bundle = _bundle(project, tmp_path / "out").path
    inputs = {i["path"]: i for i in json.loads((bundle / "handoff-manifest.json").read_text())["inputs"]}
    assert inputs["pkg/vocab.txt.gz"]["referenced_by"] == ["explore.ipynb cell 3:2", "pkg/__init__.py:2"]


def test_verify_accepts_a_declared_input_with_its_hash_and_names_a_missing_or_different_one(tmp_path):
    bundle = _bundle(_project(tmp_path / "proj"), tmp_path / "out").path
    missing = verify_bundle(bundle)
    assert missing.ok and missing.inputs_missing == ("code/data/tracked.parquet", "code/models/big.bin")
    (bundle / "code" / "models").mkdir()
    (bundle / "code" / "models" / "big.bin").write_bytes(b"\0" * 2000)
    placed = verify_bundle(bundle)
    assert placed.ok and placed.inputs_missing == ("code/data/tracked.parquet",) and placed.extra == ()
    (bundle / "code" / "models" / "big.bin").write_bytes(b"\1" * 2000)
    different = verify_bundle(bundle)
    assert not different.ok and different.inputs_different == ("code/models/big.bin",)
    assert "code/models/big.bin: a required input whose SHA-256 differs from the manifest" in \
        different.differing_lines()
    (bundle / "code" / "models" / "undeclared.bin").write_bytes(b"x")
    assert verify_bundle(bundle).extra == ("code/models/undeclared.bin",)


@pytest.mark.slow
def test_the_gz_bundle_passes_its_harness_in_a_fresh_venv(tmp_path):
    bundle = _bundle(_project(tmp_path / "proj", big_bytes=10), tmp_path / "out").path  # big.bin travels now
    (bundle / "code" / "data" / "tracked.parquet").write_bytes(LFS_DATA)  # IT placed the declared input
    record = run_harness(bundle, RunOptions(tmp_path / "work", python=sys.executable))
    assert record.outcome.state == PASSED, record.outcome.reasons
    assert {r.name.split("::")[-1]: r.status for r in record.results}[
        "test_each_entry_point_runs_on_its_sample_input"] == PASSED


def test_the_cli_names_a_missing_and_a_different_required_input(tmp_path, capsys):
    from handoff_assistant.cli import main

    bundle = _bundle(_project(tmp_path / "proj"), tmp_path / "out").path
    assert main(["verify", str(bundle)]) == 0
    out = capsys.readouterr().out
    assert "required input not placed yet: code/models/big.bin" in out
    (bundle / "code" / "models").mkdir()
    (bundle / "code" / "models" / "big.bin").write_bytes(b"\1" * 2000)
    assert main(["verify", str(bundle)]) == 1
    assert "required input differs: code/models/big.bin" in capsys.readouterr().out
