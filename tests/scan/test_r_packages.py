"""R packages: uses in R code only (not prose, comments or strings), and declarations in renv.lock/DESCRIPTION."""
import json
import textwrap

import pytest

from handoff_assistant.scan import languages
from handoff_assistant.scan.analysis import FileAnalysis, analyse_file
from handoff_assistant.scan.files import FileEntry
from handoff_assistant.scan.r_packages import find_r_packages, summarise
from handoff_assistant.scan.refs import RPackageRef


def used(source: str, language: str = languages.R) -> list[tuple[str, int]]:
    return [(ref.name, ref.line) for ref in find_r_packages(textwrap.dedent(source), language)]


@pytest.mark.parametrize("line, names", [
    ("library(dplyr)", ["dplyr"]),
    ('library("tidyr")', ["tidyr"]),
    ("require(data.table)", ["data.table"]),
    ("library(package = 'xgboost')", ["xgboost"]),
    ("suppressPackageStartupMessages(library(glue, warn.conflicts = FALSE))", ["glue"]),
    ('if (!requireNamespace("jsonlite", quietly = TRUE)) stop("no")', ["jsonlite"]),
    ("ns <- loadNamespace('httr')", ["httr"]),
    ("stringr::str_detect(x, 'a')", ["stringr"]),
    ("utils:::head.default(x)", ["utils"]),
    ('pacman::p_load(readr, "purrr", install = FALSE)', ["pacman", "readr", "purrr"]),
    ('pacman::p_load(char = c("forcats", "lubridate"))', ["pacman", "forcats", "lubridate"]),
    ('library("ggplot2", character.only = TRUE)', ["ggplot2"]),
    ('library(c("a1"), character.only = T)', ["a1"]),
    ("`dplyr`::filter(df, x > 1)", ["dplyr"]),
])
def test_r_uses(line, names):
    assert [name for name, _ in used(line)] == names


@pytest.mark.parametrize("line", [
    "# library(fake)",
    "x <- 1  # old code: require(gone)",
    'message("do not call library(fake) here")',
    "msg <- 'see mgcv::gam for details'",
    'path <- r"(C:\\library(raw)\\mgcv::x)"',
    'library(help = "stats")',
    "library()",
    "x$library(y)::z",
])
def test_r_non_uses(line):
    assert [name for name, _ in used(line) if name not in ("x", "y")] == []


def test_character_only_with_literal_variables_and_loops():
    assert used("""\
        pkg <- "lubridate"
        library(pkg, character.only = TRUE)
        pkgs = c("caret", "ranger")
        for (p in pkgs) library(p, character.only = TRUE)
        invisible(lapply(c("xts", "zoo"), require, character.only = TRUE))
        sapply(pkgs, library, character.only = TRUE)
        dynamic <- paste0("g", "lm")
        library(dynamic, character.only = TRUE)
        library(pkg)
    """) == [("lubridate", 2), ("caret", 4), ("ranger", 4), ("xts", 5), ("zoo", 5), ("caret", 6),
             ("ranger", 6), ("pkg", 9)]


def test_lines_are_counted_across_multi_line_strings():
    assert used('x <- "line one\nline two"\nlibrary(MASS)\n') == [("MASS", 3)]


RMD = """\
---
title: "Churn"
---

We use library(prose) and the `r dplyr::n()` helper in the text.

```{r setup, include=FALSE}
library(knitr)
```

```{python}
import pandas
library(notr)
```

```{r}
#| echo: false
df <- readr::read_csv("x.csv")  # library(commented)
```

    ```{r}
    library(indented)
    ```
"""


@pytest.mark.parametrize("language", [languages.R_MARKDOWN, languages.QUARTO])
def test_r_markdown_and_quarto_chunks_only(language):
    assert used(RMD, language) == [("knitr", 8), ("readr", 18), ("indented", 22)]


def test_python_chunks_of_quarto_and_r_markdown_give_python_imports(tmp_path):
    (tmp_path / "report.qmd").write_text(textwrap.dedent(RMD), encoding="utf-8")
    entry = FileEntry("report.qmd", (tmp_path / "report.qmd").stat().st_size, 0)
    analysis = analyse_file(tmp_path, entry, 5_000_000)
    assert [(i.module, i.line) for i in analysis.imports] == [("pandas", 12)]
    assert [r.name for r in analysis.r_packages] == ["knitr", "readr", "indented"]


def test_sweave_chunks_only():
    source = textwrap.dedent("""\
        \\documentclass{article}
        \\begin{document}
        We call \\texttt{library(prose)} here.
        <<setup, echo=FALSE>>=
        library(xtable)
        @
        More prose with survival::coxph.
        <<>>=
        tab <- Hmisc::describe(df)
        @
        \\end{document}
    """)
    assert used(source, languages.SWEAVE) == [("xtable", 5), ("Hmisc", 9)]


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def analyses(*refs):
    return [FileAnalysis(path="analysis.R", language=languages.R, r_packages=tuple(RPackageRef(n, i + 1)
                                                                                    for i, n in enumerate(refs)))]


RENV_LOCK = {
    "R": {"Version": "4.3.1"},
    "Packages": {
        "dplyr": {"Package": "dplyr", "Version": "1.1.4", "Requirements": ["rlang", "vctrs"]},
        "rlang": {"Package": "rlang", "Version": "1.1.3", "Requirements": []},
        "vctrs": {"Package": "vctrs", "Version": "0.6.5", "Requirements": ["rlang"]},
        "shiny": {"Package": "shiny", "Version": "1.8.0", "Requirements": []},
        "renv": {"Package": "renv", "Version": "1.0.3"},
    },
}
DESCRIPTION = """\
Package: churnreport
Version: 0.1.0
Depends: R (>= 4.1)
Imports:
    dplyr (>= 1.1.0),
    ggplot2,
    data.table (>=
      1.14)
Suggests: testthat (>= 3.0.0)
"""


def test_summary_with_renv_lock_and_description(tmp_path):
    write(tmp_path / "renv.lock", json.dumps(RENV_LOCK, indent=2))
    write(tmp_path / "DESCRIPTION", DESCRIPTION)
    write(tmp_path / "renv/library/R-4.3/x86_64/dplyr/DESCRIPTION", "Package: dplyr\nImports: notdeclared\n")
    paths = ["renv.lock", "DESCRIPTION", "renv/library/R-4.3/x86_64/dplyr/DESCRIPTION", "analysis.R"]
    summary = summarise(analyses("dplyr", "stats", "rlang", "plotly"), tmp_path, paths)
    assert summary.problems == ()
    by_name = {p.name: p for p in summary.packages}
    assert sorted(by_name) == ["data.table", "dplyr", "ggplot2", "plotly", "rlang", "shiny", "stats", "testthat"]
    dplyr = by_name["dplyr"]
    assert dplyr.version == "1.1.4" and dplyr.declared_in[0] == "DESCRIPTION:5"
    assert dplyr.declared_in[1].startswith("renv.lock:") and dplyr.sources[0].file == "analysis.R"
    assert by_name["rlang"].declared_in[0].startswith("renv.lock:")  # transitive, but the code uses it
    assert by_name["stats"].base and not dplyr.base
    assert by_name["data.table"].version == ">= 1.14" and by_name["data.table"].declared_in == ("DESCRIPTION:7",)
    assert by_name["plotly"].declared_in == () and by_name["plotly"].sources  # used, never declared
    for declared_but_unused in ("shiny", "ggplot2", "testthat"):
        assert by_name[declared_but_unused].declared_in and not by_name[declared_but_unused].sources


def test_lock_line_points_at_the_package_entry(tmp_path):
    text = json.dumps(RENV_LOCK, indent=2)
    write(tmp_path / "renv.lock", text)
    [shiny] = [p for p in summarise([], tmp_path, ["renv.lock"]).packages if p.name == "shiny"]
    line = int(shiny.declared_in[0].split(":")[1])
    assert text.splitlines()[line - 1].strip().startswith('"shiny": {')


@pytest.mark.parametrize("name, text, reason", [
    ("renv.lock", '{"Packages": {"dplyr": {"Version": "1.1', "not valid JSON"),
    ("renv.lock", '["not", "a", "lock"]', "not valid JSON"),
    ("renv.lock", '{"R": {}}', 'no "Packages"'),
    ("DESCRIPTION", "Package: x\nthis line is junk\n", "line 2 is not a 'Field: value' line"),
    ("DESCRIPTION", "  Imports: dplyr\n", "line 1 is indented"),
    ("DESCRIPTION", "Package: x\nImports: dplyr (>= 1.0, ggplot2\n", "is not 'package'"),
])
def test_malformed_declarations_are_problems(tmp_path, name, text, reason):
    write(tmp_path / name, text)
    summary = summarise(analyses("dplyr"), tmp_path, [name])
    [problem] = summary.problems
    assert problem.file == name and reason in problem.reason
    assert [p.name for p in summary.packages][0] == "dplyr"  # the scan goes on


def test_unreadable_declaration_is_a_problem(tmp_path):
    summary = summarise([], tmp_path, ["DESCRIPTION"])
    assert [p.file for p in summary.problems] == ["DESCRIPTION"]
    assert summary.problems[0].reason.startswith("cannot read")
