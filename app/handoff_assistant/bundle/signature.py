"""A bundle's signature: ``SHA256SUMS.minisig`` beside SHA256SUMS, checked against a key the operator trusts.

SHA256SUMS covers every file (and the manifest), so a valid signature of it vouches for the whole bundle.
Without ``trust`` a signature is only reported ("signed with key X, not checked"); with it, a missing, foreign
or broken signature is a problem that fails verification.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from handoff_assistant.signing import SIGNATURE_NAME, PublicKey, SignatureError, signature_key_id, verify


@dataclass(frozen=True)
class SignatureCheck:
    sentence: str  # what the report says about the signature ("" when unsigned and nothing was asked)
    problem: str = ""  # non-empty: verification fails


def check_signature(sums: Optional[bytes], signature_text: Optional[str], trust: Optional[PublicKey]) -> SignatureCheck:
    if signature_text is None:
        if trust is None:
            return SignatureCheck("")
        return SignatureCheck("not signed", f"the bundle is not signed ({SIGNATURE_NAME} is missing), but a "
                                            f"signature by key {trust.id_text} was required")
    if trust is None:
        return SignatureCheck(f"signed with key {_signer(signature_text)}; not checked (pass --trust PUBKEY to "
                              "check who signed it)")
    try:
        verified = verify(sums or b"", signature_text, trust)
    except SignatureError as error:
        return SignatureCheck("signature INVALID", f"the signature is not valid: {error}")
    return SignatureCheck(f"signed by the trusted key {verified.key_id} ({verified.trusted_comment})")


def _signer(signature_text: str) -> str:
    return signature_key_id(signature_text) or "unknown (the signature cannot be read)"


__all__ = ["SIGNATURE_NAME", "SignatureCheck", "check_signature"]
