"""IT's verification state of a bundle, read from ``verification.json`` beside it (written by ``handoff verify``).

The state is "not run" without the file, "passed" when integrity held and every check passed,
"failed" otherwise. An unreadable file counts as failed, with the reason, so it is never mistaken for
a pass.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from handoff_assistant.portfolio.model import FAILED, NOT_RUN, PASSED, Verification
from handoff_assistant.portfolio.sidecars import VERIFICATION, SidecarError, find_sidecar, load_sidecar

_PASS_WORDS = {"pass", "passed", "ok", "success", "succeeded", True}
_FAIL_WORDS = {"fail", "failed", "error", "errors", False}


def read_verification(bundle: Path) -> Verification:
    path = find_sidecar(bundle, VERIFICATION)
    if path is None:
        return Verification(state=NOT_RUN)
    try:
        data = load_sidecar(path)
    except SidecarError as error:
        return Verification(state=FAILED, detail=str(error))
    failed, total = _failed_checks(data)
    passed = _overall(data)
    if passed is None:
        passed = total > 0 and failed == 0
    state = PASSED if passed and failed == 0 else FAILED
    detail = f"{failed} of {total} checks failed" if failed else (f"{total} checks passed" if total else "")
    return Verification(state=state, by=_first(data, "by", "who", "user", "verified_by"),
                        at=_first(data, "at", "when", "finished_at", "verified_at", "created_at"), detail=detail)


def _overall(data: dict) -> Optional[bool]:
    for key in ("passed", "ok", "status", "result", "outcome"):
        value = data.get(key)
        if isinstance(value, str):
            value = value.strip().lower()
        if value in _PASS_WORDS:
            return True
        if value in _FAIL_WORDS:
            return False
    integrity = data.get("integrity")
    if isinstance(integrity, dict) and integrity.get("ok") is False:
        return False
    return None


def _failed_checks(data: dict) -> tuple[int, int]:
    checks = data.get("results") or data.get("checks") or []
    if not isinstance(checks, list):
        return 0, 0
    outcomes = [_check_passed(c) for c in checks]
    return sum(1 for o in outcomes if o is False), len(outcomes)


def _check_passed(check: Any) -> Optional[bool]:
    if not isinstance(check, dict):
        return None
    for key in ("passed", "ok", "status", "outcome", "result"):
        value = check.get(key)
        if isinstance(value, str):
            value = value.strip().lower()
        if value in _PASS_WORDS:
            return True
        if value in _FAIL_WORDS:
            return False
    return None


def _first(data: dict, *keys: str) -> str:
    for key in keys:
        value = data.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("user")
        if value:
            return str(value)
    return ""
