"""Entry points as the bundle runs them: sample input and expected output copied into tests/samples/."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.path_gate import PathRefused, bundle_path_gate
from handoff_assistant.bundle.cron import cron_to_on_calendar
from handoff_assistant.readiness.model import EntryPoint
from handoff_assistant.readiness.project_file import (entry_point_name_problem, is_valid_entry_point_name,
                                                      is_valid_schedule)

DEFAULT_TIMEOUT_SECONDS = 15 * 60
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)?\s*", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


@dataclass(frozen=True)
class BundleEntryPoint:
    name: str
    slug: str  # safe in file and unit names
    command: str  # run from code/; {input}, {output} and {config} are replaced by the run script
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    schedule: Optional[str] = None  # cron
    on_calendar: Optional[str] = None  # the same schedule for a systemd timer; None when not convertible
    expected_runtime: Optional[str] = None
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    sample_input: Optional[str] = None  # path inside the bundle
    expected_output: Optional[str] = None  # path inside the bundle


@dataclass(frozen=True)
class SampleCopy:
    source: str  # path inside the project
    target: str  # path inside the bundle


def parse_duration(text: Optional[str]) -> Optional[int]:
    """"90s", "10m", "2h", "1h30m", "1.5 hours" -> seconds; None when absent or unreadable."""
    text = (text or "").strip()
    if not text or not re.fullmatch(f"(?:{_DURATION_PART.pattern})+", text, re.I):
        return None
    seconds = sum(float(m.group(1)) * _UNIT_SECONDS[(m.group(2) or "s")[0].lower()]
                  for m in _DURATION_PART.finditer(text))
    return max(1, round(seconds))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "entry"


def plan_entry_points(entry_points: Iterable[EntryPoint], root: Path) -> tuple[tuple[BundleEntryPoint, ...],
                                                                               tuple[SampleCopy, ...],
                                                                               tuple[str, ...]]:
    """The bundle's entry points, the sample files to copy, and warnings for samples the path gate refused."""
    planned, copies, warnings = [], [], []
    for entry in entry_points:
        if not is_valid_entry_point_name(entry.name):  # handoff.yaml refuses it; a form may not have
            raise BundleError(f"Entry point {entry.name!r}: {entry_point_name_problem(entry.name)}.")
        if entry.schedule and not is_valid_schedule(entry.schedule):
            raise BundleError(f"Entry point {entry.name!r}: the schedule {entry.schedule!r} is not a cron "
                              "expression on one line.")
        slug = slugify(entry.name)
        schedule = None if (entry.schedule or "").strip().lower() in ("", "manual") else entry.schedule
        samples = {}
        for role, source in (("input", entry.sample_input), ("expected", entry.expected_output)):
            if not source:
                continue
            try:
                bundle_path_gate(root, source)
            except PathRefused as refusal:
                warnings.append(f"Entry point {entry.name!r}: the {role} sample {source} is not "
                                f"in the bundle ({refusal.reason}), so the harness cannot run that check.")
                continue
            target = f"tests/samples/{slug}/{role}/{PurePosixPath(source).name}"
            copies.append(SampleCopy(PurePosixPath(source).as_posix(), target))
            samples[role] = target
        planned.append(BundleEntryPoint(
            entry.name, slug, entry.command, tuple(entry.inputs), tuple(entry.outputs), schedule,
            cron_to_on_calendar(schedule) if schedule else None, entry.expected_runtime,
            parse_duration(entry.expected_runtime) or DEFAULT_TIMEOUT_SECONDS,
            samples.get("input"), samples.get("expected")))
    return tuple(planned), tuple(copies), tuple(warnings)
