"""`handoff check` and `handoff init` on the sample prototype and on a copy cleaned up the way a user would."""
from __future__ import annotations

import json
import resource
import signal
import textwrap
from pathlib import Path

import git
import pytest

from handoff_assistant.cli import main
from handoff_assistant.readiness.project_file import PROJECT_FILE_NAME, load_project_file
from tests.support.odd_names import PASSWORD, make_oddly_named_project

SAMPLE_BLOCKERS = {"port.no-personal-paths", "sec.no-hardcoded-secrets", "ops.owner"}

CLEAN_DATA = '''\
"""Load customer data from the analytics warehouse (or a local CSV)."""
import logging
import os

import pandas as pd
from sqlalchemy import create_engine

logger = logging.getLogger(__name__)


def get_engine(url=None):
    return create_engine(url or os.environ["CHURN_DB_URL"])


def load_customers(query_file="sql/extract_customers.sql", since="2023-01-01"):
    with open(query_file) as f:
        query = f.read()
    df = pd.read_sql(query, get_engine(), params={"since": since})
    logger.info("loaded %d rows", len(df))
    return df


def load_local(path):
    df = pd.read_csv(path)
    df["contract"] = df["contract"].str.strip()
    return df
'''

CLEAN_SCORE = '''\
"""Score customers with a trained model."""
import argparse
import logging
import os

import joblib
import pandas as pd

from churn.features import build_features

logger = logging.getLogger(__name__)


def score(model_path, input_csv, output_csv, threshold=0.5):
    model = joblib.load(model_path)
    df = pd.read_csv(input_csv)
    proba = model.predict_proba(build_features(df))[:, 1]
    out = pd.DataFrame({"customer_id": df["customer_id"], "score": proba.round(4),
                        "at_risk": (proba >= threshold).astype(int)})
    out.to_csv(output_csv, index=False)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.environ.get("CHURN_MODEL_PATH"))
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", default="scores.csv")
    args = parser.parse_args()
    result = score(args.model, args.input, args.output)
    logger.info("scored %d customers", len(result))
'''

CLEAN_SETTINGS = """\
# settings for the scoring service; values come from the environment
model_path: ${CHURN_MODEL_PATH}
threshold: 0.5
scoring:
  endpoint: ${SCORING_ENDPOINT}
  timeout_s: 30
"""

REQUIREMENTS = """\
pandas==2.1.4
numpy==1.26.4
scikit-learn==1.3.2
joblib==1.3.2
SQLAlchemy==2.0.25
"""

HANDOFF = """\
name: churn
summary: Weekly churn scores for the retention team
tier: standard
owner: {name: Maria Lopez, email: maria.lopez@example.com}
contacts:
  - {name: Raj Patel, email: raj.patel@example.com, role: escalation}
entry_points:
  - name: score
    command: python -m churn.score --input data/sample_customers.csv --output scores.csv
    inputs: [data/sample_customers.csv]
    outputs: [scores.csv]
    schedule: "0 6 * * 1"
    expected_runtime: 10m
    sample_input: data/sample_customers.csv
    expected_output: tests/expected_scores.csv
config_keys:
  - {name: CHURN_DB_URL, description: warehouse connection, secret: true}
  - {name: CHURN_MODEL_PATH, description: trained model file}
  - {name: SCORING_ENDPOINT, description: scoring service URL}
system_packages: [libgomp1]
attestations:
  sec.personal-data: {status: attested, note: customer ids only; reviewed with the DPO, by: Maria Lopez}
  ops.monitoring: {status: attested, note: cron failure mails IT; weekly score distribution check}
  ops.rollback: {status: attested, note: previous bundle kept on the share; redeploy it}
"""

NOTEBOOK = {
    "nbformat": 4, "nbformat_minor": 5,
    "metadata": {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# Churn - exploration"},
        {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
         "source": "import pandas as pd\nfrom churn.features import build_features"},
        {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [],
         "source": "df = pd.read_csv('data/sample_customers.csv')\nbuild_features(df).describe()"},
    ],
}


def write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def clean_up(root: Path) -> None:
    """What the checklist's fixes ask for: paths and secrets out, pins, tests, seeds, handoff.yaml, a commit."""
    write(root, "churn/data.py", CLEAN_DATA)
    write(root, "churn/score.py", CLEAN_SCORE)
    train = (root / "churn/train.py").read_text(encoding="utf-8")
    train = train.replace("test_size=0.25, stratify=y)", "test_size=0.25, stratify=y, random_state=0)")
    train = train.replace("max_depth=3)", "max_depth=3, random_state=0)")
    train = train.replace('print(f"test AUC: {auc:.3f}")', "logger.info('test AUC: %.3f', auc)")
    train = train.replace('print("wrote", args.output)', "logger.info('wrote %s', args.output)")
    train = train.replace("import argparse\n", "import argparse\nimport logging\n", 1)
    train = train.replace("\ntry:", "\nlogger = logging.getLogger(__name__)\n\ntry:", 1)
    write(root, "churn/train.py", train)
    write(root, "config/settings.yaml", CLEAN_SETTINGS)
    write(root, "requirements.txt", REQUIREMENTS)
    for path in ("notebooks/01_explore.ipynb", "notebooks/02_model.ipynb", "notebooks/03_report.ipynb",
                 "R/plots.R"):
        (root / path).unlink()
    write(root, "notebooks/explore.ipynb", json.dumps(NOTEBOOK, indent=1))
    write(root, ".python-version", "3.11\n")
    write(root, "LICENSE", "Internal use only. Customer data under the CRM data-usage agreement.\n")
    write(root, "tests/test_features.py", textwrap.dedent("""\
        from churn.features import CONTRACT_ORDER


        def test_contract_order():
            assert CONTRACT_ORDER["two-year"] == 2
        """))
    write(root, "tests/expected_scores.csv", "customer_id,score,at_risk\nC10001,0.71,1\n")
    write(root, PROJECT_FILE_NAME, HANDOFF)
    repo = git.Repo.init(root)
    repo.index.add([p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts])
    actor = git.Actor("Maria Lopez", "maria.lopez@example.com")
    repo.index.commit("Prototype ready for handoff", author=actor, committer=actor)


def check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_sample_is_not_ready_and_names_its_blockers(sample_copy, capsys):
    code, out, _ = check(capsys, str(sample_copy))
    assert code == 1
    assert "- Not ready (policy: default)" in out.splitlines()[0]
    blocking = out[out.index("Blocking (3):"):out.index("Failing (")]
    for item_id in SAMPLE_BLOCKERS:
        assert f"x {item_id}:" in blocking
    assert "churn/data.py:10: LOCAL_CSV" in blocking and "fix: Rotate the credential" in blocking
    assert "Wi****" in blocking and "Winter2024" not in out

    code, out, _ = check(capsys, str(sample_copy), "--format", "json")
    assessment = json.loads(out)
    assert code == 1
    assert set(assessment["blockers"]) == SAMPLE_BLOCKERS
    assert assessment["level"] == "Not ready" and assessment["score"] < 50


@pytest.mark.slow
def test_cleaned_copy_reaches_ready_and_gates_on_fail_under(sample_copy, capsys, tmp_path):
    clean_up(sample_copy)
    code, out, _ = check(capsys, str(sample_copy), "--format", "json")
    assessment = json.loads(out)
    failing = {i["id"]: i["evidence"] for i in assessment["items"] if i["status"] in ("fail", "unknown")}
    assert failing == {}
    assert assessment["level"] == "Ready" and assessment["blockers"] == []
    assert code == 0

    code, out, _ = check(capsys, str(sample_copy), "--fail-under", "80")
    assert code == 0 and "- Ready" in out.splitlines()[0]
    code, out, _ = check(capsys, str(sample_copy), "--fail-under", "100")
    assert code == 1 and "is under --fail-under 100" in out

    report = tmp_path / "report.html"
    code, _, _ = check(capsys, str(sample_copy), "--format", "html", "-o", str(report))
    html = report.read_text(encoding="utf-8")
    assert code == 0 and html.startswith("<!DOCTYPE html>") and ">Ready</span>" in html


def test_fail_under_cannot_pass_a_project_with_blockers(sample_copy, capsys):
    code, _, _ = check(capsys, str(sample_copy), "--fail-under", "0")
    assert code == 1


def test_policy_file_and_bad_policy(sample_copy, capsys, tmp_path):
    relaxed = tmp_path / "relaxed.yaml"
    relaxed.write_text("name: relaxed\nitems:\n"
                       + "".join(f"  {i}: {{blocking: false}}\n" for i in sorted(SAMPLE_BLOCKERS)), encoding="utf-8")
    code, out, _ = check(capsys, str(sample_copy), "--policy", str(relaxed), "--fail-under", "0")
    assert code == 0 and "(policy: relaxed)" in out and "Needs work" in out
    broken = tmp_path / "broken.yaml"
    broken.write_text("ready_threshold: lots\n", encoding="utf-8")
    code, out, err = check(capsys, str(sample_copy), "--policy", str(broken))
    assert code == 2 and out == ""
    assert err.strip() == f"handoff check: policy {broken}: ready_threshold must be a number, not 'lots'"


def test_check_refuses_a_broken_handoff_yaml_and_a_missing_folder(sample_copy, capsys, tmp_path):
    write(sample_copy, PROJECT_FILE_NAME, "name: churn\ntier: gold\n")
    code, _, err = check(capsys, str(sample_copy))
    assert code == 2
    assert "handoff.yaml line 2: tier: must be one of critical, standard, experimental" in err
    code, _, err = check(capsys, str(tmp_path / "nowhere"))
    assert code == 2 and "does not exist" in err
    code, _, err = check(capsys, str(sample_copy), "--fail-under", "120")
    assert code == 2 and "--fail-under must be between 0 and 100" in err


def test_init_writes_a_starter_and_never_overwrites(sample_copy, capsys, tmp_path, monkeypatch):
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Maria Lopez\n\temail = maria.lopez@example.com\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert main(["init", str(sample_copy)]) == 0
    assert "Wrote" in capsys.readouterr().out
    target = sample_copy / PROJECT_FILE_NAME
    project = load_project_file(sample_copy)
    assert project.owner.name == "Maria Lopez"
    assert [e.command for e in project.entry_points][:2] == ["python -m churn.score", "python -m churn.train"]
    assert project.config_keys == ()  # literals in the code are findings, not keys, until they are fixed

    target.write_text(target.read_text(encoding="utf-8") + "# my notes\n", encoding="utf-8")
    before = target.read_bytes()
    assert main(["init", str(sample_copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists; use --force to replace it" in err
    assert target.read_bytes() == before

    assert main(["init", str(sample_copy), "--force"]) == 0
    assert b"# my notes" not in target.read_bytes()
    assert load_project_file(sample_copy) == project

    assert main(["fix", str(sample_copy), "--apply"]) == 0  # the code now reads its configuration
    assert main(["init", str(sample_copy), "--force"]) == 0
    keys = {k.name: k for k in load_project_file(sample_copy).config_keys}
    assert {"local_csv", "model_path", "churn_dir", "db_url", "data_password", "scoring_api_key"} <= set(keys)
    assert keys["db_url"].secret and not keys["local_csv"].secret


def test_check_refuses_a_schedule_only_a_regex_would_accept(tmp_path, capsys):
    (tmp_path / "main.py").write_text("print(1)\n")
    (tmp_path / PROJECT_FILE_NAME).write_text("name: x\nentry_points:\n  - name: nightly\n    command: python main.py\n"
                                              "    schedule: '0 24 * * *'\n")
    code, _, err = check(capsys, str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert "entry_points[0].schedule: '0 24 * * *' is not a cron expression" in err


def test_the_more_count_counts_the_evidence_the_rule_left_out():
    from handoff_assistant.cli.check_command import _item_lines
    from handoff_assistant.readiness.model import ItemResult

    evidence = tuple(f"a.py:{n}" for n in range(12)) + ("… and 30 more",)  # 42 places, as readiness caps them
    item = ItemResult("paths.none", "portability", "No hardcoded paths", "fail", 0, 5, False, evidence, fix="x")
    lines = _item_lines(item)
    assert lines[1:4] == ["      a.py:0", "      a.py:1", "      a.py:2"]
    assert "      ... 39 more" in lines  # 42 - 3 shown; it said "10 more" (13 lines - 3)


def test_html_report_over_an_existing_file_names_odd_file_names(tmp_path, capsys):
    """Failed before: writing the HTML raised UnicodeEncodeError on bad\\xff.py after the output file had
    been opened, leaving it truncated to nothing, and the traceback reached the user."""
    root = make_oddly_named_project(tmp_path / "odd")
    output = tmp_path / "report.html"
    output.write_text("the previous report\n", encoding="utf-8")
    code, _, err = check(capsys, str(root), "--format", "html", "-o", str(output))
    assert code == 1 and err == ""  # not ready (two passwords), no traceback
    html = output.read_text(encoding="utf-8")
    assert "bad\\xff.py" in html and "new\nline.py" in html
    assert PASSWORD not in html


def test_a_report_that_cannot_be_written_is_one_line_and_the_old_file_stays(tmp_path, capsys):
    """A file-size limit stands for a full disk: the same failing write. Before, the output was opened
    (truncated) first and the OSError was a traceback."""
    root = make_oddly_named_project(tmp_path / "odd")
    output = tmp_path / "report.html"
    output.write_text("the previous report\n", encoding="utf-8")
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, limits[1]))
    try:
        code, _, err = check(capsys, str(root), "--format", "html", "-o", str(output))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert code == 2
    assert err.startswith(f"handoff check: cannot write {output}: File too large") and err.count("\n") == 1
    assert output.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
