from handoff_assistant.bundle.r_env import r_packages_text
from handoff_assistant.scan.report import RPackage, SourceRef


def test_r_packages_list_versions_and_flag_undeclared_ones():
    text = r_packages_text([
        RPackage("stats", base=True),
        RPackage("ggplot2", (SourceRef("R/plots.R", 3),), version="3.4.4", declared_in=("renv.lock",)),
        RPackage("dplyr", (SourceRef("R/plots.R", 9), SourceRef("nb.ipynb", 1, 0))),
    ], "Churn")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == ["dplyr ?  # MISSING from renv.lock / DESCRIPTION  # used in R/plots.R:9, nb.ipynb:1",
                     "ggplot2 3.4.4"]


def test_no_r_code_says_so():
    assert "# The code uses no R package." in r_packages_text([], "Tiny")
