"""What every detector shares: rule descriptions, snippets with secrets masked, and stable fingerprints."""
from __future__ import annotations

import bisect
import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Optional

from handoff_assistant.scan.findings.masking import mask_secrets, mask_spans
from handoff_assistant.scan.report import Finding

SNIPPET_MAX = 160
FINGERPRINT_LENGTH = 20


@dataclass(frozen=True)
class Rule:
    """A kind of finding: what it means and how to fix it, in words a data scientist uses."""

    id: str  # "path.user-home"
    category: str  # one of report.CATEGORIES
    severity: str  # one of report.SEVERITIES
    title: str  # short name for lists and SARIF rule names
    message: str  # one sentence; may contain {detail}, never a secret value
    fix: str  # what to do instead


RULES: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Detector modules register their rules so renderers (SARIF, HTML) can describe every rule id."""
    for rule in rules:
        RULES[rule.id] = rule


@dataclass(frozen=True)
class Hit:
    """Where a detector matched, before it becomes a Finding (which needs the whole line's masking)."""

    rule: Rule
    line: int  # 1-based within the text
    detail: str = ""  # inserted in the rule's message; never a secret value
    masks: tuple[tuple[int, int, int], ...] = ()  # (line, start column, end column) of secret values to hide


class TakenSpans:
    """Column ranges already reported on one line, kept sorted: asking whether a new range overlaps one of them
    looks only at its neighbours, so a long line with thousands of matches stays linear (a plain list scan made
    a 500 KB line of paths take minutes)."""

    def __init__(self) -> None:
        self._ranges: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._ranges, (start, end))
        return any(self._ranges[i][0] < end and start < self._ranges[i][1]
                   for i in (index - 1, index) if 0 <= i < len(self._ranges))

    def add(self, start: int, end: int) -> None:
        """Add a range that overlaps none already taken (callers ask ``overlaps`` first)."""
        bisect.insort(self._ranges, (start, end))


_SNIPPET_SOURCE_MAX = 10_000  # characters of a long line that are masked to make its snippet


def make_snippet(line_text: str, spans: Iterable[tuple[int, int]] = ()) -> str:
    """The line as shown to people: secrets masked (known spans and anything recognisable), trimmed.

    Only the start of a very long line is masked (masking all of a 5 MB line for a 160-character snippet took
    seconds); when masking shrinks that start so much that the cut could show, the whole line is masked."""
    spans = list(spans)
    if len(line_text) > _SNIPPET_SOURCE_MAX:
        cut = _SNIPPET_SOURCE_MAX
        masked = mask_secrets(mask_spans(line_text[:cut], [(s, min(e, cut)) for s, e in spans if s < cut])).strip()
        if len(masked) > SNIPPET_MAX + 200:
            return masked[: SNIPPET_MAX - 1] + "…"
    masked = mask_secrets(mask_spans(line_text, spans)).strip()
    return masked if len(masked) <= SNIPPET_MAX else masked[: SNIPPET_MAX - 1] + "…"


def normalise_snippet(snippet: str) -> str:
    return " ".join(snippet.split())


def fingerprint(rule: str, file: str, cell: Optional[int], snippet: str, occurrence: int = 0) -> str:
    """Stable across unrelated edits: no line number, only what the finding is and where (file, cell)."""
    key = "\x1f".join((rule, file, "" if cell is None else str(cell), normalise_snippet(snippet), str(occurrence)))
    # surrogateescape: a file name that is not UTF-8 is hashed as its bytes (strict UTF-8 raised, and the
    # file's findings were lost as "could not be analysed")
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:FINGERPRINT_LENGTH]


def with_fingerprints(findings: Iterable[Finding]) -> list[Finding]:
    """Give each finding its fingerprint; equal findings in one file and cell are told apart by order of line."""
    ordered = sorted(findings, key=lambda f: (f.file, f.cell if f.cell is not None else -1, f.line, f.rule))
    seen: Counter[tuple] = Counter()
    result = []
    for finding in ordered:
        key = (finding.rule, finding.file, finding.cell, normalise_snippet(finding.snippet))
        result.append(replace(finding, fingerprint=fingerprint(*key, occurrence=seen[key])))
        seen[key] += 1
    return result


def make_finding(rule: Rule, *, file: str, line: int, snippet: str, cell: Optional[int] = None,
                 detail: str = "", severity: Optional[str] = None) -> Finding:
    """A Finding from a rule; the snippet must already be masked (see make_snippet)."""
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=severity or rule.severity,
        file=file,
        line=line,
        message=rule.message.format(detail=detail),
        fix=rule.fix,
        snippet=snippet,
        cell=cell,
        fingerprint=fingerprint(rule.id, file, cell, snippet),
    )
