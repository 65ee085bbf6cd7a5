import os

from handoff_assistant.bundle.path_gate import is_secret_file
from handoff_assistant.bundle.snapshot import copy_snapshot, plan_snapshot
from handoff_assistant.tasks import CancelToken


def test_secret_files_stay_behind_and_templates_travel():
    for path in (".env", "config/.env.production", "keys/id_rsa", "deploy/server.pem", "gcp/credentials.json",
                 "svc-service-account-prod.json", ".netrc", "client_secret_123.json"):
        assert is_secret_file(path), path
    for path in (".env.example", "config/settings.yaml", "src/keys.py", "credentials.md"):
        assert not is_secret_file(path), path


def test_plan_sorts_code_secrets_data_and_links(project, tmp_path):
    (project / "model.pkl").write_bytes(b"\x80\x04binary model")
    (project / "big.txt").write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    os.symlink(project / "tinyscore" / "score.py", project / "link.py")
    plan = plan_snapshot(project, CancelToken())
    assert [f.path for f in plan.files] == ["handoff.yaml", "requirements.txt", "run.sh", "tinyscore/__init__.py",
                                            "tinyscore/score.py"]
    assert plan.secret_files == (".env",)
    assert {(d.path, d.reason) for d in plan.data_references} == {
        ("big.txt", "larger than 5 MiB"), ("data/sample.csv", "data format"), ("expected/scores.csv", "data format"),
        ("model.pkl", "data format")}
    model = next(d for d in plan.data_references if d.path == "model.pkl")
    assert model.size == 14 and len(model.sha256) == 64
    if plan.links:  # a listing that reports links: they never travel
        assert plan.links == ("link.py",)
    assert "link.py" not in [f.path for f in plan.files]


def test_copy_keeps_bytes_and_the_executable_bit_only(project, tmp_path):
    plan = plan_snapshot(project, CancelToken())
    copy_snapshot(project, plan, tmp_path / "code", CancelToken())
    assert (tmp_path / "code" / "tinyscore" / "score.py").read_bytes() == (project / "tinyscore/score.py").read_bytes()
    assert (tmp_path / "code" / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "code" / "handoff.yaml").stat().st_mode & 0o777 == 0o644
    assert not (tmp_path / "code" / ".env").exists()


def test_the_output_folder_inside_the_project_is_not_snapshotted(project):
    (project / "handoff-out").mkdir()
    (project / "handoff-out" / "old.txt").write_text("previous bundle\n")
    plan = plan_snapshot(project, CancelToken(), exclude=[project / "handoff-out"])
    assert "handoff-out/old.txt" not in [f.path for f in plan.files]


def test_office_lock_files_and_editor_temporaries_stay_behind(project):
    for name in ("docs/~$report.docx", "data/.~lock.sample.csv#", "tinyscore/score.py~", "tinyscore/.score.py.swp",
                 ".#notes.md", "#draft.py#", ".DS_Store"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(b"owner lock")
    (project / "docs" / "report.docx").write_bytes(b"the real document")
    plan = plan_snapshot(project, CancelToken())
    travelling = {f.path for f in plan.files} | {d.path for d in plan.data_references}
    assert sorted(plan.temporary) == sorted(["docs/~$report.docx", "data/.~lock.sample.csv#", "tinyscore/score.py~",
                                             "tinyscore/.score.py.swp", ".#notes.md", "#draft.py#", ".DS_Store"])
    assert not travelling & set(plan.temporary) and "docs/report.docx" in travelling
