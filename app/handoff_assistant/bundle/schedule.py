"""Schedules IT installs: a crontab line and a systemd service + timer per scheduled entry point."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, Optional

from handoff_assistant.bundle.templates import render

if TYPE_CHECKING:
    from handoff_assistant.bundle.entry_points import BundleEntryPoint

_MACROS = {"@hourly": "hourly", "@daily": "daily", "@midnight": "daily", "@weekly": "weekly",
           "@monthly": "monthly", "@yearly": "yearly", "@annually": "yearly"}
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def cron_to_on_calendar(cron: str) -> Optional[str]:
    """A five-field cron expression as a systemd ``OnCalendar=`` value; None when it cannot be translated."""
    text = cron.strip()
    if text in _MACROS:
        return _MACROS[text]
    fields = text.split()
    if len(fields) != 5:
        return None
    minute, hour, dom, month, dow = fields
    try:
        days = _days(dow)
        parts = [_field(month, 1), _field(dom, 1), _field(hour, 0), _field(minute, 0)]
    except ValueError:
        return None
    if dom != "*" and dow != "*":
        return None  # cron means "either", systemd "both": refuse rather than change the meaning
    date = f"*-{parts[0]}-{parts[1]}"
    time = f"{parts[2]}:{parts[3]}:00"
    return f"{days} {date} {time}" if days else f"{date} {time}"


def _field(value: str, first: int) -> str:
    items = []
    for item in value.split(","):
        base, _, step = item.partition("/")
        if step and not step.isdigit():
            raise ValueError(item)
        if base == "*":
            text = f"{first}/{step}" if step else "*"
        elif "-" in base:
            low, high = base.split("-", 1)
            if not (low.isdigit() and high.isdigit()) or step:
                raise ValueError(item)
            text = f"{int(low):02d}..{int(high):02d}"
        elif base.isdigit():
            text = f"{int(base):02d}" + (f"/{step}" if step else "")
        else:
            raise ValueError(item)
        items.append(text)
    return ",".join(items)


def _days(value: str) -> str:
    if value == "*":
        return ""
    names = []
    for item in value.split(","):
        low, _, high = item.partition("-")
        if not low.isdigit() or (high and not high.isdigit()) or int(low) > 7 or (high and int(high) > 7):
            raise ValueError(item)
        names.append(f"{_DAYS[int(low)]}..{_DAYS[int(high)]}" if high else _DAYS[int(low)])
    return ",".join(names)


def install_dir(project_slug: str) -> str:
    """Where the runbook, units and container put the bundle: the one value of ``HANDOFF_HOME``."""
    return f"/opt/{project_slug}"


def service_account(configured: str, project_slug: str) -> str:
    """handoff.yaml's ``service_account`` (validated when read), else an account named after the project."""
    if configured:
        return configured
    name = re.sub(r"[^a-z0-9_-]", "-", project_slug.lower()).strip("-") or "handoff"
    return (name if re.match(r"^[a-z_]", name) else f"svc-{name}")[:32]


def schedule_files(entry_points: Iterable["BundleEntryPoint"], project_slug: str, account: str = "") -> dict[str, str]:
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
