"""Ed25519 keys and signatures in minisign's format (https://jedisct1.github.io/minisign/), with PyNaCl.

A public key file is ``untrusted comment: ...`` then base64 of ``"Ed" || key id (8 bytes) || public key (32)``.
A secret key file is base64 of ``"Ed" || KDF ("Sc", or two zero bytes when not encrypted) || "B2" || salt (32) ||
opslimit (8) || memlimit (8) || key id (8) || secret key (64) || BLAKE2b-256 checksum (32)``. A signature file
has four lines: an untrusted comment; base64 of ``"ED" || key id || Ed25519(BLAKE2b-512(file))``; ``trusted
comment: TEXT``; base64 of Ed25519(signature || TEXT), so the trusted comment cannot be changed either.
A password-protected key (what ``minisign -G`` makes, and what ``SecretKey.to_encrypted_text`` writes): the 104
bytes from the key id on are XORed with crypto_pwhash_scryptsalsa208sha256(password, salt, opslimit, memlimit), and
the checksum, which covers the decrypted key, tells a wrong password from the right one. ``SecretKey.to_text`` writes
a key without a password (like ``minisign -G -W``).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from dataclasses import dataclass, field
from typing import Optional

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.pwhash import scrypt
from nacl.signing import SigningKey, VerifyKey

ALGORITHM = b"Ed"  # the key's algorithm, and a signature of the raw file (legacy minisign)
PREHASHED = b"ED"  # a signature of the BLAKE2b-512 hash of the file (minisign's default)
NO_KDF = b"\0\0"
SCRYPT = b"Sc"  # the secret key is encrypted with a key derived from a password (scrypt)
CHECKSUM = b"B2"
SECRET_KEY_BYTES = 158
UNTRUSTED = "untrusted comment: "
TRUSTED = "trusted comment: "
# minisign derives with libsodium's "sensitive" limits (2^25 operations, 1 GiB); a key file that asks for far more
# would make unlocking it a way to exhaust this machine, so such a file is refused.
MAX_KDF_OPSLIMIT = 2 ** 28
MAX_KDF_MEMLIMIT = 2 * 1024 ** 3
ENCRYPTED_COMMENT = "minisign encrypted secret key"  # what minisign -G writes


@dataclass(frozen=True)
class ScryptLimits:
    """How hard deriving the key from a password is: minisign's (libsodium's "sensitive") limits unless a test asks
    for smaller ones, so that guessing the password of a stolen key file costs 1 GiB and 2^25 operations a guess."""
    opslimit: int = 2 ** 25
    memlimit: int = 1024 ** 3


MINISIGN_LIMITS = ScryptLimits()


class SignatureError(Exception):
    """A key or signature that cannot be used, or a signature that does not match; the message says which."""


class PasswordRequired(SignatureError):
    """The secret key is password-protected and no password was given."""


class WrongPassword(SignatureError):
    """The password does not unlock the secret key (the decrypted key's checksum does not match)."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes  # 8 bytes, as stored
    key: bytes  # 32 bytes

    @property
    def id_text(self) -> str:
        """The key id as minisign prints it (the 8 bytes read little-endian, 16 upper-case hex digits)."""
        return self.key_id[::-1].hex().upper()

    def base64(self) -> str:
        return base64.b64encode(ALGORITHM + self.key_id + self.key).decode("ascii")

    def to_text(self) -> str:
        return f"{UNTRUSTED}minisign public key {self.id_text}\n{self.base64()}\n"


@dataclass(frozen=True)
class SecretKey:
    key_id: bytes  # 8 bytes
    secret: bytes = field(repr=False)  # 64 bytes: libsodium's seed || public key (never in a log or traceback)

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.key_id, self.secret[32:])

    def to_text(self) -> str:
        body = (ALGORITHM + NO_KDF + CHECKSUM + bytes(32) + bytes(8) + bytes(8) + self.key_id + self.secret
                + _checksum(self.key_id, self.secret))
        return f"{UNTRUSTED}minisign secret key (not password-protected)\n{base64.b64encode(body).decode()}\n"

    def to_encrypted_text(self, password: str, limits: ScryptLimits = MINISIGN_LIMITS,
                          salt: Optional[bytes] = None) -> str:
        """The key file as ``minisign -G`` writes it: encrypted with ``password`` (a fresh random salt unless given)."""
        salt = os.urandom(32) if salt is None else salt
        if len(salt) != 32:
            raise SignatureError("the salt of a secret key is 32 bytes")
        keynum = self.key_id + self.secret + _checksum(self.key_id, self.secret)
        body = (ALGORITHM + SCRYPT + CHECKSUM + salt + struct.pack("<QQ", limits.opslimit, limits.memlimit)
                + _xor(keynum, _keystream(password, salt, limits, len(keynum))))
        return f"{UNTRUSTED}{ENCRYPTED_COMMENT}\n{base64.b64encode(body).decode()}\n"


@dataclass(frozen=True)
class Verified:
    key_id: str  # as minisign prints it
    trusted_comment: str


def generate_keypair() -> SecretKey:
    signing = SigningKey.generate()
    return SecretKey(os.urandom(8), bytes(signing) + bytes(signing.verify_key))


def read_public_key(text: str) -> PublicKey:
    """A public key file's text, or the bare base64 line (what ``minisign -P`` takes)."""
    data = _payload(text, "public key")
    if len(data) != 42 or data[:2] != ALGORITHM:
        raise SignatureError("this is not a minisign Ed25519 public key")
    return PublicKey(data[2:10], data[10:])


def is_password_protected(text: str) -> bool:
    """Whether a secret key file's text is a password-protected key (unreadable text is not)."""
    try:
        data = _payload(text, "secret key")
    except SignatureError:
        return False
    return len(data) == SECRET_KEY_BYTES and data[2:4] == SCRYPT


def read_secret_key(text: str, password: Optional[str] = None) -> SecretKey:
    """The key in a secret key file's text; ``password`` unlocks a password-protected one."""
    data = _payload(text, "secret key")
    if len(data) != SECRET_KEY_BYTES or data[:2] != ALGORITHM or data[4:6] != CHECKSUM:
        raise SignatureError("this is not a minisign Ed25519 secret key")
    encrypted = data[2:4] == SCRYPT
    if not encrypted and data[2:4] != NO_KDF:
        raise SignatureError("this secret key is protected with a key derivation minisign does not use")
    keynum = _unlock(data, password) if encrypted else data[54:]
    key_id, secret, checksum = keynum[:8], keynum[8:72], keynum[72:]
    if encrypted and checksum != _checksum(key_id, secret):
        raise WrongPassword("wrong password")
    if checksum != bytes(32) and checksum != _checksum(key_id, secret):  # minisign -W leaves it zero
        raise SignatureError("the secret key is damaged (its checksum does not match)")
    if bytes(SigningKey(secret[:32]).verify_key) != secret[32:]:
        raise SignatureError("the secret key is damaged (its two halves do not belong together)")
    return SecretKey(key_id, secret)


def _unlock(data: bytes, password: Optional[str]) -> bytes:
    """The key id, secret key and checksum of an encrypted key: XORed with scrypt(password, salt, limits)."""
    if password is None:
        raise PasswordRequired("this secret key is password-protected and no password was given")
    salt, encrypted = data[6:38], data[54:]
    return _xor(encrypted, _keystream(password, salt, ScryptLimits(*struct.unpack("<QQ", data[38:54])),
                                      len(encrypted)))


def _keystream(password: str, salt: bytes, limits: ScryptLimits, size: int) -> bytes:
    """crypto_pwhash_scryptsalsa208sha256: what the key id, secret key and checksum are XORed with."""
    if limits.opslimit > MAX_KDF_OPSLIMIT or limits.memlimit > MAX_KDF_MEMLIMIT:
        raise SignatureError(f"the secret key asks for {limits.memlimit / 1024 ** 3:.1f} GiB and "
                             f"{limits.opslimit:,} operations to unlock, more than the "
                             f"{MAX_KDF_MEMLIMIT // 1024 ** 3} GiB and {MAX_KDF_OPSLIMIT:,} allowed")
    try:
        return scrypt.kdf(size, password.encode("utf-8"), salt, opslimit=limits.opslimit, memlimit=limits.memlimit)
    except (CryptoError, MemoryError) as error:
        raise SignatureError(f"the secret key's password settings cannot be used ({error})") from None


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream))


def sign(data: bytes, key: SecretKey, trusted_comment: str,
         untrusted_comment: str = "signature from a handoff assistant secret key") -> str:
    """The text of a ``.minisig`` file for ``data`` (prehashed, as minisign signs by default)."""
    if "\n" in trusted_comment or "\r" in trusted_comment:
        raise SignatureError("a trusted comment is one line")
    signing = SigningKey(key.secret[:32])
    signature = signing.sign(hashlib.blake2b(data, digest_size=64).digest()).signature
    global_signature = signing.sign(signature + trusted_comment.encode("utf-8")).signature
    return (f"{UNTRUSTED}{untrusted_comment}\n"
            f"{base64.b64encode(PREHASHED + key.key_id + signature).decode()}\n"
            f"{TRUSTED}{trusted_comment}\n"
            f"{base64.b64encode(global_signature).decode()}\n")


def verify(data: bytes, signature_text: str, key: PublicKey) -> Verified:
    """Check a ``.minisig`` text against ``data`` and a trusted public key; SignatureError says what is wrong."""
    lines = signature_text.splitlines()
    if len(lines) < 4 or not lines[0].startswith(UNTRUSTED) or not lines[2].startswith(TRUSTED):
        raise SignatureError("the signature file is not in minisign's format")
    blob = _b64(lines[1], "signature")
    if len(blob) != 74 or blob[:2] not in (ALGORITHM, PREHASHED):
        raise SignatureError("the signature is not a minisign Ed25519 signature")
    key_id, signature = blob[2:10], blob[10:]
    if key_id != key.key_id:
        raise SignatureError(f"it was signed with key {key_id[::-1].hex().upper()}, not the trusted key "
                             f"{key.id_text}")
    signed = hashlib.blake2b(data, digest_size=64).digest() if blob[:2] == PREHASHED else data
    trusted_comment = lines[2][len(TRUSTED):]
    verify_key = VerifyKey(key.key)
    try:
        verify_key.verify(signed, signature)
    except BadSignatureError:
        raise SignatureError("the signature does not match the file: it was changed after signing") from None
    try:
        verify_key.verify(signature + trusted_comment.encode("utf-8"), _b64(lines[3], "comment signature"))
    except BadSignatureError:
        raise SignatureError("the trusted comment was changed after signing") from None
    return Verified(key.id_text, trusted_comment)


def signature_key_id(signature_text: str) -> Optional[str]:
    """The id of the key a ``.minisig`` text says it was made with (unchecked), or None when unreadable."""
    lines = signature_text.splitlines()
    try:
        blob = _b64(lines[1], "signature") if len(lines) > 1 else b""
    except SignatureError:
        return None
    return blob[2:10][::-1].hex().upper() if len(blob) == 74 else None


def _checksum(key_id: bytes, secret: bytes) -> bytes:
    return hashlib.blake2b(ALGORITHM + key_id + secret, digest_size=32).digest()


def _payload(text: str, what: str) -> bytes:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and lines[0].startswith(UNTRUSTED):
        lines = lines[1:]
    if not lines:
        raise SignatureError(f"the {what} is empty")
    return _b64(lines[0], what)


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(f"the {what} is not valid base64") from None
