import hashlib
import zipfile

import pytest

from handoff_assistant.bundle import BundleOptions, verify_bundle
from handoff_assistant.bundle.writer import write_bundle, write_zip
from handoff_assistant.scan.environment import InstalledDistribution
from tests.bundle.helpers import inputs_for


@pytest.fixture
def folder_bundle(project, tmp_path):
    installed = (InstalledDistribution("tiny-frame", "1.0.0"),)
    return write_bundle(inputs_for(project, installed=installed),
                        BundleOptions(tmp_path / "out", zip=False, engine="installed")).path


def test_an_intact_bundle_verifies_and_says_what_was_checked(folder_bundle):
    result = verify_bundle(folder_bundle)
    files = [p for p in folder_bundle.rglob("*") if p.is_file()]
    assert result.ok and result.checked == len(files) - 1  # every file but SHA256SUMS itself
    assert (result.project, result.level) == ("Tiny scorer", "Needs work")


def test_an_edited_file_is_named(folder_bundle):
    (folder_bundle / "code" / "tinyscore" / "score.py").write_text("print('patched')\n")
    result = verify_bundle(folder_bundle)
    assert not result.ok and result.mismatched == ("code/tinyscore/score.py",)


def test_missing_and_extra_files_are_named(folder_bundle):
    (folder_bundle / "scripts" / "run.sh").unlink()
    (folder_bundle / "code" / "sitecustomize.py").write_text("import os\n")
    result = verify_bundle(folder_bundle)
    assert result.missing == ("scripts/run.sh",) and result.extra == ("code/sitecustomize.py",)


@pytest.mark.parametrize("planted", ["code/tinyscore/__pycache__/score.cpython-311.pyc", "__pycache__/x.pyc",
                                     ".venv/lib/python3.11/site-packages/evil.pth", ".pytest_cache/v/x",
                                     "config/config.yaml", "logs/score.log", "code/scores.csv"])
def test_every_file_sha256sums_does_not_list_is_extra_nothing_skipped(folder_bundle, planted):
    """Failed before: verify skipped __pycache__/ and .venv/ (a planted .pyc runs on import, a .pth when the venv
    starts), the filled-in config, logs and declared outputs."""
    (folder_bundle / planted).parent.mkdir(parents=True, exist_ok=True)
    (folder_bundle / planted).write_bytes(b"import os; os.system('touch /tmp/pwned')\n")
    result = verify_bundle(folder_bundle)
    assert not result.ok and result.extra == (planted,)


def test_a_folder_the_caller_recreates_is_the_only_thing_left_out(folder_bundle):
    (folder_bundle / ".venv" / "bin").mkdir(parents=True)
    (folder_bundle / ".venv" / "bin" / "python").write_text("")
    assert verify_bundle(folder_bundle, recreated=(".venv",)).ok
    (folder_bundle / "code" / "__pycache__").mkdir()
    (folder_bundle / "code" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert verify_bundle(folder_bundle, recreated=(".venv",)).extra == ("code/__pycache__/x.pyc",)


def test_a_manifest_that_disagrees_with_sha256sums_fails(folder_bundle):
    manifest = folder_bundle / "handoff-manifest.json"
    text = manifest.read_text()
    digest = next(line.split()[0] for line in (folder_bundle / "SHA256SUMS").read_text().splitlines()
                  if line.endswith("  RUNBOOK.md"))
    manifest.write_text(text.replace(digest, "0" * 64))
    sums = folder_bundle / "SHA256SUMS"
    new = hashlib.sha256(manifest.read_bytes()).hexdigest()
    sums.write_text("\n".join(
        f"{new}  handoff-manifest.json" if line.endswith("  handoff-manifest.json") else line
        for line in sums.read_text().splitlines()) + "\n")
    result = verify_bundle(folder_bundle)
    assert not result.ok and result.problems == ("the manifest and SHA256SUMS disagree on RUNBOOK.md",)


def test_zip_edited_member_is_named_and_an_extra_member_fails(folder_bundle, tmp_path):
    (folder_bundle / "RUNBOOK.md").write_text("# nothing to see\n")
    write_zip(folder_bundle, tmp_path / "edited.zip")
    assert verify_bundle(tmp_path / "edited.zip").mismatched == ("RUNBOOK.md",)


def test_zip_with_unsafe_member_fails_verification_without_extracting(folder_bundle, tmp_path):
    archive = tmp_path / "evil.zip"
    write_zip(folder_bundle, archive)
    with zipfile.ZipFile(archive, "a") as bundle_zip:
        bundle_zip.writestr("../evil.sh", "rm -rf ~\n")
    result = verify_bundle(archive)
    assert not result.ok and "'../evil.sh' leaves the bundle folder" in result.problems[0]
    assert not (tmp_path / "evil.sh").exists()


def test_not_a_bundle(tmp_path):
    (tmp_path / "empty").mkdir()
    result = verify_bundle(tmp_path / "empty")
    assert not result.ok and "SHA256SUMS is missing, so no file can be checked" in result.problems
    assert "does not exist" in verify_bundle(tmp_path / "absent").problems[0]
