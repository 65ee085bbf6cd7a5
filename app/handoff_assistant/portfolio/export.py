"""Portfolio exports: CSV for spreadsheets, JSON for tools, and a one-page self-contained HTML summary."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter

import jinja2

from handoff_assistant import __version__
from handoff_assistant.assets import resource_path
from handoff_assistant.portfolio.model import Portfolio, Row
from handoff_assistant.portfolio.table import COLUMNS, LEVEL_ORDER
from handoff_assistant.serialization import to_jsonable

_EXTRA_CSV = ("bundles", "score_change", "blocker_ids", "verification_detail", "reviewed_by", "reviewed_at",
              "review_comment", "path", "problem")

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"); a number such as
# a score change "-2.5" is left as it is, since a plain number cannot run.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def section_ids(rows: tuple[Row, ...]) -> list[str]:
    """Every section seen, in first-seen order (the checklist's order for a normal portfolio)."""
    seen: dict[str, None] = {}
    for row in rows:
        for section in row.record.sections:
            seen.setdefault(section.id, None)
    return list(seen)


def to_csv(portfolio: Portfolio) -> str:
    sections = section_ids(portfolio.rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = [c.id for c in COLUMNS] + [f"section_{s}" for s in sections] + list(_EXTRA_CSV)
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in portfolio.rows:
        scores = {s.id: s.score for s in row.record.sections}
        cells = ([c.text(row) for c in COLUMNS]
                 + ["" if scores.get(s) is None else f"{scores[s]:.0f}" for s in sections]
                 + _extra_cells(row))
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return out.getvalue()


def spreadsheet_safe(cell: str) -> str:
    """The cell with a leading ``'`` when a spreadsheet would run it as a formula (text from bundles and reviews)."""
    if cell.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _extra_cells(row: Row) -> list[str]:
    change = "" if row.score_change is None else f"{row.score_change:+.1f}"
    return [str(row.bundle_count), change, " ".join(row.record.blockers), row.verification.detail,
            row.review.by, row.review.at, row.review.comment, row.record.path, row.record.error]


def to_json(portfolio: Portfolio) -> str:
    return json.dumps(to_jsonable(portfolio), indent=2)


def to_html(portfolio: Portfolio) -> str:
    """One self-contained page (inline CSS, no scripts, no external assets) laid out to print on A4 landscape."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(resource_path("templates"))),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    template = environment.get_template("portfolio.html.j2")
    levels = Counter(row.level for row in portfolio.rows)
    sections = section_ids(portfolio.rows)

    def aligned_sections(row: Row) -> list[tuple[str, object]]:
        by_id = {s.id: s for s in row.record.sections}
        return [(by_id[i].title, by_id[i].score) if i in by_id else (i, None) for i in sections]

    return template.render(portfolio=portfolio, columns=COLUMNS, sections=sections,
                           levels=sorted(levels.items(), key=lambda kv: -LEVEL_ORDER.get(kv[0], 0)),
                           tool_version=__version__, css_class=_css_class, aligned_sections=aligned_sections)


def _css_class(level: str) -> str:
    return {3: "ready", 2: "needs-work", 1: "not-ready"}.get(LEVEL_ORDER.get(level, 0), "unreadable")
