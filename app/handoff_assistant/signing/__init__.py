"""Signing bundles: minisign-compatible Ed25519 signatures of a bundle's SHA256SUMS (Qt-free).

``handoff keygen`` makes a key pair, ``handoff bundle --sign KEY`` writes ``SHA256SUMS.minisig`` into the bundle,
``handoff verify --trust PUBKEY`` checks it; ``minisign -Vm SHA256SUMS -p PUBKEY`` checks the same file without
the app. Integrity (SHA256SUMS) says nothing was changed; the signature says who vouched for it. A
password-protected key (``minisign -G``) is unlocked with its password (``load_secret_key(path, password)``);
``write_keypair(secret, public, password)`` writes one.
"""
from handoff_assistant.signing.keyfiles import (load_public_key, load_secret_key, refuse_existing_key_files,
                                                secret_key_needs_password, write_keypair)
from handoff_assistant.signing.minisign import (MINISIGN_LIMITS, PasswordRequired, PublicKey, ScryptLimits, SecretKey,
                                                SignatureError, Verified, WrongPassword, generate_keypair,
                                                read_public_key, read_secret_key, sign, signature_key_id, verify)

SIGNATURE_NAME = "SHA256SUMS.minisig"

__all__ = ["MINISIGN_LIMITS", "PasswordRequired", "PublicKey", "SIGNATURE_NAME", "ScryptLimits", "SecretKey", "SignatureError", "Verified",
           "WrongPassword", "generate_keypair", "load_public_key", "load_secret_key", "read_public_key",
           "read_secret_key", "refuse_existing_key_files", "secret_key_needs_password", "sign", "signature_key_id", "verify", "write_keypair"]
