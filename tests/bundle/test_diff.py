"""handoff diff: two handoffs of the tiny project, the later one with a dependency upgraded and a finding fixed."""
from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions
from handoff_assistant.bundle.diff import CHANGED, FileChange, VersionChange, diff_bundles, diff_text
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.report import USED_DECLARED, Dependency, Finding, SourceRef
from tests.bundle.helpers import inputs_for, make_project, report_for, reseal

CHDIR = "    os.chdir(os.path.dirname(__file__))\n"
CHDIR_FINDING = Finding("workdir.chdir", "workdir", "medium", "tinyscore/score.py", 14,
                        "The script changes its working folder", "Use paths relative to the file",
                        snippet=CHDIR.strip(), fingerprint="fp-chdir")


def _bundle(root: Path, out: Path, frame_version: str, with_finding: bool, as_zip: bool = True) -> Path:
    project = make_project(root)
    score = project / "tinyscore" / "score.py"
    if with_finding:
        score.write_text(score.read_text().replace("    args = parser.parse_args()\n",
                                                   "    args = parser.parse_args()\n" + CHDIR))
    deps = (Dependency("tiny-frame", ("tiny_frame",), USED_DECLARED, declared_in=("requirements.txt:1",),
                       installed_version=frame_version, sources=(SourceRef("tinyscore/score.py", 6),)),)
    report = replace(report_for(project, deps), findings=(CHDIR_FINDING,) if with_finding else ())
    installed = (InstalledDistribution("tiny-frame", frame_version),)
    return write_bundle(inputs_for(project, report=report, installed=installed),
                        BundleOptions(out, zip=as_zip, engine="installed")).path


@pytest.fixture
def two_bundles(tmp_path) -> tuple[Path, Path]:
    old = _bundle(tmp_path / "v1" / "tiny-scorer", tmp_path / "out1", "1.0.0", with_finding=True)
    new = _bundle(tmp_path / "v2" / "tiny-scorer", tmp_path / "out2", "1.1.0", with_finding=False, as_zip=False)
    return old, new


def test_an_upgrade_and_a_fixed_finding_are_exactly_what_changed(two_bundles):
    diff = diff_bundles(*two_bundles)
    assert diff.dependencies_changed == (VersionChange("tiny-frame", "1.0.0", "1.1.0", "upgraded"),)
    assert (diff.dependencies_added, diff.dependencies_removed) == ((), ())
    assert diff.findings_by_fingerprint
    assert diff.findings_resolved == ("medium workdir.chdir at tinyscore/score.py:14",) and diff.findings_new == ()
    assert (diff.findings_total.old, diff.findings_total.new) == (1, 0)
    assert diff.code_files == (FileChange("tinyscore/score.py", CHANGED, 0, 1),)
    assert (diff.python, diff.platform, diff.score, diff.level) == (None, None, None, None)
    assert (diff.entry_points_added, diff.entry_points_removed, diff.entry_points_changed) == ((), (), ())
    assert (diff.config_keys_added, diff.config_keys_removed) == ((), ())


def test_the_text_names_each_change_and_a_bundle_compared_with_itself_has_none(two_bundles, capsys):
    old, new = two_bundles
    text = diff_text(diff_bundles(old, new))
    assert "~ tiny-frame 1.0.0 → 1.1.0 (upgraded)" in text
    assert "resolved: medium workdir.chdir at tinyscore/score.py:14" in text
    assert "~ tinyscore/score.py (+0 -1)" in text and "counts per category" not in text
    assert "Configuration keys" not in text and "Readiness" not in text
    same = diff_bundles(old, old)
    assert not same.changed and "No differences" in diff_text(same)


def test_cli_text_and_json(two_bundles, capsys):
    old, new = two_bundles
    assert main(["diff", str(old), str(new), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] is True
    assert data["dependencies_changed"] == [{"name": "tiny-frame", "old": "1.0.0", "new": "1.1.0",
                                             "direction": "upgraded"}]
    assert data["code_files"] == [{"path": "tinyscore/score.py", "status": "changed", "lines_added": 0,
                                   "lines_removed": 1}]
    assert main(["diff", str(old), str(new)]) == 0
    assert "Dependencies:" in capsys.readouterr().out


def test_findings_are_matched_by_fingerprint_when_the_manifests_list_them(two_bundles, tmp_path):
    old, new = two_bundles
    for manifest_path, findings in ((tmp_path / "old.json", [{"fingerprint": "a", "rule": "path.home", "severity":
                                                              "high", "file": "x.py", "line": 3}]),
                                    (new / "handoff-manifest.json", [{"fingerprint": "b", "rule": "host.literal",
                                                                      "severity": "medium", "file": "y.py", "line": 9}])):
        source = json.loads((zipfile.ZipFile(old).read("handoff-manifest.json") if manifest_path.name == "old.json"
                             else manifest_path.read_bytes()))
        source["findings"] = findings
        manifest_path.write_text(json.dumps(source))
    folder = tmp_path / "old-folder"
    with zipfile.ZipFile(old) as archive:
        archive.extractall(folder)
    (folder / "handoff-manifest.json").write_text((tmp_path / "old.json").read_text())
    diff = diff_bundles(reseal(folder), reseal(new))
    assert diff.findings_by_fingerprint
    assert diff.findings_new == ("medium host.literal at y.py:9",)
    assert diff.findings_resolved == ("high path.home at x.py:3",)


def test_an_unsafe_or_missing_bundle_is_a_sentence(two_bundles, tmp_path, capsys):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../evil.txt", "x")
    diff = diff_bundles(evil, two_bundles[1])
    assert len(diff.tampered) == 1 and "leaves the bundle folder" in diff.tampered[0]
    assert main(["diff", str(tmp_path / "nope.zip"), str(two_bundles[1])]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path.parent / "evil.txt").exists()


def _rewrite_manifest(bundle: Path, dest: Path, change) -> Path:
    """A folder copy of a zip bundle whose manifest went through ``change`` (an older or edited manifest)."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(dest)
    manifest = json.loads((dest / "handoff-manifest.json").read_text())
    change(manifest)
    (dest / "handoff-manifest.json").write_text(json.dumps(manifest))
    return reseal(dest)


def test_the_manifest_lists_each_finding_and_a_suppressed_one_is_resolved_with_its_reason(two_bundles, tmp_path):
    old, new = two_bundles
    listed = json.loads(zipfile.ZipFile(old).read("handoff-manifest.json"))["findings"]
    assert listed == [{"fingerprint": "fp-chdir", "rule": "workdir.chdir", "category": "workdir",
                       "severity": "medium", "file": "tinyscore/score.py", "line": 14, "cell": None,
                       "message": "The script changes its working folder", "snippet": CHDIR.strip(),
                       "suppressed": None}]

    def suppress(manifest):
        manifest["findings"] = [{**listed[0], "suppressed": "IT runs it from its own folder"}]

    explained = _rewrite_manifest(old, tmp_path / "explained", suppress)
    diff = diff_bundles(old, explained)
    assert diff.findings_resolved == ("medium workdir.chdir at tinyscore/score.py:14 "
                                      "(suppressed: IT runs it from its own folder)",)
    assert (diff.findings_total.old, diff.findings_total.new) == (1, 0)


def test_manifests_without_a_findings_list_are_compared_per_category(two_bundles, tmp_path):
    old, new = two_bundles

    def forget(manifest):
        del manifest["findings"]

    diff = diff_bundles(_rewrite_manifest(old, tmp_path / "older", forget), new)
    assert not diff.findings_by_fingerprint and diff.findings_resolved == ("workdir: 1 → 0",)
    assert "counts per category: these bundles do not list findings" in diff_text(diff)


def test_a_one_byte_change_an_added_or_a_removed_file_is_tampering_named_before_any_comparison(two_bundles, tmp_path,
                                                                                               capsys):
    old, _ = two_bundles
    copy = tmp_path / "copy"
    with zipfile.ZipFile(old) as archive:
        archive.extractall(copy)
    main_file = copy / "code" / "tinyscore" / "score.py"
    main_file.write_bytes(main_file.read_bytes() + b"#")
    (copy / "code" / "extra.py").write_text("print('hi')\n")
    (copy / "RUNBOOK.md").unlink()
    diff = diff_bundles(old, copy)
    assert diff.tampered == ("NEW bundle: code/tinyscore/score.py: content differs from SHA256SUMS",
                             "NEW bundle: RUNBOOK.md: missing", "NEW bundle: code/extra.py: not part of the bundle")
    assert not diff.changed and diff.code_files == ()  # nothing was compared
    assert main(["diff", str(old), str(copy)]) == 1
    out = capsys.readouterr().out
    assert "TAMPERED" in out and "code/tinyscore/score.py: content differs" in out and "No differences" not in out


def test_a_new_direct_dependency_already_pinned_transitively_is_reported(two_bundles, tmp_path):
    old, _ = two_bundles

    def pin_tqdm(manifest):
        manifest["environment"]["locked"].append({"name": "tqdm", "version": "4.70.1"})

    def import_tqdm(manifest):
        pin_tqdm(manifest)
        manifest["dependencies"].append({"distribution": "tqdm", "import_names": ["tqdm"], "status": USED_DECLARED,
                                         "installed_version": "4.70.1"})

    diff = diff_bundles(_rewrite_manifest(old, tmp_path / "a", pin_tqdm), _rewrite_manifest(old, tmp_path / "b",
                                                                                            import_tqdm))
    assert diff.dependencies_now_direct == (("tqdm", "4.70.1"),) and diff.dependencies_added == ()
    assert "= tqdm: now imported and declared, pinned 4.70.1 as before" in diff_text(diff)


def test_each_bundles_it_outcome_is_shown_when_one_was_verified(two_bundles):
    from handoff_assistant.bundle.verification_record import (CheckResult, IntegrityResult, VerificationRecord,
                                                              sums_digest, write_record)

    old, new = two_bundles
    assert "IT verification" not in diff_text(diff_bundles(old, new))  # neither was verified: nothing to say
    write_record(new, VerificationRecord(
        bundle=new.name, project="", bundle_created_at="", by="it", at="x", machine="m", platform="p",
        integrity=IntegrityResult(True, 3), results=(CheckResult("smoke", "incomplete", "no sample input"),),
        bundle_sums_sha256=sums_digest(new)))
    diff = diff_bundles(old, new)
    assert diff.verification == ("", "incomplete")
    assert "IT verification: NOT RUN → INCOMPLETE" in diff_text(diff)
