"""``handoff scan PATH [--python PY] [--format text|json|sarif] [-o FILE]``."""
from __future__ import annotations

import argparse

from handoff_assistant.cli.output import TerminalProgress, write_output
from handoff_assistant.scan import ScanError, ScanOptions, scan_project
from handoff_assistant.scan.environment import EnvironmentProbeError
from handoff_assistant.scan.report import ScanReport


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scan", help="scan a prototype folder and report what will break on a server")
    parser.add_argument("path", help="the prototype's folder")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")
    parser.add_argument("--no-cache", action="store_true", help="ignore cached per-file results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError

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
    if fmt == "json":
        return report.to_json()
    if fmt == "sarif":
        from handoff_assistant.reports.sarif import render_sarif

        return render_sarif(report)
    return render_text(report)


def render_text(report: ScanReport) -> str:
    lines = [f"Scanned {report.root}",
             f"  {report.files.count} files, {report.files.bytes} bytes; target Python "
             f"{report.target.python_version or 'unknown'} ({report.target.interpreter or 'none'})"]
    lines.append("Languages: " + ", ".join(f"{l.name} ({l.files} files, {l.code_lines} lines)" for l in report.languages))
    lines.append(f"Dependencies ({len(report.dependencies)}):")
    for dep in report.dependencies:
        lines.append(f"  {dep.distribution or '?'} [{', '.join(dep.import_names)}] {dep.status}"
                     f" installed={dep.installed_version or '-'} declared={dep.declared_spec or '-'}")
    lines.append(f"Findings ({len(report.findings)}):")
    for finding in report.findings:
        lines.append(f"  {finding.severity:8} {finding.file}:{finding.line} {finding.message}")
    if report.problems:
        lines.append(f"Could not read ({len(report.problems)}):")
        lines += [f"  {p.file}: {p.reason}" for p in report.problems]
    return "\n".join(lines)
