"""Reviews saved as review.json beside the bundle: round trip, hash, later bundles, bad files."""
from __future__ import annotations

import hashlib
import json

import pytest

from handoff_assistant.portfolio.model import APPROVED, CHANGES_REQUESTED, UNREVIEWED
from handoff_assistant.portfolio.reviews import (MAX_COMMENT_CHARS, ReviewError, bundle_hash, read_review,
                                                 save_review)
from handoff_assistant.portfolio.sidecars import MAX_SIDECAR_BYTES
from tests.portfolio.conftest import make_bundle, manifest


@pytest.fixture
def bundle(tmp_path):
    return make_bundle(tmp_path, "churn-1", manifest("churn", "2026-10-01T09:00:00+00:00", 60, "Needs work"))


def test_review_round_trip_beside_the_bundle(bundle):
    review = save_review(bundle, CHANGES_REQUESTED, "  Pin pandas and name an escalation contact. ", by="lead")
    saved = json.loads((bundle.parent / "churn-1.review.json").read_text())
    assert saved["decision"] == CHANGES_REQUESTED and saved["by"] == "lead"
    assert saved["comment"] == "Pin pandas and name an escalation contact."
    assert saved["bundle_hash"] == "sha256:" + hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert saved["at"] == review.at and saved["bundle"] == "churn-1.zip"
    status = read_review(bundle)
    assert (status.state, status.by, status.comment) == (CHANGES_REQUESTED, "lead", review.comment)


def test_folder_bundle_hash_is_the_hash_of_its_sha256sums(tmp_path):
    folder = make_bundle(tmp_path, "churn-2", manifest("churn", "2026-10-02T09:00:00+00:00", 60, "Ready"), False)
    expected = hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest()
    assert bundle_hash(folder) == "sha256:" + expected
    save_review(folder, APPROVED, "", by="lead")
    assert (tmp_path / "churn-2.review.json").is_file()
    assert read_review(folder).state == APPROVED


def test_a_later_bundle_starts_unreviewed(bundle):
    save_review(bundle, APPROVED, "good", by="lead")
    later = make_bundle(bundle.parent, "churn-2", manifest("churn", "2026-10-09T09:00:00+00:00", 70, "Needs work"))
    assert read_review(later).state == UNREVIEWED
    assert read_review(bundle).state == APPROVED


def test_a_bundle_changed_after_review_counts_as_unreviewed(bundle):
    save_review(bundle, APPROVED, "good", by="lead")
    bundle.write_bytes(bundle.read_bytes() + b"\0")
    status = read_review(bundle)
    assert status.state == UNREVIEWED
    assert "changed after lead's review" in status.detail


def test_requesting_changes_needs_a_comment_and_decisions_are_checked(bundle):
    with pytest.raises(ReviewError, match="comment is empty"):
        save_review(bundle, CHANGES_REQUESTED, "   ")
    with pytest.raises(ReviewError, match="decision must be one of"):
        save_review(bundle, "maybe", "hmm")
    assert not (bundle.parent / "churn-1.review.json").exists()


def test_a_missing_bundle_cannot_be_reviewed(tmp_path):
    with pytest.raises(ReviewError, match="cannot read the bundle"):
        save_review(tmp_path / "gone.zip", APPROVED, "")


@pytest.mark.parametrize("content, reason", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b"[1, 2]", "does not hold a JSON object"),
    (b'{"decision": "approved"}', "missing a field"),
])
def test_a_malformed_review_file_reads_as_unreviewed_with_the_reason(bundle, content, reason):
    (bundle.parent / "churn-1.review.json").write_bytes(content)
    status = read_review(bundle)
    assert status.state == UNREVIEWED
    assert reason in status.detail


def test_the_hash_is_remembered_until_the_file_changes(bundle, monkeypatch):
    first = bundle_hash(bundle)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda path, *a, **k: opened.append(path) or real_open(path, *a, **k))
    assert bundle_hash(bundle) == first and opened == []
    bundle.write_bytes(bundle.read_bytes() + b"\0")
    assert bundle_hash(bundle) != first and opened == [str(bundle)]


def _valid_review(bundle, **changes):
    return {"decision": APPROVED, "comment": "ship it", "by": "lead", "at": "2026-10-02T09:00:00+00:00",
            "bundle": bundle.name, "bundle_hash": bundle_hash(bundle), "schema_version": 1, **changes}


@pytest.mark.parametrize("changes, reason", [
    ({"decision": ["approved"]}, "decision must be text, not a list"),
    ({"comment": {"text": "ok"}}, "comment must be text, not an object"),
    ({"by": None}, "by must be text, not null"),
    ({"at": 20261002}, "at must be text, not a whole number"),
    ({"bundle_hash": 1.5}, "bundle_hash must be text, not a number"),
    ({"schema_version": True}, "schema_version must be a whole number, not true/false"),
    ({"comment": "x" * (MAX_COMMENT_CHARS + 1)}, "comment is longer than 10,000 characters"),
    ({"by": "lead" * 100}, "by is longer than 200 characters"),
])
def test_a_review_file_with_wrong_types_or_oversized_text_reads_as_unreviewed_with_the_reason(bundle, changes,
                                                                                              reason):
    # before: wrong types passed through (an approved review with a dict comment) and a huge comment was shown
    (bundle.parent / "churn-1.review.json").write_text(json.dumps(_valid_review(bundle, **changes)))
    status = read_review(bundle)
    assert (status.state, status.comment) == (UNREVIEWED, "")
    assert reason in status.detail


def test_a_deeply_nested_review_file_reads_as_unreviewed_instead_of_raising(bundle):
    # before: RecursionError escaped read_review and crashed the portfolio
    (bundle.parent / "churn-1.review.json").write_text('{"comment": ' + "[" * 100_000 + "]" * 100_000 + "}")
    status = read_review(bundle)
    assert status.state == UNREVIEWED and "nested too deeply" in status.detail


def test_a_review_file_over_the_size_limit_is_refused_before_it_is_read(bundle, monkeypatch):
    # before: a 100 MB comment was read, parsed and rendered (the drill-down froze for 100 s)
    path = bundle.parent / "churn-1.review.json"
    with path.open("wb") as handle:  # sparse: 100 MB by its size, almost nothing on disk
        handle.write(json.dumps(_valid_review(bundle))[:-1].encode() + b', "x": "')
        handle.truncate(100_000_000)
    read_sizes = []
    real_open = type(path).open

    def recording_open(self, mode="r", *args, **kwargs):
        handle = real_open(self, mode, *args, **kwargs)
        real_read = handle.read
        handle.read = lambda size=-1: read_sizes.append(size) or real_read(size)
        return handle

    monkeypatch.setattr(type(path), "open", recording_open)
    status = read_review(bundle)
    assert (status.state, status.detail) == (UNREVIEWED,
                                             "churn-1.review.json is larger than 1,000,000 bytes and was not read")
    assert all(0 <= size <= MAX_SIDECAR_BYTES + 1 for size in read_sizes)


def test_a_review_the_reader_would_refuse_cannot_be_saved(bundle):
    with pytest.raises(ReviewError, match="keep it under 10,000"):
        save_review(bundle, CHANGES_REQUESTED, "x" * (MAX_COMMENT_CHARS + 1))
    with pytest.raises(ReviewError, match="reviewer's name is longer than 200"):
        save_review(bundle, APPROVED, "", by="x" * 201)
    assert not (bundle.parent / "churn-1.review.json").exists()
