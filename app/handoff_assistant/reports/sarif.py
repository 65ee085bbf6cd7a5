"""SARIF 2.1.0 for a scan's findings, so code-scanning viewers (GitHub, VS Code, Azure DevOps) show them.

One run, one rule per rule id used, one result per finding. Locations are relative to the scanned root
(``uriBaseId`` SRCROOT). A notebook finding's line counts within its cell, not within the .ipynb file, so it
gets no region; the cell and line are in its message and properties instead. Snippets are already masked.
Files the scan could not read are tool execution notifications, so a viewer shows what was not checked.
A file name that is not UTF-8 or holds a line break is percent-encoded in its URI (``bad%FF.py``, the file's
real bytes) and shown with ``\xff`` escapes in the text, so the log stays valid UTF-8 JSON.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from typing import Any

from handoff_assistant.formatting import printable_text
from handoff_assistant.scan.findings import RULES
from handoff_assistant.scan.report import Finding, Problem, ScanReport, shown_report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL_NAME = "Handoff Assistant"
FINGERPRINT_KEY = "handoffFingerprint/v1"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub code scanning ranks security results by this number (0-10).
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def render_sarif(report: ScanReport) -> str:
    return json.dumps(sarif_log(report), indent=2)


def _printable(value: Any) -> Any:
    """Every string of the log without the lone surrogates that stand for bytes of a name that were not UTF-8."""
    if isinstance(value, str):
        return printable_text(value)
    if isinstance(value, list):
        return [_printable(item) for item in value]
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    return value


def _uri(file: str) -> str:
    """The relative URI of the file's real bytes: undecodable bytes and line breaks percent-encoded."""
    return quote(file.encode("utf-8", "surrogateescape"))


def sarif_log(report: ScanReport) -> dict:
    """The SARIF log; file names as every output shows them (a secret in a name masked)."""
    return _printable(_sarif_log(shown_report(report)))


def _sarif_log(report: ScanReport) -> dict:
    rule_ids = sorted({finding.rule for finding in report.findings})
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    examples = {finding.rule: finding for finding in reversed(report.findings)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": [_rule(rule_id, examples[rule_id]) for rule_id in rule_ids],
            }},
            "originalUriBaseIds": {"SRCROOT": {"uri": Path(report.root).as_uri().rstrip("/") + "/"}},
            "results": [_result(finding, index[finding.rule]) for finding in report.findings],
            "invocations": [{
                "executionSuccessful": True,
                "toolExecutionNotifications": [_notification(problem) for problem in report.problems],
            }],
            "properties": {"scannedAt": report.scanned_at, "schemaVersion": report.schema_version},
        }],
    }


def _rule(rule_id: str, example: Finding) -> dict:
    """A rule descriptor from the registry; a rule nobody registered is described by one of its findings."""
    rule = RULES.get(rule_id)
    title = rule.title if rule else rule_id
    severity = rule.severity if rule else example.severity
    description = rule.message.replace(" ({detail})", "").replace("{detail}", "…") if rule else example.message
    fix = rule.fix if rule else example.fix
    return {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": fix},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {
            "category": example.category,
            "tags": [example.category] + (["security"] if example.category == "secret" else []),
            "security-severity": SECURITY_SEVERITY[severity],
        },
    }


def _result(finding: Finding, rule_index: int) -> dict:
    where = f" (notebook cell {finding.cell + 1}, line {finding.line})" if finding.cell is not None else ""
    location: dict = {"physicalLocation": {"artifactLocation": {"uri": _uri(finding.file), "uriBaseId": "SRCROOT"}}}
    if finding.cell is None:
        region: dict = {"startLine": max(finding.line, 1)}
        if finding.snippet:
            region["snippet"] = {"text": finding.snippet}
        location["physicalLocation"]["region"] = region
    properties = {"severity": finding.severity, "category": finding.category, "fix": finding.fix}
    if finding.cell is not None:
        properties.update(cell=finding.cell, cellLine=finding.line, snippet=finding.snippet)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message}{where} {finding.fix}"},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }


def _notification(problem: Problem) -> dict:
    """A file the scan could not read: the scan went on, but this file was not checked."""
    return {
        "level": "warning",
        "message": {"text": f"Not scanned: {problem.reason}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(problem.file), "uriBaseId": "SRCROOT"}}}],
    }


def _pascal(rule_id: str) -> str:
    """SARIF rule names are identifiers: "path.user-home" -> "PathUserHome"."""
    return "".join(part.capitalize() for part in rule_id.replace("-", ".").split("."))
