"""What is known before the bundle's code runs: an entry point whose program neither PATH nor the lock provides
fails the verification by name — also when there is no terminal to confirm running the code on (no --yes)."""
from __future__ import annotations

import dataclasses
import io
import json
import sys

import pytest

from handoff_assistant.bundle import harness_run, verify
from handoff_assistant.bundle.contents import read_contents
from handoff_assistant.bundle.options import BundleOptions
from handoff_assistant.bundle.preflight import missing_programs
from handoff_assistant.bundle.verification_record import record_path
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.outcome import FAILED
from tests.bundle.helpers import inputs_for, project_file

ABSENT = "handoff-absent-tool-7q"


def _bundle_with_command(project, tmp_path, command: str):
    base = project_file()
    entry = dataclasses.replace(base.entry_points[0], command=command)
    inputs = inputs_for(project, project=dataclasses.replace(base, entry_points=(entry,)))
    return write_bundle(inputs, BundleOptions(tmp_path / "out", zip=False, engine="installed")).path


def test_a_program_on_no_path_and_in_no_lock_is_a_failed_check_naming_it(project, tmp_path):
    bundle = _bundle_with_command(project, tmp_path, f"{ABSENT} --input {{input}}")
    (check,) = missing_programs(read_contents(bundle))
    assert check.status == FAILED and ABSENT in check.message and "'score'" in check.message


@pytest.mark.parametrize("command", ["python -m tinyscore.score --input {input}", "sh run.sh {input}",
                                     "LANG=C python -m tinyscore.score", "./scripts/score.sh {input}"])
def test_the_venv_path_and_bundle_scripts_provide_their_programs(project, tmp_path, command):
    assert missing_programs(read_contents(_bundle_with_command(project, tmp_path, command))) == ()


def test_a_program_the_lock_provides_is_not_missing(project, tmp_path):
    bundle = _bundle_with_command(project, tmp_path, "papermill notebooks/score.ipynb out.ipynb")
    lock = bundle / "env" / "requirements.txt"
    assert missing_programs(read_contents(bundle))  # not on PATH here, and not locked yet
    lock.write_text(lock.read_text() + "papermill==2.6.0\n")
    assert missing_programs(read_contents(bundle)) == ()


def test_without_a_terminal_the_missing_program_is_reported_and_nothing_runs(project, tmp_path, capsys,
                                                                             monkeypatch):
    """Failed before: with no terminal and no --yes, verify only refused (exit 2) and never named the tool."""
    bundle = _bundle_with_command(project, tmp_path, f"{ABSENT} --input {{input}}")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    hashed = []  # every file of the bundle is hashed once: the record reuses verify's own check
    real = verify.verify_bundle
    for module in (verify, harness_run):
        monkeypatch.setattr(module, "verify_bundle",
                            lambda *args, **kwargs: hashed.append(args) or real(*args, **kwargs))
    work = tmp_path / "work"
    assert main(["verify", str(bundle), "--run-tests", "--workdir", str(work)]) == 1
    assert len(hashed) == 1
    captured = capsys.readouterr()
    assert ABSENT in captured.out and "FAILED" in captured.out
    assert "The bundle's code was not run" in captured.err
    assert not work.exists()
    record = json.loads(record_path(bundle).read_text())
    assert record["outcome"] == FAILED and ABSENT in json.dumps(record["results"])
