"""Team policies: weights, blocking items, threshold and tiers change; invalid policies are refused with the reason."""
from __future__ import annotations

import pytest

from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.model import NEEDS_WORK, NOT_APPLICABLE, NOT_READY, READY
from handoff_assistant.readiness.policy import PolicyError, load_policy
from tests.readiness.builders import good_facts, good_project, good_report


def write(tmp_path, text: str):
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def item(policy, item_id):
    return policy.checklist.item(item_id)


def test_no_path_is_the_checklist_as_shipped():
    policy = load_policy(None)
    assert policy.name == "default"
    assert policy.ready_threshold == 80
    assert item(policy, "ops.owner").blocking


def test_policy_changes_weight_blocking_threshold_and_tiers(tmp_path):
    policy = load_policy(write(tmp_path, """
name: Payments team
ready_threshold: 96
section_weights: {security: 3}
items:
  ops.monitoring: {risk: critical, blocking: true}
  sec.licence: {weight: 1}
  ops.owner: {blocking: false}
  ops.schedule: {tiers: [critical]}
"""))
    assert policy.name == "Payments team"
    assert policy.ready_threshold == 96
    assert policy.checklist.section("security").weight == 3
    assert (item(policy, "ops.monitoring").weight, item(policy, "ops.monitoring").blocking) == (10, True)
    assert item(policy, "sec.licence").weight == 1
    assert not item(policy, "ops.owner").blocking
    assert item(policy, "ops.schedule").tiers == ("critical",)


def test_policy_changes_the_outcome(tmp_path):
    report, project, facts = good_report(), good_project(attestations={}), good_facts()
    assert assess(report, project, load_policy(None), facts=facts).level == READY
    strict = load_policy(write(tmp_path, "items:\n  ops.monitoring: {blocking: true}\n"))
    # The manual item is unknown, not failed: blocking applies to failures only, so the threshold decides.
    assert assess(report, project, strict, facts=facts).level == READY
    high_bar = load_policy(write(tmp_path, "ready_threshold: 99\n"))
    assert assess(report, project, high_bar, facts=facts).level == NEEDS_WORK
    relaxed = load_policy(write(tmp_path, "items:\n  ops.owner: {blocking: false}\n"))
    no_owner = good_project(owner=None)
    assert assess(report, no_owner, load_policy(None), facts=facts).level == NOT_READY
    assert assess(report, no_owner, relaxed, facts=facts).level != NOT_READY


def test_tier_rules_apply_per_project_tier(tmp_path):
    policy = load_policy(write(tmp_path, "items:\n  ops.schedule: {tiers: [critical]}\n"))
    result = assess(good_report(), good_project(tier="standard"), policy, facts=good_facts())
    schedule = next(i for i in result.items if i.id == "ops.schedule")
    assert schedule.status == NOT_APPLICABLE


def test_section_weights_change_the_overall_mean(tmp_path):
    facts = good_facts(test_files=())
    plain = assess(good_report(), good_project(), load_policy(None), facts=facts)
    heavy = assess(good_report(), good_project(), load_policy(write(tmp_path, "section_weights: {testing: 5}\n")),
                   facts=facts)
    assert heavy.score < plain.score


@pytest.mark.parametrize("text, reason", [
    ("items:\n  ops.nope: {blocking: true}\n", "items: unknown item 'ops.nope'"),
    ("items:\n  ops.owner: {blocking: maybe}\n", "items.ops.owner.blocking must be true or false"),
    ("items:\n  ops.owner: {risk: huge}\n", "items.ops.owner.risk must be one of critical, high, medium, low"),
    ("items:\n  ops.owner: {weight: -1}\n", "items.ops.owner.weight must be at least 0"),
    ("items:\n  ops.owner: {tiers: [gold]}\n", "items.ops.owner.tiers must be a list of critical, standard"),
    ("items:\n  ops.owner: {colour: red}\n", "items.ops.owner has unknown keys colour"),
    ("ready_threshold: 120\n", "ready_threshold must be between 0 and 100"),
    ("ready_threshold: high\n", "ready_threshold must be a number"),
    ("section_weights: {marketing: 2}\n", "section_weights: unknown section 'marketing'"),
    ("threshold: 80\n", "the policy has unknown keys threshold"),
    ("- a list\n", "the policy must be a mapping"),
    ("items: [\n", "is not valid YAML"),
])
def test_invalid_policy_is_refused_with_the_reason(tmp_path, text, reason):
    with pytest.raises(PolicyError) as error:
        load_policy(write(tmp_path, text))
    assert reason in str(error.value)
    assert "policy.yaml" in str(error.value)


def test_missing_and_binary_policy_files_are_refused(tmp_path):
    with pytest.raises(PolicyError, match="cannot read policy"):
        load_policy(tmp_path / "absent.yaml")
    binary = tmp_path / "policy.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x81name")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(binary)
