"""The readiness contract: the project file's content and the assessment (see docs/checklist.md)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from handoff_assistant.serialization import from_jsonable, to_jsonable

SCHEMA_VERSION = 1

# Item statuses.
PASS = "pass"
ATTESTED = "attested"
FAIL = "fail"
NOT_APPLICABLE = "na"
UNKNOWN = "unknown"

# Levels.
READY = "Ready"
NEEDS_WORK = "Needs work"
NOT_READY = "Not ready"


@dataclass(frozen=True)
class EntryPoint:
    name: str
    command: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    schedule: Optional[str] = None  # cron expression
    expected_runtime: Optional[str] = None  # e.g. "10m", "2h"
    sample_input: Optional[str] = None  # path inside the project
    expected_output: Optional[str] = None  # path inside the project (consistency check)


@dataclass(frozen=True)
class Contact:
    name: str
    email: Optional[str] = None
    role: Optional[str] = None  # "escalation", "data owner", ...


@dataclass(frozen=True)
class Attestation:
    status: str  # ATTESTED or NOT_APPLICABLE
    note: str
    by: Optional[str] = None
    at: Optional[str] = None  # ISO 8601


@dataclass(frozen=True)
class ConfigKey:
    name: str
    description: str = ""
    secret: bool = False


@dataclass(frozen=True)
class ProjectFile:
    """What the data scientist tells us in handoff.yaml (written only on explicit save)."""

    name: str = ""
    summary: str = ""
    owner: Optional[Contact] = None
    contacts: tuple[Contact, ...] = ()
    tier: str = "standard"  # critical / standard / experimental
    entry_points: tuple[EntryPoint, ...] = ()
    attestations: dict[str, Attestation] = field(default_factory=dict)
    suppressions: dict[str, str] = field(default_factory=dict)  # finding fingerprint -> reason
    config_keys: tuple[ConfigKey, ...] = ()
    resolutions: dict[str, str] = field(default_factory=dict)  # unknown import name -> distribution
    system_packages: tuple[str, ...] = ()
    service_account: str = ""  # the Unix account the service runs as; "" = one named after the project


@dataclass(frozen=True)
class ItemResult:
    id: str
    section: str
    title: str
    status: str  # PASS, ATTESTED, FAIL, NOT_APPLICABLE, UNKNOWN
    credit: float  # 1, 0.5, 0
    weight: float
    blocking: bool
    evidence: tuple[str, ...] = ()  # "requirements.txt:3", "handoff.yaml: owner", sentences
    fix: str = ""
    why: str = ""
    note: str = ""  # the user's attestation / N/A note, or a suppression summary
    check: str = ""  # "automatic", "project-file" or "manual" (how the item is decided)
    risk: str = ""  # "critical", "high", "medium", "low" (the weight's name)
    source: str = ""  # where the item comes from: "ML Test Score (Infra 1)", "OpenSSF Scorecard (License)"


@dataclass(frozen=True)
class SectionScore:
    id: str
    title: str
    score: Optional[float]  # 0-100; None when every item is N/A
    weight: float


@dataclass(frozen=True)
class Assessment:
    items: tuple[ItemResult, ...]
    sections: tuple[SectionScore, ...]
    score: float  # 0-100
    level: str  # READY, NEEDS_WORK, NOT_READY
    weakest_section: Optional[str]
    blockers: tuple[str, ...]  # ids of failed blocking items
    policy: str = "default"
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict:
        return to_jsonable(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> "Assessment":
        return from_jsonable(cls, data)
