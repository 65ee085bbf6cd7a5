"""A bundle's signature: ``SHA256SUMS.minisig`` beside SHA256SUMS, checked against a key the operator trusts.

SHA256SUMS covers every file (and the manifest), so a valid signature of it vouches for the whole bundle.
Without ``trust`` a signature is only reported ("signed with key X, not checked"); with it, a missing, foreign
or broken signature is a problem that fails verification.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from handoff_assistant.signing import SIGNATURE_NAME, PublicKey, SignatureError, signature_key_id, verify


# What the signature says, for a reader that words it itself (the app's integrity badge).
UNSIGNED = "unsigned"  # no SHA256SUMS.minisig
TRUSTED = "trusted"  # signed by the trusted key, and the signature matches
UNCHECKED = "unchecked"  # signed, but no key was trusted: who signed it is not known
OTHER_KEY = "other key"  # signed by a key that is not the trusted one
INVALID = "invalid"  # signed by the trusted key (or unreadable), but it does not match: changed after signing


@dataclass(frozen=True)
class SignatureCheck:
    sentence: str  # what the report says about the signature ("" when unsigned and nothing was asked)
    problem: str = ""  # non-empty: verification fails
    state: str = UNSIGNED
    signer: str = ""  # the key id the signature names (unchecked unless state is TRUSTED)


def check_signature(sums: Optional[bytes], signature_text: Optional[str], trust: Optional[PublicKey]) -> SignatureCheck:
    if signature_text is None:
        if trust is None:
            return SignatureCheck("")
        return SignatureCheck("not signed", f"the bundle is not signed ({SIGNATURE_NAME} is missing), but a "
                                            f"signature by key {trust.id_text} was required")
    signer = signature_key_id(signature_text) or ""
    if trust is None:
        return SignatureCheck(f"signed with key {_signer(signature_text)}; not checked (pass --trust PUBKEY to "
                              "check who signed it)", state=UNCHECKED, signer=signer)
    try:
        verified = verify(sums or b"", signature_text, trust)
    except SignatureError as error:
        state = OTHER_KEY if signer and signer != trust.id_text else INVALID
        return SignatureCheck("signature INVALID", f"the signature is not valid: {error}", state, signer)
    return SignatureCheck(f"signed by the trusted key {verified.key_id} ({verified.trusted_comment})", state=TRUSTED,
                          signer=verified.key_id)


def _signer(signature_text: str) -> str:
    return signature_key_id(signature_text) or "unknown (the signature cannot be read)"


__all__ = ["INVALID", "OTHER_KEY", "SIGNATURE_NAME", "SignatureCheck", "TRUSTED", "UNCHECKED", "UNSIGNED",
           "check_signature"]
