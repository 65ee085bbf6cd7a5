"""Masking and fingerprints: the one masking function, and fingerprints that survive unrelated edits."""
from __future__ import annotations

import time

import pytest

from handoff_assistant.scan.findings import scan_text
from handoff_assistant.scan.findings.base import fingerprint, with_fingerprints
from handoff_assistant.scan.findings.masking import MASK, mask_secrets, mask_value

CODE = '''import pandas as pd

password = "Winter2024!"
df = pd.read_csv("/Users/maria/data/customers.csv")
backup = pd.read_csv("/Users/maria/data/customers.csv")
'''


@pytest.mark.parametrize(("value", "masked"), [
    ("abc", MASK), ("Winter2024!", "Wi" + MASK), ("abcd1234efgh5678ijkl9012", "abcd" + MASK),
])
def test_mask_value_keeps_a_short_prefix_and_hides_the_length(value, masked):
    assert mask_value(value) == masked


@pytest.mark.parametrize(("text", "secret"), [
    ("connecting to postgresql://app:Sup3rS3cret!@db01/analytics", "Sup3rS3cret!"),
    ("AWS key AKIAQ3EGRTZ7MX4PLW2N in the log", "Q3EGRTZ7MX4PLW2N"),
    ("{'password': 'Winter2024!', 'user': 'app'}", "Winter2024!"),
    ("Server=db;Pwd=Winter2024!;", "Winter2024!"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "MIIEvQIBADAN"),
])
def test_mask_secrets_hides_values_in_free_text(text, secret):
    masked = mask_secrets(text)
    assert secret not in masked and MASK in masked


def test_mask_secrets_leaves_ordinary_text_alone():
    text = "loaded 1200 rows from /Users/maria/data.csv in 2.3 s"
    assert mask_secrets(text) == text


def test_fingerprints_survive_lines_inserted_above():
    before = scan_text(CODE, file="churn/data.py", language="Python")
    after = scan_text("# a comment\n\n\n" + CODE, file="churn/data.py", language="Python")
    assert [f.line + 3 for f in before] == [f.line for f in after]
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]


def test_fingerprints_differ_for_duplicates_file_cell_and_rule():
    found = scan_text(CODE, file="churn/data.py", language="Python")
    assert len({f.fingerprint for f in found}) == len(found) == 3
    in_cell = scan_text(CODE, file="churn/data.py", language="Python", cell=2)
    other_file = scan_text(CODE, file="churn/other.py", language="Python")
    assert not {f.fingerprint for f in found} & {f.fingerprint for f in in_cell}
    assert not {f.fingerprint for f in found} & {f.fingerprint for f in other_file}


def test_fingerprint_ignores_whitespace_changes():
    assert fingerprint("path.user-home", "a.py", None, "x  =  '/Users/m'") == \
        fingerprint("path.user-home", "a.py", None, "x = '/Users/m'")


def test_with_fingerprints_is_stable_under_reordering():
    found = scan_text(CODE, file="churn/data.py", language="Python")
    assert sorted(f.fingerprint for f in with_fingerprints(reversed(found))) == sorted(f.fingerprint for f in found)


def test_snippet_is_cut_to_a_readable_length():
    (finding,) = scan_text('p = "/Users/maria/' + "x" * 400 + '.csv"', file="a.py", language="Python")
    assert len(finding.snippet) <= 160 and finding.snippet.endswith("…")


@pytest.mark.parametrize("text", [
    "a=b " * 5000 + " host password",
    'x = "' + "a=b " * 5000 + ' host password"',
    "password: " * 5000,
    "http://" * 5000,
    "~/" * 10000,
])
def test_pathological_long_lines_are_scanned_in_linear_time(text):
    started = time.perf_counter()
    for language in (None, "Python", "R"):
        scan_text(text, file="a", language=language)
    assert time.perf_counter() - started < 5  # about 0.5 s; a quadratic pattern took over 10 s


def test_texts_without_any_trigger_are_not_read(monkeypatch):
    import handoff_assistant.scan.findings as findings

    def must_not_read(*args, **kwargs):
        raise AssertionError("read_source called for a text no detector can match")

    monkeypatch.setattr(findings, "read_source", must_not_read)
    plain = "import pandas as pd\n\ndf = pd.read_csv('data/customers.csv')\nprint(df.describe())\n"
    assert scan_text(plain, file="a.py", language="Python") == []
    with pytest.raises(AssertionError):
        scan_text(plain + "x = '/Users/maria'\n", file="a.py", language="Python")
