"""Scan reports, folder facts and project files built directly, so each rule is tested on its own."""
from __future__ import annotations

import dataclasses

from handoff_assistant.readiness.facts import MainScript, ProjectFacts
from handoff_assistant.readiness.model import Attestation, ConfigKey, Contact, EntryPoint, ProjectFile
from handoff_assistant.scan.report import (USED_DECLARED, DeclaredFile, Dependency, FileSummary, Finding, GitState,
                                           LanguageStat, NotebookInfo, RPackage, ScanReport, SourceRef, TargetEnvironment)

COMMIT = "0123456789abcdef0123456789abcdef01234567"


def good_report(**changes) -> ScanReport:
    """A scan of a project that passes every automatic item."""
    report = ScanReport(
        root="/nonexistent/project",
        scanned_at="2026-11-26T12:00:00+00:00",
        tool_version="0.1.0",
        target=TargetEnvironment("3.11.7", "linux", "x86_64", "/usr/bin/python3", "PATH", 40),
        files=FileSummary(count=12, bytes=40_000, analysed=12),
        languages=(LanguageStat("Python", 6, 300), LanguageStat("Jupyter (Python)", 1, 40), LanguageStat("R", 1, 30)),
        r_packages=(RPackage("ggplot2", (SourceRef("R/plots.R", 3),), version="3.4.4"),),
        dependencies=(Dependency("pandas", ("pandas",), USED_DECLARED, declared_spec="==2.1.4",
                                 declared_in=("requirements.txt:1",), installed_version="2.1.4",
                                 sources=(SourceRef("churn/data.py", 2),), resolved_by="environment"),),
        notebooks=(NotebookInfo("notebooks/explore.ipynb", "python", "python3", 4, 3, 2, False, 0, (1, 2)),),
        git=GitState(is_repo=True, branch="main", commit=COMMIT),
        declared_files=(DeclaredFile("requirements.txt", "requirements"),),
    )
    return dataclasses.replace(report, **changes)


def good_facts(**changes) -> ProjectFacts:
    facts = ProjectFacts(
        readable=True,
        paths=frozenset({"README.md", "LICENSE", "requirements.txt", ".python-version", "churn/__init__.py",
                         "churn/score.py", "tests/test_score.py", "data/sample.csv", "tests/expected.csv"}),
        readme="README.md",
        readme_text="Churn scoring. Predicts which customers will cancel next quarter from their contract and "
                    "billing history, for the retention team.\n\n## How to run\n\npython -m churn.score --input x",
        licence_files=("LICENSE",),
        test_files=("tests/test_score.py",),
        python_version_sources=(".python-version: 3.11",),
        main_scripts=(MainScript("churn/score.py", "python -m churn.score"),),
        python_modules=("churn/__init__.py", "churn/score.py"),
        random_calls=("churn/train.py:10 train_test_split()",),
        seeded_files=(),
    )
    return dataclasses.replace(facts, **changes)


def good_project(**changes) -> ProjectFile:
    project = ProjectFile(
        name="churn",
        summary="Churn scoring",
        owner=Contact("Maria Lopez", "maria@example.com"),
        contacts=(Contact("Raj Patel", "raj@example.com", "escalation"),),
        entry_points=(EntryPoint("score", "python -m churn.score --input data/sample.csv", inputs=("customers table",),
                                 outputs=("scores.csv",), schedule="0 6 * * 1", expected_runtime="10m",
                                 sample_input="data/sample.csv", expected_output="tests/expected.csv"),),
        attestations={"sec.personal-data": Attestation("attested", "reviewed with the DPO"),
                      "ops.monitoring": Attestation("attested", "alerts on failure; weekly drift report"),
                      "ops.rollback": Attestation("attested", "previous bundle kept")},
        config_keys=(ConfigKey("MODEL_PATH", "where the model lives"),),
        system_packages=("libgomp1",),
    )
    return dataclasses.replace(project, **changes)


def finding(rule: str, category: str, file: str = "churn/data.py", line: int = 3, snippet: str = "x = 1",
            cell=None, severity: str = "high") -> Finding:
    return Finding(rule=rule, category=category, severity=severity, file=file, line=line, message=f"{rule} here",
                   fix="fix it", snippet=snippet, cell=cell, fingerprint=f"fp-{rule}-{file}-{line}")
