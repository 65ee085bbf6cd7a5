"""Sorting and filtering rows: the core functions the CLI and the GUI both use."""
from __future__ import annotations

import pytest

from handoff_assistant.portfolio.build import build_portfolio
from handoff_assistant.portfolio.store import Store
from handoff_assistant.portfolio.table import COLUMN_IDS, RowFilter, column, filter_rows, sort_rows
from tests.portfolio.conftest import fixed_assessor


@pytest.fixture
def rows(landing):
    with Store() as store:
        return build_portfolio([landing], store, assessor=fixed_assessor).rows


def names(rows):
    return [r.project for r in rows]


def test_default_order_is_by_project(rows):
    assert names(rows) == ["broken", "churn", "forecast", "fraud"]


def test_sort_by_score_puts_unreadable_first_and_can_reverse(rows):
    assert names(sort_rows(rows, "score")) == ["broken", "forecast", "fraud", "churn"]
    assert names(sort_rows(rows, "score", descending=True)) == ["churn", "fraud", "forecast", "broken"]


def test_sort_by_level_goes_from_worst_to_best(rows):
    assert [r.level for r in sort_rows(rows, "level")] == ["Unreadable", "Needs work", "Needs work", "Ready"]


def test_every_column_sorts(rows):
    for column_id in COLUMN_IDS:
        assert len(sort_rows(rows, column_id)) == 4


def test_unknown_column_is_named(rows):
    with pytest.raises(KeyError, match="unknown column 'colour'"):
        sort_rows(rows, "colour")


def test_filter_by_level_owner_blockers_and_text(rows):
    assert names(filter_rows(rows, RowFilter(levels=frozenset({"Needs work"})))) == ["forecast", "fraud"]
    assert names(filter_rows(rows, RowFilter(owner="cy"))) == ["fraud"]
    assert names(filter_rows(rows, RowFilter(with_blockers=False, levels=frozenset({"Ready"})))) == ["churn"]
    assert names(filter_rows(rows, RowFilter(text="TESTING cy"))) == ["fraud"]
    assert names(filter_rows(rows, RowFilter(text="not a zip"))) == ["broken"]
    assert filter_rows(rows, RowFilter()) == rows


def test_cell_text(rows):
    churn = rows[1]
    assert [column(c).text(churn) for c in ("score", "date", "blockers", "verification", "review")] == \
        ["85", "2026-11-20", "0", "not run", "unreviewed"]
    forecast = rows[2]
    assert column("verification").text(forecast) == ""
