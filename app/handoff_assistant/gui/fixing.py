"""The GUI's one door to the fix engine (``handoff_assistant.fix``): plan, diff, apply, undo, the last fix.

Backups live in the user data folder (``HANDOFF_DATA_DIR`` in tests), never in the project.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from handoff_assistant import fix as engine
from handoff_assistant.fix.model import CATEGORY_OF_FINDING
from handoff_assistant.fix.plan import OUTPUT_RULES
from handoff_assistant.fix.render import file_diff as engine_file_diff
from handoff_assistant.scan.findings.masking import mask_secrets
from handoff_assistant.scan.report import Finding, ScanReport
from handoff_assistant.user_data import fix_backup_root

NOT_IN_CONFIG_CATEGORY = "only hardcoded paths, hosts and credentials are moved into configuration"
IN_SAVED_OUTPUT = "it is in a saved notebook output: clear the output or re-run the cell, then rescan"
SUPPRESSED = "it is suppressed with a reason; unsuppress it first"


def backup_root() -> Path:
    return fix_backup_root()


def plan(root: Path, report: ScanReport, project: Any, fingerprints: Optional[Iterable[str]]) -> Any:
    """The engine's plan for ``fingerprints`` (None: every fixable finding)."""
    chosen = None if fingerprints is None else frozenset(fingerprints)
    return engine.plan_fixes(root, report, project, fingerprints=chosen)


def file_diff(plan: Any, file: Any, selected: Iterable[str]) -> str:
    """The unified diff of one file with only the ``selected`` edits; a removed secret is shown masked."""
    diff = engine_file_diff(plan, file, frozenset(selected))
    return "".join(_masked_diff_line(line) for line in diff.splitlines(keepends=True))


def _masked_diff_line(line: str) -> str:
    """Mask removed and unchanged code (where the old values are); the code after the +/-/space column is masked
    on its own, as the masker would read "-password" as one word. Added lines are the engine's reads of keys."""
    if not line.startswith(("-", " ")) or line.startswith("---"):
        return line
    return line[0] + mask_secrets(line[1:])


def apply(plan: Any, root: Path, selected: Iterable[str], progress, cancel) -> Any:
    return engine.apply_fixes(plan, root, selected=frozenset(selected), backup_root=backup_root(),
                              progress=progress, cancel=cancel)


def undo(applied: Any) -> list[Path]:
    return engine.undo(applied)


def fixability(report: ScanReport, project: Any) -> dict[str, Optional[str]]:
    """Per finding fingerprint: None when the engine will try to fix it, else why not (for tooltips).

    The engine decides which findings it takes (``fixable_findings``); whether it manages a given literal is
    known only from the plan, whose ``unfixable`` list the preview shows with the engine's reasons.
    """
    taken = {finding.fingerprint for finding in engine.fixable_findings(report, project)}
    return {finding.fingerprint: None if finding.fingerprint in taken else _why_not(finding, project)
            for finding in report.findings if finding.fingerprint}


def _why_not(finding: Finding, project: Any) -> str:
    if finding.category not in CATEGORY_OF_FINDING:
        return NOT_IN_CONFIG_CATEGORY
    if finding.rule.startswith(OUTPUT_RULES):
        return IN_SAVED_OUTPUT
    if project is not None and finding.fingerprint in project.suppressions:
        return SUPPRESSED
    return "the fix engine does not take this finding"


def git_note(report: ScanReport, plan: Any) -> str:
    """In a git repository: which files the fix touches, which of those already have uncommitted changes."""
    git = report.git
    if not git.is_repo:
        return ""
    changed = [file.path for file in plan.files if not file.created]
    created = [file.path for file in plan.files if file.created]
    dirty = sorted(set(changed) & set(git.dirty))
    parts = [f"In this git repository{f' (branch {git.branch})' if git.branch else ''}, Apply changes "
             f"{len(changed)} files ({_names(changed)})"]
    if created:
        parts.append(f" and creates {len(created)} ({_names(created)})")
    parts.append(". Nothing is committed: review with git diff and commit yourself.")
    if dirty:
        parts.append(f" Already uncommitted before the fix: {_names(dirty)}.")
    return "".join(parts)


def _names(paths: list[str], limit: int = 6) -> str:
    more = len(paths) - limit
    return ", ".join(paths[:limit]) + (f" and {more} more" if more > 0 else "")


def last_applied(root: Path) -> Optional[Any]:
    """The last fix applied to ``root`` that has not been undone (kept across restarts by the engine)."""
    return engine.last_applied(root, backup_root())


def last_applied_id(root: Path) -> Optional[str]:
    applied = last_applied(root)
    return applied.id if applied is not None else None


def applied_files(applied: Any) -> tuple[str, ...]:
    return tuple(touched.path for touched in applied.files)


def applied_when(applied: Any) -> str:
    """"on 2026-12-05 at 00:15 UTC" from the record's ISO time."""
    stamp = applied.applied_at
    return f"on {stamp[:10]} at {stamp[11:16]} UTC" if len(stamp) >= 16 else f"at {stamp}"


@dataclass(frozen=True)
class SideBySideRow:
    left: str
    right: str
    kind: str  # "same", "changed", "removed" (left only), "added" (right only)


def side_by_side(plan: Any, file: Any, selected: Iterable[str]) -> list[SideBySideRow]:
    """The file before and after, line against line; old text masked, and unchanged lines masked on both sides."""
    before = plan.text_before(file.path).splitlines()
    after = plan.text_after(file.path, frozenset(selected)).splitlines()
    rows: list[SideBySideRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [SideBySideRow(mask_secrets(line), mask_secrets(line), "same") for line in before[i1:i2]]
            continue
        old = [mask_secrets(line) for line in before[i1:i2]]
        new = after[j1:j2]
        for k in range(max(len(old), len(new))):
            left, right = (old[k] if k < len(old) else ""), (new[k] if k < len(new) else "")
            kind = "changed" if k < len(old) and k < len(new) else ("removed" if k < len(old) else "added")
            rows.append(SideBySideRow(left, right, kind))
    return rows
