"""Outcomes, not booleans: only all-passed is a pass; anything unrecognised is never read as one."""
import pytest

from handoff_assistant.outcome import (FAILED, INCOMPLETE, NOT_APPLICABLE, PASSED, Outcome, check_status, combine,
                                       outcome_label)


def test_a_failure_wins_then_incomplete_then_passed():
    assert combine([(PASSED, "a"), (INCOMPLETE, "b: no sample"), (FAILED, "c: exit 1")]) == Outcome(FAILED,
                                                                                                     ("c: exit 1",))
    assert combine([(PASSED, "a"), (INCOMPLETE, "b: no sample"), (NOT_APPLICABLE, "d")]) == Outcome(
        INCOMPLETE, ("b: no sample",))
    assert combine([(PASSED, "a"), (NOT_APPLICABLE, "d")]) == Outcome(PASSED)


def test_nothing_checked_is_incomplete_not_passed():
    assert combine([]) == Outcome(INCOMPLETE, ("No check ran.",))
    assert combine([(NOT_APPLICABLE, "nothing to check")]).state == INCOMPLETE


@pytest.mark.parametrize("text", ["PASSED!!", "ok", "Passed", "", True, 1, None, ["passed"]])
def test_an_unrecognised_status_is_refused(text):
    with pytest.raises(ValueError, match="is not a check status"):
        check_status(text)


def test_statuses_of_schema_1_read_as_what_they_were():
    assert check_status("skipped") == INCOMPLETE
    assert [check_status(s) for s in ("passed", "failed", "incomplete", "n/a")] == [PASSED, FAILED, INCOMPLETE,
                                                                                      NOT_APPLICABLE]


def test_labels():
    assert [outcome_label(s) for s in (PASSED, FAILED, INCOMPLETE, NOT_APPLICABLE)] == [
        "PASSED", "FAILED", "INCOMPLETE", "n/a"]
