"""``handoff verify BUNDLE``: every file against SHA256SUMS and the manifest; exit 1 naming what differs."""
from __future__ import annotations

import argparse

from handoff_assistant.bundle import VerificationResult, verify_bundle


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("verify", help="check a bundle (folder or .zip) against its manifest and "
                                                  "SHA256SUMS")
    parser.add_argument("bundle", help="the bundle folder or .zip")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK

    result = verify_bundle(args.bundle)
    print(render_result(result))
    return EXIT_OK if result.ok else EXIT_FAILED_CHECK


def render_result(result: VerificationResult) -> str:
    about = f"{result.project or 'unnamed project'}, created {result.created_at or 'at an unknown time'}, " \
            f"readiness {result.level or 'unknown'}"
    if result.ok:
        return f"OK: {result.path} ({about}): {result.checked} files match SHA256SUMS and the manifest."
    lines = [f"FAILED: {result.path} ({about}); {result.checked} files matched."]
    lines += [f"  changed: {path} (its content differs from SHA256SUMS)" for path in result.mismatched]
    lines += [f"  missing: {path}" for path in result.missing]
    lines += [f"  not part of the bundle: {path}" for path in result.extra]
    lines += [f"  problem: {problem}" for problem in result.problems]
    lines.append("Do not install this bundle; ask its owner for a new one.")
    return "\n".join(lines)
