"""Prepare and test: a real venv from the lock (offline, --require-hashes), the bundle's harness, the record."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleError, BundleOptions
from handoff_assistant.bundle.harness_run import (SETUP_CHECK, RunOptions, choose_python, parse_harness_output,
                                                  run_harness, secret_masker)
from handoff_assistant.bundle.verification_record import CheckResult, read_record, record_path, write_record
from handoff_assistant.outcome import FAILED, INCOMPLETE, NOT_APPLICABLE, PASSED
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.portfolio.model import Verification
from handoff_assistant.portfolio.verification import read_verification
from handoff_assistant.tasks import CancelToken, Cancelled
from tests.bundle.helpers import inputs_for, make_project
from tests.support.wheelhouse import offline_pip_env

TARGET = "%d.%d" % sys.version_info[:2]


@pytest.fixture(scope="module")
def hashed_bundle(tmp_path_factory, wheelhouse) -> Path:
    """The tiny project's bundle, locked by pip-tools against the test wheelhouse (every pin with hashes)."""
    root = tmp_path_factory.mktemp("prepare")
    project = make_project(root / "tiny-scorer")
    return write_bundle(inputs_for(project), BundleOptions(root / "outbox", zip=True, engine="pip-tools",
                                                           pip_env=offline_pip_env(wheelhouse))).path


def _statuses(record) -> dict[str, str]:
    return {r.name.split("::")[-1]: r.status for r in record.results}


@pytest.mark.slow
def test_the_run_installs_from_the_wheelhouse_passes_then_names_a_missing_key(hashed_bundle, pip_env, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text('score_factor: "2"\n')
    lines: list[str] = []
    steps: list[int] = []
    options = RunOptions(tmp_path / "work", config, {"MAIL_API_TOKEN": "token-for-the-test"}, pip_env=pip_env)
    record = run_harness(hashed_bundle, options, progress=lambda done, total, message: steps.append(done),
                         log=lines.append)
    assert record.passed, [r for r in record.results if r.status == FAILED]
    assert record.python.matched and record.python.target == TARGET
    assert record.results[0] == CheckResult(SETUP_CHECK, PASSED, "Installed from the package index, every file "
                                                                 "checked against its hash (--require-hashes).")
    assert _statuses(record)["test_each_entry_point_runs_on_its_sample_input"] == PASSED
    assert record.count(PASSED) == 7 and record.count(NOT_APPLICABLE) == 3 and record.outcome.state == PASSED
    assert any("--require-hashes" in line for line in lines) and "Successfully installed tiny-frame-1.0.0 " \
        "tiny-num-1.1.0" in lines
    assert steps == sorted(steps) and steps[-1] == 6
    assert (tmp_path / "work" / hashed_bundle.name.removesuffix(".zip") / ".venv").is_dir()

    saved = write_record(hashed_bundle, record)
    assert saved == hashed_bundle.with_name(hashed_bundle.name.removesuffix(".zip") + ".verification.json")
    assert read_record(saved) == record
    assert read_verification(hashed_bundle) == Verification(state="passed", by=record.by, at=record.at,
                                                            detail="7 passed, 3 n/a")

    config.write_text("# score_factor removed\n")
    again = run_harness(hashed_bundle, options)  # re-uses the opened bundle and its environment
    assert not again.passed
    failed = {r.name: r.message for r in again.failed}
    message = failed["test_config.py::test_every_configuration_key_is_provided"]
    assert "is missing 1 key(s); add each with its value:" in message
    assert "score_factor: Multiplier applied to each customer's value" in message


def test_a_tampered_bundle_runs_nothing(tmp_path):
    project = make_project(tmp_path / "tiny-scorer")
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=False, engine="installed")).path
    (bundle / "tests" / "test_smoke.py").write_text("import os\nos.system('touch /tmp/pwned')\n")
    work = tmp_path / "work"
    record = run_harness(bundle, RunOptions(work))
    assert not record.passed and not record.integrity.ok
    assert record.integrity.differing == ("tests/test_smoke.py: content differs from SHA256SUMS",)
    assert record.results == () and record.python is None
    assert not work.exists()


@pytest.mark.parametrize("member, reason", [("../evil.txt", "leaves the bundle folder"),
                                            ("/tmp/evil.txt", "is an absolute path")])
def test_an_unsafe_zip_is_refused_and_nothing_is_written_outside(tmp_path, member, reason):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("handoff-manifest.json", '{"files": []}')
        archive.writestr(member, "owned")
    chosen = tmp_path / "chosen"
    record = run_harness(evil, RunOptions(chosen))
    assert not record.integrity.ok and reason in record.integrity.problems[0]
    assert not chosen.exists() and not (tmp_path / "evil.txt").exists()


def test_a_working_folder_holding_something_else_is_refused(tmp_path):
    project = make_project(tmp_path / "tiny-scorer")
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=True, engine="installed")).path
    occupied = tmp_path / "work" / bundle.name.removesuffix(".zip")
    occupied.mkdir(parents=True)
    (occupied / "notes.txt").write_text("mine")
    with pytest.raises(BundleError, match="not an intact copy of this bundle"):
        run_harness(bundle, RunOptions(tmp_path / "work"))
    assert (occupied / "notes.txt").read_text() == "mine"


def test_cancel_stops_the_run(tmp_path):
    project = make_project(tmp_path / "tiny-scorer")
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=True, engine="installed")).path
    token = CancelToken()

    def cancel_on_venv(line: str) -> None:
        if line.startswith("$ ") and " venv " in line:
            token.cancel()

    with pytest.raises(Cancelled):
        run_harness(bundle, RunOptions(tmp_path / "work"), cancel=token, log=cancel_on_venv)


def test_choose_python_says_when_the_target_is_not_used(tmp_path):
    here = choose_python(TARGET, sys.executable)
    assert here.matched and here.note == "" and here.version.startswith(TARGET)
    other = choose_python("2.7", sys.executable)
    assert not other.matched and "not the bundle's target 2.7" in other.note
    searched = choose_python("2.7")
    assert not searched.matched and "Python 2.7 (the bundle's target) was not found" in searched.note
    unnamed = choose_python("")
    assert not unnamed.matched and unnamed.note.startswith("The bundle names no target Python")
    with pytest.raises(BundleError, match="No usable Python was found"):
        choose_python(TARGET, str(tmp_path / "no-python"))


def test_harness_output_becomes_one_result_per_check():
    output = ("PASS test_config.py::test_keys\n"
              "FAIL test_smoke.py::test_runs\n    'score' exited with code 1\n      | Traceback\n"
              "FAIL test_outputs.py::test_match (the check itself crashed)\nTraceback (most recent call last):\n"
              "SKIP test_config.py::test_paths\n    No path.\n"
              "INCOMPLETE test_smoke.py::test_sample\n    No sample input.\n"
              "N/A test_env.py::test_imports\n    No import.\n"
              "1 passed, 2 failed, 1 incomplete, 1 n/a\n")
    assert parse_harness_output(output) == (
        CheckResult("test_config.py::test_keys", PASSED),
        CheckResult("test_smoke.py::test_runs", FAILED, "'score' exited with code 1\n  | Traceback"),
        CheckResult("test_outputs.py::test_match", FAILED,
                    "(the check itself crashed)\nTraceback (most recent call last):"),
        CheckResult("test_config.py::test_paths", INCOMPLETE, "No path."),  # an old harness's skip: not verified
        CheckResult("test_smoke.py::test_sample", INCOMPLETE, "No sample input."),
        CheckResult("test_env.py::test_imports", NOT_APPLICABLE, "No import."))


def test_a_record_that_is_not_one_is_a_sentence(tmp_path):
    bundle = tmp_path / "x.zip"
    path = record_path(bundle)
    path.write_text('{"passed": true}')
    with pytest.raises(BundleError, match="is not a verification record"):
        read_record(path)
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(BundleError, match="cannot be read"):
        read_record(path)


def test_secrets_typed_for_the_run_never_reach_the_log_or_the_record():
    mask = secret_masker({"MAIL_API_TOKEN": "token-for-the-test", "DEBUG": "1"})
    masked = mask("KeyError: 'token-for-the-test' with DEBUG=1 and password = \"hunter2-very-secret\"")
    assert "token-for-the-test" not in masked and "hunter2-very-secret" not in masked
    assert "DEBUG=1" in masked  # short values are not worth masking (and would mangle the text)
