import yaml

from handoff_assistant.bundle.config_templates import (collect_config_keys, render_config_example,
                                                       render_env_example)
from handoff_assistant.readiness.model import ConfigKey
from handoff_assistant.scan.report import Finding


def _finding(category, snippet, file="churn/data.py", line=3, fingerprint="f"):
    return Finding(f"{category}.rule", category, "high", file, line, "message", "fix", snippet=snippet,
                   fingerprint=fingerprint + str(line))


FINDINGS = (
    _finding("path", 'LOCAL_CSV = "/Users/maria/data/customers.csv"', line=10),
    _finding("host", 'DB_URL = "postgresql://churn_app:Su****@10.20.30.40:5432/analytics"', line=5),
    _finding("secret", 'DB_URL = "postgresql://churn_app:Su****@10.20.30.40:5432/analytics"', line=5, fingerprint="s"),
    _finding("secret", 'password = "Wi****"', line=7),
    _finding("path", "model_path: C:\\Users\\maria\\models\\churn.pkl", file="config/settings.yaml", line=2),
    _finding("notebook", "cell ran out of order", line=1),
    _finding("path", "open('/home/maria/x')", file="nb.py", line=4),
    _finding("path", 'df = pd.read_csv("/Users/maria/c.csv")', file="notebooks/01.ipynb", line=1),
    Finding("notebook.output.path.user-home", "path", "low", "notebooks/01.ipynb", 1, "m", "f",
            snippet="FileNotFoundError: /Users/maria/x.csv", cell=6, fingerprint="o"),
)


def test_keys_come_from_the_variables_findings_hard_code_and_from_handoff_yaml():
    keys = collect_config_keys([ConfigKey("threshold", "Score above which a customer is at risk"),
                                ConfigKey("model_path", "Where the trained model lives")], FINDINGS, {})
    by_name = {k.name: k for k in keys}
    assert sorted(by_name) == ["db_url", "local_csv", "model_path", "password", "path_01_line1", "path_nb_line4",
                               "threshold"]
    assert (by_name["db_url"].kind, by_name["db_url"].secret, by_name["db_url"].env) == ("credential", True, "DB_URL")
    assert by_name["local_csv"].kind == "path" and by_name["local_csv"].used_in == ("churn/data.py:10",)
    assert by_name["model_path"].description == "Where the trained model lives"
    assert by_name["model_path"].used_in == ("config/settings.yaml:2",)
    assert by_name["threshold"].kind == "value"


def test_suppressed_findings_need_no_key():
    keys = collect_config_keys([], FINDINGS, {"f10": "the CSV is only for local runs"})
    assert "local_csv" not in {k.name for k in keys}


def test_templates_name_keys_and_never_hold_a_value():
    keys = collect_config_keys([ConfigKey("threshold", "Score cut-off")], FINDINGS, {})
    config = render_config_example(keys, "Churn")
    env = render_env_example(keys, "Churn")
    assert yaml.safe_load(config) == {"local_csv": "", "model_path": "", "path_01_line1": "", "path_nb_line4": "",
                                      "threshold": ""}
    assert "# used in: churn/data.py:10" in config and "# Score cut-off" in config
    assert [line for line in env.splitlines() if line and not line.startswith("#")] == ["DB_URL=", "PASSWORD="]
    for value in ("Su****", "Wi****", "10.20.30.40", "/Users/maria", "C:\\Users"):
        assert value not in config + env


def test_empty_templates_say_nothing_was_found():
    assert "declared no configuration keys" in render_config_example((), "Tiny")
    assert "No credential was declared" in render_env_example((), "Tiny")
