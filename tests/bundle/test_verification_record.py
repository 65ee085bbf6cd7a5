"""verification.json: schema 2 with outcomes, schema 1 still read, and a reader that trusts nothing it cannot check.

Each bad record below was accepted before (``bool("false")`` is True; any status string was kept) or shown as a
pass for another bundle; the portfolio now gives that row an error (or ignores the record) instead.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.verification_record import (RECORD_SCHEMA_VERSION, CheckResult, IntegrityResult,
                                                          VerificationRecord, read_record, record_path,
                                                          record_to_dict, sums_digest, write_record)
from handoff_assistant.outcome import FAILED, INCOMPLETE, NOT_APPLICABLE, PASSED
from handoff_assistant.portfolio.model import NOT_RUN, RECORD_ERROR
from handoff_assistant.portfolio.verification import read_verification
from tests.portfolio.conftest import make_bundle, manifest


def _record(bundle: Path, *results: CheckResult, ok: bool = True) -> VerificationRecord:
    return VerificationRecord(bundle=bundle.name, project="p", bundle_created_at="", by="it", at="2026-12-01T00:00:00",
                              machine="m", platform="Linux", integrity=IntegrityResult(ok, 3), results=results,
                              bundle_sums_sha256=sums_digest(bundle))


@pytest.fixture
def bundle(tmp_path) -> Path:
    return make_bundle(tmp_path, "p-1", manifest("p", "2026-12-01T00:00:00+00:00", 80, "Ready"))


def test_the_three_outcomes_are_written_with_their_reasons(bundle):
    record = _record(bundle, CheckResult("setup", PASSED), CheckResult("smoke", INCOMPLETE, "no sample input\nmore"),
                     CheckResult("config", NOT_APPLICABLE, "no key"))
    data = record_to_dict(record)
    assert data["schema_version"] == RECORD_SCHEMA_VERSION == 2
    assert (data["outcome"], data["reasons"], data["passed"]) == (INCOMPLETE, ["smoke: no sample input"], False)
    assert data["summary"] == {"passed": 1, "failed": 0, "incomplete": 1, "n/a": 1}
    assert data["bundle_sums_sha256"] == sums_digest(bundle) and len(sums_digest(bundle)) == 64
    assert read_record(write_record(bundle, record)) == record
    assert read_verification(bundle).state == INCOMPLETE


def test_a_schema_1_record_is_read_and_its_skips_are_incomplete(bundle):
    old = {"format": "handoff-verification", "schema_version": 1, "bundle": bundle.name, "by": "it", "at": "x",
           "integrity": {"ok": True, "checked": 3, "differing": [], "problems": []}, "passed": True,
           "results": [{"name": "smoke", "status": "passed"}, {"name": "outputs", "status": "skipped",
                                                               "message": "no expected output"}],
           "summary": {"passed": 1, "failed": 0, "skipped": 1}}
    record_path(bundle).write_text(json.dumps(old))
    record = read_record(record_path(bundle))
    assert record.outcome.state == INCOMPLETE and record.results[1] == CheckResult("outputs", INCOMPLETE,
                                                                                   "no expected output")
    assert read_verification(bundle).state == INCOMPLETE  # no digest in schema 1: tied by name only


@pytest.mark.parametrize("change, reason", [
    (lambda d: d["integrity"].update(ok="false"), "integrity.ok is str 'false', not bool"),
    (lambda d: d["results"][0].update(status="PASSED!!"), "'PASSED!!' is not a check status"),
    (lambda d: d["results"][0].update(status=True), "True is not a check status"),
    (lambda d: d.update(results="all good"), "results is str"),
    (lambda d: d["integrity"].update(checked="3"), "integrity.checked is str"),
    (lambda d: d.update(by=["it"]), "by is list"),
    (lambda d: d.update(outcome="passed"), "its outcome 'passed' disagrees with its checks, which give 'failed'"),
    (lambda d: d.update(passed="yes"), "its passed value 'yes' disagrees"),
    (lambda d: d.update(outcome=None, passed=True), "its passed value True disagrees"),
])
def test_a_record_with_wrong_types_or_claims_is_an_error_row_never_passed(bundle, change, reason):
    data = record_to_dict(_record(bundle, CheckResult("smoke", FAILED, "exit 1")))
    if "outcome" in data and reason.startswith("its passed"):
        data.pop("outcome")
    change(data)
    if data.get("outcome", "x") is None:
        data.pop("outcome")
    record_path(bundle).write_text(json.dumps(data))
    with pytest.raises(BundleError, match="is not a verification record"):
        read_record(record_path(bundle))
    shown = read_verification(bundle)
    assert shown.state == RECORD_ERROR and reason in shown.detail


def test_a_record_for_another_bundle_is_ignored(bundle, tmp_path):
    write_record(bundle, _record(bundle, CheckResult("smoke", PASSED)))
    assert read_verification(bundle).state == PASSED
    rebuilt = make_bundle(tmp_path / "again", "p-1", manifest("p", "2026-12-02T00:00:00+00:00", 80, "Ready"))
    record_path(bundle).replace(record_path(rebuilt))  # same name, different content
    shown = read_verification(rebuilt)
    assert shown.state == NOT_RUN and "made for another bundle" in shown.detail


def test_a_schema_2_record_without_the_digest_is_ignored(bundle):
    data = record_to_dict(_record(bundle, CheckResult("smoke", PASSED)))
    data["bundle_sums_sha256"] = ""
    record_path(bundle).write_text(json.dumps(data))
    assert read_verification(bundle).state == NOT_RUN


def test_a_reason_that_announces_a_list_names_what_is_in_it():
    """Before, the reason stopped at '…service's environment:' and never named the missing secret."""
    from handoff_assistant.bundle.verification_record import summary_line

    message = ("1 secret(s) are not set; put each in config/.env or in the service's environment:\n"
               "  MAIL_API_TOKEN (Token of the mailing service)\n(config/.env.example lists them all.)")
    assert summary_line(message) == ("1 secret(s) are not set; put each in config/.env or in the service's "
                                    "environment: MAIL_API_TOKEN (Token of the mailing service)")
    assert summary_line("exited with code 1\nTraceback …") == "exited with code 1"
