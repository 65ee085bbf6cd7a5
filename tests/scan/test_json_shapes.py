"""The shaped JSON reader: what it builds, what it steps over (and how far), and where it stops on bad JSON."""
import json

import pytest

from handoff_assistant.scan.json_shapes import SCALAR, Fields, Items, JsonError, Skipped, Text, read_shaped

TRICKY_STRINGS = ['a"]}[{\\', "{[", "]]]]", '\\"', "x" * 300, "é ü"]


def _values():
    """Values to step over: brackets and escaped quotes inside strings, many strings, deep and wide nesting."""
    many = [{f"k{i}]": [TRICKY_STRINGS[i % 6], i, None]} for i in range(20_000)]  # crosses many 64 KB segments
    return [TRICKY_STRINGS, many, [[[0]] for _ in range(50_000)], "plain", 12.5,
            json.loads("[" * 500 + "]" * 500)]


@pytest.mark.parametrize("indent", [None, 1])
def test_a_skipped_value_spans_exactly_its_json_text_and_the_next_value_is_read(indent):
    for value in _values():
        skipped = json.dumps(value, indent=indent, ensure_ascii=False)
        text = '{"skip": ' + skipped + ', "keep": "after"}'
        read = read_shaped(text, Fields({"keep": SCALAR}))
        assert read == {"skip": Skipped(len(skipped)), "keep": "after"} and read.span == len(text)


def test_a_container_nested_100000_deep_is_stepped_over_without_recursing():
    deep = "[" * 100_000 + "]" * 100_000
    read = read_shaped('{"cells": ' + deep + ', "n": 4}', Fields({"cells": Fields({}), "n": SCALAR}))
    assert read["cells"] == Skipped(len(deep)) and read["n"] == 4


def test_text_is_joined_and_cut_at_its_cap_and_the_rest_of_the_list_is_stepped_over():
    lines = [f"line {i} ]\n" for i in range(10_000)]
    text = json.dumps({"out": [{"text": lines, "name": "stdout"}]})
    [output] = read_shaped(text, Fields({"out": Items(Fields({"text": Text(25), "name": SCALAR}))}))["out"]
    assert output == {"text": "".join(lines)[:25], "name": "stdout"}
    whole = read_shaped(text, Fields({"out": Items(Fields({"text": Text()}))}))["out"][0]["text"]
    assert whole == "".join(lines)


@pytest.mark.parametrize("text, message", [
    ('{"a": [1, [2, "]"]', "Unterminated container"),
    ('{"a": 1,}', "Expecting property name"),
    ('{"a" 1}', "Expecting ':' delimiter"),
    ('{"keep": "x', "Unterminated string"),
    ('{"a": 1} trailing', "Extra data"),
    ('{"keep": "\\q"}', "Invalid \\\\escape"),
])
def test_bad_json_stops_with_where_and_why(text, message):
    with pytest.raises(JsonError, match=message) as error:
        read_shaped(text, Fields({"keep": SCALAR}))
    assert 0 < error.value.position <= len(text)
