"""``assess(report, project, policy) -> Assessment``: the checklist applied to one scan (docs/checklist.md).

Scoring: an item earns credit 1 when its evidence passes, 0.5 when the user attests it without evidence, 0 when
it fails or is unknown (a manual item nobody attested yet). N/A needs a reason and leaves the denominator.
A section scores weighted credit / applicable weight × 100; the overall score is the weighted mean of the
sections that have applicable items. Any failed blocking item makes the level "Not ready" whatever the score.
"""
from __future__ import annotations

from typing import Optional

from handoff_assistant.readiness.checklist import ChecklistItem
from handoff_assistant.readiness.facts import ProjectFacts, project_facts
from handoff_assistant.readiness.model import (ATTESTED, FAIL, NEEDS_WORK, NOT_APPLICABLE, NOT_READY, PASS, READY,
                                               UNKNOWN, Assessment, ItemResult, ProjectFile, SectionScore)
from handoff_assistant.readiness.policy import Policy, default_policy
from handoff_assistant.readiness.rules import RULES, Context, Outcome
from handoff_assistant.scan.report import ScanReport

CREDIT = {PASS: 1.0, ATTESTED: 0.5, FAIL: 0.0, UNKNOWN: 0.0, NOT_APPLICABLE: 0.0}


def assess(report: ScanReport, project: Optional[ProjectFile], policy: Optional[Policy] = None,
           facts: Optional[ProjectFacts] = None) -> Assessment:
    """Pure apart from reading the folder's facts once per scan (cached); pass ``facts`` to skip even that."""
    policy = policy or default_policy()
    context = Context(report, project or ProjectFile(), project is not None,
                      facts if facts is not None else project_facts(report))
    items = tuple(_assess_item(context, item) for item in policy.checklist.items)
    sections = _section_scores(policy, items)
    scored = [s for s in sections if s.score is not None and s.weight > 0]
    total_weight = sum(s.weight for s in scored)
    score = round(sum(s.score * s.weight for s in scored) / total_weight, 1) if total_weight else 0.0
    blockers = tuple(i.id for i in items if i.blocking and _blocks(i.status, i.check))
    weakest = min(scored, key=lambda s: s.score).id if scored else None
    if blockers:
        level = NOT_READY
    elif score >= policy.ready_threshold:
        level = READY
    else:
        level = NEEDS_WORK
    return Assessment(items=items, sections=sections, score=score, level=level, weakest_section=weakest,
                      blockers=blockers, policy=policy.name)


def _assess_item(context: Context, item: ChecklistItem) -> ItemResult:
    tier = context.project.tier
    if tier not in item.tiers:
        outcome = Outcome(NOT_APPLICABLE, (), f"not required for {tier} projects")
    else:
        outcome = _attested(item, _evaluate(context, item), context.project.attestations.get(item.id))
    return ItemResult(
        id=item.id, section=item.section, title=item.title, status=outcome.status, credit=CREDIT[outcome.status],
        weight=item.weight, blocking=item.blocking, evidence=outcome.evidence,
        fix="" if outcome.status in (PASS, NOT_APPLICABLE) else item.fix, why=item.why, note=outcome.note,
        check=item.check.type, risk=item.risk, source=item.source,
    )


def _evaluate(context: Context, item: ChecklistItem) -> Outcome:
    if item.check.type == "manual":
        return Outcome(UNKNOWN, ("manual check: not attested yet",))
    return RULES[item.check.rule](context, item)


def _attested(item: ChecklistItem, outcome: Outcome, attestation) -> Outcome:
    """The user's word counts where the evidence does not already pass, except against a blocking failure."""
    if attestation is None:
        return outcome
    by = f" ({attestation.by}{', ' + attestation.at if attestation.at else ''})" if attestation.by else ""
    said = f"{'n/a' if attestation.status == NOT_APPLICABLE else 'attested'}{by}: {attestation.note}".rstrip(": ")
    if outcome.status == PASS:
        return Outcome(PASS, outcome.evidence, _joined(outcome.note, said))
    if item.blocking and _blocks(outcome.status, item.check.type):
        ignored = (f"{said} — not counted: a blocking failure must be fixed, or its findings suppressed with a reason"
                   if outcome.status == FAIL else f"{said} — not counted: a blocking check that could not run "
                   "stays blocking until the files it could not read can be analysed")
        return Outcome(outcome.status, outcome.evidence, _joined(outcome.note, ignored))
    if attestation.status == NOT_APPLICABLE:
        if not attestation.note.strip():
            return Outcome(outcome.status, outcome.evidence + ("n/a ignored: it needs a written reason",), outcome.note)
        return Outcome(NOT_APPLICABLE, outcome.evidence, _joined(outcome.note, said))
    if attestation.status == ATTESTED and outcome.status in (FAIL, UNKNOWN):
        return Outcome(ATTESTED, outcome.evidence, _joined(outcome.note, said))
    return outcome


def _blocks(status: str, check_type: str) -> bool:
    """A blocking item blocks when it failed, or when its automatic check could not run (unread files could
    hold exactly what it looks for); an unattested manual item is merely unknown."""
    return status == FAIL or (status == UNKNOWN and check_type != "manual")


def _joined(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _section_scores(policy: Policy, items: tuple[ItemResult, ...]) -> tuple[SectionScore, ...]:
    scores = []
    for section in policy.checklist.sections:
        applicable = [i for i in items if i.section == section.id and i.status != NOT_APPLICABLE]
        weight = sum(i.weight for i in applicable)
        score = sum(i.credit * i.weight for i in applicable) / weight * 100 if weight else None
        scores.append(SectionScore(section.id, section.title, score, section.weight))
    return tuple(scores)
