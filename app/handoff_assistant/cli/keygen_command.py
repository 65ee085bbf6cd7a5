"""``handoff keygen [-o DIR] [--name NAME]``: a key pair to sign bundles with, in minisign's format.

Writes ``NAME.key`` (the secret key, readable by you only, encrypted with a password as ``minisign -G`` does) and
``NAME.pub`` (give it to IT); an existing file is never overwritten. The password is asked twice on the terminal, or
read from ``--key-password-env``/``--key-password-file`` (cli.key_password) in CI; ``--no-password`` must be said
explicitly to store the key in clear (``minisign -G -W``).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from handoff_assistant.cli import key_password

KDF_LIMITS = None  # minisign's limits; the tests' seam: they derive with libsodium's smallest limits to stay fast


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default=".", help="folder to write the key pair into (default: here)")
    parser.add_argument("--name", default="handoff", help="file name of the pair: NAME.key and NAME.pub")
    given = key_password.register(parser, whose="the new secret key's password")
    given.add_argument("--no-password", action="store_true",
                       help="store the secret key without a password (anyone who can read the file can sign)")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError
    from handoff_assistant.signing import MINISIGN_LIMITS, SignatureError, refuse_existing_key_files, write_keypair

    folder = Path(args.output)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    secret, public = folder / f"{args.name}.key", folder / f"{args.name}.pub"
    try:
        refuse_existing_key_files(secret, public)
    except SignatureError as error:
        raise UsageError(str(error)) from error
    password = None if args.no_password else new_password(secret, args)
    try:
        key = write_keypair(secret, public, password, KDF_LIMITS or MINISIGN_LIMITS)
    except SignatureError as error:
        raise UsageError(str(error)) from error
    protection = "not password-protected" if password is None else "password-protected"
    print(f"Wrote the secret key {secret} (keep it private; mode 0600, {protection}) and the public key {public} "
          f"(key id {key.public.id_text}).")
    if password is None:
        print(f"Warning: {secret} has no password: anyone who can read the file can sign bundles as you.",
              file=sys.stderr)
    print(f"Sign a bundle:  handoff bundle PROJECT -o OUT --sign {secret}")
    print(f"IT checks it:   handoff verify BUNDLE --trust {public}   (or: minisign -Vm SHA256SUMS -p {public})")
    return 0


def new_password(secret: Path, args: argparse.Namespace) -> str:
    """The new key's password from the options, else typed twice on the terminal; never empty."""
    from handoff_assistant.cli import UsageError

    password = key_password.given_password(args)
    if password is None:
        password = _typed_twice(secret)
    if not password:
        raise UsageError("an empty password is refused; type one, or pass --no-password for a key without one")
    return password


def _typed_twice(secret: Path) -> Optional[str]:
    from handoff_assistant.cli import UsageError

    if not sys.stdin.isatty():
        raise UsageError("there is no terminal to ask the new key's password; give it with --key-password-file FILE "
                         "('-' = standard input) or --key-password-env NAME, or pass --no-password")
    import getpass

    first = getpass.getpass(f"Password for the new secret key {secret}: ")
    if first and getpass.getpass("The same password again: ") != first:
        raise UsageError("the two passwords differ; nothing was written")
    return first
