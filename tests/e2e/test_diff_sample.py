"""Issue 6: `handoff diff` of two handoffs of the sample prototype reports exactly what the data scientist changed.

Between the two handoffs the data scientist upgrades scikit-learn and removes the hard-coded password. An
"upgrade" is what happens on a real laptop: the pin in requirements.txt goes from ==1.3.2 to ==1.4.0 and the
project's own .venv gets the new version with pip. The bundle records the dependency's version from that
environment (engine "installed": the scan probes the project's .venv, the lock pins what is installed there),
so the change reaches both the manifest's dependencies and its lock. The .venv is real, filled by pip from tiny
local wheels named like the real distributions (no network).

Exactly those changes: scikit-learn 1.3.2 → 1.4.0; the password finding resolved, matched by fingerprint (the
findings below it move up a line and must not come back as "new"); churn/data.py and requirements.txt with their
line counts. No configuration key changes: a literal in the code is a finding, not a key (issue 12). The score and
level stay: the connection string two lines above still holds a credential.
"""
from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from handoff_assistant.bundle import BundleOptions, build_bundle
from handoff_assistant.bundle.diff import CHANGED, BundleDiff, FileChange, ValueChange, VersionChange, diff_bundles
from handoff_assistant.cli import main
from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env

pytestmark = pytest.mark.slow

REASON = "Pilot: IT reviews the blockers with the owner in week one"
FIRST_HANDOFF = 1767607200  # 2026-01-05 10:00 UTC
SECOND_HANDOFF = FIRST_HANDOFF + 7 * 24 * 3600
PASSWORD_LINE = 'password = "Winter2024!"\n'


def _wheelhouse(dest: Path) -> Path:
    return build_wheelhouse(dest, [
        WheelSpec("numpy", "1.26.4"), WheelSpec("pandas", "2.1.4", requires=("numpy>=1.22",)),
        WheelSpec("requests", "2.31.0"),
        WheelSpec("scikit-learn", "1.3.2", modules={"sklearn/__init__.py": '__version__ = "1.3.2"\n'},
                  requires=("numpy>=1.17",)),
        WheelSpec("scikit-learn", "1.4.0", modules={"sklearn/__init__.py": '__version__ = "1.4.0"\n'},
                  requires=("numpy>=1.19",)),
    ])


def _pip_install(project: Path, house: Path, *requirements: str) -> None:
    """pip of the test's interpreter installing into the project's .venv (``--python``), offline."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(project / ".venv" / "bin" / "python"), "install",
                    "-q", *requirements], check=True, env=offline_pip_env(house), capture_output=True, timeout=300)


def _handoff(project: Path, out: Path, epoch: int, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    return build_bundle(project, BundleOptions(out, zip=True, engine="installed",
                                               allow_not_ready_reason=REASON)).path


def _two_handoffs(project: Path, tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """Bundle the sample, upgrade scikit-learn (pin and .venv) and delete the password line, bundle again."""
    house = _wheelhouse(tmp_path / "wheelhouse")
    venv.create(project / ".venv", with_pip=False)
    requirements = project / "requirements.txt"
    _pip_install(project, house, "-r", str(requirements))
    first = _handoff(project, tmp_path / "outbox", FIRST_HANDOFF, monkeypatch)

    requirements.write_text(requirements.read_text().replace("scikit-learn==1.3.2", "scikit-learn==1.4.0"))
    _pip_install(project, house, "-r", str(requirements))
    data = project / "churn" / "data.py"
    assert PASSWORD_LINE in data.read_text()
    data.write_text(data.read_text().replace(PASSWORD_LINE, ""))
    return first, _handoff(project, tmp_path / "outbox", SECOND_HANDOFF, monkeypatch)


def _findings(bundle: Path) -> dict[str, dict]:
    manifest = json.loads(zipfile.ZipFile(bundle).read("handoff-manifest.json"))
    return {f["fingerprint"]: f for f in manifest["findings"] if not f["suppressed"]}


def test_an_upgraded_dependency_and_a_fixed_finding_are_exactly_what_diff_reports(sample_copy, tmp_path,
                                                                                   monkeypatch, capsys):
    first, second = _two_handoffs(sample_copy, tmp_path, monkeypatch)
    assert (first.name, second.name) == ("churn-prototype-20260105-100000-handoff.zip",
                                         "churn-prototype-20260112-100000-handoff.zip")  # side by side in the outbox

    diff = diff_bundles(first, second)
    assert diff == BundleDiff(
        str(first), str(second),
        dependencies_changed=(VersionChange("scikit-learn", "1.3.2", "1.4.0", "upgraded"),),
        findings_by_fingerprint=True,
        findings_resolved=("high secret.password-assignment at churn/data.py:8",),
        findings_total=ValueChange(24, 23),
        code_files=(FileChange("churn/data.py", CHANGED, 0, 1), FileChange("requirements.txt", CHANGED, 1, 1)))

    before, after = _findings(first), _findings(second)
    password = next(fp for fp, f in before.items() if f["rule"] == "secret.password-assignment")
    assert before.keys() - after.keys() == {password} and after.keys() <= before.keys()
    home = next(fp for fp, f in before.items() if f["rule"] == "path.user-home" and f["file"] == "churn/data.py")
    assert (before[home]["line"], after[home]["line"]) == (10, 9)  # moved up a line, still the same finding

    assert main(["diff", str(first), str(second)]) == 0
    assert capsys.readouterr().out.split("\n")[2:] == [
        "", "Dependencies:", "  ~ scikit-learn 1.3.2 → 1.4.0 (upgraded)",
        "", "Findings:", "  open findings: 24 → 23", "  resolved: high secret.password-assignment at churn/data.py:8",
        "", "Code:", "  ~ churn/data.py (+0 -1)", "  ~ requirements.txt (+1 -1)", ""]
