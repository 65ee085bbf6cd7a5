"""The portfolio over bundles made by the real bundle builder and a real project folder (scan + assess)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff_assistant.bundle.options import BundleOptions
from handoff_assistant.bundle.writer import build_bundle
from handoff_assistant.cli import main
from handoff_assistant.portfolio.build import build_portfolio, history
from handoff_assistant.portfolio.model import APPROVED, BUNDLE, PROJECT_FOLDER
from handoff_assistant.portfolio.reviews import read_review, save_review
from handoff_assistant.portfolio.store import Store

pytestmark = pytest.mark.slow


def bundle_version(project: Path, out: Path, epoch: int, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    options = BundleOptions(output_dir=out, engine="installed", allow_not_ready_reason="portfolio test")
    return build_bundle(project, options).path


def test_bundles_from_the_builder_and_a_project_folder(tmp_path, monkeypatch, capsys):
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "handoff.yaml").write_text("name: tiny\nowner:\n  name: Ana Data\n  email: ana@example.com\n")
    (project / "main.py").write_text("import json\n\nprint(json.dumps({'ok': True}))\n")
    landing = tmp_path / "landing"
    first = bundle_version(project, landing, 1_759_305_600, monkeypatch)
    (project / "README.md").write_text("# tiny\n\nPrints ok. Run: python main.py\n")
    second = bundle_version(project, landing, 1_761_984_000, monkeypatch)
    manifests = [json.loads(_manifest_text(p)) for p in (first, second)]
    before = _listing(project)

    with Store() as store:
        rows = {(r.project, r.record.kind): r for r in build_portfolio([landing, project], store).rows}
        steps = history("tiny", store).steps
    latest = rows[("tiny", BUNDLE)]
    assert latest.record.path == str(second.resolve())
    assert latest.record.owner == "Ana Data" and latest.bundle_count == 2
    assert latest.record.score == round(manifests[1]["assessment"]["score"], 1)
    assert latest.record.level == manifests[1]["assessment"]["level"]
    assert [s.id for s in latest.record.sections] == [s["id"] for s in manifests[1]["assessment"]["sections"]]
    assert sorted(p.name for p in landing.glob("*.zip")) == [first.name, second.name]  # both kept, in time order
    assert [Path(s.record.path) for s in steps] == [first.resolve(), second.resolve()]
    assert [s.record.created_at[:10] for s in steps] == ["2025-10-01", "2025-11-01"]
    folder = rows[("tiny", PROJECT_FOLDER)]
    assert folder.record.error == "" and folder.record.score is not None and folder.record.owner == "Ana Data"
    assert _listing(project) == before  # the project folder was scanned, never written

    save_review(second, APPROVED, "fine", by="lead")
    assert read_review(second).state == APPROVED and read_review(first).state != APPROVED

    assert main(["portfolio", str(landing), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].startswith("tiny,Ana Data,") and ",approved," in out


def _manifest_text(bundle: Path) -> str:
    import zipfile

    with zipfile.ZipFile(bundle) as archive:
        return archive.read("handoff-manifest.json").decode()


def _listing(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}
