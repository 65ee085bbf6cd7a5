"""The app's own reports lying in a scanned folder, recognised so they are not scanned as the prototype's code.

A CI job typically writes ``handoff scan . --format sarif -o results.sarif`` into the checkout it then scans
again; the masked snippets in such a report would come back as a second copy of every finding (and as
configuration keys in ``handoff init``). Only the first few kilobytes are looked at.
"""
from __future__ import annotations

import re
from pathlib import PurePosixPath

_REPORT_SUFFIXES = frozenset({".json", ".sarif", ".html", ".htm"})
_HEAD_CHARS = 4096
_SIGNATURES = (
    re.compile(r'<meta name="generator" content="Handoff Assistant'),  # HTML readiness report and portfolio
    re.compile(r'"driver":\s*\{\s*"name":\s*"Handoff Assistant"'),  # SARIF
    re.compile(r'\A\s*\{\s*"root":[^{}]*"scanned_at":[^{}]*"tool_version":'),  # ScanReport JSON
    re.compile(r'\A\s*\{\s*"items":\s*\[\s*\{\s*"id":\s*"[a-z]+\.[a-z0-9-]+",\s*"section":'),  # Assessment JSON
)


def is_own_output(path: str, text: str) -> bool:
    """Whether ``text`` is a report this app wrote (scan JSON or SARIF, check JSON or HTML, portfolio HTML)."""
    if PurePosixPath(path).suffix.lower() not in _REPORT_SUFFIXES:
        return False
    head = text[:_HEAD_CHARS]
    return any(signature.search(head) for signature in _SIGNATURES)
