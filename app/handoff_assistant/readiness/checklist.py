"""The readiness checklist shipped in ``resources/checklist.yaml`` (data, not code; docs/checklist.md)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from handoff_assistant.assets import load_yaml_resource

CHECK_TYPES = ("automatic", "project-file", "manual")
RISKS = ("critical", "high", "medium", "low")
TIERS = ("critical", "standard", "experimental")


class ChecklistError(Exception):
    """The checklist data is malformed; the message names the item and field."""


@dataclass(frozen=True)
class Check:
    type: str  # one of CHECK_TYPES
    rule: Optional[str] = None  # rule name in readiness/rules.py (None for manual items)
    categories: tuple[str, ...] = ()  # for rule "findings": finding categories that fail the item
    rules: tuple[str, ...] = ()  # for rule "findings": fnmatch patterns of finding rules that fail it
    exclude_rules: tuple[str, ...] = ()  # for rule "findings": patterns left to other items


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    section: str
    title: str
    why: str
    source: str
    check: Check
    risk: str
    weight: float
    blocking: bool
    fix: str
    tiers: tuple[str, ...] = TIERS


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    weight: float


@dataclass(frozen=True)
class Checklist:
    sections: tuple[Section, ...]
    items: tuple[ChecklistItem, ...]
    ready_threshold: float
    risk_weights: dict[str, float]

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)


@lru_cache(maxsize=1)
def load_checklist() -> Checklist:
    """The checklist as shipped (cached: it is read-only data)."""
    return parse_checklist(load_yaml_resource("checklist.yaml"))


def parse_checklist(data: Any) -> Checklist:
    if not isinstance(data, dict):
        raise ChecklistError("the checklist must be a mapping with sections and items")
    risk_weights = {str(k): float(v) for k, v in _required(data, "risk_weights", "checklist").items()}
    sections = tuple(Section(s["id"], s["title"], float(s.get("weight", 1))) for s in _required(data, "sections", "checklist"))
    section_ids = {s.id for s in sections}
    items = tuple(_parse_item(raw, section_ids, risk_weights) for raw in _required(data, "items", "checklist"))
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ChecklistError(f"duplicate item ids: {', '.join(duplicates)}")
    return Checklist(sections, items, float(data.get("ready_threshold", 80)), risk_weights)


def _parse_item(raw: dict, section_ids: set[str], risk_weights: dict[str, float]) -> ChecklistItem:
    item_id = raw.get("id", "?")
    where = f"item {item_id}"
    section = _required(raw, "section", where)
    if section not in section_ids:
        raise ChecklistError(f"{where}: unknown section {section!r}")
    risk = _required(raw, "risk", where)
    if risk not in risk_weights:
        raise ChecklistError(f"{where}: risk must be one of {', '.join(risk_weights)}, not {risk!r}")
    check_raw = _required(raw, "check", where)
    if check_raw.get("type") not in CHECK_TYPES:
        raise ChecklistError(f"{where}: check.type must be one of {', '.join(CHECK_TYPES)}")
    if check_raw["type"] != "manual" and not check_raw.get("rule"):
        raise ChecklistError(f"{where}: an {check_raw['type']} check needs a rule")
    tiers = tuple(raw.get("tiers", TIERS))
    unknown_tiers = set(tiers) - set(TIERS)
    if unknown_tiers:
        raise ChecklistError(f"{where}: unknown tiers {sorted(unknown_tiers)}")
    return ChecklistItem(
        id=item_id, section=section, title=_required(raw, "title", where), why=_required(raw, "why", where),
        source=_required(raw, "source", where),
        check=Check(check_raw["type"], check_raw.get("rule"), tuple(check_raw.get("categories", ())),
                    tuple(check_raw.get("rules", ())), tuple(check_raw.get("exclude_rules", ()))),
        risk=risk, weight=risk_weights[risk], blocking=bool(raw.get("blocking", False)),
        fix=_required(raw, "fix", where), tiers=tiers,
    )


def _required(mapping: dict, key: str, where: str) -> Any:
    if key not in mapping or mapping[key] in (None, ""):
        raise ChecklistError(f"{where}: {key} is missing")
    return mapping[key]
