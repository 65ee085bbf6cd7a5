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


def test_what_it_creates_in_an_installed_folder_is_not_extra(folder_bundle):
    (folder_bundle / ".venv" / "bin").mkdir(parents=True)
    (folder_bundle / ".venv" / "bin" / "python").write_text("")
    (folder_bundle / "config" / "config.yaml").write_text("score_factor: 2\n")
    (folder_bundle / "config" / ".env").write_text("MAIL_API_TOKEN=x\n")
    (folder_bundle / "tests" / "__pycache__").mkdir()
    (folder_bundle / "tests" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    (folder_bundle / "code" / "scores.csv").write_text("customer_id,score\n")  # the declared output of "score"
    assert verify_bundle(folder_bundle).ok


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
