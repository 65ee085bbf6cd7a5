"""The one gate every path passes before it enters a bundle (issue 11, item 1)."""
import json
import os
import zipfile

import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.path_gate import PathRefused, bundle_path_gate
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.readiness.model import EntryPoint
from tests.bundle.helpers import inputs_for, project_file

PEM_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"


def _refusal(root, rel) -> PathRefused:
    with pytest.raises(PathRefused) as caught:
        bundle_path_gate(root, rel)
    return caught.value


def test_a_plain_project_file_passes_and_comes_back_resolved(project):
    assert bundle_path_gate(project, "data/sample.csv") == (project / "data/sample.csv").resolve()


@pytest.mark.parametrize("rel, reason", [
    (".env", "it is a secret file by its name (.env)"),
    ("keys/id_rsa", "it is a secret file by its name (id_rsa)"),
    ("deploy/server.pem", "it is a secret file by its name (server.pem)"),
    (".ssh/config", "it lies in .ssh/, a folder of credentials"),
    ("notes/deploy_key", "it holds a private key"),
])
def test_secret_files_and_keys_are_refused_with_the_reason(project, rel, reason):
    target = project / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(PEM_KEY if rel == "notes/deploy_key" else "TOKEN=abc\n")
    refusal = _refusal(project, rel)
    assert refusal.secret and refusal.reason == reason
    assert str(refusal) == f"{rel} was refused: {reason}"


def test_a_link_out_of_the_project_is_refused_naming_where_it_leads(project, tmp_path):
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0\n")
    os.symlink(outside, project / "data" / "users.csv")
    refusal = _refusal(project, "data/users.csv")
    assert refusal.reason == f"it resolves to {outside.resolve()}, outside the project" and not refusal.secret


def test_a_folder_link_out_of_the_project_is_refused(project, tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "hosts.csv").write_text("a,b\n")
    os.symlink(tmp_path / "etc", project / "linked")
    assert "outside the project" in _refusal(project, "linked/hosts.csv").reason


def test_an_innocent_name_linking_to_a_secret_is_refused(project):
    os.symlink(project / ".env", project / "data" / "input.csv")
    assert _refusal(project, "data/input.csv").reason == "it is a secret file by its name (.env) (it resolves to .env)"


@pytest.mark.parametrize("rel, reason", [
    ("../outside.csv", "it climbs out of its folder with '..'; name files inside the project"),
    ("/etc/passwd", "it is an absolute path; name files relative to the project"),
    ("data/missing.csv", "it does not exist in the project"),
    ("data", "it is not a regular file"),
])
def test_paths_that_are_not_project_files_are_refused(project, rel, reason):
    assert _refusal(project, rel).reason == reason


def test_a_link_loop_is_refused_not_a_traceback(project):
    os.symlink(project / "loop-b", project / "loop-a")
    os.symlink(project / "loop-a", project / "loop-b")
    assert _refusal(project, "loop-a").reason.startswith("it cannot be resolved")


def _build(project, tmp_path, pip_env, entry):
    inputs = inputs_for(project, project=project_file(entry_points=(entry,)))
    return write_bundle(inputs, BundleOptions(tmp_path / "out", zip=True, pip_env=pip_env))


def test_secret_samples_never_travel_and_the_log_says_they_were_refused(project, tmp_path, pip_env):
    """Failed before the gate: .env and keys/id_rsa were copied into tests/samples/ while the log said
    'Secret files left out of the bundle'."""
    (project / "keys").mkdir()
    (project / "keys" / "id_rsa").write_text(PEM_KEY)
    entry = EntryPoint("score", "python -m tinyscore.score", (), (), None, "2m", ".env", "keys/id_rsa")
    result = _build(project, tmp_path, pip_env, entry)
    with zipfile.ZipFile(result.path) as archive:
        assert not [n for n in archive.namelist() if n.startswith("tests/samples/")]
        assert not any(b"s3cr3t-t0ken-value" in archive.read(n) or b"PRIVATE KEY" in archive.read(n)
                       for n in archive.namelist())
        manifest = json.loads(archive.read("handoff-manifest.json"))
    assert manifest["snapshot"]["samples"] == []
    assert "Entry point 'score': the input sample .env is not in the bundle (it is a secret file by its name " \
           "(.env)), so the harness cannot run that check." in result.warnings
    assert "Entry point 'score': the expected sample keys/id_rsa is not in the bundle (it is a secret file by its " \
           "name (id_rsa)), so the harness cannot run that check." in result.warnings


def test_a_sample_linked_outside_the_project_does_not_copy_the_outside_file(project, tmp_path, pip_env):
    """Failed before the gate: a sample path through a symlink copied the file it pointed at (/etc/passwd)."""
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0:outside-marker\n")
    os.symlink(outside, project / "data" / "linked.csv")
    entry = EntryPoint("score", "python -m tinyscore.score", (), (), None, "2m", "data/linked.csv")
    result = _build(project, tmp_path, pip_env, entry)
    with zipfile.ZipFile(result.path) as archive:
        assert not any(b"outside-marker" in archive.read(n) for n in archive.namelist())
    assert any("data/linked.csv is not in the bundle (it resolves to" in w for w in result.warnings)


def test_a_key_file_without_a_key_name_stays_out_of_the_code_snapshot(project, tmp_path, pip_env):
    (project / "deploy_key").write_text(PEM_KEY)
    entry = EntryPoint("score", "python -m tinyscore.score", (), (), None, "2m")
    result = _build(project, tmp_path, pip_env, entry)
    with zipfile.ZipFile(result.path) as archive:
        assert "code/deploy_key" not in archive.namelist()
        manifest = json.loads(archive.read("handoff-manifest.json"))
    assert "deploy_key" in manifest["snapshot"]["secret_files_left_behind"]


def test_names_sha256sums_cannot_list_stay_out_and_the_bundle_still_verifies(project, tmp_path, pip_env):
    """Failed before: a file named with a line break broke SHA256SUMS, one with bytes that are not UTF-8 stopped
    the build with a UnicodeEncodeError."""
    from handoff_assistant.bundle import verify_bundle

    (project / "tinyscore" / "two\nlines.py").write_text("X = 1\n")
    os.close(os.open(os.fsencode(project / "tinyscore") + b"/caf\xe9.py", os.O_CREAT | os.O_WRONLY, 0o644))
    entry = EntryPoint("score", "python -m tinyscore.score", (), (), None, "2m")
    result = _build(project, tmp_path, pip_env, entry)
    with zipfile.ZipFile(result.path) as archive:
        assert not [n for n in archive.namelist() if "lines" in n or "caf" in n]
    assert "Left out of the bundle: 'tinyscore/two\\nlines.py' was refused: its name holds a line break or " \
           "another control character, which SHA256SUMS and the manifest cannot list." in result.warnings
    assert "Left out of the bundle: 'tinyscore/caf\\udce9.py' was refused: its name is not valid UTF-8, which " \
           "SHA256SUMS and the manifest cannot list." in result.warnings
    assert verify_bundle(result.path).ok
