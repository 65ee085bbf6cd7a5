"""IT on a server without a display: handoff verify BUNDLE --run-tests, offline from the bundle's own wheels."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.verification_record import read_record, record_path
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from tests.bundle.helpers import inputs_for, make_project, make_wheelhouse
from tests.support.wheelhouse import offline_pip_env

pytestmark = pytest.mark.slow


@pytest.fixture
def server_without_index(monkeypatch, tmp_path):
    """pip may use nothing but the bundle's env/wheels: no index, no machine configuration."""
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")


def test_verify_run_tests_passes_then_fails_on_a_missing_key_and_refuses_a_tampered_bundle(
        tmp_path, capsys, server_without_index):
    house = make_wheelhouse(tmp_path / "wheelhouse")
    project = make_project(tmp_path / "tiny-scorer")
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "outbox", zip=True, engine="pip-tools",
                                                             with_wheels=True, pip_env=offline_pip_env(house))).path
    config = tmp_path / "config.yaml"
    config.write_text('score_factor: "2"\n')
    secrets = tmp_path / "run.env"
    secrets.write_text("# secrets for the run\nMAIL_API_TOKEN=token-for-the-test\n")
    args = ["verify", str(bundle), "--run-tests", "--yes", "--workdir", str(tmp_path / "work"), "--config",
            str(config), "--env-file", str(secrets)]

    assert main(args + ["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["integrity"]["ok"] and data["verification"]["passed"]
    setup = data["verification"]["results"][0]
    assert setup["status"] == "passed" and setup["message"].startswith("Installed offline from env/wheels, every "
                                                                       "file checked against its hash")
    record = read_record(record_path(bundle))
    assert record.passed and record.python.target == data["verification"]["python"]["target"]

    config.write_text("# nothing yet\n")
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "FAILED     test_config.py::test_every_configuration_key_is_provided" in out
    assert "score_factor: Multiplier applied to each customer's value" in out
    verdict = next(line for line in out.splitlines() if line.startswith(("PASSED: ", "FAILED: ", "INCOMPLETE: ")))
    assert verdict.startswith("FAILED: ") and "Why:" in out
    assert not read_record(record_path(bundle)).passed

    folder = tmp_path / "folder-bundle"
    folder_bundle = write_bundle(inputs_for(project), BundleOptions(folder, zip=False, engine="installed")).path
    (folder_bundle / "RUNBOOK.md").write_text("edited\n")
    assert main(["verify", str(folder_bundle), "--run-tests", "--workdir", str(tmp_path / "work2")]) == 1
    out = capsys.readouterr().out
    assert "changed: RUNBOOK.md" in out and "The harness was not run" in out
    assert not Path(tmp_path / "work2").exists()


def test_bad_options_are_one_line_and_run_nothing(tmp_path, capsys):
    bundle = write_bundle(inputs_for(make_project(tmp_path / "tiny-scorer")),
                          BundleOptions(tmp_path / "out", zip=True, engine="installed")).path
    work = tmp_path / "work"
    assert main(["verify", str(bundle), "--run-tests", "--workdir", str(work),
                 "--config", str(tmp_path / "none.yaml")]) == 2
    assert "the configuration file" in capsys.readouterr().err
    assert main(["verify", str(bundle), "--run-tests", "--yes", "--workdir", str(work), "--env", "NOEQUALS"]) == 2
    assert "--env NOEQUALS has no value and there is no terminal to ask for it; use --env-file" in \
        capsys.readouterr().err
    assert not work.exists() and not record_path(bundle).exists()
