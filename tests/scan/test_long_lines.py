"""A file of one very long line: every rule stays linear, cancel is seen inside the file, and nothing hides.

Before, one 160 KB line of ``curl -u `` took 39 s and a cancel waited for the whole file; 5 MB lines of each
rule's trigger are timed in benchmarks/bench_long_lines.py (figures, not a timed test).
"""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text
from tests.support.cancel import seconds_to_cancel

FIVE_MB = 5_000_000


def _one_line(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


@pytest.mark.parametrize("name, unit", [("deploy.sh", "curl -u "), ("settings.cfg", "password: "),
                                        ("paths.sh", "/home/a=")])
def test_cancel_takes_effect_within_a_second_inside_a_5_mb_single_line_file(tmp_path, name, unit):
    (tmp_path / name).write_text(_one_line(unit, FIVE_MB))
    # settle: well inside the file's analysis when the cancel comes
    assert seconds_to_cancel(tmp_path, lambda done, total, message: message == name, settle=0.3) < 1.0


def test_a_secret_at_the_end_of_a_long_line_is_found_and_masked():
    text = _one_line("curl -u x ", 300_000) + " curl -u deploy:Zq8realPw44 https://api.example.com\n"
    (finding,) = [f for f in scan_text(text, file="d.sh", language="Shell") if f.rule == "secret.curl-credentials"]
    assert finding.line == 1 and "Zq8realPw44" not in finding.snippet and len(finding.snippet) <= 160


def test_the_snippet_of_a_long_line_masks_a_secret_near_its_start():
    text = "password = 'Zq8realPw44xy' # " + "x" * 2_000_000 + "\n"
    (finding,) = scan_text(text, file="a.py", language="Python")
    assert finding.rule == "secret.password-assignment" and "Zq8realPw44xy" not in finding.snippet
    assert finding.snippet.startswith("password = 'Zq****'")


def test_curl_credentials_need_curl_earlier_in_the_same_command():
    found = {text: [f.rule for f in scan_text(text + "\n", file="d.sh", language="Shell") if f.category == "secret"]
             for text in ("curl -s -u deploy:Zq8realPw44 https://x.example.com",
                          "echo hi; wget -u deploy:Zq8realPw44 https://x.example.com",
                          "curl https://x.example.com | tool -u deploy:Zq8realPw44")}
    assert found == {"curl -s -u deploy:Zq8realPw44 https://x.example.com": ["secret.curl-credentials"],
                     "echo hi; wget -u deploy:Zq8realPw44 https://x.example.com": [],
                     "curl https://x.example.com | tool -u deploy:Zq8realPw44": []}
