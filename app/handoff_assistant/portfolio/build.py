"""Build the portfolio: find everything below the sources, read it (reusing the store), group it into rows.

``refresh`` yields one ``Record`` at a time so a window can fill its table as they arrive;
``build_portfolio`` is the one-call form the CLI uses. Nothing here raises for a bad bundle or project:
it becomes a record with the reason.
"""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from handoff_assistant.portfolio.bundles import ManifestReader, default_manifest_reader, read_bundle_record
from handoff_assistant.portfolio.model import BUNDLE, PROJECT_FOLDER, History, HistoryStep, Portfolio, Record, Row
from handoff_assistant.portfolio.projects import ProjectAssessor, default_project_assessor
from handoff_assistant.portfolio.reviews import read_review
from handoff_assistant.portfolio.sources import Found, Missing, discover
from handoff_assistant.portfolio.store import Store
from handoff_assistant.portfolio.verification import read_verification
from handoff_assistant.tasks import CancelToken, ProgressCallback, ensure_cancel, ensure_progress

# Lines describing what changed between two bundles (``bundle_changes`` uses `handoff diff`).
ChangeDescriber = Callable[[Path, Path], Sequence[str]]


def refresh(
    sources: Iterable[Path | str],
    store: Store,
    reader: Optional[ManifestReader] = None,
    assessor: Optional[ProjectAssessor] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> Iterator[Record]:
    """Yield a record per bundle, project folder and unusable source; the store is updated as we go."""
    report = ensure_progress(progress)
    cancel = ensure_cancel(cancel)
    reader = reader or _safe_default_reader()
    assessor = assessor or default_project_assessor(cancel=cancel)
    found = list(discover(sources, cancel))
    for done, item in enumerate(found):
        cancel.raise_if_cancelled()
        report(done, len(found), f"Reading {item.path.name}")
        yield _read(item, store, reader, assessor)
    store.forget_missing()
    report(len(found), len(found), "Done")


def _read(item: Found | Missing, store: Store, reader: ManifestReader, assessor: ProjectAssessor) -> Record:
    if isinstance(item, Missing):
        return Record(path=str(item.path), kind=BUNDLE, project=item.path.name, error=item.reason)
    if item.kind == PROJECT_FOLDER:
        record = assessor(item.path)
        store.put(record, 0, 0)
        return record
    try:
        stat = item.path.stat()
    except OSError as error:
        return Record(path=str(item.path), kind=BUNDLE, project=item.path.name,
                      error=f"cannot read it: {error.strerror or error}")
    size, mtime = _signature(item.path, stat.st_size, stat.st_mtime_ns)
    cached = store.cached(item.path, size, mtime)
    if cached is not None:
        return cached
    record = read_bundle_record(item.path, reader)
    if record.readable:  # a failure may be passing (a share offline): try again next time
        store.put(record, size, mtime)
    return record


def _signature(path: Path, size: int, mtime_ns: int) -> tuple[int, int]:
    """A folder bundle changes when its manifest does; a zip when its bytes do."""
    if path.is_dir():
        manifest = (path / "handoff-manifest.json").stat()
        return manifest.st_size, manifest.st_mtime_ns
    return size, mtime_ns


def _safe_default_reader() -> ManifestReader:
    try:
        return default_manifest_reader()
    except ImportError as error:
        message = f"this build cannot read bundles ({error})"

        def unavailable(path: Path) -> dict:
            raise RuntimeError(message)

        return unavailable


def rows_from_records(records: Iterable[Record]) -> tuple[Row, ...]:
    """One row per project's latest readable bundle, per project folder, and per unreadable item."""
    records = list(records)
    bundles = sorted((r for r in records if r.kind == BUNDLE and r.readable), key=lambda r: r.project)
    rows = []
    for _, group in groupby(bundles, key=lambda r: r.project):
        ordered = sorted(group, key=_chronological)
        latest = ordered[-1]
        previous = ordered[-2] if len(ordered) > 1 else None
        rows.append(Row(record=latest, verification=read_verification(Path(latest.path)),
                        review=read_review(Path(latest.path)), bundle_count=len(ordered),
                        score_change=_score_change(previous, latest)))
    rows += [Row(record=r) for r in records if r.kind == PROJECT_FOLDER or not r.readable]
    return tuple(sorted(rows, key=lambda row: (row.project.lower(), row.record.kind, row.record.path)))


def build_portfolio(
    sources: Sequence[Path | str],
    store: Store,
    reader: Optional[ManifestReader] = None,
    assessor: Optional[ProjectAssessor] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> Portfolio:
    records = list(refresh(sources, store, reader, assessor, progress, cancel))
    return Portfolio(rows=rows_from_records(records), generated_at=_now(), sources=tuple(str(s) for s in sources))


def bundle_changes(old: Path, new: Path) -> tuple[str, ...]:
    """What ``handoff diff`` reports between two bundles, without the readiness lines the history shows itself."""
    from handoff_assistant.bundle.diff import diff_bundles, diff_text
    from handoff_assistant.bundle.options import BundleError

    try:
        diff = diff_bundles(old, new)
    except BundleError as error:
        return (f"cannot compare: {error}",)
    lines, section = [], ""
    for line in diff_text(diff).splitlines()[2:]:  # the first two name the bundles
        if line and not line.startswith(" "):
            section = line.rstrip(":")
        elif line.strip() and section != "Readiness":
            lines.append(f"{section}: {line.strip()}")
    return tuple(lines)


def history(project: str, store: Store, describe_changes: Optional[ChangeDescriber] = None) -> History:
    """Every bundle of ``project`` known to the store, oldest first, with what changed from one to the next."""
    ordered = sorted(store.bundles_of(project), key=_chronological)
    steps = []
    for previous, current in zip([None, *ordered], ordered):
        steps.append(_step(previous, current, describe_changes))
    return History(project=project, steps=tuple(steps))


def _step(previous: Optional[Record], current: Record, describe_changes: Optional[ChangeDescriber]) -> HistoryStep:
    if previous is None:
        return HistoryStep(record=current)
    changes = tuple(describe_changes(Path(previous.path), Path(current.path))) if describe_changes else ()
    return HistoryStep(
        record=current,
        score_change=_score_change(previous, current),
        previous_level=previous.level,
        blockers_added=tuple(b for b in current.blockers if b not in previous.blockers),
        blockers_resolved=tuple(b for b in previous.blockers if b not in current.blockers),
        changes=changes,
    )


def _score_change(previous: Optional[Record], current: Record) -> Optional[float]:
    if previous is None or previous.score is None or current.score is None:
        return None
    return round(current.score - previous.score, 1)


def _chronological(record: Record) -> tuple[datetime, str]:
    """Order by creation time (a naive time counts as UTC; an unparsable one sorts first), then path."""
    try:
        when = datetime.fromisoformat(record.created_at.replace("Z", "+00:00"))
    except ValueError:
        when = datetime.min
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)), record.path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
