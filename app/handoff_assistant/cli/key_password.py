"""The password of a password-protected signing key, never from the command line (every user sees it in ``ps``).

``--key-password-env NAME`` reads it from the environment variable NAME, ``--key-password-file FILE`` from the
first line of FILE (``-`` = standard input), as ``--env-file`` reads secrets for ``verify --run-tests``; without
either, it is asked on the terminal without echo.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--key-password-env", metavar="NAME",
                       help="the --sign key's password is in the environment variable NAME (CI)")
    given.add_argument("--key-password-file", metavar="FILE",
                       help="the --sign key's password is the first line of FILE; '-' reads it from standard input "
                            "(without either option it is asked on the terminal)")


def key_password(key: Path, args: argparse.Namespace) -> str:
    """The password for ``key`` from the variable or file the options name, else asked without echo."""
    from handoff_assistant.cli import UsageError

    if args.key_password_env:
        value = os.environ.get(args.key_password_env)
        if value is None:
            raise UsageError(f"--key-password-env {args.key_password_env}: that environment variable is not set")
        return value
    if args.key_password_file:
        return _first_line(args.key_password_file)
    if not sys.stdin.isatty():
        raise UsageError(f"{key} is password-protected and there is no terminal to ask for its password; give it "
                         "with --key-password-file FILE ('-' = standard input) or --key-password-env NAME")
    import getpass

    return getpass.getpass(f"Password for {key}: ")


def _first_line(path: str) -> str:
    from handoff_assistant.cli import UsageError

    try:
        text = sys.stdin.readline() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--key-password-file {path} cannot be read "
                         f"({getattr(error, 'strerror', None) or error})") from None
    return text.split("\n", 1)[0].removesuffix("\r")
