"""Everything in the code that will break on a server: paths, hosts, secrets, notebook hygiene.  (STUB)"""
from __future__ import annotations

from typing import Optional

from handoff_assistant.scan.report import Finding


def scan_text(text: str, *, file: str, language: Optional[str], cell: Optional[int] = None) -> list[Finding]:
    return []


def notebook_findings(notebook, path: str) -> list[Finding]:
    return []
