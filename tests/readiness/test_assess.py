"""Scoring arithmetic: credit, N/A, attestation, suppression, blocking, tiers, levels."""
from __future__ import annotations

import time

import pytest

from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.model import (ATTESTED, FAIL, NEEDS_WORK, NOT_APPLICABLE, NOT_READY, PASS, READY,
                                               UNKNOWN, Assessment, Attestation)
from handoff_assistant.readiness.policy import apply_policy
from handoff_assistant.scan.report import FileSummary
from tests.readiness.builders import finding, good_facts, good_project, good_report

SECRET = finding("secret.password-assignment", "secret", snippet='password = "Wi****"')


def run(report=None, project=..., policy=None, facts=None) -> Assessment:
    project = good_project() if project is ... else project
    return assess(report or good_report(), project, policy, facts=facts or good_facts())


def section(assessment: Assessment, section_id: str) -> float:
    return next(s.score for s in assessment.sections if s.id == section_id)


def item(assessment: Assessment, item_id: str):
    return next(i for i in assessment.items if i.id == item_id)


def test_ready_project_score_is_the_weighted_mean_of_sections():
    assessment = run()
    # Security: secrets 10 + secret files 7.5 + licence 5 pass, personal data 7.5 attested (0.5) -> 26.25 / 30.
    assert section(assessment, "security") == pytest.approx(87.5)
    # Operations: 42.5 applicable weight; monitoring (7.5) and rollback (5) attested -> 36.25 / 42.5.
    assert section(assessment, "operations") == pytest.approx(36.25 / 42.5 * 100)
    assert section(assessment, "code") == 100
    expected = (100 * 4 + 87.5 + 36.25 / 42.5 * 100) / 6
    assert assessment.score == pytest.approx(round(expected, 1))
    assert assessment.level == READY
    assert assessment.blockers == ()
    assert assessment.weakest_section == "operations"


def test_not_applicable_with_a_reason_leaves_the_denominator():
    attestations = dict(good_project().attestations)
    attestations["sec.personal-data"] = Attestation("na", "the project reads no personal data")
    assessment = run(project=good_project(attestations=attestations))
    personal = item(assessment, "sec.personal-data")
    assert personal.status == NOT_APPLICABLE and personal.credit == 0
    assert "the project reads no personal data" in personal.note
    assert section(assessment, "security") == 100  # 22.5 / 22.5


def test_not_applicable_without_a_reason_is_ignored():
    attestations = dict(good_project().attestations)
    attestations["sec.personal-data"] = Attestation("na", "  ")
    personal = item(run(project=good_project(attestations=attestations)), "sec.personal-data")
    assert personal.status == UNKNOWN
    assert "n/a ignored: it needs a written reason" in personal.evidence


def test_unattested_manual_items_are_unknown_and_count_with_zero_credit():
    assessment = run(project=good_project(attestations={}))
    personal = item(assessment, "sec.personal-data")
    assert (personal.status, personal.credit) == (UNKNOWN, 0)
    assert section(assessment, "security") == pytest.approx(22.5 / 30 * 100)


def test_attesting_a_failed_non_blocking_item_earns_half_credit():
    attestations = dict(good_project().attestations, **{"sec.licence": Attestation("attested", "internal use, see wiki")})
    assessment = run(project=good_project(attestations=attestations), facts=good_facts(licence_files=()))
    licence = item(assessment, "sec.licence")
    assert (licence.status, licence.credit) == (ATTESTED, 0.5)
    assert licence.evidence, "the evidence that failed is still shown"
    assert "internal use, see wiki" in licence.note


def test_a_failed_blocking_item_makes_the_project_not_ready_whatever_the_score():
    assessment = run(report=good_report(findings=(SECRET,)))
    assert assessment.score >= 80
    assert assessment.level == NOT_READY
    assert assessment.blockers == ("sec.no-hardcoded-secrets",)


def test_an_attestation_cannot_clear_a_blocking_failure():
    attestations = dict(good_project().attestations,
                        **{"sec.no-hardcoded-secrets": Attestation("attested", "it is a test password")})
    assessment = run(report=good_report(findings=(SECRET,)), project=good_project(attestations=attestations))
    secrets = item(assessment, "sec.no-hardcoded-secrets")
    assert secrets.status == FAIL
    assert "not counted" in secrets.note
    assert assessment.level == NOT_READY


def test_suppressed_findings_count_as_explained_with_their_reason_shown():
    project = good_project(suppressions={SECRET.fingerprint: "documentation example, not a real password"})
    assessment = run(report=good_report(findings=(SECRET,)), project=project)
    secrets = item(assessment, "sec.no-hardcoded-secrets")
    assert secrets.status == PASS
    assert secrets.evidence == ("suppressed: churn/data.py:3 (secret.password-assignment): "
                                "documentation example, not a real password",)
    assert "1 finding(s) suppressed" in secrets.note
    assert assessment.blockers == ()


def test_one_open_finding_among_suppressed_ones_still_fails():
    other = finding("secret.key-assignment", "secret", line=9)
    project = good_project(suppressions={SECRET.fingerprint: "fake"})
    secrets = item(run(report=good_report(findings=(SECRET, other)), project=project), "sec.no-hardcoded-secrets")
    assert secrets.status == FAIL
    assert secrets.evidence[0].startswith("churn/data.py:9")
    assert secrets.evidence[1].startswith("suppressed: churn/data.py:3")


def test_needs_work_below_the_threshold_without_blockers():
    assessment = run(project=good_project(attestations={}, entry_points=(), system_packages=(), config_keys=()),
                     facts=good_facts(test_files=(), licence_files=()))
    assert assessment.blockers == ()
    assert assessment.score < 80
    assert assessment.level == NEEDS_WORK


def test_weakest_section_is_the_lowest_scored():
    assessment = run(facts=good_facts(test_files=(), unseeded_calls=("a.py:1 shuffle()",)))
    assert assessment.weakest_section == "testing"
    assert section(assessment, "testing") == min(s.score for s in assessment.sections if s.score is not None)


def test_items_outside_the_project_tier_are_not_applicable():
    assessment = run(project=good_project(tier="experimental", attestations={}))
    rollback = item(assessment, "ops.rollback")
    assert rollback.status == NOT_APPLICABLE
    assert rollback.note == "not required for experimental projects"
    assert item(assessment, "ops.monitoring").status == NOT_APPLICABLE


def test_a_section_with_only_not_applicable_items_has_no_score_and_leaves_the_mean():
    policy = apply_policy({"items": {i: {"tiers": ["critical"]} for i in (
        "code.version-control", "code.clean-tree", "code.entry-points", "code.logic-in-modules", "code.readme",
        "code.no-large-data")}})
    assessment = run(policy=policy, facts=good_facts(licence_files=()))
    assert section(assessment, "code") is None
    scored = [s.score for s in assessment.sections if s.score is not None]
    assert assessment.score == pytest.approx(round(sum(scored) / len(scored), 1))


def test_assessment_round_trips_through_json():
    assessment = run(report=good_report(findings=(SECRET,)))
    assert Assessment.from_dict(assessment.to_dict()) == assessment


def test_policy_name_is_recorded():
    assert run().policy == "default"
    assert run(policy=apply_policy({"name": "Payments"})).policy == "Payments"


def test_assess_is_fast_enough_to_rerun_on_every_click(tmp_path):
    report = good_report(root=str(tmp_path))
    (tmp_path / "README.md").write_text("hello", encoding="utf-8")
    assess(report, good_project())  # gathers the folder's facts once
    start = time.perf_counter()
    for _ in range(50):
        assessment = assess(report, good_project())
    assert (time.perf_counter() - start) / 50 < 0.02
    assert item(assessment, "code.readme").evidence == ("README.md has only 1 word(s): say what the project does",)


def test_a_new_scan_of_an_edited_folder_gets_fresh_facts(tmp_path):
    report = good_report(root=str(tmp_path))
    assert item(assess(report, good_project()), "sec.licence").status == FAIL
    (tmp_path / "LICENSE").write_text("Internal use only", encoding="utf-8")
    rescan = good_report(root=str(tmp_path), files=FileSummary(count=13, bytes=40_017, analysed=13))
    assert item(assess(rescan, good_project()), "sec.licence").status == PASS
