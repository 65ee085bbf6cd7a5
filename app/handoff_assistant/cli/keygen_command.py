"""``handoff keygen [-o DIR] [--name NAME]``: a key pair to sign bundles with, in minisign's format.

Writes ``NAME.key`` (the secret key, readable by you only, not password-protected) and ``NAME.pub`` (give it to
IT); an existing file is never overwritten. ``minisign -G -W -s NAME.key -p NAME.pub`` makes an equivalent pair.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default=".", help="folder to write the key pair into (default: here)")
    parser.add_argument("--name", default="handoff", help="file name of the pair: NAME.key and NAME.pub")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.cli import UsageError
    from handoff_assistant.signing import SignatureError, write_keypair

    folder = Path(args.output)
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    secret, public = folder / f"{args.name}.key", folder / f"{args.name}.pub"
    try:
        key = write_keypair(secret, public)
    except SignatureError as error:
        raise UsageError(str(error)) from error
    print(f"Wrote the secret key {secret} (keep it private; mode 0600) and the public key {public} "
          f"(key id {key.public.id_text}).")
    print(f"Sign a bundle:  handoff bundle PROJECT -o OUT --sign {secret}")
    print(f"IT checks it:   handoff verify BUNDLE --trust {public}   (or: minisign -Vm SHA256SUMS -p {public})")
    return 0
