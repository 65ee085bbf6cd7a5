"""``handoff``: every GUI action has a CLI twin so the same work runs in CI and on servers.

Sub-commands are registered lazily so that ``handoff --version`` and ``handoff COMMAND --help`` start fast:
``COMMANDS`` names each command, its module and its one-line help; only the module of the command being run is
imported. A command module has ``register(parser)`` (adds its arguments) and ``run(args) -> int``, and imports at
module level only what its arguments need (argparse, constants from light modules); the heavy work (scan, bundle,
yaml, jinja2, git...) is imported inside ``run``. tests/test_cli_startup.py holds every command to that.
Exit codes: 0 success, 1 a check failed (score, integrity), 2 usage or input error.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from handoff_assistant import __version__


@dataclass(frozen=True)
class Command:
    name: str
    module: str  # in handoff_assistant.cli: register(parser) and run(args) -> int
    help: str


COMMANDS = (
    Command("scan", "scan_command", "scan a prototype folder and report what will break on a server"),
    Command("check", "check_command", "score a prototype against the production-readiness checklist"),
    Command("init", "init_command", "write a starter handoff.yaml prefilled from a scan"),
    Command("fix", "fix_command", "move hardcoded paths, hosts and secrets into configuration (preview; --apply, "
                              "--undo)"),
    Command("bundle", "bundle_command", "write the handoff bundle: code, lockfile, runbook, config templates and a "
                                        "test harness"),
    Command("verify", "verify_command", "check a bundle (folder or .zip) against its manifest and SHA256SUMS"),
    Command("keygen", "keygen_command", "make a key pair to sign bundles with (minisign format)"),
    Command("diff", "diff_command", "what changed between two bundles: dependencies, target, readiness, findings, "
                                    "entry points, configuration keys, code"),
    Command("portfolio", "portfolio_command", "readiness of every bundle and project below some folders"),
    Command("review", "review_command", "approve a bundle or request changes (review.json beside it)"),
)

EXIT_OK = 0
EXIT_FAILED_CHECK = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit 2."""


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The whole parser; with ``only``, just that command's module is imported (the others list their help)."""
    parser = argparse.ArgumentParser(prog="handoff", description="Get a data-science prototype ready for production.")
    parser.add_argument("--version", action="version", version=f"handoff {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        if only is None or command.name == only:
            module = importlib.import_module(f"handoff_assistant.cli.{command.module}")
            module.register(sub)
            sub.set_defaults(func=module.run)
    return parser


def _command_name(argv: Sequence[str]) -> str:
    """The sub-command the user named: the first argument that is not an option ("" when there is none)."""
    return next((arg for arg in argv if not arg.startswith("-")), "")


def main(argv: Optional[Sequence[str]] = None) -> int:
    if getattr(sys, "frozen", False):  # the scan's worker processes re-run this executable (PyInstaller)
        import multiprocessing

        multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(only=_command_name(argv))
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
