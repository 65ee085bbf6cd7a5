"""What the portfolio shows: one record per bundle or project folder, one row per project, and history.

Plain frozen dataclasses so the CLI, the exports and the GUI model all read the same values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from handoff_assistant.outcome import FAILED as OUTCOME_FAILED, INCOMPLETE as OUTCOME_INCOMPLETE, PASSED as OUTCOME_PASSED

SCHEMA_VERSION = 1

# Where a record came from.
BUNDLE = "bundle"
PROJECT_FOLDER = "project folder"

# IT verification states (from verification.json beside a bundle; outcomes from handoff_assistant.outcome).
NOT_RUN = "not run"
PASSED = OUTCOME_PASSED
FAILED = OUTCOME_FAILED
INCOMPLETE = OUTCOME_INCOMPLETE
RECORD_ERROR = "record error"  # the verification.json beside the bundle cannot be trusted; detail says why

# Review states (from review.json beside a bundle).
UNREVIEWED = "unreviewed"
APPROVED = "approved"
CHANGES_REQUESTED = "changes requested"

# Level shown for something that could not be read.
UNREADABLE = "Unreadable"


@dataclass(frozen=True)
class SectionValue:
    id: str
    title: str
    score: Optional[float]  # 0-100; None when every item of the section is N/A


@dataclass(frozen=True)
class ChecklistLine:
    """One checklist item as recorded in the assessment (status: pass, attested, fail, na, unknown)."""

    id: str
    section: str
    title: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Record:
    """One bundle or one project folder as read from disk; ``error`` says why it could not be read."""

    path: str
    kind: str  # BUNDLE or PROJECT_FOLDER
    project: str
    owner: str = ""
    version: str = ""  # what the lead recognises a handoff by: source commit, else tool version
    created_at: str = ""  # ISO 8601; for a project folder, when it was scanned
    score: Optional[float] = None
    level: str = UNREADABLE
    weakest_section: Optional[str] = None
    blockers: tuple[str, ...] = ()
    sections: tuple[SectionValue, ...] = ()
    items: tuple[ChecklistLine, ...] = ()
    error: str = ""

    @property
    def readable(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Verification:
    state: str = NOT_RUN  # NOT_RUN, PASSED, FAILED, INCOMPLETE, RECORD_ERROR
    by: str = ""
    at: str = ""
    detail: str = ""  # e.g. "2 of 9 checks failed: …", "incomplete: …", or why verification.json is not trusted


@dataclass(frozen=True)
class ReviewStatus:
    state: str = UNREVIEWED  # UNREVIEWED, APPROVED, CHANGES_REQUESTED
    by: str = ""
    at: str = ""
    comment: str = ""
    detail: str = ""  # e.g. "the bundle changed after the review", or why review.json could not be read


@dataclass(frozen=True)
class Row:
    """One line of the portfolio table: a project's latest bundle, a project folder, or an unreadable item."""

    record: Record
    verification: Verification = Verification()
    review: ReviewStatus = ReviewStatus()
    bundle_count: int = 0  # bundles of this project found below the sources
    score_change: Optional[float] = None  # latest score minus the previous bundle's score

    @property
    def project(self) -> str:
        return self.record.project

    @property
    def level(self) -> str:
        return self.record.level


@dataclass(frozen=True)
class HistoryStep:
    """One bundle in a project's history and how it differs from the bundle before it."""

    record: Record
    score_change: Optional[float] = None  # None for the first bundle
    previous_level: Optional[str] = None
    blockers_added: tuple[str, ...] = ()
    blockers_resolved: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()  # readable lines from `handoff diff` when it is available

    @property
    def level_changed(self) -> bool:
        return self.previous_level is not None and self.previous_level != self.record.level


@dataclass(frozen=True)
class History:
    project: str
    steps: tuple[HistoryStep, ...]  # oldest first (ordered by created_at)


@dataclass(frozen=True)
class Portfolio:
    rows: tuple[Row, ...]
    generated_at: str
    sources: tuple[str, ...]
    schema_version: int = SCHEMA_VERSION
