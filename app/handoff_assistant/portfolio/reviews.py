"""A team lead's review of one bundle, saved as ``review.json`` beside it so the data scientist and IT see it.

The review records the bundle's hash (SHA-256 of the zip, or of SHA256SUMS for a bundle folder): a
review whose hash no longer matches belongs to other bytes and counts as unreviewed. A later bundle has
no review of its own, so it starts unreviewed.
"""
from __future__ import annotations

import getpass
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Optional

from handoff_assistant.atomic_files import write_text_atomically
from handoff_assistant.portfolio.model import APPROVED, CHANGES_REQUESTED, ReviewStatus
from handoff_assistant.portfolio.sidecars import REVIEW, SidecarError, load_sidecar, sidecar_path
from handoff_assistant.serialization import from_jsonable, to_jsonable

SCHEMA_VERSION = 1
DECISIONS = (APPROVED, CHANGES_REQUESTED)
MAX_COMMENT_CHARS = 10_000
MAX_FIELD_CHARS = 200  # decision, by, at, bundle, bundle_hash


class ReviewError(ValueError):
    """The review cannot be saved (bad decision, missing comment, bundle not readable); says what to do."""


@dataclass(frozen=True)
class Review:
    decision: str  # APPROVED or CHANGES_REQUESTED
    comment: str
    by: str
    at: str  # ISO 8601, UTC
    bundle: str  # the bundle's file or folder name
    bundle_hash: str  # "sha256:<hex>"
    schema_version: int = SCHEMA_VERSION


def bundle_hash(bundle: Path) -> str:
    """SHA-256 of the zip's bytes, or of the folder's SHA256SUMS (which pins every file in it).

    Remembered per file size and mtime: a zip with wheels is hundreds of MB and the portfolio asks on
    every refresh.
    """
    target = bundle / "SHA256SUMS" if bundle.is_dir() else bundle
    stat = target.stat()
    return _file_hash(str(target), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4096)
def _file_hash(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def save_review(bundle: Path, decision: str, comment: str, by: Optional[str] = None) -> Review:
    """Write the review atomically beside the bundle; "request changes" needs a comment saying which."""
    if decision not in DECISIONS:
        raise ReviewError(f"the decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if decision == CHANGES_REQUESTED and not comment.strip():
        raise ReviewError("say which changes you request: the comment is empty")
    if len(comment.strip()) > MAX_COMMENT_CHARS:
        raise ReviewError(f"the comment is {len(comment.strip()):,} characters; keep it under "
                          f"{MAX_COMMENT_CHARS:,} (link to a longer document instead)")
    if by is not None and len(by) > MAX_FIELD_CHARS:
        raise ReviewError(f"the reviewer's name is longer than {MAX_FIELD_CHARS} characters")
    try:
        digest = bundle_hash(bundle)
    except OSError as error:
        raise ReviewError(f"cannot read the bundle {bundle}: {error.strerror or error}") from error
    review = Review(decision=decision, comment=comment.strip(), by=by or _current_user(),
                    at=datetime.now(timezone.utc).isoformat(timespec="seconds"), bundle=bundle.name,
                    bundle_hash=digest)
    write_text_atomically(sidecar_path(bundle, REVIEW), json.dumps(to_jsonable(review), indent=2) + "\n")
    return review


def read_review(bundle: Path) -> ReviewStatus:
    """The review state of this exact bundle; never raises."""
    path = sidecar_path(bundle, REVIEW)
    if not path.is_file():
        return ReviewStatus()
    try:
        review = _review_from(load_sidecar(path), path.name)
        current = bundle_hash(bundle)
    except SidecarError as error:
        return ReviewStatus(detail=str(error))
    except OSError as error:
        return ReviewStatus(detail=f"cannot hash the bundle: {error.strerror or error}")
    if review.bundle_hash != current:
        return ReviewStatus(detail=f"the bundle changed after {review.by}'s review of {review.at}")
    if review.decision not in DECISIONS:
        return ReviewStatus(detail=f"{path.name} has an unknown decision {review.decision!r}")
    return ReviewStatus(state=review.decision, by=review.by, at=review.at, comment=review.comment)


# The fields a review file holds and their JSON types (bool is not accepted as an int). Other keys (a newer
# writer's) are never read or shown, as ``from_jsonable`` ignores them.
_FIELDS: dict[str, type] = {"decision": str, "comment": str, "by": str, "at": str, "bundle": str,
                            "bundle_hash": str, "schema_version": int}
_OPTIONAL = frozenset({"schema_version"})
_JSON_TYPE_NAMES = {str: "text", int: "a whole number", float: "a number", bool: "true/false", list: "a list",
                    dict: "an object", type(None): "null"}


def _review_from(data: dict, name: str) -> Review:
    """A Review from a sidecar's object, refusing missing fields, wrong types and oversized text."""
    missing = [key for key in _FIELDS if key not in data and key not in _OPTIONAL]
    if missing:
        raise SidecarError(f"{name} is missing a field ({', '.join(missing)})")
    for key, value in ((k, v) for k, v in data.items() if k in _FIELDS):
        if type(value) is not _FIELDS[key]:
            raise SidecarError(f"{name}: {key} must be {_JSON_TYPE_NAMES[_FIELDS[key]]}, "
                              f"not {_JSON_TYPE_NAMES.get(type(value), type(value).__name__)}")
        limit = MAX_COMMENT_CHARS if key == "comment" else MAX_FIELD_CHARS
        if isinstance(value, str) and len(value) > limit:
            raise SidecarError(f"{name}: {key} is longer than {limit:,} characters")
    return from_jsonable(Review, data)


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

