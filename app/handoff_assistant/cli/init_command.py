"""``handoff init PATH [--force]``: write a starter handoff.yaml prefilled from a scan."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handoff_assistant.cli.output import TerminalProgress


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the prototype's folder")
    parser.add_argument("--force", action="store_true", help="replace an existing handoff.yaml")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import EXIT_OK, UsageError
    from handoff_assistant.fix import fixable_findings
    from handoff_assistant.readiness.project_file import PROJECT_FILE_NAME, save_project_file, starter_project_file
    from handoff_assistant.scan import ScanError, ScanOptions, scan_project
    from handoff_assistant.scan.environment import EnvironmentProbeError

    target = Path(args.path) / PROJECT_FILE_NAME
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists; use --force to replace it")
    progress = TerminalProgress()
    try:
        report = scan_project(args.path, ScanOptions(python=args.python), progress)
    except (ScanError, EnvironmentProbeError) as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    project = starter_project_file(report)
    try:
        path = save_project_file(args.path, project, replace=args.force)  # atomic: nothing deleted first
    except OSError as error:
        raise UsageError(f"cannot write {target}: {error.strerror or error}") from error
    owner = f"owner {project.owner.name}" if project.owner else "no owner (git config has no user.name)"
    print(f"Wrote {path}: {len(project.entry_points)} entry point(s), {owner}, "
          f"{len(project.config_keys)} configuration key(s) the code reads.", file=sys.stdout)
    hardcoded = len(fixable_findings(report))
    if hardcoded:
        print(f"The code still hard-codes {hardcoded} path(s), host(s) or secret(s): `handoff fix {args.path}` "
              "previews moving them into configuration.")
    print("Next: fill in contacts, schedules, inputs/outputs and sample inputs, then run `handoff check`.")
    return EXIT_OK
