"""The portfolio table as data: its columns, how each cell reads and sorts, and the filter.

The CLI text and CSV output, the HTML export and the GUI model all use these, so a column means the
same thing everywhere and sorting/filtering behave the same in the terminal and the window.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional

from handoff_assistant.portfolio.model import BUNDLE, UNREADABLE, Row
from handoff_assistant.readiness.model import NEEDS_WORK, NOT_READY, READY

LEVEL_ORDER = {UNREADABLE: 0, NOT_READY: 1, NEEDS_WORK: 2, READY: 3}


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    text: Callable[[Row], str]
    sort_key: Callable[[Row], Any]


def _score_text(row: Row) -> str:
    return "" if row.record.score is None else f"{row.record.score:.0f}"


def _date(row: Row) -> str:
    return row.record.created_at[:10]


COLUMNS: tuple[Column, ...] = (
    Column("project", "Project", lambda r: r.project, lambda r: r.project.lower()),
    Column("owner", "Owner", lambda r: r.record.owner, lambda r: r.record.owner.lower()),
    Column("version", "Version", lambda r: r.record.version, lambda r: r.record.version),
    Column("date", "Date", _date, lambda r: r.record.created_at),
    Column("score", "Score", _score_text, lambda r: -1.0 if r.record.score is None else r.record.score),
    Column("level", "Level", lambda r: r.level, lambda r: LEVEL_ORDER.get(r.level, 0)),
    Column("weakest", "Weakest section", lambda r: r.record.weakest_section or "",
           lambda r: (r.record.weakest_section or "").lower()),
    Column("blockers", "Blockers", lambda r: str(len(r.record.blockers)) if r.record.readable else "",
           lambda r: len(r.record.blockers)),
    Column("verification", "IT verification", lambda r: r.verification.state if _is_bundle(r) else "",
           lambda r: r.verification.state),
    Column("review", "Review", lambda r: r.review.state if _is_bundle(r) else "", lambda r: r.review.state),
)
COLUMN_IDS = tuple(c.id for c in COLUMNS)


def _is_bundle(row: Row) -> bool:
    return row.record.kind == BUNDLE and row.record.readable


def column(column_id: str) -> Column:
    for candidate in COLUMNS:
        if candidate.id == column_id:
            return candidate
    raise KeyError(f"unknown column {column_id!r}; choose one of {', '.join(COLUMN_IDS)}")


def sort_rows(rows: Iterable[Row], by: str = "project", descending: bool = False) -> tuple[Row, ...]:
    """Stable sort by one column; ties keep project order."""
    key = column(by).sort_key
    by_project = sorted(rows, key=lambda r: (r.project.lower(), r.record.path))
    return tuple(sorted(by_project, key=key, reverse=descending))


@dataclass(frozen=True)
class RowFilter:
    """Empty fields match everything. ``text`` searches project, owner, version, weakest section, path, reason."""

    levels: frozenset[str] = frozenset()
    owner: str = ""
    with_blockers: Optional[bool] = None  # True: only rows with blockers; False: only rows without
    text: str = ""

    def matches(self, row: Row) -> bool:
        record = row.record
        if self.levels and record.level not in self.levels:
            return False
        if self.owner and self.owner.lower() not in record.owner.lower():
            return False
        if self.with_blockers is not None and bool(record.blockers) != self.with_blockers:
            return False
        haystack = " ".join((record.project, record.owner, record.version, record.weakest_section or "",
                             record.path, record.error)).lower()
        return all(word in haystack for word in self.text.lower().split())


def filter_rows(rows: Iterable[Row], row_filter: RowFilter) -> tuple[Row, ...]:
    return tuple(r for r in rows if row_filter.matches(r))
