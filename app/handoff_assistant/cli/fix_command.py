"""``handoff fix PATH [--only paths,hosts,secrets] [--finding FP ...] [--apply | --undo]``.

Without ``--apply`` it prints the plan as a unified diff and changes nothing. ``--apply`` writes it (atomically,
refusing files changed since the scan; backups in the user data folder) and never commits; ``--undo`` restores
the files of the last fix applied to PATH. Exit 0 done, 1 nothing could be fixed or undone, 2 bad input.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handoff_assistant.cli.output import TerminalProgress

CATEGORIES = ("paths", "hosts", "secrets")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the prototype's folder")
    parser.add_argument("--only", help="comma-separated categories to fix: paths,hosts,secrets (default: all)")
    parser.add_argument("--finding", action="append", default=[], metavar="FINGERPRINT",
                        help="fix only this finding (repeatable; fingerprints as `handoff scan --format json` gives)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--apply", action="store_true", help="write the plan (default: only print it)")
    action.add_argument("--undo", action="store_true", help="restore the files of the last fix applied to PATH")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError

    root = Path(args.path)
    if not root.is_dir():
        raise UsageError(f"{root} is not a folder")
    if args.undo:
        return _undo(root)
    only = _categories(args.only)
    return _plan_and_apply(root.resolve(), only, frozenset(args.finding) or None, args)


def _categories(text):
    from handoff_assistant.cli import UsageError

    if not text:
        return None
    wanted = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(wanted - set(CATEGORIES))
    if unknown or not wanted:
        raise UsageError(f"--only takes {', '.join(CATEGORIES)}; not {', '.join(unknown) or 'nothing'}")
    return wanted


def _plan_and_apply(root: Path, only, fingerprints, args) -> int:
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK, UsageError
    from handoff_assistant.fix import FixError, apply_fixes, plan_fixes, render_diff
    from handoff_assistant.readiness.project_file import ProjectFileError, load_project_file
    from handoff_assistant.scan import ScanError, ScanOptions, scan_project
    from handoff_assistant.scan.environment import EnvironmentProbeError
    from handoff_assistant.user_data import fix_backup_root

    progress = TerminalProgress()
    try:
        report = scan_project(root, ScanOptions(python=args.python), progress)
    except (ScanError, EnvironmentProbeError) as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    try:
        project = load_project_file(root)
    except ProjectFileError as error:
        raise UsageError(str(error)) from error
    if fingerprints:
        known = {f.fingerprint for f in report.findings}
        unknown = sorted(fingerprints - known)
        if unknown:
            raise UsageError(f"no finding with fingerprint {', '.join(unknown)} in {root}")
    try:
        plan = plan_fixes(root, report, project, only=only, fingerprints=fingerprints)
        diff = render_diff(plan)
    except FixError as error:
        raise UsageError(str(error)) from error
    out = sys.stdout
    out.write(diff)
    _summary(plan, report, out)
    if not plan.edits:
        print("Nothing to fix automatically.", file=out)
        return EXIT_FAILED_CHECK if plan.unfixable else EXIT_OK
    if not args.apply:
        print("Nothing was changed. Run again with --apply to write these edits.", file=out)
        return EXIT_OK
    try:
        applied = apply_fixes(plan, root, backup_root=fix_backup_root(), progress=TerminalProgress())
    except FixError as error:
        print(f"handoff fix: {error}", file=sys.stderr)
        return EXIT_FAILED_CHECK
    print(f"Applied {len(applied.edit_ids)} edit(s) to {len(applied.files)} file(s); nothing was committed. "
          f"Undo with: handoff fix {args.path} --undo", file=out)
    return EXIT_OK


def _summary(plan, report, out) -> None:
    from handoff_assistant.scan.report import location_text

    edits = plan.edits
    files = [fix.path for fix in plan.files]
    if edits:
        where = "in the git repository, " if report.git.is_repo else ""
        print(f"\n{len(edits)} edit(s); the fix touches {len(files)} file(s) ({where}{', '.join(files)}).", file=out)
    keys = [e for e in plan.config_entries if not e.stays_in and any(edit.key == e.key for edit in edits)]
    if keys:
        print("Configuration it reads:", file=out)
        for entry in keys:
            kind = "environment variable (secret)" if entry.kind == "env" else "config.yml key"
            print(f"  {entry.key}: {kind}; used in {', '.join(entry.used_in)}", file=out)
    kept = [e for e in plan.config_entries if e.stays_in]
    if kept:
        print("Values that stay in their configuration file (IT sets them there):", file=out)
        for entry in kept:
            print(f"  {entry.key} in {entry.stays_in} ({', '.join(entry.used_in)})", file=out)
    if plan.unfixable:
        print(f"Not fixed automatically ({len(plan.unfixable)}):", file=out)
        for item in plan.unfixable:
            print(f"  {location_text(item.file, item.line, item.cell)}: {item.reason} [{item.fingerprint}]",
                  file=out)
    for note in plan.notes:
        print(note, file=out)


def _undo(root: Path) -> int:
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK
    from handoff_assistant.fix import FixError, last_applied, undo
    from handoff_assistant.user_data import fix_backup_root

    applied = last_applied(root, fix_backup_root())
    if applied is None:
        print(f"handoff fix: no applied fix to undo for {root.resolve()}", file=sys.stderr)
        return EXIT_FAILED_CHECK
    try:
        restored = undo(applied)
    except FixError as error:
        print(f"handoff fix: {error}", file=sys.stderr)
        return EXIT_FAILED_CHECK
    print(f"Undid the fix of {applied.applied_at}: {len(restored)} file(s) restored or removed.")
    return EXIT_OK
