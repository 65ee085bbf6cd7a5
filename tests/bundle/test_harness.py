"""The bundle's own harness, run with the plain runner in this interpreter (no venv: fast)."""
import subprocess
import sys
from dataclasses import replace

import pytest

from handoff_assistant.bundle import BundleOptions, verify_bundle
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.readiness.model import ConfigKey
from tests.bundle.helpers import inputs_for, project_file, report_for


def _harness(bundle, env_extra=None):
    result = subprocess.run([sys.executable, "tests/run_harness.py"], cwd=bundle, capture_output=True, text=True,
                            timeout=120, env={"PATH": "/usr/bin:/bin", **(env_extra or {})})
    return result.returncode, result.stdout


@pytest.fixture
def stdlib_bundle(project, tmp_path):
    """The tiny project without its third-party import, so this interpreter can run it as the server would."""
    score = project / "tinyscore" / "score.py"
    score.write_text(score.read_text().replace("import tiny_frame\n", "")
                     .replace("tiny_frame.scale(float(row[\"value\"]), factor)", "float(row[\"value\"]) * factor"))
    keys = project_file().config_keys + (ConfigKey("model_dir", "Folder of the trained model"),)
    inputs = inputs_for(project, report=report_for(project, dependencies=()), project=project_file(config_keys=keys))
    return write_bundle(inputs, BundleOptions(tmp_path / "out", zip=False, engine="installed")).path


def _configure(bundle, factor="2", model_dir="."):
    (bundle / "config" / "config.yaml").write_text(f'score_factor: "{factor}"\nmodel_dir: "{model_dir}"\n')
    (bundle / "config" / ".env").write_text("MAIL_API_TOKEN=token-for-tests\n")


def test_a_configured_bundle_passes_every_check(stdlib_bundle):
    _configure(stdlib_bundle)
    code, out = _harness(stdlib_bundle)
    assert code == 0, out
    assert "PASS test_smoke.py::test_each_entry_point_runs_on_its_sample_input" in out
    assert "PASS test_outputs.py::test_outputs_match_the_expected_output" in out
    assert "N/A test_environment.py::test_every_detected_third_party_import_imports\n    The scan detected no " in out
    assert out.strip().endswith("6 passed, 0 failed, 0 incomplete, 2 n/a")


def test_a_harness_run_writes_no_bytecode_into_the_bundle(stdlib_bundle, tmp_path):
    """Failed before: the entry point's python wrote code/tinyscore/__pycache__/ into the verified folder."""
    config, env_file = tmp_path / "config.yaml", tmp_path / ".env"
    config.write_text('score_factor: "2"\nmodel_dir: "."\n')
    env_file.write_text("MAIL_API_TOKEN=token-for-tests\n")
    result = subprocess.run([sys.executable, "-B", "tests/run_harness.py"], cwd=stdlib_bundle, capture_output=True,
                            text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "HANDOFF_CONFIG": str(config),
                                                         "HANDOFF_ENV_FILE": str(env_file)})
    assert "PASS test_smoke.py::test_each_entry_point_runs_on_its_sample_input" in result.stdout, result.stdout
    assert not list(stdlib_bundle.rglob("__pycache__"))
    assert verify_bundle(stdlib_bundle).ok


def test_missing_configuration_names_each_key_and_where_to_put_it(stdlib_bundle):
    code, out = _harness(stdlib_bundle)
    assert code == 1
    assert "config.yaml is missing 2 key(s)" in out and "score_factor: Multiplier applied" in out
    assert "model_dir: Folder of the trained model" in out
    assert "1 secret(s) are not set" in out and "MAIL_API_TOKEN: Token of the mailing service" in out
    assert "KeyError: 'SCORE_FACTOR'" in out  # the smoke check shows what the program printed


def test_a_configured_path_that_does_not_exist_is_named(stdlib_bundle):
    _configure(stdlib_bundle, model_dir="/nonexistent/models")
    code, out = _harness(stdlib_bundle)
    assert code == 1 and "model_dir = /nonexistent/models does not exist" in out


def test_different_results_are_named_by_line_and_column(stdlib_bundle):
    _configure(stdlib_bundle, factor="2.5")
    code, out = _harness(stdlib_bundle)
    assert code == 1
    assert "line 2, column 'score': got 3.75, expected 3.0" in out
    assert "PASS test_smoke.py" in out


def test_environment_checks_name_the_missing_distribution_and_import(project, tmp_path, pip_env):
    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=False, pip_env=pip_env)).path
    code, out = _harness(bundle)
    assert code == 1
    assert "tiny-frame 1.0.0 is not installed" in out and "tiny-num 1.1.0 is not installed" in out
    assert "import tiny_frame failed: ModuleNotFoundError" in out
    assert "PASS test_environment.py::test_python_version_matches" in out


def test_a_download_host_is_in_the_runbook_and_an_unreachable_one_makes_the_run_incomplete(project, tmp_path):
    (project / "tinyscore" / "fetch.py").write_text(
        'import urllib.request\nurllib.request.urlretrieve("https://weights.handoff-test.invalid/m.bin", "m.bin")\n')
    report = report_for(project, dependencies=())
    from handoff_assistant.scan.findings import scan_text

    findings = tuple(scan_text((project / "tinyscore" / "fetch.py").read_text(), file="tinyscore/fetch.py",
                               language="Python"))
    inputs = inputs_for(project, report=replace(report, findings=findings))
    bundle = write_bundle(inputs, BundleOptions(tmp_path / "out", zip=False, engine="installed")).path
    assert "- weights.handoff-test.invalid (port 443)" in (bundle / "RUNBOOK.md").read_text()
    code, out = _harness(bundle)
    assert code == 1
    assert ("INCOMPLETE test_network.py::test_every_download_host_is_reachable\n    1 of 1 host(s) the code downloads "
            "from at run time cannot be reached from this machine: weights.handoff-test.invalid:443") in out
