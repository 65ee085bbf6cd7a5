"""Signing bundles: minisign-compatible Ed25519 signatures of a bundle's SHA256SUMS (Qt-free).

``handoff keygen`` makes a key pair, ``handoff bundle --sign KEY`` writes ``SHA256SUMS.minisig`` into the bundle,
``handoff verify --trust PUBKEY`` checks it; ``minisign -Vm SHA256SUMS -p PUBKEY`` checks the same file without
the app. Integrity (SHA256SUMS) says nothing was changed; the signature says who vouched for it.
"""
from handoff_assistant.signing.keyfiles import load_public_key, load_secret_key, write_keypair
from handoff_assistant.signing.minisign import (PublicKey, SecretKey, SignatureError, Verified, generate_keypair,
                                                read_public_key, read_secret_key, sign, signature_key_id,
                                                verify)

SIGNATURE_NAME = "SHA256SUMS.minisig"

__all__ = ["PublicKey", "SIGNATURE_NAME", "SecretKey", "SignatureError", "Verified", "generate_keypair",
           "load_public_key", "load_secret_key", "read_public_key", "read_secret_key", "sign", "signature_key_id",
           "verify", "write_keypair"]
