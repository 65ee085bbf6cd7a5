"""A team policy: the shipped checklist with a lead's changes to weights, blockers, threshold and tiers.

Policy file (YAML; every key optional)::

    name: Payments team
    ready_threshold: 85
    section_weights: {security: 2}
    items:
      ops.monitoring: {risk: critical, blocking: true}
      ops.rollback: {weight: 4, tiers: [critical]}
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import yaml

from handoff_assistant.readiness.checklist import TIERS, Checklist, ChecklistItem, load_checklist

DEFAULT_POLICY_NAME = "default"
_TOP_KEYS = {"name", "ready_threshold", "section_weights", "items"}
_ITEM_KEYS = {"risk", "weight", "blocking", "tiers"}


class PolicyError(Exception):
    """The policy file cannot be used; the message says why."""


@dataclass(frozen=True)
class Policy:
    name: str
    checklist: Checklist  # the effective checklist: items, weights and threshold after the policy's changes

    @property
    def ready_threshold(self) -> float:
        return self.checklist.ready_threshold


def default_policy() -> Policy:
    return Policy(DEFAULT_POLICY_NAME, load_checklist())


def load_policy(path: Optional[Path | str] = None) -> Policy:
    """The policy in ``path``, or the checklist as shipped when ``path`` is None."""
    if path is None:
        return default_policy()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PolicyError(f"cannot read policy {path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise PolicyError(f"policy {path} is not UTF-8 text") from error
    except yaml.YAMLError as error:
        raise PolicyError(f"policy {path} is not valid YAML: {error}") from error
    try:
        return apply_policy(data if data is not None else {}, default_name=path.stem)
    except PolicyError as error:
        raise PolicyError(f"policy {path}: {error}") from error


def apply_policy(data: Any, default_name: str = "custom") -> Policy:
    """Apply a parsed policy mapping to the shipped checklist; raises PolicyError naming the bad key."""
    base = load_checklist()
    if not isinstance(data, dict):
        raise PolicyError("the policy must be a mapping (name, ready_threshold, section_weights, items)")
    _no_unknown_keys(data, _TOP_KEYS, "the policy")
    threshold = _number(data.get("ready_threshold", base.ready_threshold), "ready_threshold", 0, 100)
    sections = _sections(base, data.get("section_weights") or {})
    items = _items(base, data.get("items") or {})
    checklist = dataclasses.replace(base, sections=sections, items=items, ready_threshold=threshold)
    return Policy(str(data.get("name") or default_name), checklist)


def _sections(base: Checklist, weights: Any):
    if not isinstance(weights, dict):
        raise PolicyError("section_weights must map a section id to a number")
    known = {s.id for s in base.sections}
    for section_id in weights:
        if section_id not in known:
            raise PolicyError(f"section_weights: unknown section {section_id!r} (known: {', '.join(sorted(known))})")
    return tuple(dataclasses.replace(s, weight=_number(weights[s.id], f"section_weights.{s.id}", 0))
                 if s.id in weights else s for s in base.sections)


def _items(base: Checklist, changes: Any) -> tuple[ChecklistItem, ...]:
    if not isinstance(changes, dict):
        raise PolicyError("items must map an item id to its changes")
    known = {item.id for item in base.items}
    for item_id, change in changes.items():
        if item_id not in known:
            raise PolicyError(f"items: unknown item {item_id!r}")
        if not isinstance(change, dict):
            raise PolicyError(f"items.{item_id} must be a mapping (risk, weight, blocking, tiers)")
        _no_unknown_keys(change, _ITEM_KEYS, f"items.{item_id}")
    return tuple(_changed_item(base, item, changes[item.id]) if item.id in changes else item for item in base.items)


def _changed_item(base: Checklist, item: ChecklistItem, change: dict) -> ChecklistItem:
    where = f"items.{item.id}"
    updates: dict[str, Any] = {}
    if "risk" in change:
        if change["risk"] not in base.risk_weights:
            raise PolicyError(f"{where}.risk must be one of {', '.join(base.risk_weights)}, not {change['risk']!r}")
        updates.update(risk=change["risk"], weight=base.risk_weights[change["risk"]])
    if "weight" in change:
        updates["weight"] = _number(change["weight"], f"{where}.weight", 0)
    if "blocking" in change:
        if not isinstance(change["blocking"], bool):
            raise PolicyError(f"{where}.blocking must be true or false")
        updates["blocking"] = change["blocking"]
    if "tiers" in change:
        tiers = change["tiers"]
        if not isinstance(tiers, list) or any(t not in TIERS for t in tiers):
            raise PolicyError(f"{where}.tiers must be a list of {', '.join(TIERS)}")
        updates["tiers"] = tuple(tiers)
    return dataclasses.replace(item, **updates)


def _number(value: Any, where: str, low: float, high: Optional[float] = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PolicyError(f"{where} must be a number, not {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise PolicyError(f"{where} must be {bounds}, not {value!r}")
    return float(value)


def _no_unknown_keys(mapping: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in mapping if k not in allowed)
    if unknown:
        raise PolicyError(f"{where} has unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
