"""Everything in the code that will break on a server: hardcoded paths, working-directory tricks, hosts, secrets.

``scan_text`` runs every text detector on one file (or one notebook cell) and returns findings whose snippets
have every secret value masked and whose fingerprints survive unrelated edits. Notebook hygiene and what saved
outputs leak are in ``findings.notebooks``.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Optional

from handoff_assistant.scan.findings import file_names, hosts, masking, paths, server_paths, workdir  # noqa: F401 (rules register)
from handoff_assistant.scan.findings.base import (
    RULES, Hit, Rule, TakenSpans, make_finding, make_snippet, with_fingerprints,
)
from handoff_assistant.scan.findings.downloads import find_downloads
from handoff_assistant.scan.findings.hosts import find_hosts
from handoff_assistant.scan.findings.paths import find_paths
from handoff_assistant.scan.findings.placement import adjust_for_placement
from handoff_assistant.scan.findings.secrets import find_secrets
from handoff_assistant.scan.findings.server_paths import find_server_paths
from handoff_assistant.scan.findings.source import read_source
from handoff_assistant.scan.findings.workdir import find_workdir
from handoff_assistant.scan.report import Finding
from handoff_assistant.tasks import checkpoint, with_checkpoints

# What any detector needs to see at least once, in the lower-cased text. Most files and cells have none of it, and
# reading Python with tokenize is most of a scan's time, so those are not read at all.
_NEEDLES = (paths.TEXT_NEEDLES + workdir.TEXT_NEEDLES + hosts.TEXT_NEEDLES + masking.TEXT_NEEDLES
            + downloads.TEXT_NEEDLES)
_PATTERN = re.compile(f"{hosts.TEXT_PATTERN}|{masking.TEXT_PATTERN}|{server_paths.TEXT_PATTERN}"
                      f"|{server_paths.WINDOWS_TEXT_PATTERN}")

__all__ = ["RULES", "Rule", "notebook_findings", "scan_text"]


def scan_text(text: str, *, file: str, language: Optional[str], cell: Optional[int] = None) -> list[Finding]:
    """Findings in one text; ``language`` is the scan's language name, None for configuration and unknown files."""
    if not _may_have_findings(text):
        return []
    source = read_source(text, file=file, language=language)
    hits = find_secrets(source)
    if not source.prose:
        for detector in (find_paths, find_server_paths, find_workdir, find_hosts, find_downloads):
            checkpoint()  # each detector reads the whole text: a cancel is seen between them
            hits += detector(source)
    checkpoint()
    masks: dict[int, list[tuple[int, int]]] = {}
    for hit in hits:
        for row, start, end in hit.masks:
            masks.setdefault(row, []).append((start, end))
    findings = []
    for hit in _one_per_rule_and_line(hits):  # already walked under checkpoints
        line_text = source.lines[hit.line - 1] if hit.line <= len(source.lines) else ""
        snippet = make_snippet(line_text, masks.get(hit.line, ()))
        findings.append(make_finding(hit.rule, file=file, line=hit.line, snippet=snippet, cell=cell, detail=hit.detail))
    return with_fingerprints(adjust_for_placement(findings, source))


def _may_have_findings(text: str) -> bool:
    lowered = text.lower()
    return any(needle in lowered for needle in _NEEDLES) or _PATTERN.search(lowered) is not None


def _one_per_rule_and_line(hits: list[Hit]) -> list[Hit]:
    """A line reported once per rule; a secret already reported by a specific rule is not reported again."""
    kept: dict[tuple[str, int], Hit] = {}
    secret_masks: dict[int, TakenSpans] = defaultdict(TakenSpans)
    for hit in with_checkpoints(hits):
        if any(secret_masks[row].overlaps(start, end) for row, start, end in hit.masks):
            continue
        for row, start, end in hit.masks:
            secret_masks[row].add(start, end)
        kept.setdefault((hit.rule.id, hit.line), hit)
    return list(kept.values())


def notebook_findings(notebook, path: str) -> list[Finding]:
    """Hygiene and output findings of a parsed notebook (see ``findings.notebooks``)."""
    return _notebooks.notebook_findings(notebook, path)


# Registers the notebook rules, so renderers can describe them even for a report read back from JSON.
from handoff_assistant.scan.findings import notebooks as _notebooks  # noqa: E402  (it imports scan_text)
