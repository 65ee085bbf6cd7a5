"""Hardcoded absolute paths: what is a finding (by class and severity) and what is not."""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text


def path_findings(text: str, language: str | None = "Python") -> list:
    return [f for f in scan_text(text, file="x", language=language) if f.category == "path"]


@pytest.mark.parametrize(("language", "text", "rule", "severity"), [
    ("Python", 'df = pd.read_csv("/Users/maria/data/customers.csv")', "path.user-home", "high"),
    ("Python", "p = '/home/raj/projects/churn/model.pkl'", "path.user-home", "high"),
    ("Python", 'p = Path("~/data/x.csv").expanduser()', "path.user-home", "high"),
    ("Python", 'p = "~maria/data/x.csv"', "path.user-home", "high"),
    ("Python", 'model = r"C:\\Users\\maria\\models\\churn.pkl"', "path.user-home", "high"),
    ("Python", 'model = "C:\\\\Users\\\\maria\\\\churn.pkl"', "path.user-home", "high"),
    ("Python", 'out = "C:/Users/maria/out.csv"', "path.user-home", "high"),
    ("Python", 'data = r"D:\\data\\customers.csv"', "path.windows-drive", "high"),
    ("Python", 'data = "D:/data/customers.csv"', "path.windows-drive", "high"),
    ("Python", 'data = "D:\\\\data\\\\customers.csv"', "path.windows-drive", "high"),
    ("Python", 'share = r"\\\\fileserver\\analytics\\churn"', "path.unc-share", "medium"),
    ("Python", 'share = "\\\\\\\\fileserver\\\\analytics"', "path.unc-share", "medium"),
    ("Python", 'df = pd.read_parquet("/mnt/datalake/churn/part-0.parquet")', "path.mount", "medium"),
    ("Python", 'img = "/Volumes/USB/export.csv"', "path.mount", "medium"),
    ("Python", 'img = "/media/maria/disk/export.csv"', "path.mount", "medium"),
    ("Python", 'df.to_csv("/tmp/scores.csv")', "path.temp-dir", "low"),
    ("Python", 'url = "file:///srv/data/customers.csv"', "path.file-url", "medium"),
    ("Python", 'url = "file:///Users/maria/customers.csv"', "path.user-home", "high"),
    ("Python", 'engine = create_engine("sqlite:////Users/maria/churn.db")', "path.user-home", "high"),
    ("Python", 'df = pd.read_csv(f"/Users/maria/{name}.csv")', "path.user-home", "high"),
    ("Python", 'cmd = "cp /home/raj/x.csv data/"', "path.user-home", "high"),
    ("R", 'df <- read.csv("/Users/maria/data/customers.csv")', "path.user-home", "high"),
    ("R", "df <- readRDS('C:/data/model.rds')", "path.windows-drive", "high"),
    ("SQL", "COPY customers FROM '/tmp/customers.csv' CSV HEADER;", "path.temp-dir", "low"),
    ("Shell", "python score.py --input /home/raj/in.csv", "path.user-home", "high"),
    ("YAML", "model_path: C:\\Users\\maria\\models\\churn.pkl", "path.user-home", "high"),
    ("YAML", "data_dir: /mnt/shared/churn", "path.mount", "medium"),
    (None, "DATA_DIR=/Users/maria/data", "path.user-home", "high"),
    ("JSON", '{"model": "C:\\\\Users\\\\maria\\\\m.pkl"}', "path.user-home", "high"),
])
def test_flags_absolute_path_by_class(language, text, rule, severity):
    found = path_findings(text, language)
    assert [(f.rule, f.severity) for f in found] == [(rule, severity)]
    assert found[0].line == 1 and found[0].fix.startswith(("Read this location", "Use tempfile"))


@pytest.mark.parametrize(("language", "text"), [
    ("Python", '@app.route("/api/v1/score", methods=["POST"])\ndef score(): ...'),
    ("Python", 'requests.post("https://api.example.com/home/user/score", json=payload)'),
    ("Python", 'ROUTE = "/api/v1/users/<int:id>"'),
    ("Python", 'pattern = re.compile(r"^/home/(\\w+)/")'),
    ("Python", 'df["when"] = pd.to_datetime("2024/01/05")'),
    ("Python", 'headers = {"Content-Type": "text/csv"}'),
    ("Python", "ratio = total / count / 100"),
    ("Python", 'def f():\n    """Load data, e.g. f("/Users/maria/data.csv")."""\n    return 1'),
    ("Python", 'df = pd.read_csv("data/customers.csv")'),
    ("Python", 'df = pd.read_csv("../data/customers.csv")'),
    ("Python", "#!/usr/bin/env python\nimport os"),
    ("Python", 'subprocess.run(["cmd"], stdout=open("/dev/null", "w"))'),
    ("Python", '# old: /Users/maria/data.csv\nx = 1'),
    ("Python", 'print("Q:\\n")'),
    ("Python", 'url = "https://github.com/org/repo/blob/main/README.md"'),
    ("Python", 'path = os.path.join(os.environ["HOME"], "data")'),
    ("Python", 'MEDIA_URL = "/media/"'),
    ("Python", 'engine = create_engine("sqlite:///data/churn.db")'),
    ("Python", 'df = spark.read.csv("dbfs:/FileStore/tables/customers.csv")'),
    ("Python", 'df.to_parquet("s3://analytics-bucket/home/churn/part.parquet")'),
    ("Python", 'df["month"] = df["date"].dt.strftime("%Y/%m/%d")'),
    ("Shell", "#!/bin/bash\nset -e\n/usr/bin/python3 score.py > /dev/null"),
    ("R", "# setwd('/Users/maria/churn')\nx <- 1"),
    ("R", 'df <- read.csv(here::here("data", "customers.csv"))'),
    ("SQL", "SELECT a / b AS ratio FROM t -- was /tmp/x.csv"),
    ("YAML", "endpoint: http://models.example.com/api/v1/score"),
    ("Markdown", "Run `python score.py --input /Users/me/in.csv`"),
])
def test_does_not_flag(language, text):
    assert path_findings(text, language) == []


def test_message_names_the_path_and_fix_points_to_configuration():
    (finding,) = path_findings('LOCAL_CSV = "/Users/maria.lopez/Documents/churn/customers.csv"')
    assert "/Users/maria.lopez/Documents/churn/customers.csv" in finding.message
    assert "config.yaml" in finding.fix and "environment variable" in finding.fix


def test_line_numbers_count_from_one_inside_multiline_strings():
    text = 'x = 1\nSQL = """\nCOPY t FROM\n/tmp/load.csv\n"""\n'
    (finding,) = path_findings(text)
    assert finding.line == 4 and finding.snippet == "/tmp/load.csv"


def test_python_that_does_not_tokenize_is_read_line_by_line():
    text = 'print "loading"\ndf = load("/Users/maria/x.csv"\n'  # unbalanced: tokenize fails
    (finding,) = path_findings(text)
    assert finding.rule == "path.user-home" and finding.line == 2


def test_notebook_magic_lines_are_read_as_shell():
    found = path_findings("!ls /Users/maria/data\nx = 1", "Python")
    assert [(f.rule, f.line) for f in found] == [("path.user-home", 1)]


@pytest.mark.parametrize("text", [
    'self.mount("file://", LocalFSAdapter())',
    'style = f"link file://{link_path}"',
    "if ch in '\"\\\\\\x85\\u2028\\u2029': pass",
])
def test_does_not_flag_bare_schemes_templates_or_escapes(text):
    assert path_findings(text) == []


RMARKDOWN = """---
title: "Churn report"
params:
  data: /Users/maria/data/customers.csv
---

The data lives in /Users/maria/old-notes (prose, not code).

```{r setup}
df <- read.csv("/Users/maria/data/customers.csv")  # the real read
```

More prose with http://localhost:8080.
"""


@pytest.mark.parametrize("language", ["R Markdown", "Quarto"])
def test_literate_files_read_code_chunks_and_front_matter_not_prose(language):
    found = scan_text(RMARKDOWN, file="report.Rmd", language=language)
    assert sorted((f.rule, f.line) for f in found) == [("path.user-home", 4), ("path.user-home", 10)]


def test_sweave_chunks():
    text = "Prose /Users/maria/x.\n<<load>>=\nsetwd('/Users/maria')\n@\n"
    found = scan_text(text, file="a.Rnw", language="Sweave")
    assert sorted((f.rule, f.line) for f in found) == [("path.user-home", 3), ("workdir.chdir", 3)]


@pytest.mark.parametrize("text", [
    "lines.append('\\\\f0\\\\sa0')",
    "buf.append('{\\\\rtf1\\\\ansi\\\\uc0\\\\deff0')",
    "purl = 'pkg:cargo/rpds-py@1.0?download_url=file://.'",
])
def test_does_not_flag_rtf_control_words_or_relative_file_urls(text):
    assert path_findings(text) == []


@pytest.mark.parametrize("language", ["Python", "R", None])
def test_line_numbers_ignore_form_feeds_and_unicode_separators(language):
    text = 'x = 1\x0c\ny = "a\u2028b"\r\nz = 2\rp = "/Users/maria/x.csv"\n'
    (finding,) = path_findings(text, language)
    assert finding.line == 4
