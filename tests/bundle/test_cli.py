import os
import zipfile

from handoff_assistant.cli import main


def _project_with_conflict(project):
    (project / "requirements.txt").write_text("tiny-frame==1.0.0\ntiny-num==0.9.0\n")
    return project


def test_bundle_cli_turns_a_lock_conflict_into_one_line_and_exit_2(project, tmp_path, capsys, monkeypatch, pip_env):
    for key in [k for k in os.environ if k.startswith("PIP_")]:
        monkeypatch.delenv(key)
    for key, value in pip_env.items():
        if key.startswith("PIP_"):
            monkeypatch.setenv(key, value)
    (project / "handoff.yaml").unlink()
    code = main(["bundle", str(_project_with_conflict(project)), "-o", str(tmp_path / "out"),
                 "--allow-not-ready", "testing the lock"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("handoff bundle: The dependencies could not be locked")
    assert "tiny-num" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_bundle_cli_needs_a_real_reason(project, tmp_path, capsys):
    assert main(["bundle", str(project), "-o", str(tmp_path / "out"), "--allow-not-ready", "  "]) == 2
    assert "--allow-not-ready needs a reason" in capsys.readouterr().err


def test_verify_cli_prints_what_differs(tmp_path, capsys):
    archive = tmp_path / "b.zip"
    with zipfile.ZipFile(archive, "w") as bundle_zip:
        bundle_zip.writestr("handoff-manifest.json", '{"files": [{"path": "a.txt", "sha256": "00"}]}')
        bundle_zip.writestr("SHA256SUMS", "00  a.txt\n")
        bundle_zip.writestr("a.txt", "changed\n")
    assert main(["verify", str(archive)]) == 1
    out = capsys.readouterr().out
    assert "changed: a.txt (its content differs from SHA256SUMS)" in out
    assert "problem: SHA256SUMS does not list handoff-manifest.json" in out
    assert out.rstrip().endswith("Do not install this bundle; ask its owner for a new one.")


def test_verify_cli_names_planted_files_and_sums_up_a_whole_venv(project, tmp_path, capsys):
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from tests.bundle.helpers import inputs_for

    bundle = write_bundle(inputs_for(project), BundleOptions(tmp_path / "out", zip=False, engine="installed")).path
    (bundle / "code" / "tinyscore" / "__pycache__").mkdir()
    (bundle / "code" / "tinyscore" / "__pycache__" / "score.cpython-311.pyc").write_bytes(b"junk")
    for number in range(30):
        (bundle / ".venv" / "lib").mkdir(parents=True, exist_ok=True)
        (bundle / ".venv" / "lib" / f"f{number:02d}.py").write_text("")
    assert main(["verify", str(bundle)]) == 1
    out = capsys.readouterr().out
    assert "  not part of the bundle: code/tinyscore/__pycache__/score.cpython-311.pyc" in out
    assert "  not part of the bundle: .venv/ (30 files; --format json lists them)" in out
