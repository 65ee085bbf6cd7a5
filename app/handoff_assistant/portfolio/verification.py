"""IT's verification state of a bundle, from the ``verification.json`` beside it (``bundle.verification_record``).

"not run" without the record; "passed" when integrity held, checks ran and none failed; "failed"
otherwise — also when the record cannot be read, so a damaged file is never mistaken for a pass.
"""
from __future__ import annotations

from pathlib import Path

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.verification_record import (PASSED as CHECK_PASSED, SKIPPED, VerificationRecord,
                                                          read_record, record_path)
from handoff_assistant.portfolio.model import FAILED, NOT_RUN, PASSED, Verification


def read_verification(bundle: Path) -> Verification:
    path = record_path(bundle)
    if not path.is_file():
        return Verification(state=NOT_RUN)
    try:
        record = read_record(path)
    except BundleError as error:
        return Verification(state=FAILED, detail=str(error))
    return Verification(state=PASSED if record.passed else FAILED, by=record.by, at=record.at,
                        detail=_detail(record))


def _detail(record: VerificationRecord) -> str:
    if not record.integrity.ok:
        differing = ", ".join(record.integrity.differing[:3]) or "see the record"
        return f"integrity failed: {differing}"
    if not record.results:
        return "no checks ran"
    failed, total = len(record.failed), len(record.results)
    if failed:
        return f"{failed} of {total} checks failed: " + ", ".join(r.name for r in record.failed[:3])
    skipped = record.count(SKIPPED)
    return f"{record.count(CHECK_PASSED)} checks passed" + (f", {skipped} skipped" if skipped else "")
