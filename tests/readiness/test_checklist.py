"""The shipped checklist: schema-valid, complete against the issue's lists, every rule implemented."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from handoff_assistant.assets import load_yaml_resource
from handoff_assistant.readiness.checklist import ChecklistError, load_checklist, parse_checklist
from handoff_assistant.readiness.rules import RULES

SCHEMA = json.loads((Path(__file__).parent / "checklist.schema.json").read_text(encoding="utf-8"))
SOURCES = ("Twelve-Factor", "ML Test Score", "OpenSSF", "SRE", "CWE", "Technical Debt", "Pimentel")
REQUIRED_ITEMS = {
    "code": ["code.version-control", "code.clean-tree", "code.entry-points", "code.logic-in-modules", "code.readme",
             "code.no-large-data"],
    "environment": ["env.dependencies-declared", "env.imports-resolved", "env.lockable", "env.python-version",
                    "env.r-packages", "env.system-packages"],
    "portability": ["port.no-personal-paths", "port.no-workdir", "port.no-private-hosts", "port.config-externalised"],
    "security": ["sec.no-hardcoded-secrets", "sec.no-secret-files", "sec.licence", "sec.personal-data"],
    "testing": ["test.suite", "test.smoke-run", "test.seeds", "test.expected-output", "test.notebooks-clean"],
    "operations": ["ops.owner", "ops.schedule", "ops.io-documented", "ops.monitoring", "ops.logging",
                   "ops.runtime-resources", "ops.rollback"],
}
BLOCKING = {"env.imports-resolved", "port.no-personal-paths", "sec.no-hardcoded-secrets", "ops.owner"}


def test_checklist_yaml_matches_its_schema():
    jsonschema.validate(load_yaml_resource("checklist.yaml"), SCHEMA)


def test_schema_rejects_an_item_without_a_weight():
    data = json.loads(json.dumps(load_yaml_resource("checklist.yaml")))
    del data["items"][0]["risk"]
    with pytest.raises(jsonschema.ValidationError, match="'risk' is a required property"):
        jsonschema.validate(data, SCHEMA)


@pytest.mark.parametrize("section_id", sorted(REQUIRED_ITEMS))
def test_each_section_has_at_least_the_listed_items(section_id):
    checklist = load_checklist()
    ids = [item.id for item in checklist.items if item.section == section_id]
    assert set(REQUIRED_ITEMS[section_id]) <= set(ids)


def test_blocking_items_are_the_ones_the_issue_names():
    assert {item.id for item in load_checklist().items if item.blocking} == BLOCKING


def test_every_item_names_its_source_and_has_a_rule_that_exists():
    for item in load_checklist().items:
        assert any(source in item.why + item.source for source in SOURCES), item.id
        if item.check.type != "manual":
            assert item.check.rule in RULES, item.id


def test_weights_follow_the_risk():
    weights = {"critical": 10, "high": 7.5, "medium": 5, "low": 2.5}
    assert all(item.weight == weights[item.risk] for item in load_checklist().items)


def test_docs_describe_every_item():
    docs = (Path(__file__).parents[2] / "docs" / "checklist.md").read_text(encoding="utf-8")
    missing = [item.id for item in load_checklist().items if f"`{item.id}`" not in docs]
    assert missing == []


def test_malformed_checklist_names_the_item():
    data = json.loads(json.dumps(load_yaml_resource("checklist.yaml")))
    data["items"][3]["section"] = "marketing"
    with pytest.raises(ChecklistError, match="item code.logic-in-modules: unknown section 'marketing'"):
        parse_checklist(data)
    data = json.loads(json.dumps(load_yaml_resource("checklist.yaml")))
    data["items"].append(dict(data["items"][0]))
    with pytest.raises(ChecklistError, match="duplicate item ids: code.version-control"):
        parse_checklist(data)
