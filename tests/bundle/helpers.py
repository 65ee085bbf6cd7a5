"""A tiny realistic project whose imports match a tiny wheelhouse, and bundle inputs built by hand."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from handoff_assistant.bundle.inputs import BundleInputs
from handoff_assistant.readiness.model import (NEEDS_WORK, Assessment, ConfigKey, Contact, EntryPoint, ItemResult,
                                               ProjectFile, SectionScore)
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.report import (USED_DECLARED, Dependency, FileSummary, GitState, LanguageStat, ScanReport,
                                           SourceRef, TargetEnvironment)
from tests.support.wheelhouse import WheelSpec, build_wheelhouse

PYTHON = "%d.%d.%d" % sys.version_info[:3]

SCORE_PY = '''"""Score customers: output = input with a score column (value * factor)."""
import argparse
import csv
import os

import tiny_frame


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()
    factor = float(os.environ["SCORE_FACTOR"])
    with open(args.input, newline="") as handle:
        rows = list(csv.DictReader(handle))
    with open(args.output, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "score"])
        for row in rows:
            writer.writerow([row["customer_id"], tiny_frame.scale(float(row["value"]), factor)])


if __name__ == "__main__":
    main()
'''

HANDOFF_YAML = '''name: Tiny scorer
summary: Scores customers by value for the weekly retention mailing.
tier: standard
owner:
  name: Maria Lopez
  email: maria@example.com
contacts:
  - name: Data platform on-call
    email: oncall@example.com
    role: escalation
entry_points:
  - name: score
    command: python -m tinyscore.score --input {input} --output {output}
    inputs: [data/sample.csv]
    outputs: [scores.csv]
    schedule: "0 6 * * 1"
    expected_runtime: 2m
    sample_input: data/sample.csv
    expected_output: expected/scores.csv
config_keys:
  - name: score_factor
    description: Multiplier applied to each customer's value
  - name: mail_api_token
    description: Token of the mailing service
    secret: true
'''


def wheel_specs() -> list[WheelSpec]:
    return [
        WheelSpec("tiny-num", "1.1.0"),
        WheelSpec("tiny-num", "0.9.0"),
        WheelSpec("tiny-frame", "1.0.0", requires=("tiny-num>=1.0",), modules={
            "tiny_frame/__init__.py": "import tiny_num\n\n\ndef scale(value, factor):\n"
                                      "    return round(value * factor, 6)\n"}),
    ]


def make_wheelhouse(dest: Path) -> Path:
    return build_wheelhouse(dest, wheel_specs())


def make_project(root: Path) -> Path:
    """The prototype folder: code, a requirements file, handoff.yaml, samples and a secret .env."""
    files = {
        "tinyscore/__init__.py": "",
        "tinyscore/score.py": SCORE_PY,
        "requirements.txt": "tiny-frame\n",
        "handoff.yaml": HANDOFF_YAML,
        "data/sample.csv": "customer_id,value\nC1,1.5\nC2,2.25\nC3,4\n",
        "expected/scores.csv": "customer_id,score\nC1,3.0\nC2,4.5\nC3,8.0\n",
        ".env": "MAIL_API_TOKEN=s3cr3t-t0ken-value\n",
        "run.sh": "#!/bin/sh\npython -m tinyscore.score \"$@\"\n",
    }
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    (root / "run.sh").chmod(0o755)
    return root


def tree_checksums(root: Path) -> dict[str, tuple[str, int, float]]:
    """Content, mode and mtime of every file: a scan or a build must change none of them."""
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode,
                                             p.stat().st_mtime)
            for p in sorted(root.rglob("*")) if p.is_file()}


def report_for(root: Path, dependencies: tuple[Dependency, ...] | None = None) -> ScanReport:
    deps = dependencies if dependencies is not None else (
        Dependency("tiny-frame", ("tiny_frame",), USED_DECLARED, declared_spec=None,
                   declared_in=("requirements.txt:1",), installed_version="1.0.0",
                   sources=(SourceRef("tinyscore/score.py", 6),)),
    )
    return ScanReport(
        root=str(root), scanned_at="2026-01-01T00:00:00+00:00", tool_version="test",
        target=TargetEnvironment(PYTHON, "linux", "x86_64", "/usr/bin/python3", "--python", 3),
        files=FileSummary(count=8, bytes=1000, analysed=4),
        languages=(LanguageStat("Python", 2, 25),), dependencies=deps, git=GitState(is_repo=False))


def project_file(**changes) -> ProjectFile:
    base = ProjectFile(
        name="Tiny scorer", summary="Scores customers by value for the weekly retention mailing.",
        owner=Contact("Maria Lopez", "maria@example.com"),
        contacts=(Contact("Data platform on-call", "oncall@example.com", "escalation"),),
        entry_points=(EntryPoint("score", "python -m tinyscore.score --input {input} --output {output}",
                                 ("data/sample.csv",), ("scores.csv",), "0 6 * * 1", "2m", "data/sample.csv",
                                 "expected/scores.csv"),),
        config_keys=(ConfigKey("score_factor", "Multiplier applied to each customer's value"),
                     ConfigKey("mail_api_token", "Token of the mailing service", secret=True)),
    )
    return ProjectFile(**{**base.__dict__, **changes})


def assessment(level: str = NEEDS_WORK, blockers: tuple[str, ...] = ()) -> Assessment:
    items = (ItemResult("ops.owner", "operations", "An owner is named", "pass", 1, 5, False),
             ItemResult("test.outputs", "testing", "Expected outputs recorded", "fail", 0, 7.5, bool(blockers)))
    return Assessment(items, (SectionScore("operations", "Operations", 100.0, 1),
                              SectionScore("testing", "Testing", 0.0, 1)), 62.5, level, "testing", blockers)


def inputs_for(root: Path, report: ScanReport | None = None, project: ProjectFile | None = None,
               level: str = NEEDS_WORK, blockers: tuple[str, ...] = (),
               installed: tuple[InstalledDistribution, ...] = ()) -> BundleInputs:
    return BundleInputs(root, report or report_for(root), project or project_file(), assessment(level, blockers),
                        lambda r: f"<html><body>Readiness report, scanned {r.scanned_at}</body></html>\n", installed)


def expose_pytest(venv_python: Path, dest: Path) -> None:
    """Make this interpreter's pytest importable in a fresh venv without an index (a .pth to a copy of it).

    The bundle's harness needs no pytest (tests/run_harness.py); the end-to-end test runs it with pytest as IT
    would after `pip install pytest`, which a test cannot download.
    """
    import shutil
    import subprocess
    from importlib import metadata

    from packaging.requirements import Requirement

    dest.mkdir(parents=True, exist_ok=True)
    seen, queue = set(), ["pytest"]
    while queue:
        dist = metadata.distribution(queue.pop())
        if dist.metadata["Name"] in seen:
            continue
        seen.add(dist.metadata["Name"])
        for top in {f.parts[0] for f in dist.files or () if f.parts[0] not in ("..", "__pycache__")}:
            source = Path(dist.locate_file(top))
            if source.is_dir():
                shutil.copytree(source, dest / top, dirs_exist_ok=True)
            elif source.is_file():
                shutil.copy2(source, dest / top)
        queue += [Requirement(r).name for r in dist.requires or ()
                  if Requirement(r).marker is None or Requirement(r).marker.evaluate({"extra": ""})]
    site = subprocess.run([str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "test-runner.pth").write_text(str(dest) + "\n")


def reseal(folder: Path) -> Path:
    """Rewrite a bundle folder's SHA256SUMS after a test edited its manifest (an owner's re-issued bundle)."""
    from handoff_assistant.bundle import manifest

    (folder / manifest.SUMS_NAME).write_text(manifest.sums_text(manifest.record_files(
        folder, exclude=(manifest.SUMS_NAME,))))
    return folder


def resign(folder: Path, manifest_changes: dict | None = None) -> None:
    """Rewrite the manifest's file list and SHA256SUMS after editing a bundle folder, as an attacker who
    re-signs a bundle would: it then verifies, so only what runs it can stop what it carries."""
    import json

    from handoff_assistant.bundle import manifest as bundle_manifest

    path = folder / bundle_manifest.MANIFEST_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(manifest_changes or {})
    data["files"] = [{"path": r.path, "size": r.size, "sha256": r.sha256}
                     for r in bundle_manifest.record_files(folder)]
    path.write_text(bundle_manifest.manifest_json(data), encoding="utf-8")
    reseal(folder)
