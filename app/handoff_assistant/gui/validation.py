"""Checks on the handoff details form, phrased for the person filling it in (core validators underneath)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cron_descriptor import FormatError, Options, get_description

from handoff_assistant.bundle.entry_points import parse_duration
from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.readiness.project_file import (entry_point_name_problem, is_valid_entry_point_name,
                                                      is_valid_schedule)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MACROS = {"@yearly": "Once a year, on 1 January at 00:00", "@annually": "Once a year, on 1 January at 00:00",
          "@monthly": "On the first day of every month at 00:00", "@weekly": "Every Sunday at 00:00",
          "@daily": "Every day at 00:00", "@midnight": "Every day at 00:00", "@hourly": "At the start of every hour",
          "@reboot": "When the server starts"}

CRON_RANGES = (("minute", 0, 59), ("hour", 0, 23), ("day of the month", 1, 31), ("month", 1, 12),
               ("day of the week", 0, 7))


@dataclass(frozen=True)
class Problem:
    field: str  # "owner.email", "entry_points[0].schedule"
    message: str


def describe_schedule(schedule: str) -> tuple[bool, str]:
    """(valid, words) for a cron expression: ``0 6 * * 1-5`` → "At 06:00, Monday through Friday"."""
    text = schedule.strip()
    if not text:
        return True, "No schedule: runs when someone starts it."
    if not is_valid_schedule(text):
        out_of_range = _out_of_range(text.split()) if len(text.split()) == 5 else ""
        return False, out_of_range or ("Not a schedule: use five cron fields (minute hour day month weekday) that "
                                       "run at least once, an @macro or “manual”.")
    if text.lower() == "manual":
        return True, "Run on demand."
    if text.lower() in MACROS:
        return True, MACROS[text.lower()] + "."
    out_of_range = _out_of_range(text.split())
    if out_of_range:
        return False, out_of_range
    options = Options()
    options.use_24hour_time_format = True
    try:
        return True, get_description(text, options) + "."
    except (FormatError, ValueError, KeyError, IndexError) as error:
        return False, f"Not a valid schedule: {error}"


def _out_of_range(fields: list[str]) -> str:
    for (name, low, high), value in zip(CRON_RANGES, fields):
        for part in value.split(","):
            numbers = [int(n) for n in re.findall(r"\d+", part.split("/")[0])]
            if any(not low <= n <= high for n in numbers):
                return f"Not a valid schedule: the {name} must be between {low} and {high}."
    return ""


def validate_details(project: ProjectFile, root: Path) -> list[Problem]:
    problems = []
    if project.owner is None or not project.owner.name.strip():
        problems.append(Problem("owner.name", "Name the owner: the person IT calls when the run fails."))
    elif project.owner.email and not EMAIL.match(project.owner.email):
        problems.append(Problem("owner.email", f"The owner's email “{project.owner.email}” is not an address."))
    for number, contact in enumerate(project.contacts, start=1):
        if not contact.name.strip():
            problems.append(Problem(f"contacts[{number}].name", f"Contact {number} has no name."))
        if contact.email and not EMAIL.match(contact.email):
            problems.append(Problem(f"contacts[{number}].email", f"Contact {number}'s email is not an address."))
    if not project.entry_points:
        problems.append(Problem("entry_points", "Add an entry point: the command IT runs in production."))
    for number, entry in enumerate(project.entry_points, start=1):
        problems.extend(_entry_problems(number, entry, root))
    return problems


def _entry_problems(number: int, entry, root: Path) -> list[Problem]:
    where = f"entry_points[{number}]"
    label = f"Entry point {number} ({entry.name or 'unnamed'})"
    problems = []
    if not entry.name.strip():
        problems.append(Problem(f"{where}.name", f"Entry point {number} needs a name."))
    elif not is_valid_entry_point_name(entry.name):
        problems.append(Problem(f"{where}.name", f"Entry point {number}: {entry_point_name_problem(entry.name)}."))
    if not entry.command.strip():
        problems.append(Problem(f"{where}.command", f"{label} needs the command that runs it."))
    if entry.schedule and not describe_schedule(entry.schedule)[0]:
        problems.append(Problem(f"{where}.schedule", f"{label}: “{entry.schedule}” is not a cron schedule."))
    if entry.expected_runtime and parse_duration(entry.expected_runtime) is None:
        problems.append(Problem(f"{where}.expected_runtime",
                                f"{label}: write the expected runtime like 90s, 10m, 2h or 1h30m."))
    for field, value in (("sample_input", entry.sample_input), ("expected_output", entry.expected_output)):
        if value and not (root / value).exists():
            problems.append(Problem(f"{where}.{field}", f"{label}: {value} is not in the project folder."))
    return problems
