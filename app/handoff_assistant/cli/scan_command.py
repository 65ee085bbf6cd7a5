"""``handoff scan PATH [--python PY] [--format text|json|sarif] [-o FILE]``.

Exit 0 when the scan ran, whatever it found; 2 with a one-line reason when the folder, the interpreter or the
output file cannot be used. The text format is for people; JSON (docs/scan-report.md) and SARIF are for tools.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from typing import Iterable

from handoff_assistant.cli.output import TerminalProgress, write_output
from handoff_assistant.formatting import human_size
from handoff_assistant.scan.report import (
    CATEGORIES, DECLARED_UNUSED, SEVERITIES, UNKNOWN, USED_DECLARED, USED_UNDECLARED, Dependency, Finding, ScanReport,
    SourceRef, location_text, shown_report,
)

CATEGORY_TITLES = {"secret": "Secrets", "path": "Hardcoded paths", "host": "Hardcoded hosts", "network": "Downloads at run time",
                   "workdir": "Working directory", "notebook": "Notebooks", "code": "Code", "data": "Data"}
STATUS_TITLES = (
    (UNKNOWN, "Unknown imports: no known distribution provides them; declare where they come from"),
    (USED_UNDECLARED, "Used but not declared: add them to requirements.txt"),
    (USED_DECLARED, "Used and declared"),
    (DECLARED_UNUSED, "Declared but not used"),
)
MAX_PLACES = 3  # source places shown per dependency


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the prototype's folder")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--no-cache", action="store_true", help="ignore cached per-file results")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError
    from handoff_assistant.scan import ScanError, ScanOptions, scan_project
    from handoff_assistant.scan.environment import EnvironmentProbeError

    progress = TerminalProgress()
    try:
        report = scan_project(args.path, ScanOptions(python=args.python, use_cache=not args.no_cache), progress)
    except (ScanError, EnvironmentProbeError) as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    write_output(render(report, args.format), args.output)
    return 0


def render(report: ScanReport, fmt: str) -> str:
    """The report in ``fmt``, file names as every output shows them (a secret in a name masked)."""
    report = shown_report(report)
    if fmt == "json":
        return report.to_json()
    if fmt == "sarif":
        from handoff_assistant.reports.sarif import render_sarif

        return render_sarif(report)
    return render_text(report)


def render_text(report: ScanReport) -> str:
    sections = [_header(report), _languages(report), _dependencies(report), _findings(report.findings)]
    if report.problems:
        sections.append("\n".join([f"Could not read ({len(report.problems)}); the scan went on without:"]
                                  + [f"  {p.file}: {p.reason}" for p in report.problems]))
    return "\n\n".join(sections) + "\n"


def _header(report: ScanReport) -> str:
    files = report.files
    target = report.target
    interpreter = (f"Python {target.python_version} on {target.platform} ({target.interpreter}, from {target.source})"
                   if target.python_version else "no Python interpreter answered: installed versions are unknown")
    skipped = f", {len(files.skipped)} skipped" if files.skipped else ""
    data = f", {len(files.data_files)} data files" if files.data_files else ""
    return "\n".join([
        f"Scanned {report.root}",
        f"  {files.count} files ({human_size(files.bytes)}), {files.analysed} analysed{skipped}{data}",
        f"  Target: {interpreter}",
        f"  Project's Python: {_project_python(report)}",
    ])


def _project_python(report: ScanReport) -> str:
    from handoff_assistant.scan.python_version import INTERPRETER, choose_target_python, describe

    chosen = choose_target_python(report.python_versions)
    if chosen.chosen is None or chosen.chosen.source == INTERPRETER:
        return "not recorded in the project (a bundle uses the interpreter's)"
    others = "".join(f"; disagrees: {c.sentence}" for c in chosen.conflicts)
    return f"{chosen.version} from {describe(chosen.chosen)}{others}"


def _languages(report: ScanReport) -> str:
    if not report.languages:
        return "Languages: none recognised"
    width = max(len(stat.name) for stat in report.languages)
    return "\n".join(["Languages"] + [f"  {stat.name:<{width}}  {_count(stat.files, 'file'):<10} "
                                      f"{_count(stat.code_lines, 'line')}" for stat in report.languages])


def _dependencies(report: ScanReport) -> str:
    lines = [f"Python dependencies ({len(report.dependencies)})"]
    by_status: dict[str, list[Dependency]] = defaultdict(list)
    for dependency in report.dependencies:
        by_status[dependency.status].append(dependency)
    for status, title in STATUS_TITLES:
        if by_status[status]:
            lines.append(f"  {title} ({len(by_status[status])}):")
            lines += [_dependency_line(d, status) for d in by_status[status]]
    if report.r_packages:
        names = ", ".join(p.name for p in report.r_packages if not p.base)
        lines.append(f"R packages ({len(report.r_packages)}): {names or 'base R only'}")
    return "\n".join(lines)


def _dependency_line(dependency: Dependency, status: str) -> str:
    mark = "!" if status in (UNKNOWN, USED_UNDECLARED) else " "
    name = dependency.distribution or ", ".join(dependency.import_names)
    parts = [f"   {mark} {name}"]
    if dependency.distribution and dependency.import_names and dependency.import_names != (dependency.distribution,):
        parts.append(f"(import {', '.join(dependency.import_names)})")
    if dependency.declared_spec:
        parts.append(f"declared {dependency.declared_spec}")
    if dependency.installed_version:
        parts.append(f"installed {dependency.installed_version}")
    if dependency.suggestion:
        parts.append(f"suggested: {dependency.suggestion} (knowledge base; accept it under resolutions in "
                     "handoff.yaml to lock it)")
    elif dependency.resolved_by == "suggested":
        parts.append(f"knowledge base candidates, none clear: {_capped(dependency.candidates)}")
    elif dependency.candidates:
        parts.append(f"one of: {', '.join(dependency.candidates)}")
    if dependency.optional:
        parts.append("optional")
    if dependency.pip_installed_in:
        parts.append(f"pip-installed in {_places(dependency.pip_installed_in)}")
    elif status == UNKNOWN and dependency.sources:
        parts.append(f"imported in {_places(dependency.sources)}")
    return " ".join(parts)


def _capped(names: tuple[str, ...], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _findings(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    if not findings:
        return "Findings: none"
    counts = ", ".join(f"{n} {s}" for s in SEVERITIES if (n := sum(f.severity == s for f in findings)))
    lines = [f"Findings ({len(findings)}: {counts})"]
    by_category: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_category[finding.category].append(finding)
    for category in sorted(by_category, key=_category_order):
        lines.append(f"  {CATEGORY_TITLES.get(category, category.capitalize())} ({len(by_category[category])})")
        lines += _rule_groups(by_category[category])
    return "\n".join(lines)


def _rule_groups(findings: list[Finding]) -> list[str]:
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    lines = []
    for rule_id, group in sorted(by_rule.items(), key=lambda item: (SEVERITIES.index(item[1][0].severity), item[0])):
        lines.append(f"    [{group[0].severity.upper()}] {_rule_title(rule_id)} ({rule_id})")
        for finding in sorted(group, key=lambda f: (f.file, f.cell or 0, f.line)):
            lines.append(f"      {_location(finding)}  {finding.snippet or finding.message}")
        lines.append(f"      Fix: {group[0].fix}")
    return lines


def _rule_title(rule_id: str) -> str:
    """The rule's title; a finding in a saved notebook output is titled after the rule it repeats."""
    from handoff_assistant.scan.findings import RULES
    from handoff_assistant.scan.findings.notebooks import OUTPUT_RULE_PREFIX

    if rule_id in RULES:
        return RULES[rule_id].title
    base = rule_id.removeprefix(OUTPUT_RULE_PREFIX)
    if base != rule_id and base in RULES:
        return f"In saved notebook outputs: {RULES[base].title}"
    return rule_id


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _location(finding: Finding) -> str:
    return location_text(finding.file, finding.line, finding.cell)


def _places(refs: tuple[SourceRef, ...]) -> str:
    shown = [location_text(r.file, r.line, r.cell) for r in refs[:MAX_PLACES]]
    more = f" and {len(refs) - MAX_PLACES} more" if len(refs) > MAX_PLACES else ""
    return ", ".join(shown) + more


def _category_order(category: str) -> int:
    return CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)

