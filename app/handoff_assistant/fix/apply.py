"""Writing a plan and taking it back: atomic per file, backups outside the project, a JSON record for Undo.

Before anything is written every file is checked against the hash the plan was made from, and every new text is
computed, so a refused fix changes nothing. Each touched file is copied to ``backup_root/<id>/`` first; the record
(``record.json`` there, and ``last.json`` per project) lets Undo work after a restart. Undo refuses, before
touching anything, when a file changed since the fix; it never deletes a file the user edited.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from handoff_assistant.atomic_files import atomic_file
from handoff_assistant.fix.model import AppliedFix, FixError, FixPlan, TouchedFile
from handoff_assistant.fix.notebook_json import validate
from handoff_assistant.fix.render import selected_edits, text_after
from handoff_assistant.fix.units import sha256
from handoff_assistant.serialization import from_jsonable, to_jsonable
from handoff_assistant.tasks import CancelToken, ProgressCallback, ensure_cancel, ensure_progress

RECORD = "record.json"


def apply_fixes(plan: FixPlan, root: Path, *, selected: Optional[frozenset[str]] = None, backup_root: Path,
                progress: Optional[ProgressCallback] = None, cancel: Optional[CancelToken] = None) -> AppliedFix:
    """Write the selected edits (all when None) and the generated files they need; return the Undo record."""
    root = Path(root).resolve()
    if Path(plan.root).resolve() != root:
        raise FixError(f"the plan was made for {plan.root}, not {root}")
    progress, cancel = ensure_progress(progress), ensure_cancel(cancel)
    chosen = selected_edits(plan, selected)
    if not chosen:
        raise FixError("no edit is selected")
    writes = _new_texts(plan, root, selected)
    cancel.raise_if_cancelled()
    fix_id = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(3)
    backup_dir = Path(backup_root) / _project_folder(root) / fix_id
    backup_dir.mkdir(parents=True, exist_ok=False)
    touched = []
    for index, (path, data, existed) in enumerate(writes):
        progress(index, len(writes), f"Writing {path}")
        backup = ""
        if existed:
            backup = f"{index:03d}-{Path(path).name}"
            (backup_dir / backup).write_bytes((root / path).read_bytes())
        touched.append(TouchedFile(path, not existed, backup, sha256(data)))
        _write_record(backup_dir, root, fix_id, touched, chosen, plan)  # written before each change: undo-able
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(target, binary=True) as stream:
            stream.write(data)
    progress(len(writes), len(writes), "Fix applied")
    record = _write_record(backup_dir, root, fix_id, touched, chosen, plan)
    (Path(backup_root) / _project_folder(root) / "last.json").write_text(json.dumps({"id": fix_id}), encoding="utf-8")
    return record


def _new_texts(plan: FixPlan, root: Path, selected: Optional[frozenset[str]]) -> list[tuple[str, bytes, bool]]:
    """Every file's new bytes, checked: unchanged since the scan, still parsing; nothing written yet."""
    writes = []
    for fix in plan.files:
        target = root / fix.path
        existed = target.exists()
        current = target.read_bytes() if existed else b""
        if fix.original_sha256 and sha256(current) != fix.original_sha256:
            raise FixError(f"{fix.path} changed since the scan; rescan before fixing it")
        if not fix.original_sha256 and existed and fix.created:
            raise FixError(f"{fix.path} was created since the scan; rescan before fixing it")
        before = current.decode("utf-8-sig") if existed else ""
        after = text_after(plan, fix.path, selected)
        if after == before:
            continue
        if fix.path.lower().endswith(".ipynb"):
            problem = validate(after)
            if problem:
                raise FixError(f"{fix.path} would not be a valid notebook after the fix ({problem})")
        bom = b"\xef\xbb\xbf" if current.startswith(b"\xef\xbb\xbf") else b""
        writes.append((fix.path, bom + after.encode("utf-8"), existed))
    return writes


def _write_record(backup_dir: Path, root: Path, fix_id: str, touched: list[TouchedFile], chosen, plan) -> AppliedFix:
    used = {edit.key for edit in chosen}
    record = AppliedFix(fix_id, str(root), datetime.now(timezone.utc).isoformat(timespec="seconds"), str(backup_dir),
                        tuple(touched), tuple(edit.id for edit in chosen),
                        tuple(e for e in plan.config_entries if e.key in used))
    with atomic_file(backup_dir / RECORD) as stream:
        stream.write(json.dumps(to_jsonable(record), indent=2))
    return record


def undo(applied: AppliedFix) -> list[Path]:
    """Put every touched file back byte for byte and remove the files the fix created; the paths restored."""
    root = Path(applied.root)
    backup_dir = Path(applied.backup_dir)
    changed = []
    for touched in applied.files:
        target = root / touched.path
        current = sha256(target.read_bytes()) if target.exists() else None
        if current != touched.sha256_after:
            changed.append(touched.path)
        elif touched.backup and not (backup_dir / touched.backup).exists():
            raise FixError(f"the backup of {touched.path} is missing from {backup_dir}; nothing was restored")
    if changed:
        raise FixError(f"{', '.join(changed)} changed since the fix was applied; nothing was restored "
                       "(undo the later changes first, or restore from the backups in " + str(backup_dir) + ")")
    restored = []
    for touched in reversed(applied.files):
        target = root / touched.path
        if touched.created:
            target.unlink()
        else:
            with atomic_file(target, binary=True) as stream:
                stream.write((backup_dir / touched.backup).read_bytes())
        restored.append(target)
    (backup_dir / "undone").write_text(datetime.now(timezone.utc).isoformat(timespec="seconds"), encoding="utf-8")
    return restored


def last_applied(root: Path, backup_root: Path) -> Optional[AppliedFix]:
    """The last fix applied to this project and not undone yet, read back from its record."""
    folder = Path(backup_root) / _project_folder(Path(root).resolve())
    try:
        fix_id = json.loads((folder / "last.json").read_text(encoding="utf-8"))["id"]
        record = json.loads((folder / fix_id / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if (folder / fix_id / "undone").exists():
        return None
    return from_jsonable(AppliedFix, record)


def read_applied(record_path: Path) -> AppliedFix:
    return from_jsonable(AppliedFix, json.loads(Path(record_path).read_text(encoding="utf-8")))


def _project_folder(root: Path) -> str:
    """One folder per project under the backup root: its name and a hash of its absolute path."""
    digest = hashlib.sha256(str(root).encode("utf-8")).hexdigest()[:12]
    return f"{root.name or 'project'}-{digest}"
