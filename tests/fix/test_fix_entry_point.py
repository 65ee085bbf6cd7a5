"""Issue 12: the sample's entry point gives the same output before and after `handoff fix --apply`, run for real in
a test venv with the sample's own libraries (pandas, scikit-learn, joblib; PyYAML for the loader).

Those real distributions come from the package index pip is configured with (the tiny test wheelhouse cannot stand
in for pandas); without an index this test fails with pip's message.
"""
from __future__ import annotations

import subprocess
import sys
import venv

import pytest

from handoff_assistant.cli import main

pytestmark = pytest.mark.slow


def run(python, *args, cwd, env=None):
    done = subprocess.run([str(python), *args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def sample_python(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample-venv")
    venv.EnvBuilder(with_pip=True).create(folder)
    python = folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    run(python, "-m", "pip", "install", "--quiet", "pandas", "scikit-learn", "joblib", "PyYAML", cwd=folder)
    return python


def test_scoring_gives_the_same_output_after_the_fix(sample_copy, sample_python, tmp_path):
    run(sample_python, "-m", "churn.train", "--input", "data/sample_customers.csv", "--output", str(tmp_path / "p.csv"),
        "--model-out", str(tmp_path / "model.pkl"), cwd=sample_copy)
    score = ("-m", "churn.score", "--model", str(tmp_path / "model.pkl"), "--input", "data/sample_customers.csv")
    before = run(sample_python, *score, "--output", str(tmp_path / "before.csv"), cwd=sample_copy)

    assert main(["fix", str(sample_copy), "--apply"]) == 0
    assert 'DEFAULT_MODEL = handoff_config.get("model_path")' in (sample_copy / "churn/score.py").read_text()
    after = run(sample_python, *score, "--output", str(tmp_path / "after.csv"), cwd=sample_copy)
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    assert after.stderr == before.stderr and "scored 40 customers" in after.stderr
    default = run(sample_python, "-c", "import churn.score as s; print(s.DEFAULT_MODEL)", cwd=sample_copy)
    assert default.stdout.strip() == "C:/Users/maria/models/churn.pkl"  # this machine's value, from config.yml
