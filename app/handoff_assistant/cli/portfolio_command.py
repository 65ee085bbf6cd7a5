"""``handoff portfolio DIR... [--format text|csv|json|html] [-o FILE] [--policy P]``: readiness across projects.

DIR is a folder where bundles land or a project folder (one with handoff.yaml); everything below is
found. The history is kept in the user's data folder and rebuilt from the bundles when it is lost.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from handoff_assistant.cli.output import TerminalProgress, write_output
from handoff_assistant.portfolio.model import History, Portfolio
from handoff_assistant.portfolio.table import COLUMN_IDS, COLUMNS, RowFilter, filter_rows, sort_rows
from handoff_assistant.serialization import to_jsonable


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="a folder where bundles land, or a project folder")
    parser.add_argument("--format", choices=("text", "csv", "json", "html"), default="text")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--policy", help="team policy YAML used to assess project folders (bundles keep theirs)")
    parser.add_argument("--sort", choices=COLUMN_IDS, default="project", help="column to sort by")
    parser.add_argument("--desc", action="store_true", help="sort in descending order")
    parser.add_argument("--level", action="append", default=[], help="only rows at this level (repeatable)")
    parser.add_argument("--owner", default="", help="only rows whose owner contains this text")
    blockers = parser.add_mutually_exclusive_group()
    blockers.add_argument("--blockers", dest="with_blockers", action="store_const", const=True,
                          help="only rows with blocking items")
    blockers.add_argument("--no-blockers", dest="with_blockers", action="store_const", const=False,
                          help="only rows without blocking items")
    parser.add_argument("--search", default="", help="only rows containing every word of this text")
    parser.add_argument("--history", metavar="PROJECT", help="show one project's bundles over time instead")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError
    from handoff_assistant.portfolio.build import build_portfolio, bundle_changes, history
    from handoff_assistant.portfolio.projects import default_project_assessor
    from handoff_assistant.portfolio.store import Store, StoreError

    assessor = default_project_assessor(_policy(args.policy))
    progress = TerminalProgress()
    try:
        with Store() as store:
            portfolio = build_portfolio([Path(d) for d in args.dirs], store, assessor=assessor, progress=progress)
            project_history = history(args.history, store, bundle_changes) if args.history else None
    except StoreError as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    if project_history is not None:
        if not project_history.steps:
            raise UsageError(f"no bundle of project {args.history!r} was found below {', '.join(args.dirs)}")
        write_output(render_history(project_history, args.format), args.output)
        return 0
    rows = filter_rows(portfolio.rows, RowFilter(levels=frozenset(args.level), owner=args.owner,
                                                 with_blockers=args.with_blockers, text=args.search))
    shown = Portfolio(rows=sort_rows(rows, args.sort, args.desc), generated_at=portfolio.generated_at,
                      sources=portfolio.sources)
    write_output(render(shown, args.format), args.output)
    return 0


def _policy(path: str | None):
    from handoff_assistant.cli import UsageError
    from handoff_assistant.readiness.policy import PolicyError, load_policy

    if not path:
        return None
    try:
        return load_policy(path)
    except (PolicyError, OSError) as error:
        raise UsageError(f"cannot use the policy {path}: {error}") from error


def render(portfolio: Portfolio, fmt: str) -> str:
    from handoff_assistant.portfolio.export import to_csv, to_html, to_json

    if fmt == "csv":
        return to_csv(portfolio)
    if fmt == "json":
        return to_json(portfolio)
    if fmt == "html":
        return to_html(portfolio)
    return render_text(portfolio)


def render_text(portfolio: Portfolio) -> str:
    if not portfolio.rows:
        return "No bundles or project folders found (a bundle has handoff-manifest.json, a project handoff.yaml)."
    table = [[c.title for c in COLUMNS]] + [[c.text(row) for c in COLUMNS] for row in portfolio.rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip() for line in table]
    problems = [row for row in portfolio.rows if row.record.error]
    if problems:
        lines += ["", f"Could not read ({len(problems)}):"]
        lines += [f"  {row.record.path}: {row.record.error}" for row in problems]
    return "\n".join(lines)


def render_history(project_history: History, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_jsonable(project_history), indent=2)
    lines = [f"History of {project_history.project} ({len(project_history.steps)} bundles):"]
    for step in project_history.steps:
        record = step.record
        score = "-" if record.score is None else f"{record.score:.0f}"
        change = "" if step.score_change is None else f" ({step.score_change:+.0f})"
        lines.append(f"  {record.created_at[:16]}  {record.version:<12} score {score}{change:<6} {record.level}")
        lines += [f"      blocker resolved: {b}" for b in step.blockers_resolved]
        lines += [f"      new blocker: {b}" for b in step.blockers_added]
        lines += [f"      {change_line}" for change_line in step.changes]
    return "\n".join(lines)
