"""RUNBOOK.md: the sections IT expects, rendered from the manifest (sections without information say so)."""
from __future__ import annotations

import re
from typing import Any

from handoff_assistant.bundle.templates import render

RUNBOOK_NAME = "RUNBOOK.md"
SECTIONS = (
    "Purpose", "Owner, tier and escalation", "Architecture and dependencies", "Inputs and outputs", "Set-up",
    "Configuration and secrets to provide", "How to run each entry point", "Schedule",
    "Expected runtime and resources", "Monitoring and the consistency check", "Failure modes and what to do",
    "Rollback", "Retraining or refresh", "Open risks", "How to verify the bundle",
)
_REFRESH = re.compile(r"train|refresh|fit|retrain", re.IGNORECASE)


def render_runbook(manifest: dict[str, Any], bundle_name: str) -> str:
    refresh = [entry for entry in manifest["entry_points"] if _REFRESH.search(entry["name"])]
    copies = {sample["source"]: sample["target"] for sample in manifest["snapshot"]["samples"]}
    titles = {item["id"]: item["title"] for item in manifest["assessment"]["items"]}
    blockers = [f"{titles[b]} ({b})" if b in titles else b for b in manifest["assessment"]["blockers"]]
    return render("RUNBOOK.md.j2", m=manifest, bundle_name=bundle_name, refresh_entry_points=refresh,
                  sample_copies=copies, blockers=blockers)
