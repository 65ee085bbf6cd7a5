"""``handoff diff OLD NEW``: what changed between two bundles of a project (text or JSON).

Both bundles are verified first: exit 1 when one is tampered (its files named, nothing compared), else exit 0
whether or not something changed.
"""
from __future__ import annotations

import argparse
import json



def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", help="the earlier bundle (folder or .zip)")
    parser.add_argument("new", help="the later bundle (folder or .zip)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.bundle.diff import diff_bundles, diff_text, diff_to_dict
    from handoff_assistant.bundle.options import BundleError
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK, UsageError

    try:
        diff = diff_bundles(args.old, args.new)
    except BundleError as error:
        raise UsageError(str(error)) from error
    if args.format == "json":
        print(json.dumps(diff_to_dict(diff), indent=2, ensure_ascii=False))
    else:
        print(diff_text(diff))
    return EXIT_FAILED_CHECK if diff.tampered else EXIT_OK
