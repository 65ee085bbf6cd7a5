"""Language detection (file name, extension, shebang, notebook kernel) and lines of code per language."""
from __future__ import annotations

import json

import pytest

from handoff_assistant.scan import languages as lang
from handoff_assistant.scan.languages import count_code_lines, detect_language
from handoff_assistant.scan.notebooks import parse_notebook


def _notebook(kernelspec=None, language_info=None):
    metadata = {}
    if kernelspec is not None:
        metadata["kernelspec"] = kernelspec
    if language_info is not None:
        metadata["language_info"] = language_info
    return json.dumps({"cells": [{"cell_type": "code", "source": "'\"language\": \"R\"'"}],
                       "metadata": metadata, "nbformat": 4, "nbformat_minor": 5})


@pytest.mark.parametrize("path, expected", [
    ("src/train.py", lang.PYTHON), ("analysis/plots.R", lang.R), ("x.r", lang.R), ("report.Rmd", lang.R_MARKDOWN),
    ("paper.qmd", lang.QUARTO), ("old.Rnw", lang.SWEAVE), ("sql/extract.sql", lang.SQL), ("run.sh", lang.SHELL),
    ("model.jl", lang.JULIA), ("Job.scala", lang.SCALA), ("fit.m", lang.MATLAB), ("etl.sas", lang.SAS),
    ("App.java", lang.JAVA), ("web/app.js", lang.JAVASCRIPT), ("web/app.tsx", lang.TYPESCRIPT),
    ("config/settings.yaml", lang.YAML), ("conf.yml", lang.YAML), ("package.json", lang.JSON),
    ("pyproject.toml", lang.TOML), ("README.md", lang.MARKDOWN), ("Dockerfile", lang.DOCKERFILE),
    ("docker/Dockerfile.gpu", lang.DOCKERFILE), ("Makefile", lang.MAKEFILE), ("workflow/Snakefile", lang.SNAKEMAKE),
    ("clean.do", lang.STATA), ("notes.txt", None), ("data.csv", None),
])
def test_detect_by_name_and_extension(path, expected):
    assert detect_language(path, "") == expected


@pytest.mark.parametrize("first_line, expected", [
    ("#!/usr/bin/env python3", lang.PYTHON), ("#!/usr/bin/python3.11 -u", lang.PYTHON), ("#!/bin/bash", lang.SHELL),
    ("#!/usr/bin/env Rscript", lang.R), ("#!/usr/bin/env -S Rscript --vanilla", lang.R),
    ("#!/usr/bin/env julia", lang.JULIA), ("#!/usr/bin/env perl", None), ("# just a comment", None),
])
def test_detect_by_shebang_when_there_is_no_extension(first_line, expected):
    assert detect_language("bin/run-job", first_line + "\nmain\n") == expected


def test_the_extension_wins_over_the_shebang():
    assert detect_language("tool.py", "#!/bin/bash\n") == lang.PYTHON


@pytest.mark.parametrize("text, expected", [
    (_notebook({"language": "python", "name": "python3"}), "python"),
    (_notebook({"language": "R", "name": "ir"}), "R"),
    (_notebook(None, {"name": "R"}), "R"),
    (_notebook({"language": "julia", "name": "julia-1.9"}), "julia"),
    (_notebook(), "python"),
])
def test_notebooks_by_kernel_language_not_by_text_in_cells(text, expected):
    assert parse_notebook(text).language == expected


def test_python_lines_skip_blanks_and_comments():
    source = "#!/usr/bin/env python\n# comment\n\nimport os  # trailing\n    # indented comment\nx = 1\n"
    assert count_code_lines(lang.PYTHON, source) == 2


def test_sql_line_and_block_comments():
    source = "-- header\n/* block\n   still block */\nSELECT *\nFROM t /* inline */\n/* one */ WHERE x = 1;\n"
    assert count_code_lines(lang.SQL, source) == 3


@pytest.mark.parametrize("language, source, expected", [
    (lang.JAVA, "// c\n/**\n * doc\n */\nclass A {}\n", 1),
    (lang.MATLAB, "% comment\n%{\nblock\n%}\nx = 1;\n# octave comment\n", 1),
    (lang.JULIA, "#=\nblock\n=#\nx = 1\n# c\n", 1),
    (lang.SAS, "* comment;\n/* block */\ndata a; set b; run;\n", 1),
    (lang.R, "# c\nlibrary(dplyr)\n\n", 1),
    (lang.JSON, '{\n  "a": 1\n}\n', 3),
    (lang.MARKDOWN, "# Title\n\ntext\n", 2),
])
def test_comment_syntax_per_language(language, source, expected):
    assert count_code_lines(language, source) == expected


def test_r_markdown_counts_only_code_chunk_lines():
    source = ("---\ntitle: x\n---\n# Heading\nprose line\n```{r setup, echo=FALSE}\nlibrary(dplyr)\n# comment\n"
              "x <- 1\n```\nmore prose\n```{python}\nimport os\n```\n")
    assert count_code_lines(lang.R_MARKDOWN, source) == 3
    assert count_code_lines(lang.QUARTO, source) == 3


def test_sweave_chunks():
    source = "\\section{A}\n<<setup, echo=FALSE>>=\nlibrary(MASS)\n@\ntext\n"
    assert count_code_lines(lang.SWEAVE, source) == 1
