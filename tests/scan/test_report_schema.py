"""The documented JSON schema of the scan report (resources/schema/scan-report.schema.json) matches the report."""
from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path

import jsonschema
import pytest

from handoff_assistant.assets import resource_path
from handoff_assistant.cli import main
from handoff_assistant.scan import report as report_module
from handoff_assistant.scan.report import ScanReport

SCHEMA = json.loads(resource_path("schema", "scan-report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _dataclasses_in_report() -> dict[str, type]:
    """Every dataclass reachable from ScanReport, by name."""
    found: dict[str, type] = {}
    pending = [ScanReport]
    while pending:
        cls = pending.pop()
        if cls.__name__ in found:
            continue
        found[cls.__name__] = cls
        for hint in typing.get_type_hints(cls).values():
            pending += [arg for arg in _flatten(hint) if dataclasses.is_dataclass(arg)]
    return found


def _flatten(hint) -> list:
    return [hint, *[leaf for arg in typing.get_args(hint) for leaf in _flatten(arg)]]


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("json") / "report.json"
    from handoff_assistant.assets import sample_project_path

    assert main(["scan", str(sample_project_path()), "--format", "json", "--no-cache", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_cli_json_of_the_sample_validates(sample_json):
    VALIDATOR.validate(sample_json)
    assert sample_json["schema_version"] == report_module.SCHEMA_VERSION
    assert {f["category"] for f in sample_json["findings"]} >= {"secret", "path", "host", "workdir"}


def test_schema_names_exactly_the_report_fields():
    classes = _dataclasses_in_report()
    for name, cls in classes.items():
        definition = SCHEMA if cls is ScanReport else SCHEMA["$defs"][name]
        fields = {f.name for f in dataclasses.fields(cls)}
        assert set(definition["properties"]) == fields, f"update the schema and docs/scan-report.md for {name}"


def test_enumerations_match_the_report_constants():
    assert SCHEMA["$defs"]["severity"]["enum"] == list(report_module.SEVERITIES)
    assert SCHEMA["$defs"]["category"]["enum"] == list(report_module.CATEGORIES)
    statuses = [report_module.USED_DECLARED, report_module.USED_UNDECLARED, report_module.DECLARED_UNUSED,
                report_module.UNKNOWN]
    assert SCHEMA["$defs"]["Dependency"]["properties"]["status"]["enum"] == statuses


@pytest.mark.parametrize(("path", "value"), [
    (("findings", 0, "severity"), "urgent"),
    (("findings", 0, "file"), "/Users/maria/churn/data.py"),
    (("schema_version",), 99),
    (("files", "count"), -1),
])
def test_schema_rejects_a_wrong_report(sample_json, path, value):
    broken = json.loads(json.dumps(sample_json))
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_schema_rejects_an_unknown_key(sample_json):
    broken = dict(sample_json, surprise=True)
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_every_registered_rule_is_documented():
    import handoff_assistant.scan.analysis  # noqa: F401  (imports every detector module, which registers its rules)
    from handoff_assistant.scan.findings import RULES

    docs = (Path(__file__).parents[2] / "docs" / "scan-report.md").read_text(encoding="utf-8")
    missing = sorted(rule_id for rule_id in RULES if f"`{rule_id}`" not in docs)
    assert not missing, f"add these rules to docs/scan-report.md: {missing}"
