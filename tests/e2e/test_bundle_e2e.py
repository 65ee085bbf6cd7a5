"""End to end, as the data scientist and IT would: bundle, install from the lock offline, run the harness."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from datetime import timezone
from pathlib import Path

import git
import pytest

from handoff_assistant.bundle import BundleOptions, build_bundle, open_bundle, verify_bundle
from handoff_assistant.cli import main
from tests.bundle.helpers import expose_pytest, make_project, make_wheelhouse, tree_checksums
from tests.support.wheelhouse import offline_pip_env

pytestmark = pytest.mark.slow


def _data_scientist_project(tmp_path: Path, house: Path) -> Path:
    """The tiny project in a git repository, with its own .venv holding the packages it was developed with."""
    root = make_project(tmp_path / "tiny-scorer")
    (root / ".gitignore").write_text(".venv/\n.env\nscores.csv\n")
    repo = git.Repo.init(root)
    repo.index.add([".gitignore", "handoff.yaml", "requirements.txt", "run.sh", "tinyscore/__init__.py",
                    "tinyscore/score.py", "data/sample.csv", "expected/scores.csv"])
    repo.index.commit("Tiny scorer", author_date="2026-01-05T10:00:00",
                      commit_date="2026-01-05T10:00:00")
    venv.create(root / ".venv", with_pip=True)
    subprocess.run([str(root / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q", "tiny-frame"],
                   check=True, env=offline_pip_env(house))
    return root


def _server_env(bundle: Path) -> dict[str, str]:
    """A server without internet and without the wheelhouse: pip can only use the bundle's env/wheels."""
    return {"PATH": f"{bundle / '.venv' / 'bin'}:/usr/bin:/bin", "HOME": str(bundle.parent),
            "PYTHONDONTWRITEBYTECODE": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}


def test_bundle_install_from_the_lock_run_the_harness_break_it_and_verify(tmp_path):
    house = make_wheelhouse(tmp_path / "wheelhouse")
    project = _data_scientist_project(tmp_path, house)
    before = tree_checksums(project)

    result = build_bundle(project, BundleOptions(tmp_path / "outbox", zip=True, with_wheels=True,
                                                 pip_env=offline_pip_env(house)))
    commit = git.Repo(project).head.commit
    stamp = commit.committed_datetime.astimezone(timezone.utc).strftime("%Y%m%d-%H%M%S")
    assert result.path.name == f"tiny-scorer-{stamp}-{commit.hexsha[:7]}-handoff.zip" and result.level != "Not ready"
    assert tree_checksums(project) == before

    bundle = open_bundle(result.path, extract_to=tmp_path / "server" / "tiny-scorer").root
    assert "tiny-frame==1.0.0 \\" in (bundle / "env" / "requirements.txt").read_text()
    assert sorted(p.name for p in (bundle / "env" / "wheels").iterdir()) == [
        "tiny_frame-1.0.0-py3-none-any.whl", "tiny_num-1.1.0-py3-none-any.whl"]
    env = _server_env(bundle)
    marker = tmp_path / "planted-pth-ran"
    planted = bundle / ".venv" / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    planted.mkdir(parents=True)
    (planted / "evil.pth").write_text(f"import pathlib; pathlib.Path({str(marker)!r}).write_text('ran')\n")
    setup = subprocess.run(["scripts/setup.sh"], cwd=bundle, env={**env, "PYTHON": sys.executable},
                           capture_output=True, text=True, timeout=300)
    assert setup.returncode == 0, setup.stderr
    assert not marker.exists() and not (planted / "evil.pth").exists()  # venv --clear: a fresh environment
    python = bundle / ".venv" / "bin" / "python"
    expose_pytest(python, tmp_path / "test-runner")

    (bundle / "config" / "config.yaml").write_text('score_factor: "2"\n')
    (bundle / "config" / ".env").write_text("MAIL_API_TOKEN=token-for-the-test\n")
    harness = subprocess.run([str(python), "-m", "pytest", "tests", "-q"], cwd=bundle, env=env,
                             capture_output=True, text=True, timeout=300)
    assert harness.returncode == 0, harness.stdout + harness.stderr
    assert "6 passed" in harness.stdout

    (bundle / "config" / "config.yaml").write_text("# score_factor removed\n")
    broken = subprocess.run([str(python), "-m", "pytest", "tests", "-q"], cwd=bundle, env=env,
                            capture_output=True, text=True, timeout=300)
    assert broken.returncode == 1
    assert "config.yaml is missing 1 key(s); add each with its value:" in broken.stdout
    assert "score_factor: Multiplier applied to each customer's value" in broken.stdout

    extra = verify_bundle(bundle).extra  # nothing is skipped: .venv and the filled-in configuration are extra
    assert {p for p in extra if not p.startswith(".venv/")} == {"config/.env", "config/config.yaml"}
    assert verify_bundle(bundle, recreated=(".venv",)).extra == ("config/.env", "config/config.yaml")
    score = bundle / "code" / "tinyscore" / "score.py"
    score.write_text(score.read_text().replace("factor)", "factor * 1.01)"))
    verification = verify_bundle(bundle)
    assert not verification.ok and verification.mismatched == ("code/tinyscore/score.py",)


def test_the_sample_prototype_bundles_from_the_cli_with_a_reason_and_its_runbook_says_what_is_missing(
        sample_copy, tmp_path, capsys):
    out = tmp_path / "outbox"
    assert main(["bundle", str(sample_copy), "-o", str(out), "--engine", "installed"]) == 1
    assert "Not ready" in capsys.readouterr().err and not any(out.glob("*handoff*"))

    reason = "Pilot: IT reviews the blockers with the owner in week one"
    assert main(["bundle", str(sample_copy), "-o", str(out), "--engine", "installed", "--zip",
                 "--allow-not-ready", reason]) == 0
    archive, = out.glob("*.zip")
    assert re.fullmatch(r"churn-prototype-\d{8}-\d{6}-handoff\.zip", archive.name)  # not a git repo: no commit
    assert f"Wrote {archive}" in capsys.readouterr().out
    assert main(["verify", str(archive)]) == 0
    assert "OK:" in capsys.readouterr().out
    again = tmp_path / "again"
    assert main(["bundle", str(sample_copy), "-o", str(again), "--engine", "installed", "--zip",
                 "--allow-not-ready", reason]) == 0
    assert (again / archive.name).read_bytes() == archive.read_bytes()  # the whole pipeline is reproducible

    with open_bundle(archive) as opened:
        runbook = (opened.root / "RUNBOOK.md").read_text()
        env_example = (opened.root / "config" / ".env.example").read_text()
        manifest = (opened.root / "handoff-manifest.json").read_text()
        code = {p.relative_to(opened.root).as_posix() for p in opened.root.rglob("*") if p.is_file()}
    assert reason in "\n".join(runbook.splitlines()[:6])
    assert "WITHOUT HASHES" in runbook and "Missing: no entry point is declared" in runbook
    assert "DB_URL=" not in env_example  # a literal still in the code is a finding, not a key IT fills in
    for leaked in ("Sup3rS3cret", "Winter2024", "abcd1234efgh5678ijkl9012"):
        assert leaked not in runbook and leaked not in env_example and leaked not in manifest
    findings = json.loads(manifest)["findings"]
    assert {"rule": "secret.password-assignment", "file": "churn/data.py", "line": 8} in [
        {k: f[k] for k in ("rule", "file", "line")} for f in findings]
    assert all(f["fingerprint"] and "snippet" in f for f in findings)
    assert "code/churn/score.py" in code
    # the code opens data/sample_customers.csv (churn/train.py, notebooks/03_report.ipynb): it travels as an input
    inputs = {i["path"]: i for i in json.loads(manifest)["inputs"]}
    assert "code/data/sample_customers.csv" in code and inputs["data/sample_customers.csv"]["travels"]


def test_verify_cli_names_an_edited_file_and_refuses_a_zip_slip(tmp_path, capsys):
    import zipfile

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("handoff-manifest.json", '{"files": []}')
        archive.writestr("../evil.sh", "echo owned\n")
    assert main(["verify", str(evil)]) == 1
    assert "member '../evil.sh' leaves the bundle folder" in capsys.readouterr().out
    assert not (tmp_path.parent / "evil.sh").exists() and os.listdir(tmp_path) == ["evil.zip"]
