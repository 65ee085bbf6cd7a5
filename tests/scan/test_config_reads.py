"""What the code reads from configuration: the start of the one key set (issue 12)."""
from handoff_assistant.scan.config_reads import find_config_reads


def reads(text, file="x.py", language="Python"):
    return [(r.key, r.kind, r.line) for r in find_config_reads(text, file=file, language=language)]


def test_python_reads_config_keys_and_required_environment_variables():
    text = ('import os, handoff_config\n'
            'A = handoff_config.get("local_csv")\n'
            'B = os.environ["DB_PASSWORD"]\n'
            'C = os.getenv("API_TOKEN")\n'
            'D = os.environ.get("DEBUG", "0")\n'  # a default: optional, not a key
            'E = os.environ["HOME"]\n')  # every system sets it
    assert reads(text) == [("local_csv", "config", 2), ("DB_PASSWORD", "env", 3), ("API_TOKEN", "env", 4)]


def test_r_reads_config_get_and_sys_getenv_without_a_default():
    text = ('d <- Sys.getenv("CHURN_DIR", config::get("churn_dir"))\n'
            'p <- Sys.getenv("DB_PASSWORD")\n'
            'q <- Sys.getenv("OPTIONAL", "x")\n')
    assert reads(text, "a.R", "R") == [("CHURN_DIR", "env", 1), ("churn_dir", "config", 1), ("DB_PASSWORD", "env", 2)]


def test_shell_sql_and_config_files_read_environment_references():
    assert reads('ls "${DATA_DIR}" | head\necho $HOME ${HOME}\n', "a.sh", "Shell") == [("DATA_DIR", "env", 1)]
    assert reads("api_key: \"${SCORING_API_KEY}\"\n", "c.yaml", "YAML") == [("SCORING_API_KEY", "env", 1)]


def test_env_example_names_are_declared_secrets_and_the_loader_is_not_a_reader():
    assert reads("# names only\nDB_URL=\nexport TOKEN=\n", ".env.example", None) == [
        ("DB_URL", "env-example", 2), ("TOKEN", "env-example", 3)]
    assert reads('"""get("data_dir") reads DATA_DIR; ${NAME}"""\nos.environ["X_Y"]\n', "handoff_config.py") == []
