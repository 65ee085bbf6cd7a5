"""The bundle's config templates list the one key set: what the code reads plus handoff.yaml, never a value."""
import yaml

from handoff_assistant.bundle.config_templates import (collect_config_keys, render_config_example,
                                                       render_env_example)
from handoff_assistant.readiness.model import ConfigKey, ProjectFile
from handoff_assistant.scan.report import ConfigRead, FileSummary, Finding, ScanReport, TargetEnvironment

READS = (
    ConfigRead("local_csv", "config", "churn/data.py", 12),
    ConfigRead("local_csv", "config", "notebooks/01.ipynb", 1, cell=4),
    ConfigRead("DB_URL", "env", "churn/data.py", 8),
    ConfigRead("DB_URL", "env-example", ".env.example", 3),
    ConfigRead("DATA_PASSWORD", "env", "churn/data.py", 10),
    ConfigRead("churn_dir", "config", "nb.ipynb", 3, cell=1),
    ConfigRead("CHURN_DIR", "env", "nb.ipynb", 3, cell=1),
    ConfigRead("mlflow_tracking_uri", "config", "nb.ipynb", 3, cell=2),
)
# Literals still written in the code: findings, not keys.
FINDINGS = (Finding("path.user-home", "path", "high", "churn/score.py", 10, "m", "f",
                    snippet='DEFAULT_MODEL = r"C:\\Users\\maria\\models\\churn.pkl"', fingerprint="p1"),)


def report(reads=READS):
    return ScanReport("/p", "2026-01-01T00:00:00Z", "0", TargetEnvironment("3.11", "linux", "x86_64", "", "none"),
                      FileSummary(0, 0, 0), findings=FINDINGS, config_reads=reads)


def test_keys_are_what_the_code_reads_plus_handoff_yaml_one_entry_per_key():
    project = ProjectFile(config_keys=(ConfigKey("threshold", "Score above which a customer is at risk"),
                                       ConfigKey("local_csv", "The customer extract")))
    by_name = {k.name: k for k in collect_config_keys(report(), project)}
    assert sorted(by_name) == ["churn_dir", "data_password", "db_url", "local_csv", "mlflow_tracking_uri",
                               "threshold"]
    assert (by_name["db_url"].kind, by_name["db_url"].secret, by_name["db_url"].env) == ("credential", True, "DB_URL")
    assert by_name["data_password"].secret  # a secret by its name
    assert by_name["churn_dir"].used_in == ("nb.ipynb cell 2:3",) and by_name["churn_dir"].kind == "path"
    assert by_name["local_csv"].used_in == ("churn/data.py:12", "notebooks/01.ipynb cell 5:1")
    assert by_name["local_csv"].description == "The customer extract"
    assert by_name["mlflow_tracking_uri"].kind == "host" and by_name["threshold"].kind == "value"
    assert "default_model" not in by_name and "path_score_line10" not in by_name


def test_templates_name_keys_and_never_hold_a_value():
    keys = collect_config_keys(report(), ProjectFile(config_keys=(ConfigKey("threshold", "Score cut-off"),)))
    config = render_config_example(keys, "Churn")
    env = render_env_example(keys, "Churn")
    assert yaml.safe_load(config) == {"churn_dir": "", "local_csv": "", "mlflow_tracking_uri": "", "threshold": ""}
    assert "# used in: churn/data.py:12" in config and "# Score cut-off" in config
    assert [line for line in env.splitlines() if line and not line.startswith("#")] == ["DATA_PASSWORD=", "DB_URL="]
    assert "C:\\Users" not in config + env


def test_empty_templates_say_the_code_reads_nothing():
    assert "reads no configuration key" in render_config_example((), "Tiny")
    assert "reads no secret" in render_env_example((), "Tiny")
