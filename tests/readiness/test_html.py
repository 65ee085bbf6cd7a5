"""The HTML readiness report: self-contained, blockers first, every item, findings masked and escaped."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from handoff_assistant.readiness.assess import assess
from handoff_assistant.reports.html import render_readiness_html
from tests.readiness.builders import finding, good_facts, good_project, good_report

SECRET = finding("secret.password-assignment", "secret", snippet='password = "Wi****"')
SCRIPT = finding("path.user-home", "path", line=7, snippet='x = "</td><script>alert(1)</script>"')


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.ids: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href"):
            if attributes.get(name) and not attributes[name].startswith("#"):
                self.external.append(attributes[name])
        if tag == "link":
            self.external.append(str(attributes))
        if "id" in attributes:
            self.ids.append(attributes["id"])


def render(report=None, project=None):
    report = report or good_report(findings=(SECRET, SCRIPT))
    project = project or good_project(suppressions={SCRIPT.fingerprint: "test fixture path"})
    assessment = assess(report, project, facts=good_facts())
    return render_readiness_html(report, assessment, project), assessment


def test_report_is_self_contained_and_escaped():
    html, _ = render()
    tags = _Tags()
    tags.feed(html)
    assert tags.external == [] and tags.scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<style>" in html and "<svg" in html and "@media print" in html


def test_report_shows_score_level_sections_and_every_item():
    html, assessment = render()
    tags = _Tags()
    tags.feed(html)
    assert set(i.id for i in assessment.items) <= set(tags.ids)
    assert f">{assessment.score:.0f}<" in html
    assert "Not ready" in html
    for section in ("Code", "Environment", "Portability", "Security", "Testing", "Operations"):
        assert f'<td class="name">{section}</td>' in html
    assert "Weakest section:" in html


def test_blockers_come_first_with_evidence_and_fix():
    html, _ = render()
    blockers = html.index("<h2>Blocking items</h2>")
    assert blockers < html.index("<h2>Checklist</h2>")
    block = html[blockers:html.index("<h2>Checklist</h2>")]
    assert "No hardcoded credentials" in block
    assert 'churn/data.py:3: password = &#34;Wi****&#34;' in block
    assert "Rotate the credential" in block


def test_findings_table_is_masked_and_shows_suppression_reasons():
    html, _ = render()
    findings = html[html.index("<h2>Findings (2)</h2>"):html.index("<h2>Dependencies")]
    assert "Wi****" in findings and "Winter" not in findings
    assert "<b>Suppressed:</b> test fixture path" in findings
    assert findings.count("Open</td>") == 1


def test_report_names_commit_dependencies_and_scan_time():
    html, _ = render()
    assert "0123456789ab" in html
    assert "2026-11-26T12:00:00+00:00" in html
    assert re.search(r"<b>pandas</b>.*?==2\.1\.4", html, re.S)


def test_ready_project_has_no_blocker_section():
    html, assessment = render(report=good_report(), project=good_project())
    assert assessment.level == "Ready"
    assert "<h2>Blocking items</h2>" not in html
    assert "No blocking item fails." in html
