"""handoff diff: two handoffs of the tiny project, the later one with a dependency upgraded and a finding fixed."""
from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions, UnsafeBundleError
from handoff_assistant.bundle.diff import CHANGED, FileChange, VersionChange, diff_bundles, diff_text
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.report import USED_DECLARED, Dependency, Finding, SourceRef
from tests.bundle.helpers import inputs_for, make_project, report_for

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
    assert diff.findings_resolved == ("workdir: 1 → 0",) and diff.findings_new == ()
    assert (diff.findings_total.old, diff.findings_total.new) == (1, 0)
    assert diff.code_files == (FileChange("tinyscore/score.py", CHANGED, 0, 1),)
    assert (diff.python, diff.platform, diff.score, diff.level) == (None, None, None, None)
    assert (diff.entry_points_added, diff.entry_points_removed, diff.entry_points_changed) == ((), (), ())
    assert (diff.config_keys_added, diff.config_keys_removed) == ((), ())


def test_the_text_names_each_change_and_a_bundle_compared_with_itself_has_none(two_bundles, capsys):
    old, new = two_bundles
    text = diff_text(diff_bundles(old, new))
    assert "~ tiny-frame 1.0.0 → 1.1.0 (upgraded)" in text
    assert "resolved: workdir: 1 → 0" in text and "~ tinyscore/score.py (+0 -1)" in text
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
    diff = diff_bundles(folder, new)
    assert diff.findings_by_fingerprint
    assert diff.findings_new == ("medium host.literal at y.py:9",)
    assert diff.findings_resolved == ("high path.home at x.py:3",)


def test_an_unsafe_or_missing_bundle_is_a_sentence(two_bundles, tmp_path, capsys):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../evil.txt", "x")
    with pytest.raises(UnsafeBundleError, match="leaves the bundle folder"):
        diff_bundles(evil, two_bundles[1])
    assert main(["diff", str(tmp_path / "nope.zip"), str(two_bundles[1])]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path.parent / "evil.txt").exists()
