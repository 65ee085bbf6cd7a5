"""Key files on disk: a new secret key is created readable by its owner only, and never replaces another."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from handoff_assistant.signing.minisign import (MINISIGN_LIMITS, PublicKey, ScryptLimits, SecretKey, SignatureError,
                                                WrongPassword, generate_keypair, is_password_protected,
                                                read_public_key, read_secret_key)

MAX_KEY_FILE_BYTES = 4096


def load_public_key(path: Path | str) -> PublicKey:
    return read_public_key(_read(Path(path), "public key"))


def load_secret_key(path: Path | str, password: Optional[str] = None) -> SecretKey:
    """The secret key in a file; ``password`` unlocks a password-protected one (WrongPassword names the file)."""
    try:
        return read_secret_key(_read(Path(path), "secret key"), password)
    except WrongPassword:
        raise WrongPassword(f"wrong password for {path}") from None


def secret_key_needs_password(path: Path | str) -> bool:
    """Whether the secret key file is password-protected (asked before unlocking; an unreadable file is not)."""
    try:
        return is_password_protected(_read(Path(path), "secret key"))
    except SignatureError:
        return False


def write_keypair(secret_path: Path | str, public_path: Path | str, password: Optional[str] = None,
                  limits: ScryptLimits = MINISIGN_LIMITS) -> SecretKey:
    """A new key pair: the secret key file with mode 0600, created exclusively (an existing file is kept).

    With ``password`` the secret key is encrypted as ``minisign -G`` does (scrypt with ``limits``: minisign's 1 GiB
    unless a test asks for less); without, it is stored in clear (``minisign -G -W``).
    """
    secret_path, public_path = Path(secret_path), Path(public_path)
    refuse_existing_key_files(secret_path, public_path)
    key = generate_keypair()
    secret_text = key.to_text() if password is None else key.to_encrypted_text(password, limits)
    refuse_existing_key_files(secret_path, public_path)  # deriving takes seconds: check again just before writing
    created = False  # only a file this call created is removed on failure, never one that was there
    try:
        descriptor = os.open(secret_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        created = True
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(secret_text)
        with open(public_path, "x", encoding="utf-8") as stream:
            stream.write(key.public.to_text())
    except OSError as error:
        if created:
            secret_path.unlink(missing_ok=True)
        raise SignatureError(f"the key pair could not be written ({error.strerror or error}: "
                             f"{error.filename or secret_path})") from None
    return key


def refuse_existing_key_files(*paths: Path) -> None:
    """SignatureError when anything stands at one of the names, a dangling link included: a key is never written
    over or through something. Callers check before asking a password (deriving takes seconds)."""
    for path in paths:
        if os.path.lexists(path):
            raise SignatureError(f"{path} already exists; choose another name (a key is never overwritten)")


def _read(path: Path, what: str) -> str:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as error:
        raise SignatureError(f"the {what} {path} cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise SignatureError(f"{path} is too large to be a minisign {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError(f"{path} is not a minisign {what} (not text)") from None
