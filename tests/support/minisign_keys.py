"""Password-protected minisign secret keys built from the format's description, independently of the app's reader.

minisign's secret key file: an untrusted comment line, then base64 of ``"Ed" | "Sc" | "B2" | salt (32) |
opslimit (8, little-endian) | memlimit (8, little-endian) | keynum``, where keynum = key id (8) | Ed25519 secret key
(64) | BLAKE2b-256("Ed" | key id | secret key), XORed with crypto_pwhash_scryptsalsa208sha256(104 bytes, password,
salt, opslimit, memlimit). The tests use libsodium's smallest limits so that unlocking is quick; the real tool's
bytes are in tests/data/minisign.
"""
from __future__ import annotations

import base64
import hashlib
import os
import struct
from dataclasses import dataclass

from nacl.pwhash import scrypt
from nacl.signing import SigningKey

FAST_OPSLIMIT = scrypt.OPSLIMIT_MIN
FAST_MEMLIMIT = scrypt.MEMLIMIT_MIN


@dataclass(frozen=True)
class EncryptedKey:
    text: str  # the secret key file's content
    signing_key: SigningKey
    key_id: bytes

    @property
    def public_base64(self) -> str:
        """The public key line of the matching .pub file."""
        return base64.b64encode(b"Ed" + self.key_id + bytes(self.signing_key.verify_key)).decode()


def encrypted_key(password: str, opslimit: int = FAST_OPSLIMIT, memlimit: int = FAST_MEMLIMIT) -> EncryptedKey:
    signing_key, key_id, salt = SigningKey.generate(), os.urandom(8), os.urandom(32)
    secret = bytes(signing_key) + bytes(signing_key.verify_key)
    keynum = key_id + secret + hashlib.blake2b(b"Ed" + key_id + secret, digest_size=32).digest()
    stream = scrypt.kdf(len(keynum), password.encode("utf-8"), salt, opslimit=opslimit, memlimit=memlimit)
    encrypted = bytes(a ^ b for a, b in zip(keynum, stream))
    body = b"Ed" + b"Sc" + b"B2" + salt + struct.pack("<QQ", opslimit, memlimit) + encrypted
    text = f"untrusted comment: minisign encrypted secret key\n{base64.b64encode(body).decode()}\n"
    return EncryptedKey(text, signing_key, key_id)


def fast_limits():
    """The app's own limits object at libsodium's minimum, for the seams where the app's keygen takes its limits
    (cli.keygen_command.KDF_LIMITS, BundlePage.new_key_limits): tests derive in milliseconds, not with 1 GiB."""
    from handoff_assistant.signing import ScryptLimits

    return ScryptLimits(FAST_OPSLIMIT, FAST_MEMLIMIT)
