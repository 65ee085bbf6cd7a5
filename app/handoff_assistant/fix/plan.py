"""From open findings to a plan: which literal each finding is, the key that replaces it, and what cannot be fixed.

Nothing is written here. A finding is matched to the string literal on its line (when a line has several, the one
whose removal makes the scan's finding go away); the literal becomes a read of a key named by ``keys.KeyNamer``;
each edit is checked to parse on its own and all of a file's edits together. A literal holding a secret becomes an
environment variable (never a config value); a path or host becomes a config.yml key whose default is the value
on this machine, so the code behaves the same until IT sets its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Optional

from handoff_assistant.fix import generated, languages_out
from handoff_assistant.fix.folders import share_folders
from handoff_assistant.fix.keys import KeyNamer, normalised_path
from handoff_assistant.fix.literals import Literal, line_literals, python_literals, split_keep
from handoff_assistant.fix.model import (CATEGORY_OF_FINDING, CONFIG, ENV, ConfigEntry, Edit, FileFix, FixError,
                                         FixPlan, Unfixable)
from handoff_assistant.fix.units import (CONFIG_LANGUAGES, PYTHON, R, SHELL, SQL, SourceFile, Unit, apply_edits,
                                         read_source_file)
from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.scan import languages
from handoff_assistant.scan.findings import masking, scan_text
from handoff_assistant.scan.notebooks import prepare_python_cell
from handoff_assistant.scan.report import Finding, ScanReport, location_text

OUTPUT_RULES = "notebook.output."
# Findings that ask for no change: a throwaway CI service container's password (GitHub does not expand "${X}" in
# services.env), a placeholder in an example file, a per-user ~/.cache folder (portable as it is).
LEFT_AS_THEY_ARE = frozenset({"secret.ci-service-credential", "secret.example-value", "path.user-cache"})
_PRIORITY = {"secrets": 0, "hosts": 1, "paths": 2}
_MAGIC_LINE = re.compile(r"^\s*[%!]")
ROTATE_NOTE = ("{count} secret(s) were written in the code: the fix reads them from environment variables, but "
               "everyone who saw the code has the old values. Change (rotate) each one: {names}.")


@dataclass
class _Found:
    """A literal matched to the findings it carries, before it becomes an Edit."""

    unit: Unit
    literal: Literal
    findings: list[Finding]

    @property
    def category(self) -> str:
        return min((CATEGORY_OF_FINDING[f.category] for f in self.findings), key=_PRIORITY.__getitem__)


def fixable_findings(report: ScanReport, project: Optional[ProjectFile] = None, *,
                     only: Optional[frozenset[str]] = None,
                     fingerprints: Optional[frozenset[str]] = None) -> list[Finding]:
    """The open path, host and secret findings in code and configuration (not in saved notebook outputs)."""
    suppressions = project.suppressions if project else {}
    return [f for f in report.findings
            if f.category in CATEGORY_OF_FINDING and not f.rule.startswith(OUTPUT_RULES)
            and f.rule not in LEFT_AS_THEY_ARE and f.fingerprint not in suppressions
            and (only is None or CATEGORY_OF_FINDING[f.category] in only)
            and (fingerprints is None or f.fingerprint in fingerprints)]


def plan_fixes(root: Path, report: ScanReport, project: Optional[ProjectFile] = None, *,
               only: Optional[frozenset[str]] = None, fingerprints: Optional[frozenset[str]] = None) -> FixPlan:
    root = Path(root).resolve()
    findings = sorted(fixable_findings(report, project, only=only, fingerprints=fingerprints),
                      key=lambda f: (f.file, -1 if f.cell is None else f.cell, f.line, f.rule))
    existing = generated.existing_config(root)
    namer = KeyNamer(existing.values, existing.env_names)
    unfixable: list[Unfixable] = []
    files: list[FileFix] = []
    entries: dict[tuple[str, str, str], ConfigEntry] = {}
    for path in sorted({f.file for f in findings}):
        in_file = [f for f in findings if f.file == path]
        try:
            source = read_source_file(root, path)
        except FixError as error:
            unfixable += [_unfixable(f, str(error)) for f in in_file]
            continue
        edits, not_fixed = _plan_file(source, in_file, namer, entries, existing)
        unfixable += not_fixed
        if edits:
            files.append(FileFix(path, source.sha256, tuple(edits)))
    files = share_folders(files, entries, namer)
    used = {edit.key for fix in files for edit in fix.edits}
    entries = {k: e for k, e in entries.items() if e.stays_in or e.key in used}
    plan = FixPlan(str(root), tuple(files), tuple(sorted(entries.values(), key=lambda e: (e.kind, e.key))),
                   tuple(unfixable))
    return generated.with_generated_files(plan, existing, _notes(plan))


def _plan_file(source: SourceFile, findings: list[Finding], namer: KeyNamer,
               entries: dict[tuple[str, str, str], ConfigEntry], existing) -> tuple[list[Edit], list[Unfixable]]:
    found: dict[tuple, _Found] = {}
    unfixable: list[Unfixable] = []
    for finding in findings:
        unit = source.unit(finding.cell)
        located = _locate(source, unit, finding)
        if isinstance(located, str):
            unfixable.append(_unfixable(finding, located))
            continue
        for literal in located:
            key = (finding.cell, literal.line, literal.column)
            if key in found:
                found[key].findings.append(finding)
            else:
                found[key] = _Found(unit, literal, [finding])
    edits: list[Edit] = []
    for item in found.values():
        result = _edit(source, item, namer, entries, existing)
        if isinstance(result, str):
            unfixable += [_unfixable(f, result) for f in item.findings]
        elif result is not None:
            taken = sum(1 for edit in edits if edit.fingerprint == result.fingerprint)
            edits.append(replace(result, id=f"{result.id}-{taken + 1}") if taken else result)
    return _parsing_together(source, edits, unfixable, findings)


def _locate(source: SourceFile, unit: Optional[Unit], finding: Finding) -> list[Literal] | str:
    """The literals the finding is about (each alone would be reported), or why it cannot be edited."""
    if unit is None or unit.language is None:
        return "the fix does not edit this kind of file; move the value to configuration by hand"
    lines = split_keep(unit.text)
    if not 1 <= finding.line <= len(lines):
        return "the line is no longer in the file; rescan and try again"
    if unit.language == PYTHON and _MAGIC_LINE.match(lines[finding.line - 1]):
        return ("an IPython shell or magic line: IPython expands $ names itself, so move the command to a %%bash "
                "cell or a script to read the value from the environment")
    if unit.language == PYTHON:
        literals = python_literals(unit.text, cell=unit.is_cell)
        if literals is None:
            return "the code does not parse as Python 3, so it is not edited"
        candidates = [lit for lit in literals if lit.covers(finding.line)]
    elif unit.language in CONFIG_LANGUAGES:
        config_value = languages_out.config_value(unit.text, finding.line, unit.language)
        candidates = [config_value] if config_value else []
    else:
        candidates = line_literals(unit.text, finding.line, bare=unit.language in (SHELL, SQL))
    if not candidates:
        return "no literal value found on this line to replace"
    literals = candidates if len(candidates) == 1 else _flagged(source, unit, finding, candidates)
    if not literals:
        return "the finding comes from several values on this line together; split the line and rescan"
    blocked = next((lit for lit in literals if lit.value is None), None)
    return blocked.why_not if blocked else literals


def _flagged(source: SourceFile, unit: Unit, finding: Finding, candidates: list[Literal]) -> list[Literal]:
    """The candidates that alone, with every other one neutralised, still make the scan report the finding."""
    found = []
    for literal in candidates:
        text = unit.text
        for other in sorted((c for c in candidates if c is not literal), key=lambda c: (c.line, c.column),
                            reverse=True):
            text = replace_span(text, other, _neutral(other))
        if any(f.rule == finding.rule and f.line == finding.line for f in _scan_unit(source, unit, text)):
            found.append(literal)
    return found


def _neutral(literal: Literal) -> str:
    if not literal.quoted:
        return "value"
    quote = next((c for c in literal.source if c in "'\""), '"')
    return f"{quote}value{quote}"


def replace_span(text: str, literal: Literal, new: str) -> str:
    edit = Edit("", "", "", literal.line, None, "", "", "", new, column=literal.column, end_line=literal.end_line,
                end_column=literal.end_column)
    return apply_edits(Unit(None, text, None), (edit,))


def _scan_unit(source: SourceFile, unit: Unit, text: str) -> list[Finding]:
    if unit.is_cell:
        if unit.language == PYTHON:
            return scan_text(text, file=source.path, language=languages.PYTHON, cell=unit.cell)
        prepared = prepare_python_cell(text)
        body = prepared.body if prepared.cell_magic else text
        language = {SHELL: languages.SHELL, SQL: languages.SQL, R: languages.R}.get(unit.language)
        return scan_text(body, file=source.path, language=language, cell=unit.cell)
    return scan_text(text, file=source.path, language=languages.detect_language(source.path, text))


def _edit(source: SourceFile, item: _Found, namer: KeyNamer, entries: dict[tuple[str, str, str], ConfigEntry],
          existing) -> Edit | str | None:
    literal, unit, category = item.literal, item.unit, item.category
    first = item.findings[0]
    where = tuple(sorted({location_text(f.file, f.line, f.cell) for f in item.findings}))
    value = literal.value or ""
    if category == "secrets":
        name = namer.env_name(literal, value, source.path)
        entry = ConfigEntry(name, ENV, None, "Secret the code had written in it; set it in the environment "
                            "(and change the exposed value).", where)
        kind = ENV
    elif unit.language in CONFIG_LANGUAGES:
        key = literal.name
        entries[(CONFIG, key, source.path)] = ConfigEntry(
            key, CONFIG, normalised_path(value), f"{_what(category)} set in {source.path}; it stays there as the "
            f"value of {key}, which IT sets for the server.", where, stays_in=source.path)
        return None
    else:
        layout = generated.config_layout_problem(existing)
        if layout:
            return layout
        default = normalised_path(value) if category == "paths" else value
        name = namer.config_key(literal, default, category, source.path)
        if existing.values.get(name) is not None and existing.values[name] != default:
            return f"config.yml already has {name} with another value"
        entry = ConfigEntry(name, CONFIG, default, f"{_what(category)} the code used to hard-code; the default is "
                            "this machine's value.", where)
        kind = CONFIG
    after = languages_out.replacement(unit.language, kind, entry.key, literal)
    if after is None:
        return "the fix does not edit this kind of file; move the value to configuration by hand"
    before = _masked(literal) if category == "secrets" else literal.source
    edit = Edit(first.fingerprint, first.fingerprint, category, literal.line, unit.cell, entry.key,
                _description(category, entry, literal), before, after,
                fingerprints=tuple(f.fingerprint for f in item.findings), column=literal.column,
                end_line=literal.end_line, end_column=literal.end_column, language=unit.language or "")
    _add_entry(entries, entry)
    return edit


def _parsing_together(source: SourceFile, edits: list[Edit], unfixable: list[Unfixable],
                      findings: list[Finding]) -> tuple[list[Edit], list[Unfixable]]:
    """Each unit is parsed once with all its edits; only when that fails is each edit tried alone, and those that
    do not parse alone (or only together with the others) are dropped with the reason."""
    by_fp = {f.fingerprint: f for f in findings}
    kept = []
    for unit in source.units:
        mine = sorted((e for e in edits if e.cell == unit.cell), key=lambda e: (e.line, e.column))
        clean = [e for i, e in enumerate(mine)
                 if i == 0 or (mine[i - 1].end_line, mine[i - 1].end_column) <= (e.line, e.column)]
        if not clean or not languages_out.parse_problem(unit, apply_edits(unit, clean)):
            kept += clean
            continue
        alone = {e.id: languages_out.parse_problem(unit, apply_edits(unit, (e,))) for e in clean}
        survivors = [e for e in clean if not alone[e.id]]
        together = languages_out.parse_problem(unit, apply_edits(unit, survivors)) if survivors else None
        for edit in clean:
            reason = (f"the replacement would not parse here ({alone[edit.id]})" if alone[edit.id] else
                      f"together with the other edits the code would not parse ({together})" if together else "")
            if reason:
                unfixable += [_unfixable(by_fp[fp], reason) for fp in edit.fingerprints if fp in by_fp]
            else:
                kept.append(edit)
    return kept, unfixable


def _add_entry(entries: dict[tuple[str, str, str], ConfigEntry], entry: ConfigEntry) -> None:
    previous = entries.get((entry.kind, entry.key, ""))
    if previous is not None:
        entry = replace(previous, used_in=tuple(sorted(set(previous.used_in) | set(entry.used_in))))
    entries[(entry.kind, entry.key, "")] = entry


def _what(category: str) -> str:
    return {"paths": "A path", "hosts": "A host or URL", "secrets": "A secret"}[category]


def _description(category: str, entry: ConfigEntry, literal: Literal) -> str:
    if category == "secrets":
        return (f"The secret becomes the environment variable {entry.key} (listed in .env.example); change the "
                "exposed value.")
    return f"{_what(category)} becomes the config key {entry.key} (default: this machine's value)."


def _masked(literal: Literal) -> str:
    """The literal as it may be shown: the recognisable secret masked, else the whole value (quotes kept)."""
    masked = masking.mask_secrets(literal.source)
    if masked != literal.source:
        return masked
    quote = literal.source[:len(literal.source) - len(literal.source.lstrip("rRbBuU"))]
    body = literal.source[len(quote):]
    if literal.quoted and body[:1] in "\"'" and body[-1:] == body[:1]:
        return f"{quote}{body[0]}{masking.mask_value(literal.value or '')}{body[0]}"
    return masking.mask_value(literal.source)


def _unfixable(finding: Finding, reason: str) -> Unfixable:
    return Unfixable(finding.fingerprint, finding.file, finding.line, reason, finding.cell)


def _notes(plan: FixPlan) -> tuple[str, ...]:
    secrets = sorted({e.key for e in plan.config_entries if e.kind == ENV})
    return (ROTATE_NOTE.format(count=len(secrets), names=", ".join(secrets)),) if secrets else ()


def findings_by_fingerprint(findings: Iterable[Finding]) -> dict[str, Finding]:
    return {f.fingerprint: f for f in findings}
