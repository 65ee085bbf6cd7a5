"""``handoff check PATH [--policy P] [--fail-under N] [--format text|json|html] [-o FILE]``.

Exit 1 when a blocking item fails or the score is under --fail-under, so the command can gate a CI pipeline.
"""
from __future__ import annotations

import argparse

from handoff_assistant.cli.output import TerminalProgress, write_output
from handoff_assistant.readiness.model import ATTESTED, FAIL, UNKNOWN, Assessment, ItemResult

EVIDENCE_LINES = 3


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the prototype's folder")
    parser.add_argument("--policy", help="a team policy YAML (weights, blocking items, threshold, tiers)")
    parser.add_argument("--fail-under", type=float, metavar="N", help="exit 1 when the score is under N (0-100)")
    parser.add_argument("--format", choices=("text", "json", "html"), default="text")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK, UsageError
    from handoff_assistant.readiness.assess import assess
    from handoff_assistant.readiness.policy import PolicyError, load_policy
    from handoff_assistant.readiness.project_file import ProjectFileError, load_project_file
    from handoff_assistant.scan import ScanError, ScanOptions, scan_project
    from handoff_assistant.scan.environment import EnvironmentProbeError

    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        raise UsageError(f"--fail-under must be between 0 and 100, not {args.fail_under:g}")
    progress = TerminalProgress()
    try:
        policy = load_policy(args.policy)
        project = load_project_file(args.path)
        report = scan_project(args.path, ScanOptions(python=args.python), progress)
    except (PolicyError, ProjectFileError, ScanError, EnvironmentProbeError) as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    assessment = assess(report, project, policy)
    if args.format == "json":
        text = assessment.to_json()
    elif args.format == "html":
        from handoff_assistant.reports.html import render_readiness_html

        text = render_readiness_html(report, assessment, project)
    else:
        text = render_text(report.root, assessment, args.fail_under)
    write_output(text, args.output)
    failed = bool(assessment.blockers) or (args.fail_under is not None and assessment.score < args.fail_under)
    return EXIT_FAILED_CHECK if failed else EXIT_OK


def render_text(root: str, assessment: Assessment, fail_under: float | None = None) -> str:
    titles = {s.id: s.title for s in assessment.sections}
    lines = [f"Readiness of {root}: {assessment.score:.0f}/100 - {assessment.level} (policy: {assessment.policy})"]
    lines.append("Sections: " + ", ".join(
        f"{s.title} {'n/a' if s.score is None else f'{s.score:.0f}'}" for s in assessment.sections))
    if assessment.weakest_section:
        lines.append(f"Weakest section: {titles[assessment.weakest_section]}")
    if fail_under is not None and assessment.score < fail_under:
        lines.append(f"Score {assessment.score:.0f} is under --fail-under {fail_under:g}.")
    blocking = [i for i in assessment.items if i.id in assessment.blockers]
    failing = [i for i in assessment.items if i.status == FAIL and i.id not in assessment.blockers]
    failing.sort(key=lambda i: -i.weight)
    for heading, items in (("Blocking", blocking), ("Failing", failing)):
        if items:
            lines.append("")
            lines.append(f"{heading} ({len(items)}):")
            lines += [line for item in items for line in _item_lines(item)]
    unknown = [i.id for i in assessment.items if i.status == UNKNOWN]
    if unknown:
        lines += ["", f"Not yet attested ({len(unknown)}): {', '.join(unknown)} - attest them (with a note) in handoff.yaml"]
    attested = [i.id for i in assessment.items if i.status == ATTESTED]
    if attested:
        lines.append(f"Attested without evidence (half credit): {', '.join(attested)}")
    return "\n".join(lines)


def _item_lines(item: ItemResult) -> list[str]:
    from handoff_assistant.readiness.rules import evidence_count

    lines = [f"  x {item.id}: {item.title} [{item.risk or item.weight}]"]
    shown = [e for e in item.evidence[:EVIDENCE_LINES] if not e.startswith("… and ")]
    lines += [f"      {evidence}" for evidence in shown]
    hidden = evidence_count(item.evidence) - len(shown)  # the rule's own "… and N more" counts N, not 1
    if hidden > 0:
        lines.append(f"      ... {hidden} more")
    if item.note:
        lines.append(f"      note: {item.note}")
    lines.append(f"      fix: {item.fix}")
    return lines
