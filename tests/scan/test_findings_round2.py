"""Detection round 2 (issue 13): server and cluster paths, globs, defaults, shell variables and mounts, Windows
separators, relative import paths, internal hosts, prose, per-user caches, CI service and example-file values."""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text


def rules(text: str, language: str | None = "Python", file: str = "x") -> list[tuple[str, str]]:
    return [(f.rule, f.severity) for f in scan_text(text, file=file, language=language)]


# --- 6. glob patterns are paths ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    'files = glob.glob("/home/u/data/*.csv")',
    'for p in glob.iglob("/Users/maria/exports/2024-*.parquet"): pass',
    'parts = sorted(glob("C:/Users/maria/runs/*/metrics.json"))',
])
def test_glob_patterns_are_paths(text):
    assert rules(text) == [("path.user-home", "high")]


@pytest.mark.parametrize("text", [
    'files = glob.glob("data/*.csv")',
    'files = glob.glob(os.path.join(DATA_DIR, "*.csv"))',
    'ok = fnmatch.fnmatch(name, "/home/*/data")',
])
def test_relative_globs_and_name_patterns_are_not(text):
    assert rules(text) == []


# --- 7. server and cluster roots ------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'df = pd.read_csv("/data/projects/churn/train.csv")'),
    ("Python", 'SCRATCH_DIR = "/scratch/mlopez/run-17"'),
    ("Python", 'out_path = "/srv/analytics/scores"'),
    ("Python", 'model = joblib.load("/projects/churn/model.pkl")'),
    ("Python", 'cfg = "/shared/team/config.yaml"'),
    ("Python", 'df = pd.read_csv("/kaggle/input/titanic/train.csv")'),
    ("Python", 'spark.read.parquet("/work/lake/events")'),
    ("Python", 'with open("/opt/churn/thresholds.json") as f: pass'),
    ("Python", 'drive_root = "/content/drive/MyDrive/churn"'),
    ("YAML", "data_dir: /data/churn/raw"),
    ("R", 'df <- read.csv("/projects/churn/customers.csv")'),
])
def test_server_and_cluster_roots_used_as_locations(language, text):
    assert rules(text, language) == [("path.server-root", "medium")]


@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'subprocess.run(["/usr/bin/env", "python", "x.py"])'),
    ("Python", 'open("/dev/null", "w")'),
    ("Python", 'open("/etc/hosts").read()'),
    ("Python", 'cpu = open("/proc/cpuinfo").read()'),
    ("Python", 'shell = "/bin/bash"'),
    ("Python", 'r = requests.get(BASE + "/data/users.json")'),
    ("Python", '@app.get("/projects/{pid}")\ndef project(pid): ...'),
    ("Python", 'API = "/data/v1"'),
    ("Python", 'print("results are written to /data on the cluster")'),
    ("Python", 'CONDA = "/opt/conda/bin/python"'),
    ("Python", 'model_dir = "/opt/ml/model"'),
    ("Python", 'df = pd.read_csv("../data/train.csv")'),
    ("Dockerfile", "WORKDIR /srv/app\nCOPY model.pkl /srv/app/model.pkl"),
    ("YAML", "volumeMounts:\n  - mountPath: /data"),
])
def test_system_folders_routes_and_container_paths_are_not(language, text):
    assert [r for r in rules(text, language) if r[0].startswith("path.")] == []


# --- 8. defaults, shell variables and docker mounts ----------------------------------------------------------
@pytest.mark.parametrize(("language", "text", "rule"), [
    ("Python", 'parser.add_argument("--data", default="/data/churn/customers")', "path.server-root"),
    ("Python", '@click.option("--out", default="/srv/scores", help="output folder")\ndef main(out): ...',
     "path.server-root"),
    ("Python", 'parser.add_argument("--model", default="/home/raj/model.pkl")', "path.user-home"),
    ("Python", 'def main(data: Path = typer.Option("/scratch/churn/in")): ...', "path.server-root"),
    ("Shell", "DATA_DIR=/data/churn\npython score.py", "path.server-root"),
    ("Shell", 'export MODEL_PATH="/projects/churn/model.pkl"', "path.server-root"),
    ("Shell", "docker run --rm -v /srv/models:/models churn:latest", "path.server-root"),
    ("Shell", "docker run --volume=/scratch/run1:/out img", "path.server-root"),
])
def test_defaults_shell_variables_and_mounts(language, text, rule):
    assert [r[0] for r in rules(text, language)] == [rule]


@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'parser.add_argument("--data", help="a folder such as /data/churn or /home/you/data")'),
    ("Python", 'parser.add_argument("--data", default="data/raw")'),
    ("Shell", "docker run -v $(pwd)/data:/data img"),
    ("Shell", "PATH=/usr/local/bin:$PATH"),
    ("Shell", "cd /srv"),
])
def test_help_texts_relative_defaults_and_container_sides_are_not(language, text):
    assert [r for r in rules(text, language) if r[0].startswith("path.")] == []


# --- 9. relative paths with Windows separators ----------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "df = pd.read_csv('data\\\\raw.csv')",
    'joblib.dump(model, r"out\\model.pkl")',
    'OUT_DIR = "results\\\\plots"',
    'df = pd.read_excel("..\\\\input\\\\sales.xlsx")',
    'img = "images\\cat.png"',  # \c is no escape sequence: still one backslash
])
def test_relative_windows_separators(text):
    (finding,) = scan_text(text, file="x", language="Python")
    assert finding.rule == "path.windows-separator" and finding.severity == "medium"
    assert "/" in finding.message.split("write it as ", 1)[1]


@pytest.mark.parametrize("text", [
    'print("done\\n")',
    'pattern = re.compile(r"\\d+\\.csv")',
    'label = r"$\\alpha$"',
    'sep = "\\\\"',
    'name = "model\\tscore.csv"',  # a tab, whatever it means
    'LATEX = "\\\\frac{a}{b}"',
])
def test_escapes_regexes_and_latex_are_not_windows_paths(text):
    assert rules(text) == []


# --- 10. relative folders on sys.path -------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    'sys.path.insert(0, "../input/lib")',
    'sys.path.append("src")',
    'sys.path.insert(0, "")',
    'sys.path.append(os.path.abspath("../shared"))',
    'sys.path.append(os.path.join("..", "lib"))',
])
def test_relative_sys_path(text):
    assert rules(text) == [("workdir.sys-path-relative", "medium")]


@pytest.mark.parametrize("text", [
    'sys.path.append(os.path.join(os.path.dirname(__file__), "lib"))',
    'sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))',
    "sys.path.insert(0, lib_dir)",
    'print(sys.path.index("x"))',
])
def test_file_anchored_or_computed_sys_path_is_not(text):
    assert rules(text) == []


# --- 11. internal hosts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'r = requests.get("http://dbserver:5432/health")'),
    ("Python", 'conn = psycopg2.connect(host="analytics-db", dbname="churn")'),
    ("Python", 'API = "https://metrics.corp/api/v2"'),
    ("Python", 'client = MongoClient("mongodb://mongo01.internal:27017")'),
    ("Python", 'url = "http://nas.home.arpa/share"'),
    ("Python", 'BASE = "http://jupyter.lan:8888"'),
    ("Python", 'wiki = "https://wiki.intranet/churn"'),
    ("YAML", "db_host: warehouse01"),
    ("R", 'con <- dbConnect(RPostgres::Postgres(), host = "pgprod")'),
])
def test_internal_hosts(language, text):
    assert [r[0] for r in rules(text, language)] == ["host.internal-name"]


@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'r = requests.get("https://api.github.com/repos")'),
    ("Python", 'conn = psycopg2.connect(host=os.environ["DB_HOST"])'),
    ("Python", 'parser.add_argument("--host", default=None, help="the database server")'),
    ("YAML", "host: production"),
    ("Python", 'print("see http://docs.python.org")'),
])
def test_public_or_configured_hosts_are_not(language, text):
    assert [r for r in rules(text, language) if r[0].startswith("host.")] == []


# --- 12. prose in __doc__ and documentation strings -----------------------------------------------------------
@pytest.mark.parametrize("text", [
    '__doc__ = """Reads /home/maria/data.csv from http://localhost:8080."""',
    'main.__doc__ = "Run with --data /Users/maria/data.csv"',
    '__doc__ += """\nExample: /home/raj/x.csv\n"""',
    '"""Churn model.\n\nTrain on /scratch/raj/train.csv, serve on http://localhost:5000."""\nimport os',
    'USAGE = """usage: score.py --input /home/raj/in.csv"""',
])
def test_prose_is_not_code(text):
    assert rules(text) == []


def test_the_same_text_as_code_is_flagged():
    assert rules('DATA = "/home/maria/data.csv"') == [("path.user-home", "high")]
    assert rules('doc_path = "/home/maria/data.csv"') == [("path.user-home", "high")]


# --- 13. per-user cache folders -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    'CACHE = os.path.expanduser("~/.cache/churn")',
    'cache_dir = Path("~/.cache/huggingface").expanduser()',
])
def test_user_cache_is_low_and_not_a_personal_path(text):
    assert rules(text) == [("path.user-cache", "low")]


@pytest.mark.parametrize("text", [
    'data = os.path.expanduser("~/data/churn.csv")',
    'CACHE = "/home/maria/.cache/churn"',
])
def test_other_home_paths_stay_personal(text):
    assert rules(text) == [("path.user-home", "high")]


# --- 14. CI service containers and example files --------------------------------------------------------------
WORKFLOW = """name: tests
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: ci-only-pass
    env:
      DATABASE_URL: postgresql://postgres:ci-only-pass@localhost:5432/test
      DEPLOY_PASSWORD: Zq8rT2pLm9xW4vB
"""


def test_ci_service_credentials_are_low_with_the_reason():
    found = scan_text(WORKFLOW, file=".github/workflows/tests.yml", language="YAML")
    by_line = {f.line: f for f in found if f.category == "secret"}
    assert by_line[10].rule == by_line[12].rule == "secret.ci-service-credential"
    assert by_line[10].severity == "low" and "CI service container" in by_line[10].message
    assert "ci-only" not in by_line[10].snippet
    assert by_line[13].rule == "secret.password-assignment" and by_line[13].severity == "high"


def test_gitlab_service_variables_are_low():
    text = "services:\n  - postgres:16\nvariables:\n  POSTGRES_PASSWORD: runner-pass-17\n"
    assert rules(text, "YAML", ".gitlab-ci.yml") == [("secret.ci-service-credential", "low")]


def test_same_values_outside_ci_keep_their_severity():
    assert rules(WORKFLOW, "YAML", "deploy/compose.yml")[0][1] in ("critical", "high")


@pytest.mark.parametrize("file", [".env.example", "config.yaml.sample", "settings.ini.template", ".env.sample"])
def test_example_files_are_low_with_the_reason(file):
    (finding,) = [f for f in scan_text("DB_PASSWORD=Zq8rT2pLm9xW4vB\n", file=file, language=None)
                  if f.category == "secret"]
    assert (finding.rule, finding.severity) == ("secret.example-value", "low")
    assert "example file" in finding.message


def test_real_tokens_in_example_files_stay_critical():
    text = "GITHUB_TOKEN=ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + "\n"
    assert ("secret.github-token", "critical") in rules(text, None, ".env.example")


def test_example_values_block_nothing():
    from handoff_assistant.readiness.checklist import load_checklist
    from handoff_assistant.readiness.rules import matching_findings

    item = next(i for i in load_checklist().items if i.id == "sec.no-hardcoded-secrets")
    found = scan_text("DB_PASSWORD=Zq8rT2pLm9xW4vB\n", file=".env.example", language=None)
    assert found and matching_findings(found, item) == []


@pytest.mark.parametrize("text", [
    "found = any(p.is_file() for p in ('Setup', 'Setup.local'))",
    'ref = "http://bar/schema#/a"',
    "guess = os.path.join(vs_dir, r'VC\\Tools\\MSVC')",
    'documents_dir = "/storage/emulated/0/Documents"',
])
def test_false_positives_seen_in_installed_libraries(text):
    assert rules(text) == []
