"""One passing and one failing fixture per automatic (and handoff.yaml) checklist item."""
from __future__ import annotations

import dataclasses

import pytest

from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.checklist import load_checklist
from handoff_assistant.readiness.model import FAIL, NOT_APPLICABLE, PASS, UNKNOWN
from handoff_assistant.scan.report import (UNKNOWN as DEP_UNKNOWN, USED_UNDECLARED, ConfigRead, DataFile, Dependency, GitState,
                                           LanguageStat, NotebookInfo, RPackage, SourceRef)
from tests.readiness.builders import COMMIT, finding, good_facts, good_project, good_report

NOT_MANUAL = [item.id for item in load_checklist().items if item.check.type != "manual"]


def result(item_id: str, report=None, facts=None, project=..., policy=None):
    project = good_project() if project is ... else project
    assessment = assess(report or good_report(), project, policy, facts=facts or good_facts())
    return next(item for item in assessment.items if item.id == item_id)


@pytest.mark.parametrize("item_id", NOT_MANUAL)
def test_every_automatic_item_passes_on_a_ready_project(item_id):
    item = result(item_id)
    assert item.status == PASS, item.evidence
    assert item.credit == 1 and item.evidence and item.fix == ""


def _dep(name, status=USED_UNDECLARED, **kw):
    return Dependency(name, (name,), status, sources=(SourceRef("churn/x.py", 4),), **kw)


FAILING = {
    "code.version-control": dict(report=good_report(git=GitState(is_repo=False))),
    "code.clean-tree": dict(report=good_report(git=GitState(True, "main", COMMIT, dirty=("churn/score.py",),
                                                            untracked=("notes.txt",)))),
    "code.entry-points": dict(project=good_project(entry_points=())),
    "code.logic-in-modules": dict(report=good_report(languages=(LanguageStat("Jupyter (Python)", 3, 400),
                                                                LanguageStat("Python", 1, 20)))),
    "code.readme": dict(facts=good_facts(readme=None, readme_text="")),
    "code.no-large-data": dict(report=good_report(files=dataclasses.replace(
        good_report().files, data_files=(DataFile("data/customers.parquet", 300_000_000, "large"),)))),
    "env.dependencies-declared": dict(report=good_report(dependencies=(_dep("lightgbm"),))),
    "env.imports-resolved": dict(report=good_report(dependencies=(Dependency(None, ("churnutils",), DEP_UNKNOWN,
                                                                             sources=(SourceRef("a.py", 1),)),))),
    "env.lockable": dict(report=good_report(dependencies=(_dep("numpy", "used-declared", declared_spec=">=1.24"),))),
    "env.python-version": dict(facts=good_facts(python_version_sources=())),
    "env.r-packages": dict(report=good_report(r_packages=(RPackage("dplyr", (SourceRef("R/a.R", 2),)),))),
    "env.system-packages": dict(project=good_project(system_packages=())),
    "port.no-personal-paths": dict(report=good_report(findings=(finding("path.user-home", "path"),))),
    "port.no-absolute-paths": dict(report=good_report(findings=(finding("path.mount", "path"),))),
    "port.no-workdir": dict(report=good_report(findings=(finding("workdir.chdir", "workdir"),))),
    "port.no-private-hosts": dict(report=good_report(findings=(finding("host.loopback", "host"),))),
    "port.config-externalised": dict(project=good_project(config_keys=()),
                                     report=good_report(findings=(finding("host.loopback", "host"),))),
    "sec.no-hardcoded-secrets": dict(report=good_report(findings=(finding("secret.password-assignment", "secret",
                                                                          snippet='password = "Wi****"'),))),
    "sec.no-secret-files": dict(facts=good_facts(secret_files=(".env",))),
    "sec.licence": dict(facts=good_facts(licence_files=())),
    "test.suite": dict(facts=good_facts(test_files=())),
    "test.smoke-run": dict(project=good_project(entry_points=(dataclasses.replace(
        good_project().entry_points[0], sample_input=None),))),
    "test.seeds": dict(facts=good_facts(unseeded_calls=("churn/train.py:24 train_test_split()",))),
    "test.expected-output": dict(project=good_project(entry_points=(dataclasses.replace(
        good_project().entry_points[0], expected_output="tests/missing.csv"),))),
    "test.notebooks-clean": dict(report=good_report(notebooks=(NotebookInfo(
        "nb.ipynb", "python", "python3", 4, 3, 3, True, 1, (3, 1, 2)),))),
    "ops.owner": dict(project=good_project(contacts=())),
    "ops.schedule": dict(project=good_project(entry_points=(dataclasses.replace(
        good_project().entry_points[0], schedule=None),))),
    "ops.io-documented": dict(project=good_project(entry_points=(dataclasses.replace(
        good_project().entry_points[0], outputs=()),))),
    "ops.logging": dict(facts=good_facts(print_calls=("churn/data.py:21",))),
    "ops.runtime-resources": dict(project=good_project(entry_points=(dataclasses.replace(
        good_project().entry_points[0], expected_runtime=None),))),
}


def test_every_automatic_item_has_a_failing_fixture():
    assert sorted(FAILING) == sorted(NOT_MANUAL)


@pytest.mark.parametrize("item_id", sorted(FAILING))
def test_each_item_fails_on_its_failing_fixture(item_id):
    item = result(item_id, **FAILING[item_id])
    assert item.status == FAIL
    assert item.credit == 0
    assert item.evidence, "a failure names the evidence that decided it"
    assert item.fix, "a failure says how to fix it"


def test_failure_evidence_names_the_file_and_line():
    item = result("port.no-personal-paths", **FAILING["port.no-personal-paths"])
    assert item.evidence == ("churn/data.py:3: x = 1",)
    notebooks = result("test.notebooks-clean", **FAILING["test.notebooks-clean"])
    assert any("out of order (3, 1, 2)" in e for e in notebooks.evidence)
    assert any("1 cell(s) with an error output" in e for e in notebooks.evidence)


def test_entry_points_failure_lists_detected_scripts():
    item = result("code.entry-points", **FAILING["code.entry-points"])
    assert "detected, not declared: churn/score.py (python -m churn.score)" in item.evidence


def test_optional_undeclared_import_does_not_fail_declaration():
    report = good_report(dependencies=(_dep("xgboost", optional=True, installed_version="2.0.3"),))
    assert result("env.dependencies-declared", report=report).status == PASS


def test_unknown_import_resolved_in_handoff_yaml_passes():
    report = FAILING["env.imports-resolved"]["report"]
    item = result("env.imports-resolved", report=report, project=good_project(resolutions={"churnutils": "churn-utils"}))
    assert item.status == PASS
    assert "churnutils → churn-utils (handoff.yaml resolutions)" in item.evidence


def test_personal_paths_leaked_in_notebook_output_are_not_portability_failures():
    report = good_report(findings=(finding("notebook.output.path.user-home", "path", severity="low"),))
    assert result("port.no-personal-paths", report=report).status == PASS
    assert result("port.no-absolute-paths", report=report).status == PASS


def test_a_secret_in_a_notebook_output_still_fails_security():
    report = good_report(findings=(finding("notebook.output.secret.aws-access-key", "secret", severity="low"),))
    assert result("sec.no-hardcoded-secrets", report=report).status == FAIL


def test_r_packages_not_applicable_without_r_and_base_only_passes():
    no_r = good_report(r_packages=(), languages=(LanguageStat("Python", 6, 300),))
    assert result("env.r-packages", report=no_r).status == NOT_APPLICABLE
    base_only = good_report(r_packages=(RPackage("stats", base=True),))
    assert result("env.r-packages", report=base_only).evidence == ("the R code uses only base packages",)


@pytest.mark.parametrize("item_id, changes, reason", [
    ("test.notebooks-clean", dict(report=good_report(notebooks=())), "no notebooks"),
    ("test.seeds", dict(facts=good_facts(random_calls=())), "no code draws random numbers"),
    ("ops.logging", dict(facts=good_facts(python_modules=())), "no Python modules"),
    ("env.imports-resolved", dict(report=good_report(dependencies=())), "imports no third-party"),
])
def test_automatic_not_applicable_says_why(item_id, changes, reason):
    item = result(item_id, **changes)
    assert item.status == NOT_APPLICABLE
    assert reason in " ".join(item.evidence)


def test_items_that_need_the_folder_are_unknown_when_it_cannot_be_read():
    item = result("test.suite", facts=good_facts(readable=False))
    assert item.status == UNKNOWN
    assert "could not be read" in item.evidence[0]


def test_owner_without_handoff_yaml_fails_and_says_run_init():
    item = result("ops.owner", project=None)
    assert item.status == FAIL
    assert "handoff init" in item.evidence[0]


def test_sample_input_that_is_not_in_the_project_fails():
    entry = dataclasses.replace(good_project().entry_points[0], sample_input="data/missing.csv")
    item = result("test.smoke-run", project=good_project(entry_points=(entry,)))
    assert item.status == FAIL
    assert item.evidence == ("score.sample_input: data/missing.csv is not in the project",)


def test_config_externalised_follows_the_code_not_the_declared_keys():
    """Issue 12: declared keys do not excuse a literal still in the code; after a fix, values left in config.yml are
    configuration and the keys the code reads are the evidence."""
    in_code = good_report(findings=(finding("path.user-home", "path"),))
    item = result("port.config-externalised", report=in_code)  # good_project declares MODEL_PATH
    assert item.status == FAIL and "`handoff fix`" in item.evidence[0]
    fixed = good_report(findings=(finding("path.user-home", "path", file="config.yml"),),
                        config_reads=(ConfigRead("local_csv", "config", "churn/data.py", 12),))
    item = result("port.config-externalised", report=fixed, project=good_project(config_keys=()))
    assert item.status == PASS and item.evidence == ("configuration read from keys: local_csv",)


def test_rendered_html_is_not_code_for_logic_in_modules():
    report = good_report(languages=(LanguageStat("Jupyter (Python)", 2, 300), LanguageStat("Python", 1, 20),
                                    LanguageStat("HTML", 2, 9000)))  # the notebooks exported to HTML
    item = result("code.logic-in-modules", report=report)
    assert item.status == FAIL and item.evidence == ("20 lines of code in scripts and modules, 300 in notebooks",)


def test_an_r_only_project_needs_no_python_version():
    r_only = good_report(languages=(LanguageStat("R", 4, 400), LanguageStat("Markdown", 1, 30)), dependencies=())
    item = result("env.python-version", report=r_only, facts=good_facts(python_version_sources=()))
    assert item.status == NOT_APPLICABLE
    assert item.evidence == ("the project has no Python code (R), so no Python version needs recording",)
    with_python = good_report(languages=(LanguageStat("R", 4, 400), LanguageStat("Python", 1, 10)))
    assert result("env.python-version", report=with_python, facts=good_facts(python_version_sources=())).status == FAIL


def test_a_python_version_record_is_evidence_once_however_many_readers_saw_it():
    """Failed before: the checklist's own reader and the scan's both read .python-version and pyproject.toml, so
    the evidence said each fact twice ('.python-version: 3.11' and '3.11 (.python-version)')."""
    from handoff_assistant.scan.report import PythonVersionSource

    report = good_report(python_versions=(PythonVersionSource("3.11", ".python-version", ".python-version"),
                                          PythonVersionSource(">=3.10", "pyproject.toml", "pyproject.toml")))
    facts = good_facts(python_version_sources=("pyproject.toml: >=3.10", "Pipfile: 3.11"))
    item = result("env.python-version", report=report, facts=facts)
    assert item.status == PASS
    assert item.evidence == ("3.11 (.python-version)", ">=3.10 (pyproject.toml requires-python)", "Pipfile: 3.11")
