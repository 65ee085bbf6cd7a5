import json
import re
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions, LockError, NotReadyError, verify_bundle
from handoff_assistant.bundle.manifest import parse_sums
from handoff_assistant.bundle.runbook import SECTIONS
from handoff_assistant.bundle.writer import bundle_name, write_bundle
from handoff_assistant.readiness.model import NOT_READY
from handoff_assistant.scan.report import USED_DECLARED, Dependency
from handoff_assistant.tasks import CancelToken, Cancelled
from tests.bundle.helpers import inputs_for, project_file, report_for, tree_checksums

EXPECTED_FILES = {
    "handoff-manifest.json", "RUNBOOK.md", "report.html", "SHA256SUMS",
    "code/handoff.yaml", "code/requirements.txt", "code/run.sh", "code/tinyscore/__init__.py",
    "code/tinyscore/score.py",
    "env/requirements.in", "env/requirements.txt", "env/requirements-dev.txt", "env/python-version", "env/r-packages.txt",
    "config/config.example.yaml", "config/.env.example",
    "tests/conftest.py", "tests/pytest.ini", "tests/harness_support.py", "tests/run_harness.py",
    "tests/test_environment.py", "tests/test_config.py", "tests/test_smoke.py", "tests/test_outputs.py",
    "tests/test_network.py",
    "tests/samples/score/input/sample.csv", "tests/samples/score/expected/scores.csv",
    "scripts/setup.sh", "scripts/setup.ps1", "scripts/run.sh", "scripts/check.sh", "scripts/handoff_run.py",
    "schedule/crontab", "schedule/tiny-scorer-score.service", "schedule/tiny-scorer-score.timer",
    "container/Dockerfile", ".dockerignore",
}


def _options(tmp_path, pip_env, **changes):
    return BundleOptions(**{"output_dir": tmp_path / "out", "zip": True, "pip_env": pip_env, **changes})


def test_zip_bundle_has_the_documented_layout_and_every_file_hashed(project, tmp_path, pip_env):
    result = write_bundle(inputs_for(project), _options(tmp_path, pip_env))
    assert result.path.parent == tmp_path / "out"
    assert re.fullmatch(r"tiny-scorer-\d{8}-\d{6}-handoff\.zip", result.path.name), result.path.name
    assert result.size == result.path.stat().st_size and result.level == "Needs work"
    with zipfile.ZipFile(result.path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("handoff-manifest.json"))
        sums = parse_sums(archive.read("SHA256SUMS").decode())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in archive.infolist()}
        dates = {i.date_time for i in archive.infolist()}
    assert names == EXPECTED_FILES
    assert set(sums) == names - {"SHA256SUMS"}
    assert {f["path"] for f in manifest["files"]} == names - {"SHA256SUMS", "handoff-manifest.json"}
    assert all(sums[f["path"]] == f["sha256"] for f in manifest["files"])
    assert modes["scripts/setup.sh"] == 0o755 and modes["code/run.sh"] == 0o755 and modes["RUNBOOK.md"] == 0o644
    assert dates == {(1980, 1, 1, 0, 0, 0)}
    assert manifest["environment"]["locked"] == [{"name": "tiny-frame", "version": "1.0.0", "marker": None},
                                                 {"name": "tiny-num", "version": "1.1.0", "marker": None}]
    assert manifest["environment"]["imports"] == ["tiny_frame"] and manifest["environment"]["hashed"]
    assert manifest["snapshot"]["secret_files_left_behind"] == [".env"]
    assert {d["path"] for d in manifest["snapshot"]["data_references"]} == {"data/sample.csv", "expected/scores.csv"}
    assert [k["name"] for k in manifest["config_keys"]] == ["mail_api_token", "score_factor"]
    assert manifest["entry_points"][0]["sample_input"] == "tests/samples/score/input/sample.csv"
    assert verify_bundle(result.path).ok


def test_the_secret_value_of_the_env_file_is_nowhere_in_the_bundle(project, tmp_path, pip_env):
    result = write_bundle(inputs_for(project), _options(tmp_path, pip_env))
    with zipfile.ZipFile(result.path) as archive:
        assert not any(b"s3cr3t-t0ken-value" in archive.read(name) for name in archive.namelist())


def test_two_builds_of_the_same_input_give_the_same_bytes(project, tmp_path, pip_env):
    first = write_bundle(inputs_for(project), _options(tmp_path, pip_env, output_dir=tmp_path / "a")).path
    second = write_bundle(inputs_for(project), _options(tmp_path, pip_env, output_dir=tmp_path / "b")).path
    assert first.read_bytes() == second.read_bytes()


def test_created_at_comes_from_the_input_not_the_clock(project, tmp_path, pip_env, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = write_bundle(inputs_for(project), _options(tmp_path, pip_env, zip=False))
    manifest = json.loads((result.path / "handoff-manifest.json").read_text())
    assert manifest["created_at"] == "2023-11-14T22:13:20+00:00"
    assert "scanned 2023-11-14T22:13:20+00:00" in (result.path / "report.html").read_text()


def test_successive_handoffs_coexist_in_one_folder_and_sort_by_their_date(project, tmp_path, pip_env,
                                                                         monkeypatch):
    built = []
    for epoch in ("1700000000", "1700086400", "1700000000"):  # a day later, then the first input again
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        built.append(write_bundle(inputs_for(project), _options(tmp_path, pip_env)).path)
    assert [p.name for p in built] == ["tiny-scorer-20231114-221320-handoff.zip",
                                       "tiny-scorer-20231115-221320-handoff.zip",
                                       "tiny-scorer-20231114-221320-handoff.zip"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [built[0].name, built[1].name]


def test_the_bundle_name_is_the_project_the_utc_date_and_the_short_commit():
    assert bundle_name("Churn Prototype", "2026-01-05T11:30:00+01:00", "0123456789abcdef") == \
        "churn-prototype-20260105-103000-0123456-handoff"
    assert bundle_name("churn", "2026-01-05T10:30:00", None) == "churn-20260105-103000-handoff"


def test_the_source_folder_is_not_changed(project, tmp_path, pip_env):
    before = tree_checksums(project)
    write_bundle(inputs_for(project), _options(tmp_path, pip_env, zip=False))
    assert tree_checksums(project) == before


def test_folder_bundle_replaces_a_previous_one_whole(project, tmp_path, pip_env):
    options = _options(tmp_path, pip_env, zip=False)
    first = write_bundle(inputs_for(project), options).path
    (first / "leftover.txt").write_text("from an older build\n")
    second = write_bundle(inputs_for(project), options).path
    assert second == first and not (second / "leftover.txt").exists()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [first.name]
    assert verify_bundle(second).ok


def test_not_ready_is_refused_without_a_reason_and_nothing_is_written(project, tmp_path, pip_env):
    with pytest.raises(NotReadyError, match="blocking: sec.no-secrets.*--allow-not-ready"):
        write_bundle(inputs_for(project, level=NOT_READY, blockers=("sec.no-secrets",)), _options(tmp_path, pip_env))
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_not_ready_with_a_reason_records_it_in_the_manifest_and_on_the_runbook_first_page(project, tmp_path, pip_env):
    reason = "Quarter-end deadline; IT agreed to rotate the credentials on day one"
    result = write_bundle(inputs_for(project, level=NOT_READY, blockers=("test.outputs",)),
                          _options(tmp_path, pip_env, zip=False, allow_not_ready_reason=reason))
    manifest = json.loads((result.path / "handoff-manifest.json").read_text())
    assert manifest["not_ready_reason"] == reason and manifest["assessment"]["level"] == NOT_READY
    first_page = "\n".join((result.path / "RUNBOOK.md").read_text().splitlines()[:8])
    assert "NOT READY" in first_page and reason in first_page
    assert "Blocking items still open: Expected outputs recorded (test.outputs)." in first_page
    assert result.warnings[0] == f"Handed over while Not ready: {reason}"


def _leftovers(output_dir: Path) -> list[str]:
    return sorted(p.name for p in output_dir.iterdir()) if output_dir.exists() else []


def test_a_lock_failure_leaves_nothing_at_the_output_path(project, tmp_path, pip_env):
    deps = (Dependency("tiny-frame", ("tiny_frame",), USED_DECLARED, installed_version="1.0.0"),
            Dependency("tiny-num", ("tiny_num",), USED_DECLARED, installed_version="0.9.0"))
    with pytest.raises(LockError, match="tiny-num==0.9.0"):
        write_bundle(inputs_for(project, report=report_for(project, deps)), _options(tmp_path, pip_env))
    assert _leftovers(tmp_path / "out") == []


@pytest.mark.parametrize("step", [0, 1, 3, 4, 7])
def test_cancel_at_any_step_leaves_nothing_at_the_output_path(project, tmp_path, pip_env, step):
    cancel = CancelToken()

    def progress(done, total, message):
        if done >= step:
            cancel.cancel()

    with pytest.raises(Cancelled):
        write_bundle(inputs_for(project), _options(tmp_path, pip_env), progress, cancel)
    assert _leftovers(tmp_path / "out") == []


def test_the_runbook_has_every_section_and_empty_ones_say_what_is_missing(project, tmp_path, pip_env):
    from handoff_assistant.readiness.model import ProjectFile

    bare = inputs_for(project, project=ProjectFile(name="Bare"))
    text = (write_bundle(bare, _options(tmp_path, pip_env, zip=False)).path / "RUNBOOK.md").read_text()
    headings = re.findall(r"^## \d+\. (.+)$", text, flags=re.MULTILINE)
    assert headings == list(SECTIONS)
    for section in ("Purpose", "Inputs and outputs", "How to run each entry point", "Schedule",
                    "Retraining or refresh"):
        body = text.split(f". {section}\n", 1)[1].split("\n## ", 1)[0]
        assert "Missing" in body, section
    assert "Owner: **missing**" in text


def test_installed_engine_says_plainly_there_are_no_hashes(project, tmp_path):
    from handoff_assistant.scan.environment import InstalledDistribution

    installed = (InstalledDistribution("tiny-frame", "1.0.0", requires=("tiny-num>=1.0",)),
                 InstalledDistribution("tiny-num", "1.1.0"))
    result = write_bundle(inputs_for(project, installed=installed),
                          BundleOptions(tmp_path / "out", zip=False, engine="installed"))
    manifest = json.loads((result.path / "handoff-manifest.json").read_text())
    assert manifest["environment"]["hashed"] is False and "WITHOUT HASHES" in manifest["environment"]["statement"]
    assert "**No hashes:**" in (result.path / "RUNBOOK.md").read_text()
    assert "--require-hashes" not in (result.path / "scripts" / "setup.sh").read_text()
    assert (result.path / "env" / "requirements.txt").read_text().splitlines()[-2:] == ["tiny-frame==1.0.0",
                                                                                      "tiny-num==1.1.0"]


def test_a_credential_still_in_the_code_is_a_warning_that_never_shows_the_value(project, tmp_path, pip_env):
    import dataclasses

    from handoff_assistant.scan.report import Finding

    finding = Finding("secret.password-assignment", "secret", "critical", "tinyscore/score.py", 3, "m", "f",
                      snippet='password = "Wi****"', fingerprint="abc")
    report = dataclasses.replace(report_for(project), findings=(finding,))
    result = write_bundle(inputs_for(project, report=report), _options(tmp_path, pip_env, zip=False))
    warning = next(w for w in result.warnings if "tinyscore/score.py:3" in w)
    assert "hard-coded credential (secret.password-assignment)" in warning and "Wi" not in warning
    manifest = json.loads((result.path / "handoff-manifest.json").read_text())
    assert warning in manifest["warnings"] and warning in (result.path / "RUNBOOK.md").read_text()


def test_the_manifest_lists_findings_masked_with_the_suppression_reason(project, tmp_path, pip_env):
    import dataclasses

    from handoff_assistant.scan.report import Finding

    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    slipped = Finding("secret.github-token", "secret", "critical", "tinyscore/score.py", 9, "m", "f",
                      snippet=f'TOKEN = "{token}"', fingerprint="fp-token")  # a detector that forgot to mask
    home = Finding("path.user-home", "path", "high", "tinyscore/score.py", 4, "m", "f",
                   snippet='DATA = "/home/maria/x.csv"', fingerprint="fp-home")
    report = dataclasses.replace(report_for(project), findings=(slipped, home))
    inputs = inputs_for(project, report=report, project=project_file(suppressions={"fp-home": "IT mounts it"}))
    result = write_bundle(inputs, _options(tmp_path, pip_env, zip=False))
    text = (result.path / "handoff-manifest.json").read_text()
    findings = json.loads(text)["findings"]
    assert [(f["fingerprint"], f["line"], f["suppressed"]) for f in findings] == [
        ("fp-home", 4, "IT mounts it"), ("fp-token", 9, None)]
    assert findings[1]["snippet"] == 'TOKEN = "ghp_****"' and token not in text
    assert json.loads(text)["findings_summary"]["suppressed"] == 1


def test_an_output_folder_that_cannot_be_used_is_a_sentence(project, tmp_path, pip_env):
    from handoff_assistant.bundle import BundleError

    (tmp_path / "taken").write_text("a file where the folder should be\n")
    with pytest.raises(BundleError, match="Cannot write into .*taken.*Choose another folder"):
        write_bundle(inputs_for(project), _options(tmp_path, pip_env, output_dir=tmp_path / "taken"))


def test_a_file_that_vanishes_while_building_is_a_sentence_and_leaves_nothing(project, tmp_path, pip_env):
    from handoff_assistant.bundle import BundleError

    def progress(done, total, message):
        if message == "Copying the code":  # after the snapshot was planned: the user deletes a file meanwhile
            (project / "tinyscore" / "score.py").unlink()

    with pytest.raises(BundleError, match="could not be written .*score.py.*nothing was left in"):
        write_bundle(inputs_for(project), _options(tmp_path, pip_env), progress)
    assert _leftovers(tmp_path / "out") == []


def test_the_runbook_says_which_data_files_travel_as_samples(project, tmp_path, pip_env):
    (project / "data" / "big_history.parquet").write_bytes(b"PAR1 not really")
    result = write_bundle(inputs_for(project), _options(tmp_path, pip_env, zip=False))
    runbook = (result.path / "RUNBOOK.md").read_text()
    assert "| data/sample.csv | 38 bytes |" in runbook
    assert "| tests/samples/score/input/sample.csv |" in runbook
    assert re.search(r"\| data/big_history.parquet \| 15 bytes \| [0-9a-f]{64} \| none \|", runbook)
