"""Schedules IT installs: a crontab line and a systemd service + timer per scheduled entry point."""
from __future__ import annotations

import re
from typing import Iterable

from handoff_assistant.bundle.entry_points import BundleEntryPoint
from handoff_assistant.bundle.templates import render

def install_dir(project_slug: str) -> str:
    """Where the runbook, units and container put the bundle: the one value of ``HANDOFF_HOME``."""
    return f"/opt/{project_slug}"


def service_account(configured: str, project_slug: str) -> str:
    """handoff.yaml's ``service_account`` (validated when read), else an account named after the project."""
    if configured:
        return configured
    name = re.sub(r"[^a-z0-9_-]", "-", project_slug.lower()).strip("-") or "handoff"
    return (name if re.match(r"^[a-z_]", name) else f"svc-{name}")[:32]


def schedule_files(entry_points: Iterable[BundleEntryPoint], project_slug: str, account: str = "") -> dict[str, str]:
    """``schedule/crontab`` plus ``<project>-<entry>.service`` and ``.timer`` for each scheduled entry point.

    The units run as ``account`` (never root) and name the bundle's folder once, as ``HANDOFF_HOME``.
    """
    scheduled = [entry for entry in entry_points if entry.schedule]
    home = install_dir(project_slug)
    account = account or service_account("", project_slug)
    files = {"schedule/crontab": render("schedule/crontab.j2", entry_points=scheduled, install_dir=home,
                                        account=account)}
    for entry in scheduled:
        unit = f"{project_slug}-{entry.slug}"
        context = {"entry": entry, "install_dir": home, "unit": unit, "project_slug": project_slug,
                   "account": account}
        files[f"schedule/{unit}.service"] = render("schedule/unit.service.j2", **context)
        files[f"schedule/{unit}.timer"] = render("schedule/unit.timer.j2", **context)
    return files
