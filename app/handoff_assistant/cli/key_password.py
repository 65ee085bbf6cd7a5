"""The password of a signing key, never from the command line (every user sees it in ``ps``).

``--key-password-env NAME`` reads it from the environment variable NAME, ``--key-password-file FILE`` from the
first line of FILE (``-`` = standard input), as ``--env-file`` reads secrets for ``verify --run-tests``; without
either, it is asked on the terminal without echo (``bundle --sign`` unlocks a key with it, ``keygen`` protects a
new key with it).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional


def register(parser: argparse.ArgumentParser, whose: str = "the --sign key's password") -> argparse._ActionsContainer:
    """The two options, exclusive of each other; the group is returned for a command that adds a third way."""
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--key-password-env", metavar="NAME", help=f"{whose} is in the environment variable NAME (CI)")
    given.add_argument("--key-password-file", metavar="FILE",
                       help=f"{whose} is the first line of FILE; '-' reads it from standard input "
                            "(without either option it is asked on the terminal)")
    return given


def given_password(args: argparse.Namespace) -> Optional[str]:
    """The password from the variable or file the options name; None when neither option was given."""
    from handoff_assistant.cli import UsageError

    if args.key_password_env:
        value = os.environ.get(args.key_password_env)
        if value is None:
            raise UsageError(f"--key-password-env {args.key_password_env}: that environment variable is not set")
        return value
    if args.key_password_file:
        return _first_line(args.key_password_file)
    return None


def key_password(key: Path, args: argparse.Namespace) -> str:
    """The password for ``key`` from the variable or file the options name, else asked without echo."""
    from handoff_assistant.cli import UsageError

    given = given_password(args)
    if given is not None:
        return given
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
