"""The parts of the environment plan: groups, system packages, accelerator notes, renv.lock, service account."""
from __future__ import annotations

from pathlib import Path

import pytest

from handoff_assistant.bundle.accelerator import accelerator_notes, cpu_index_lines, needs_note
from handoff_assistant.bundle.groups import DEVELOPMENT, PRODUCTION, split_groups
from handoff_assistant.bundle.lock import DirectRequirements, direct_requirements, requirements_in_text, with_index_lines
from handoff_assistant.bundle.r_env import r_environment
from handoff_assistant.bundle.system_packages import system_packages
from handoff_assistant.readiness.project_file import ProjectFileError, parse_project_file
from handoff_assistant.scan.report import USED_DECLARED, Dependency, RPackage, SourceRef
from handoff_assistant.scan.requirement_specs import DeclaredRequirement


def _dep(name: str, *files: str, declared_in: tuple[str, ...] = (), version: str = "1.0") -> Dependency:
    return Dependency(name, (name.replace("-", "_"),), USED_DECLARED, declared_in=declared_in,
                      installed_version=version, sources=tuple(SourceRef(f, 1) for f in files))


def test_tests_and_notebooks_no_entry_point_runs_are_development_places():
    grouped = split_groups([
        _dep("pytest", "tests/test_score.py", "conftest.py"),
        _dep("ipywidgets", "notebooks/explore.ipynb"),
        _dep("papermill", "reports/weekly.ipynb"),  # the entry point runs this notebook: production
        _dep("pandas", "churn/score.py", "tests/test_score.py"),
        _dep("black", declared_in=("requirements-dev.txt:1",)),
        _dep("mypy", declared_in=("pyproject.toml:12",)),
        _dep("requests", declared_in=("requirements.txt:3",)),
    ], [DeclaredRequirement("mypy", "", "pyproject.toml", 12, group="optional:dev")],
        ["papermill reports/weekly.ipynb out.ipynb"])
    assert {g.dependency.distribution: g.group for g in grouped} == {
        "pytest": DEVELOPMENT, "ipywidgets": DEVELOPMENT, "papermill": PRODUCTION, "pandas": PRODUCTION,
        "black": DEVELOPMENT, "mypy": DEVELOPMENT, "requests": PRODUCTION}
    reasons = {g.dependency.distribution: g.reason for g in grouped}
    assert reasons["pytest"] == "imported only in tests (conftest.py, tests/test_score.py)"
    assert reasons["ipywidgets"] == "imported only in notebooks no entry point runs (notebooks/explore.ipynb)"
    assert reasons["black"] == "declared only in requirements-dev.txt"
    assert reasons["mypy"] == "declared only as a development dependency"
    assert all(g.group == PRODUCTION for g in split_groups([_dep("pytest", "tests/t.py")], [], [], include_dev=True))


def test_setuptools_is_never_pinned_from_the_interpreter_that_answered_the_scan():
    direct = direct_requirements([_dep("setuptools", "setup_helpers.py", version="80.9.0"),
                                  _dep("pandas", "churn/score.py", version="2.1.4")])
    assert direct.lines == ("pandas==2.1.4", "setuptools")


def test_system_packages_follow_the_table_for_r_packages_and_python_wheels():
    found = system_packages(["sf", "ggplot2", "RPostgres"], ["psycopg2", "psycopg2-binary", "lxml", "numpy"],
                            ["libgomp1"])
    assert [(n.package, n.ecosystem, n.libraries) for n in found.needs] == [
        ("RPostgres", "R", ("libpq",)), ("sf", "R", ("gdal", "geos", "proj", "sqlite3", "udunits2")),
        ("lxml", "Python", ("libxml2", "libxslt", "compiler")), ("psycopg2", "Python", ("libpq", "compiler"))]
    assert found.needs[2].when.startswith("built from source")
    assert {"libpq-dev", "libgdal-dev", "libxml2-dev", "libxslt1-dev", "build-essential"} <= set(found.debian)
    assert {"libpq-devel", "gdal-devel", "libxml2-devel", "gcc"} <= set(found.rhel)
    assert found.build_only == ("build-essential",) and found.declared == ("libgomp1",)
    assert "libgomp1" not in found.debian  # handoff.yaml's names are kept apart: nobody said which distribution's
    assert system_packages(["ggplot2"], ["numpy"]).needs == ()


def test_torch_without_gpu_use_gets_a_note_with_the_size_and_the_cpu_option(tmp_path):
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "train.py").write_text("import torch\nmodel = torch.nn.Linear(2, 1)\n")
    locked = ["torch", "nvidia-cudnn-cu12", "nvidia-cublas-cu12", "triton", "numpy"]
    note, = accelerator_notes(locked, "auto", tmp_path, ["model/train.py"])
    assert needs_note(note) and note.cuda_wheels == ("nvidia-cublas-cu12", "nvidia-cudnn-cu12", "triton")
    assert "shows no GPU use" in note.message and "--accelerator cpu" in note.message
    assert "https://download.pytorch.org/whl/cpu" in note.message and "3 CUDA wheels" in note.message
    assert accelerator_notes(["numpy"], "auto", tmp_path, ["model/train.py"]) == ()
    assert accelerator_notes(locked, "cuda", tmp_path, ["model/train.py"]) == ()


def test_code_that_uses_a_gpu_keeps_the_cuda_build_without_a_warning(tmp_path):
    (tmp_path / "train.py").write_text('import torch\nx = torch.zeros(3, device="cuda")\n')
    note, = accelerator_notes(["torch"], "auto", tmp_path, ["train.py"])
    assert note.gpu_use == ("train.py:2",) and not needs_note(note)


def test_accelerator_cpu_adds_the_cpu_index_to_the_lock_inputs_and_the_lock():
    lines = cpu_index_lines(["torch", "numpy"], "cpu")
    assert lines == ("--extra-index-url https://download.pytorch.org/whl/cpu",)
    assert cpu_index_lines(["torch"], "auto") == () and cpu_index_lines(["numpy"], "cpu") == ()
    text = requirements_in_text(DirectRequirements(("torch==2.3.0",), ()), "T", lines)
    assert text.splitlines()[-2:] == [lines[0], "torch==2.3.0"]
    lock = "# header\n#\ntorch==2.3.0+cpu \\\n    --hash=sha256:00\n"
    assert with_index_lines(lock, lines).splitlines()[:3] == ["# header", "#", lines[0]]


def test_without_renv_lock_and_without_r_the_versions_the_scan_knows_are_kept(tmp_path):
    used = [RPackage("dplyr", version="1.1.0"), RPackage("stats", base=True)]
    found = r_environment(tmp_path, [], used, rscript=str(tmp_path / "no-such-Rscript"))
    assert (found.version, found.lock_text, found.packages) == ("", "", (("dplyr", "1.1.0"),))


def test_a_lock_is_written_from_what_rscript_reports(tmp_path):
    rscript = tmp_path / "Rscript"  # stands in for R, which this machine does not have: it prints what R would
    rscript.write_text('#!/bin/sh\necho "R 4.3.1 "\necho "dplyr 1.1.4 "\necho "sf - "\n')
    rscript.chmod(0o755)
    found = r_environment(tmp_path, [], [RPackage("dplyr"), RPackage("sf")], rscript=str(rscript))
    assert (found.version, found.packages) == ("4.3.1", (("dplyr", "1.1.4"),))
    assert '"Version": "4.3.1"' in found.lock_text and found.lock_from == "written from Rscript"


@pytest.mark.parametrize("account", ["root; rm -rf /", "Geo", "1abc", "a" * 33])
def test_a_service_account_that_is_not_an_account_name_is_refused(account):
    with pytest.raises(ProjectFileError, match="service_account"):
        parse_project_file(f"name: x\nservice_account: {account!r}\n")


def test_a_service_account_is_read(tmp_path: Path):
    assert parse_project_file("name: x\nservice_account: geo_batch\n").service_account == "geo_batch"


def _container(r_version: str = "", uses_python: bool = True, wheels: bool = False) -> list[tuple[str, str]]:
    import io

    from dockerfile_parse import DockerfileParser

    from handoff_assistant.bundle.container import ContainerFacts, container_files
    from handoff_assistant.bundle.r_env import REnvironment

    r = REnvironment(r_version, "renv.lock", "renv.lock", "{}", (("sf", "1.0-9"),)) if r_version else REnvironment()
    facts = ContainerFacts("geo", "geo", "/opt/geo", "3.11.7" if uses_python else "", uses_python, r,
                           system_packages(["sf"], []), True, wheels)
    parser = DockerfileParser(fileobj=io.BytesIO(container_files(facts, [], "geo")["container/Dockerfile"].encode()))
    return [(i["instruction"], i["value"]) for i in parser.structure]


def test_a_python_and_r_project_gets_the_r_image_with_the_python_image_copied_in():
    steps = _container("4.3.1")
    assert [v for k, v in steps if k == "FROM"] == ["python:3.11.7-slim AS python", "rocker/r-ver:4.3.1"]
    assert ("COPY", "--from=python /usr/local/ /usr/local/") in steps
    assert [v for k, v in steps if k == "CMD"] == ['["scripts/check.sh"]']  # no entry point declared


def test_bundled_wheels_install_offline_and_every_recipe_runs_unprivileged():
    steps = _container(wheels=True)
    assert [v for k, v in steps if k == "FROM"] == ["python:3.11.7-slim"]
    install, = [v for k, v in steps if k == "RUN" and "pip install" in v]
    assert "--no-index --find-links env/wheels --require-hashes -r env/requirements.txt" in install
    for steps in (_container(), _container("4.3.1"), _container("4.3.1", uses_python=False)):
        users = [v for k, v in steps if k == "USER"]
        assert users == ["geo"] and [k for k, _ in steps].index("USER") > [k for k, _ in steps].index("RUN")


def test_the_dockerfile_shown_in_the_docs_is_the_one_the_sample_gets():
    """docs/bundle-format.md and the README show the sample's recipe: it must stay what the app writes."""
    from handoff_assistant.assets import sample_project_path
    from handoff_assistant.bundle.container import ContainerFacts, container_files
    from handoff_assistant.bundle.environment_plan import target_python
    from handoff_assistant.scan import scan_project

    report = scan_project(sample_project_path())
    python = target_python(report, None)
    r = r_environment(sample_project_path(), report.lock_files, report.r_packages, rscript="/nonexistent/Rscript")
    facts = ContainerFacts("churn-prototype", "churn-prototype", "/opt/churn-prototype", python.full_version, True, r,
                           system_packages([p.name for p in report.r_packages], []), True, False)
    dockerfile = container_files(facts, [], "churn-prototype")["container/Dockerfile"].rstrip("\n")
    root = Path(__file__).parents[2]
    for doc in ("docs/bundle-format.md", "README.md"):
        assert f"```dockerfile\n{dockerfile}\n```" in (root / doc).read_text(encoding="utf-8"), doc
