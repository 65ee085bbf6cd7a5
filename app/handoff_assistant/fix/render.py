"""A plan's files as they would be after the selected edits, and the unified diff the CLI and GUI show."""
from __future__ import annotations

import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

from handoff_assistant.fix import generated
from handoff_assistant.fix.model import Edit, FileFix, FixError, FixPlan
from handoff_assistant.fix.notebook_json import replace_sources
from handoff_assistant.fix.units import PYTHON, add_imports, apply_edits, needed_imports, read_source_file
from handoff_assistant.scan.findings.masking import mask_secrets


def selected_edits(plan: FixPlan, selected: Optional[frozenset[str]]) -> list[Edit]:
    return [edit for edit in plan.edits if selected is None or edit.id in selected]


def text_before(plan: FixPlan, path: str) -> str:
    """The file as it is now ("" for a file the fix would create)."""
    fix = plan.file(path)
    if fix.generated and fix.created:
        return ""
    location = Path(plan.root) / path
    try:
        return location.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise FixError(f"{path} cannot be read: {error.strerror or error}") from error


def text_after(plan: FixPlan, path: str, selected: Optional[frozenset[str]] = None) -> str:
    """The file with only the selected edits applied (all when ``selected`` is None)."""
    fix = plan.file(path)
    chosen = selected_edits(plan, selected)
    if fix.generated:
        text = generated.generated_text(plan, path, chosen)
        return text_before(plan, path) if text is None else text
    return _with_edits(plan, fix, [edit for edit in chosen if edit in fix.edits])


def _with_edits(plan: FixPlan, fix: FileFix, mine: list[Edit]) -> str:
    source = read_source_file(Path(plan.root), fix.path)
    if source.sha256 != fix.original_sha256:
        raise FixError(f"{fix.path} changed since the scan; rescan before fixing it")
    if not source.notebook:
        unit = source.units[0]
        text = apply_edits(unit, mine)
        if unit.language == PYTHON:
            text = add_imports(text, needed_imports(mine))
        return text
    return _notebook_after(source, mine)


def _notebook_after(source, edits: list[Edit]) -> str:
    new_sources: dict[int, str] = {}
    for unit in source.units:
        mine = [edit for edit in edits if edit.cell == unit.cell]
        if mine:
            new_sources[unit.cell] = apply_edits(unit, mine)
    modules = needed_imports(edits)
    if modules:
        python = [u for u in source.units if u.language == PYTHON and _parses(new_sources.get(u.cell, u.text))]
        host = next((u for u in python if _IMPORT.search(u.text)), None) or next(
            (u for u in python if u.cell == min(e.cell for e in edits if e.cell is not None)), None) or next(
            iter(python), None)
        if host is None:
            raise FixError(f"{source.path} has no Python cell that parses to import {', '.join(modules)} in")
        new_sources[host.cell] = add_imports(new_sources.get(host.cell, host.text), modules, cell=True)
    return replace_sources(source.text, new_sources) if new_sources else source.text


_IMPORT = re.compile(r"^(?:import|from)\s+\w", re.M)


def _parses(text: str) -> bool:
    from handoff_assistant.fix.literals import python_parses

    return python_parses(text, cell=True)


def render_diff(plan: FixPlan, selected: Optional[frozenset[str]] = None) -> str:
    """A unified diff per file (a/ and b/ prefixes, like git), files in plan order; "" when nothing changes."""
    chunks = []
    for fix in plan.files:
        chunks.append(file_diff(plan, fix, selected))
    return "".join(chunks)


def file_diff(plan: FixPlan, fix: FileFix, selected: Optional[frozenset[str]] = None) -> str:
    """The file's diff as people may see it: every secret value masked on both sides."""
    before, after = shown_texts(plan, fix, selected)
    if before == after:
        return ""
    old = "/dev/null" if fix.created else f"a/{fix.path}"
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), old,
                                 f"b/{fix.path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def shown_texts(plan: FixPlan, fix: FileFix, selected: Optional[frozenset[str]] = None) -> tuple[str, str]:
    """(before, after) for display: a secret literal shows masked, whether its edit is selected or not."""
    if fix.generated:
        return text_before(plan, fix.path), text_after(plan, fix.path, selected)
    masks = [replace(edit, after=edit.before) for edit in fix.edits if edit.category == "secrets"]
    chosen = [edit for edit in selected_edits(plan, selected) if edit in fix.edits]
    chosen_ids = {edit.id for edit in chosen}
    before = _with_edits(plan, fix, masks) if masks else text_before(plan, fix.path)
    after = _with_edits(plan, fix, chosen + [m for m in masks if m.id not in chosen_ids])
    replacements = tuple(edit.after for edit in fix.edits)
    return _masked_lines(before, replacements), _masked_lines(after, replacements)


def _masked_lines(text: str, replacements: tuple[str, ...]) -> str:
    """Any other recognisable secret masked too, except on lines the fix wrote (``os.environ["PASSWORD"]`` is a
    read, not a value)."""
    return "".join(line if any(r in line for r in replacements) else mask_secrets(line)
                   for line in text.splitlines(keepends=True))
