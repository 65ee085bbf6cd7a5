"""CSV, JSON and HTML exports of a portfolio."""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from handoff_assistant.portfolio.build import build_portfolio
from handoff_assistant.portfolio.export import spreadsheet_safe, to_csv, to_html, to_json
from handoff_assistant.portfolio.model import CHANGES_REQUESTED
from handoff_assistant.portfolio.reviews import save_review
from handoff_assistant.portfolio.store import Store
from tests.portfolio.conftest import fixed_assessor, make_bundle, manifest


@pytest.fixture
def portfolio(landing):
    save_review(landing / "fraud-1.zip", CHANGES_REQUESTED, "Add a smoke test <b>now</b>", by="lead")
    with Store() as store:
        return build_portfolio([landing], store, assessor=fixed_assessor)


def test_csv_has_one_line_per_row_with_sections_and_review(portfolio):
    rows = list(csv.DictReader(io.StringIO(to_csv(portfolio))))
    assert [r["project"] for r in rows] == ["broken", "churn", "forecast", "fraud"]
    fraud = rows[3]
    assert (fraud["score"], fraud["level"], fraud["weakest"], fraud["verification"], fraud["review"]) == \
        ("70", "Needs work", "testing", "passed", CHANGES_REQUESTED)
    assert fraud["section_testing"] == "30" and fraud["section_code"] == "90"
    assert fraud["review_comment"] == "Add a smoke test <b>now</b>" and fraud["reviewed_by"] == "lead"
    churn = rows[1]
    assert (churn["bundles"], churn["score_change"]) == ("3", "+23.0")
    assert "zip" in rows[0]["problem"].lower() and rows[0]["score"] == ""


def test_json_round_trips_the_rows(portfolio):
    data = json.loads(to_json(portfolio))
    assert data["schema_version"] == 1
    assert [r["record"]["project"] for r in data["rows"]] == ["broken", "churn", "forecast", "fraud"]
    assert data["rows"][3]["verification"]["state"] == "passed"


def test_html_is_one_self_contained_printable_page(portfolio):
    html = to_html(portfolio)
    assert html.startswith("<!DOCTYPE html>")
    assert "@page" in html and "@media print" in html
    assert not re.search(r"<script|<link|src=|url\(|https?://", html)
    for name in ("churn", "fraud", "forecast", "broken"):
        assert f"<td>{name}</td>" in html
    assert "Add a smoke test &lt;b&gt;now&lt;/b&gt;" in html
    assert 'class="pill ready">1 Ready' in html
    assert 'class="pill needs-work">2 Needs work' in html
    assert 'title="Testing: 30"><span style="height: 30%">' in html
    assert "(+23)" in html


def test_every_export_shows_an_incomplete_verification_as_such(landing):
    from tests.portfolio.conftest import write_verification

    write_verification(landing / "fraud-1.zip", incomplete=("smoke",))
    with Store() as store:
        incomplete = build_portfolio([landing], store, assessor=fixed_assessor)
    fraud = list(csv.DictReader(io.StringIO(to_csv(incomplete))))[3]
    assert (fraud["verification"], fraud["verification_detail"]) == ("incomplete", "not verified: smoke: no sample input")
    assert json.loads(to_json(incomplete))["rows"][3]["verification"]["state"] == "incomplete"
    html = to_html(incomplete)
    assert '<span class="pill v-incomplete">incomplete</span><div class="small">not verified: smoke: no sample ' \
           'input</div>' in html


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(landing):
    # before: the comment, reviewer and owner were written raw and a spreadsheet ran them as formulas
    make_bundle(landing, "pricing-1", manifest("pricing", "2026-11-02T10:00:00+00:00", 50, "Not ready",
                                               owner="-2+3"))
    save_review(landing / "fraud-1.zip", CHANGES_REQUESTED, '=HYPERLINK("http://evil.example","fix")', by="@lead")
    save_review(landing / "pricing-1.zip", CHANGES_REQUESTED, "+cmd|' /C calc'!A0", by="\t-lead")
    with Store() as store:
        portfolio = build_portfolio([landing], store, assessor=fixed_assessor)
    rows = {r["project"]: r for r in csv.DictReader(io.StringIO(to_csv(portfolio)))}
    assert rows["fraud"]["review_comment"] == '\'=HYPERLINK("http://evil.example","fix")'
    assert rows["fraud"]["reviewed_by"] == "'@lead"
    assert rows["pricing"]["review_comment"] == "'+cmd|' /C calc'!A0"
    assert (rows["pricing"]["reviewed_by"], rows["pricing"]["owner"]) == ("'\t-lead", "'-2+3")
    assert rows["churn"]["score_change"] == "+23.0"  # a plain number cannot run and stays a number


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"), ("-12.5", "-12.5"), ("+3", "+3"), ("a=1", "a=1"), ("", ""),
])
def test_spreadsheet_safe_prefixes_only_cells_that_could_run(cell, written):
    assert spreadsheet_safe(cell) == written
