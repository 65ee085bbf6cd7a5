"""Working-directory reliance: chdir, %cd, setwd, and absolute folders added to the import path."""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text


def workdir_findings(text: str, language: str | None = "Python") -> list:
    return [f for f in scan_text(text, file="x", language=language) if f.category == "workdir"]


@pytest.mark.parametrize(("language", "text", "rule", "line"), [
    ("Python", 'import os\nos.chdir("/Users/maria/churn")', "workdir.chdir", 2),
    ("Python", "os.chdir(project_dir)", "workdir.chdir", 1),
    ("Python", 'from os import chdir\nchdir("..")', "workdir.chdir", 2),
    ("Python", "x = 1\n%cd /Users/maria/churn\n", "workdir.chdir", 2),
    ("Python", 'import sys\nsys.path.append("/Users/maria/libs")', "workdir.sys-path", 2),
    ("Python", 'sys.path.insert(0, r"C:\\Users\\maria\\libs")', "workdir.sys-path", 1),
    ("Python", 'sys.path.insert(0, "~/code/helpers")', "workdir.sys-path", 1),
    ("R", 'setwd("/Users/maria.lopez/Documents/churn")', "workdir.chdir", 1),
    ("R", 'library(dplyr)\n.libPaths("/Users/maria/R/library")', "workdir.sys-path", 2),
    (None, 'os.chdir("/tmp")', "workdir.chdir", 1),
])
def test_flags_working_directory_reliance(language, text, rule, line):
    found = workdir_findings(text, language)
    assert [(f.rule, f.line) for f in found] == [(rule, line)]


@pytest.mark.parametrize(("language", "text"), [
    ("Python", "sys.path.insert(0, str(Path(__file__).parent))"),
    ("Python", '# os.chdir("/Users/maria")\nx = 1'),
    ("Python", 'print("call os.chdir(path) first")'),
    ("Python", 'def f():\n    """Never os.chdir() here."""\n    return 1'),
    ("Python", "cwd = os.getcwd()"),
    ("Python", "def chdir(path):\n    return path"),
    ("R", '# setwd("/Users/maria")\nx <- 1'),
    ("R", "old <- getwd()"),
])
def test_does_not_flag(language, text):
    assert workdir_findings(text, language) == []


def test_chdir_fix_explains_the_portable_alternative():
    (finding,) = workdir_findings('os.chdir("/Users/maria/churn")')
    assert "Path(__file__)" in finding.fix and "os.chdir" in finding.message
