"""``handoff review BUNDLE (--approve | --request-changes) [-m COMMENT] [--by NAME]``: review from a shell.

Writes ``<bundle>.review.json`` beside the bundle (see docs/portfolio.md). Without a decision it prints
the bundle's current review state.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from handoff_assistant.cli.output import write_output
from handoff_assistant.portfolio.model import APPROVED, CHANGES_REQUESTED
from handoff_assistant.portfolio.reviews import ReviewError, read_review, save_review


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", help="the bundle folder or .zip")
    decision = parser.add_mutually_exclusive_group()
    decision.add_argument("--approve", dest="decision", action="store_const", const=APPROVED)
    decision.add_argument("--request-changes", dest="decision", action="store_const", const=CHANGES_REQUESTED)
    parser.add_argument("-m", "--comment", default="", help="what is good, or which changes are needed")
    parser.add_argument("--by", help="the reviewer (default: your login name)")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError

    bundle = Path(args.bundle)
    if args.decision is None:
        status = read_review(bundle)
        details = [f"{status.by} at {status.at}" if status.by else "", status.comment, status.detail]
        write_output(" — ".join([status.state, *filter(None, details)]), None)
        return 0
    try:
        review = save_review(bundle, args.decision, args.comment, by=args.by)
    except ReviewError as error:
        raise UsageError(str(error)) from error
    write_output(f"{review.decision} by {review.by} at {review.at} ({review.bundle_hash[:19]}…)", None)
    return 0
