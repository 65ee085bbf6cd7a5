"""The portfolio built from bundles and project folders made in the test."""
from __future__ import annotations

from pathlib import Path

import pytest

from handoff_assistant.portfolio.build import build_portfolio, bundle_changes, history, refresh, rows_from_records
from handoff_assistant.portfolio.bundles import default_manifest_reader
from handoff_assistant.portfolio.model import (APPROVED, BUNDLE, FAILED, INCOMPLETE, NOT_RUN, PASSED, PROJECT_FOLDER, RECORD_ERROR,
                                               UNREADABLE, UNREVIEWED)
from handoff_assistant.portfolio.projects import default_project_assessor
from handoff_assistant.portfolio.reviews import save_review
from handoff_assistant.portfolio.store import Store, default_database_path
from handoff_assistant.tasks import CancelToken, Cancelled
from tests.portfolio.conftest import fixed_assessor, make_bundle, manifest, write_verification


def build(sources, store=None):
    store = store or Store()
    return build_portfolio(sources, store, assessor=fixed_assessor)


def by_project(portfolio):
    return {(row.project, row.record.kind): row for row in portfolio.rows}


def test_one_row_per_project_from_its_latest_bundle(landing):
    rows = by_project(build([landing]))
    churn = rows[("churn", BUNDLE)]
    assert churn.record.score == 85 and churn.record.level == "Ready"
    assert churn.record.path.endswith("churn-3")
    assert churn.bundle_count == 3
    assert churn.score_change == 23
    assert churn.record.owner == "Ana Data"
    assert churn.record.version == "0123456789"
    assert [s.id for s in churn.record.sections][:2] == ["code", "environment"]
    assert [(i.id, i.status) for i in churn.record.items][:2] == [("code-item", "pass"), ("environment-item", "pass")]


def test_weakest_section_blockers_and_verification(landing):
    rows = by_project(build([landing]))
    fraud = rows[("fraud", BUNDLE)]
    assert fraud.record.weakest_section == "testing"
    assert fraud.verification.state == PASSED and fraud.verification.by == "it-ops"
    assert fraud.verification.detail == "2 passed"
    assert rows[("churn", BUNDLE)].verification.state == NOT_RUN
    assert fraud.review.state == UNREVIEWED


def test_corrupt_bundle_is_a_row_with_the_reason(landing):
    rows = by_project(build([landing]))
    broken = rows[("broken", BUNDLE)]
    assert broken.level == UNREADABLE
    assert "zip" in broken.record.error.lower()
    assert broken.record.score is None


def test_project_folder_is_assessed_and_shown(landing):
    forecast = by_project(build([landing]))[("forecast", PROJECT_FOLDER)]
    assert forecast.record.score == 55
    assert forecast.record.version == "working folder"


def test_a_missing_source_is_a_row_not_an_exception(tmp_path):
    portfolio = build([tmp_path / "nowhere"])
    assert [(r.project, r.record.error) for r in portfolio.rows] == [("nowhere", "not found")]


def test_malformed_manifest_is_a_row_with_the_reason(tmp_path):
    bundle = make_bundle(tmp_path, "odd", manifest("odd", "2026-01-01T00:00:00+00:00", 50, "Needs work"), False)
    (bundle / "handoff-manifest.json").write_text(
        '{"files": [], "project": {"name": "odd"}, "assessment": {"score": "high"}}')
    (row,) = build([tmp_path]).rows
    assert row.level == UNREADABLE
    assert "malformed field" in row.record.error
    (bundle / "handoff-manifest.json").write_text('{"project": {"name": "odd"}}')
    (row,) = build([tmp_path]).rows
    assert "no file list" in row.record.error


def test_history_is_ordered_by_creation_with_changes(landing):
    with Store() as store:
        build([landing], store)
        steps = history("churn", store).steps
    assert [s.record.score for s in steps] == [40, 62, 85]
    assert [s.score_change for s in steps] == [None, 22, 23]
    assert steps[2].level_changed and steps[2].previous_level == "Not ready"
    assert steps[1].blockers_resolved == ("no-hardcoded-credentials",)
    assert steps[2].blockers_resolved == ("owner-named",) and steps[2].blockers_added == ()


def test_history_uses_the_diff_seam_when_given(landing):
    with Store() as store:
        build([landing], store)
        steps = history("churn", store, describe_changes=lambda old, new: [f"{old.name} -> {new.name}"]).steps
    assert steps[0].changes == ()
    assert steps[1].changes == ("churn-1.zip -> churn-2.zip",)


def test_database_deleted_and_rebuilt_gives_the_same_rows_and_history(landing):
    save_review(landing / "churn" / "churn-3", APPROVED, "ship it", by="lead")
    with Store() as store:
        first = build([landing], store).rows
        first_history = history("churn", store)
    default_database_path().unlink()
    with Store() as store:
        assert store.records() == []
        second = build([landing], store).rows
        assert history("churn", store) == first_history
    assert second == first
    assert by_project_rows(second)[("churn", BUNDLE)].review.state == APPROVED


def by_project_rows(rows):
    return {(row.project, row.record.kind): row for row in rows}


def test_refresh_reuses_the_store_until_a_bundle_changes(landing):
    calls: list[Path] = []
    real_reader = default_manifest_reader()

    def counting_reader(path: Path) -> dict:
        calls.append(path)
        return real_reader(path)

    with Store() as store:
        list(refresh([landing], store, counting_reader, fixed_assessor))
        assert len(calls) == 5
        calls.clear()
        list(refresh([landing], store, counting_reader, fixed_assessor))
        assert calls == [landing.resolve() / "broken.zip"]  # failures are retried, never remembered
        calls.clear()
        make_bundle(landing / "churn", "churn-4", manifest("churn", "2026-11-25T09:00:00+00:00", 90, "Ready"))
        records = list(refresh([landing], store, counting_reader, fixed_assessor))
    assert calls == [landing.resolve() / "broken.zip", landing.resolve() / "churn" / "churn-4.zip"]
    assert by_project_rows(rows_from_records(records))[("churn", BUNDLE)].record.score == 90


def test_a_deleted_bundle_leaves_the_store(landing):
    with Store() as store:
        build([landing], store)
        assert len(store.bundles_of("churn")) == 3
        (landing / "churn" / "churn-1.zip").unlink()
        build([landing], store)
        assert [Path(r.path).name for r in store.bundles_of("churn")] == ["churn-2.zip", "churn-3"]


def test_progress_is_reported_and_cancel_stops(landing):
    seen = []
    with Store() as store:
        build_portfolio([landing], store, assessor=fixed_assessor,
                        progress=lambda done, total, message: seen.append((done, total)))
        assert seen[-1] == (6, 6)
        token = CancelToken()
        token.cancel()
        with pytest.raises(Cancelled):
            build_portfolio([landing], store, assessor=fixed_assessor, cancel=token)


def test_failed_and_unreadable_verification(landing):
    fraud_bundle = landing / "fraud-1.zip"
    write_verification(fraud_bundle, failed=("smoke",))
    fraud = by_project(build([landing]))[("fraud", BUNDLE)]
    assert fraud.verification.state == FAILED and fraud.verification.detail == "1 of 2 checks failed: smoke: failed"
    write_verification(fraud_bundle, incomplete=("smoke",))
    fraud = by_project(build([landing]))[("fraud", BUNDLE)]
    assert fraud.verification.state == INCOMPLETE and fraud.verification.detail == "not verified: smoke: no sample input"
    write_verification(fraud_bundle, integrity_ok=False)
    fraud = by_project(build([landing]))[("fraud", BUNDLE)]
    assert fraud.verification.state == FAILED and fraud.verification.detail == "integrity failed: RUNBOOK.md: changed"
    (landing / "fraud-1.verification.json").write_bytes(b"\xff\xfe not json")
    fraud = by_project(build([landing]))[("fraud", BUNDLE)]
    assert fraud.verification.state == RECORD_ERROR and "cannot be read" in fraud.verification.detail
    (landing / "fraud-1.verification.json").write_text('{"passed": true}')
    fraud = by_project(build([landing]))[("fraud", BUNDLE)]
    assert fraud.verification.state == RECORD_ERROR and "not a verification record" in fraud.verification.detail


def test_a_project_folder_with_a_malformed_handoff_yaml_is_a_row_with_the_reason(tmp_path):
    project = tmp_path / "bad-project"
    project.mkdir()
    (project / "handoff.yaml").write_text("name: [unclosed\nowner: {\n")
    with Store() as store:
        (row,) = build_portfolio([tmp_path], store).rows
    assert row.record.kind == PROJECT_FOLDER and row.level == UNREADABLE
    assert row.record.error.startswith("cannot assess it: ") and "handoff.yaml" in row.record.error


def test_cancel_reaches_a_project_folder_scan(tmp_path):
    project = tmp_path / "big-project"
    project.mkdir()
    (project / "handoff.yaml").write_text("name: big\n")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        default_project_assessor(cancel=token)(project)


def test_history_describes_changes_with_handoff_diff(tmp_path):
    def pandas(version):
        return [{"distribution": "pandas", "installed_version": version, "import_names": ["pandas"]}]

    make_bundle(tmp_path, "m-1", manifest("m", "2026-10-01T00:00:00+00:00", 50, "Needs work",
                                          dependencies=pandas("2.1.0")))
    make_bundle(tmp_path, "m-2", manifest("m", "2026-11-01T00:00:00+00:00", 70, "Needs work",
                                          dependencies=pandas("2.2.0")))
    with Store() as store:
        build([tmp_path], store)
        steps = history("m", store, describe_changes=bundle_changes).steps
    assert steps[1].changes == ("Dependencies: ~ pandas 2.1.0 → 2.2.0 (upgraded)",)
    assert bundle_changes(tmp_path / "m-1.zip", tmp_path / "gone.zip")[0].startswith("cannot compare: ")


def test_a_bundle_from_a_folder_without_git_says_no_commit_not_the_tools_version(tmp_path):
    make_bundle(tmp_path, "plain", manifest("plain", "2026-01-01T00:00:00+00:00", 50, "Needs work", commit=None))
    [row] = build([tmp_path]).rows
    assert row.record.version == "no commit"
