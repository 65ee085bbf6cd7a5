"""Turn one bundle's manifest into a portfolio ``Record``; anything unreadable becomes a record with the reason.

The manifest itself is read and checked by the bundle package (``bundle.reader``: member safety checks,
JSON, file list); this module only picks the fields the portfolio shows, so the portfolio never has a
second idea of the bundle format (docs/bundle-format.md).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from handoff_assistant.portfolio.model import BUNDLE, ChecklistLine, Record, SectionValue
from handoff_assistant.portfolio.sources import MANIFEST_NAME

ManifestReader = Callable[[Path], dict]


def default_manifest_reader() -> ManifestReader:
    """The bundle package's manifest reader: a zip's members are checked and only the manifest is read."""
    from handoff_assistant.bundle.contents import read_contents
    from handoff_assistant.bundle.reader import read_manifest

    def read(path: Path) -> dict:
        if path.is_dir():
            return read_manifest(path / MANIFEST_NAME)
        return read_contents(path).manifest

    return read


def read_bundle_record(path: Path, reader: ManifestReader) -> Record:
    """Never raises for a bad bundle: the record's ``error`` says what is wrong, in one sentence."""
    try:
        manifest = reader(path)
    except Exception as error:  # noqa: BLE001 - any failure to read one bundle is that bundle's row
        reason = _reason(error).replace(str(path), path.name)  # the row already shows where it is
        return Record(path=str(path), kind=BUNDLE, project=_name_from_path(path), error=reason)
    try:
        return record_from_manifest(path, manifest)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        return Record(path=str(path), kind=BUNDLE, project=_name_from_path(path),
                      error=f"the manifest is missing or has a malformed field ({_reason(error)})")


def record_from_manifest(path: Path, manifest: dict) -> Record:
    project = manifest.get("project") or {}
    assessment = manifest.get("assessment") or {}
    return Record(
        path=str(path),
        kind=BUNDLE,
        project=str(project.get("name") or _name_from_path(path)),
        owner=_owner(project),
        version=_version(manifest),
        created_at=str(manifest.get("created_at") or ""),
        score=_number(assessment.get("score")),
        level=str(assessment.get("level") or "unknown"),
        weakest_section=assessment.get("weakest_section"),
        blockers=tuple(str(b) for b in assessment.get("blockers") or ()),
        sections=sections_from(assessment.get("sections") or ()),
        items=tuple(_checklist_line(item) for item in assessment.get("items") or ()),
    )


def _checklist_line(item: dict) -> ChecklistLine:
    return ChecklistLine(id=str(item["id"]), section=str(item.get("section") or ""),
                         title=str(item.get("title") or item["id"]), status=str(item.get("status") or ""),
                         note=str(item.get("note") or ""))


def sections_from(raw: Any) -> tuple[SectionValue, ...]:
    """Sections as a list of {id, title, score} (the Assessment's form) or a {id: score} mapping."""
    if isinstance(raw, dict):
        return tuple(SectionValue(id=str(k), title=str(k), score=_number(v)) for k, v in raw.items())
    return tuple(SectionValue(id=str(s["id"]), title=str(s.get("title") or s["id"]), score=_number(s.get("score")))
                 for s in raw)


def _owner(project: dict) -> str:
    owner = project.get("owner")
    if isinstance(owner, dict):
        return str(owner.get("name") or owner.get("email") or "")
    return str(owner or "")


def _version(manifest: dict) -> str:
    source = manifest.get("source") or {}
    commit = source.get("commit") if isinstance(source, dict) else None
    commit = commit or manifest.get("source_commit")
    if commit:
        dirty = isinstance(source, dict) and source.get("dirty")
        return str(commit)[:10] + (" (dirty)" if dirty else "")
    # Not the tool's version: that says nothing about which handoff of the project this is.
    return str(manifest.get("version") or "no commit")


def _number(value: Any) -> Optional[float]:
    return None if value is None else round(float(value), 1)


def _name_from_path(path: Path) -> str:
    return path.stem if path.suffix.lower() == ".zip" else path.name


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 300 else text[:297] + "..."
