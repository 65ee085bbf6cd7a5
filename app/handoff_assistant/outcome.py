"""Outcomes, not booleans: every check and every verification ends ``passed``, ``failed`` or ``incomplete``.

``incomplete`` means "could not be verified" (no sample input, a skipped check, an unreachable host, a tool
that could not be asked); it always carries the reason and it is never success. A single check may also be
``n/a`` — it does not apply to this bundle (no configuration key to check) — which neither passes nor blocks.

Only ``passed`` is success: ``combine`` gives ``failed`` when any part failed, else ``incomplete`` when any part
could not be verified (or nothing was checked at all), else ``passed``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

PASSED = "passed"
FAILED = "failed"
INCOMPLETE = "incomplete"
NOT_APPLICABLE = "n/a"
OUTCOMES = (PASSED, FAILED, INCOMPLETE)  # of a whole verification
CHECK_STATUSES = (PASSED, FAILED, INCOMPLETE, NOT_APPLICABLE)  # of one check

# Statuses written by earlier versions, read as the outcome they really were: a skipped check was not verified.
LEGACY_STATUSES = {"skipped": INCOMPLETE, "skip": INCOMPLETE, "pass": PASSED, "fail": FAILED}


@dataclass(frozen=True)
class Outcome:
    state: str  # one of OUTCOMES
    reasons: tuple[str, ...] = ()  # why it failed or is incomplete, one sentence each

    @property
    def passed(self) -> bool:
        return self.state == PASSED


def check_status(text: object) -> str:
    """A status as written in a record → one of CHECK_STATUSES; ValueError for anything else.

    Only the exact words are accepted (``"PASSED!!"``, ``True`` or ``"ok"`` are not a status): an unreadable
    status must never be mistaken for a pass.
    """
    if isinstance(text, str):
        if text in CHECK_STATUSES:
            return text
        if text in LEGACY_STATUSES:
            return LEGACY_STATUSES[text]
    raise ValueError(f"{text!r} is not a check status (expected one of {', '.join(CHECK_STATUSES)})")


def combine(parts: Iterable[tuple[str, str]], *, nothing_checked: str = "No check ran.") -> Outcome:
    """The outcome of several ``(status, reason)`` parts; reasons of failed parts first, then incomplete ones."""
    items = list(parts)
    failed = tuple(reason for status, reason in items if status == FAILED)
    if failed:
        return Outcome(FAILED, failed)
    incomplete = tuple(reason for status, reason in items if status == INCOMPLETE)
    if incomplete:
        return Outcome(INCOMPLETE, incomplete)
    if not any(status == PASSED for status, _ in items):
        return Outcome(INCOMPLETE, (nothing_checked,))
    return Outcome(PASSED)


def outcome_label(state: str) -> str:
    """How every output names a state: PASSED, FAILED, INCOMPLETE (n/a stays lower case)."""
    return state.upper() if state in OUTCOMES else state
