"""IT's verification state of a bundle, from the ``verification.json`` beside it (``bundle.verification_record``).

"not run" without the record, or when the record was made for another bundle (its SHA256SUMS digest differs:
the bundle was rebuilt or replaced); otherwise the record's outcome: passed, failed or incomplete. A record
that cannot be read or trusted (wrong types, an unknown status such as "PASSED!!", a verdict its own checks
contradict) is a "record error" with the reason, so a damaged or hand-edited file never shows as passed.
"""
from __future__ import annotations

from pathlib import Path

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.verification_record import VerificationRecord, belongs_to, read_record, record_path
from handoff_assistant.outcome import CHECK_STATUSES, FAILED, PASSED
from handoff_assistant.portfolio.model import NOT_RUN, RECORD_ERROR, Verification

MAX_NAMED = 3


def read_verification(bundle: Path) -> Verification:
    path = record_path(bundle)
    if not path.is_file():
        return Verification(state=NOT_RUN)
    try:
        record = read_record(path)
    except BundleError as error:
        return Verification(state=RECORD_ERROR, detail=str(error))
    if not belongs_to(record, bundle):
        return Verification(state=NOT_RUN, detail=f"{path.name} was made for another bundle (its SHA256SUMS "
                                                  "differs) and is ignored")
    return Verification(state=record.outcome.state, by=record.by, at=record.at, detail=_detail(record))


def _detail(record: VerificationRecord) -> str:
    if not record.integrity.ok:
        differing = ", ".join(record.integrity.differing[:MAX_NAMED]) or "see the record"
        return f"integrity failed: {differing}"
    outcome = record.outcome
    counts = ", ".join(f"{record.count(s)} {s}" for s in CHECK_STATUSES if record.count(s))
    if outcome.state == PASSED:
        return counts
    reasons = list(outcome.reasons[:MAX_NAMED])
    if len(outcome.reasons) > MAX_NAMED:
        reasons.append(f"… {len(outcome.reasons) - MAX_NAMED} more")
    lead = f"{record.count(FAILED)} of {len(record.results)} checks failed" if outcome.state == FAILED \
        else "not verified"
    return f"{lead}: " + "; ".join(reasons)
