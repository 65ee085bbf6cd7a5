"""``handoff``: every GUI action has a CLI twin so the same work runs in CI and on servers.

Each sub-command lives in its own module with ``register(subparsers)``; the module sets ``func`` on
its parser. Exit codes: 0 success, 1 a check failed (score, integrity), 2 usage or input error.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from handoff_assistant import __version__
from handoff_assistant.cli import (bundle_command, check_command, diff_command, init_command, portfolio_command,
                                  review_command, scan_command, verify_command)

COMMANDS = (scan_command, check_command, init_command, bundle_command, verify_command, diff_command,
            portfolio_command, review_command)

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="handoff", description="Get a data-science prototype ready for production.")
    parser.add_argument("--version", action="version", version=f"handoff {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"handoff {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("handoff: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`handoff scan . | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
