"""Declared dependencies, read statically from every declaration format, with problems for bad files."""
from __future__ import annotations

import textwrap

import pytest

from handoff_assistant.scan.declared import read_declared
from handoff_assistant.scan.report import DeclaredFile
from handoff_assistant.scan.requirement_specs import conda_spec, poetry_to_pep440, python_constraint_to_marker


def _write(root, files: dict):
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return sorted(files)


def _read(root, files: dict):
    return read_declared(root, _write(root, files))


def _specs(declared):
    return {r.name: r.spec for r in declared.requirements}


def _where(declared):
    return {r.name: f"{r.file}:{r.line}" for r in declared.requirements}


# --- requirements files ----------------------------------------------------------------------


def test_requirements_lines_markers_urls_comments_continuations_and_options(tmp_path):
    declared = _read(tmp_path, {"requirements.txt": """
        # the model
        --index-url https://pypi.example.org/simple
        -f ./wheels
        pandas>=1.5  # data frames
        numpy ; python_version < "3.12"
        scikit-learn \\
            ==1.3.2
        mylib @ https://example.org/mylib-2.0.tar.gz
        git+https://github.com/org/feature-store.git@v1.2#egg=feature-store
        https://files.example.org/tiny_pkg-1.0-py3-none-any.whl
        requests==2.31.0 --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f
        -e git+https://github.com/org/editable-lib.git#egg=editable-lib
        -e .
    """})

    assert _specs(declared) == {"pandas": ">=1.5", "numpy": "", "scikit-learn": "==1.3.2", "mylib": "",
                                "feature-store": "", "tiny-pkg": "", "requests": "==2.31.0", "editable-lib": ""}
    assert _where(declared)["pandas"] == "requirements.txt:4"
    assert _where(declared)["scikit-learn"] == "requirements.txt:6"
    by_name = {r.name: r for r in declared.requirements}
    assert by_name["numpy"].marker == 'python_version < "3.12"'
    assert by_name["feature-store"].url == "git+https://github.com/org/feature-store.git@v1.2#egg=feature-store"
    assert by_name["mylib"].url == "https://example.org/mylib-2.0.tar.gz"
    assert declared.files == (DeclaredFile("requirements.txt", "requirements"),)
    assert declared.problems == ()


def test_includes_are_followed_relative_to_the_including_file_and_constraints_kept_apart(tmp_path):
    declared = _read(tmp_path, {
        "requirements/dev.txt": "-r base.txt\n-c ../constraints.txt\npytest\n",
        "requirements/base.txt": "pandas\n",
        "constraints.txt": "pandas==2.1.4\n",
    })

    assert _where(declared) == {"pandas": "requirements/base.txt:1", "pytest": "requirements/dev.txt:3"}
    assert [(c.name, c.spec) for c in declared.constraints] == [("pandas", "==2.1.4")]
    assert {(f.path, f.kind) for f in declared.files} == {
        ("requirements/base.txt", "requirements"), ("requirements/dev.txt", "requirements"),
        ("constraints.txt", "constraints")}


def test_include_cycles_are_read_once(tmp_path):
    declared = _read(tmp_path, {"requirements.txt": "-r requirements-dev.txt\nnumpy\n",
                                "requirements-dev.txt": "-r requirements.txt\npytest\n"})

    assert sorted(r.name for r in declared.requirements) == ["numpy", "pytest"]


def test_missing_and_outside_includes_are_problems(tmp_path):
    declared = _read(tmp_path, {"requirements.txt": "-r missing.txt\n--requirement=../../etc/other.txt\nnumpy\n"})

    assert [r.name for r in declared.requirements] == ["numpy"]
    reasons = sorted(p.reason for p in declared.problems)
    assert [p.file for p in declared.problems] == ["requirements.txt", "requirements.txt"]
    assert reasons[0].startswith("line 1: includes missing.txt, which cannot be read")
    assert reasons[1].startswith("line 2: includes ../../etc/other.txt, which is outside the project folder")


def test_an_unreadable_requirement_line_is_a_problem_and_the_rest_is_read(tmp_path):
    declared = _read(tmp_path, {"requirements.txt": "pandas\nthis is not a requirement!\nnumpy\n"})

    assert [r.name for r in declared.requirements] == ["pandas", "numpy"]
    assert [(p.file, p.reason[:7]) for p in declared.problems] == [("requirements.txt", "line 2:")]


@pytest.mark.parametrize("path, read", [
    ("requirements.txt", True), ("requirements-dev.txt", True), ("dev-requirements.txt", True),
    ("requirements/prod.txt", True), ("requirements.in", True), ("notes.txt", False), ("docs/requirements.md", False),
])
def test_which_files_are_requirements_files(tmp_path, path, read):
    declared = _read(tmp_path, {path: "numpy\n"})

    assert bool(declared.requirements) is read


def test_a_utf16_requirements_file_from_powershell_is_read(tmp_path):
    data = "\ufeffpandas==2.1.4\r\nnumpy\r\n".encode("utf-16-le")
    declared = _read(tmp_path, {"requirements.txt": data})

    assert _specs(declared) == {"pandas": "==2.1.4", "numpy": ""}


def test_a_binary_requirements_file_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"requirements.txt": b"\x00\x01\x02binary\x00" * 10})

    assert declared.requirements == ()
    assert "not a text file" in declared.problems[0].reason


# --- environment.yml -------------------------------------------------------------------------


def test_conda_environment_with_pip_section(tmp_path):
    declared = _read(tmp_path, {"environment.yml": """
        name: churn
        channels: [conda-forge]
        dependencies:
          - python=3.11
          - pip
          - numpy=1.26
          - conda-forge::pandas>=2.0
          - pytorch
          - r-base
          - pip:
              - lightgbm==4.3.0
              - -r requirements-extra.txt
    """, "requirements-extra.txt": "shap\n"})

    assert _specs(declared) == {"numpy": "==1.26.*", "pandas": ">=2.0", "torch": "", "lightgbm": "==4.3.0",
                                "shap": ""}
    assert _where(declared)["lightgbm"] == "environment.yml:11"
    assert DeclaredFile("environment.yml", "environment.yml") in declared.files


def test_a_yaml_named_environment_that_is_not_a_conda_env_declares_nothing(tmp_path):
    declared = _read(tmp_path, {"config/environment.yaml": "stage: production\nbucket: s3://x\n"})

    assert (declared.requirements, declared.files, declared.problems) == ((), (), ())


def test_malformed_environment_yml_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"environment.yml": "dependencies:\n  - numpy\n - [broken\n"})

    assert declared.problems[0].file == "environment.yml"
    assert "not valid YAML" in declared.problems[0].reason


@pytest.mark.parametrize("text, expected", [
    ("numpy", ("numpy", "")), ("numpy=1.24", ("numpy", "==1.24.*")), ("numpy 1.24.*", ("numpy", "==1.24.*")),
    ("numpy>=1.2,<2", ("numpy", ">=1.2,<2")), ("conda-forge::numpy=1.24.1=py311h64a7726_0", ("numpy", "==1.24.1.*")),
])
def test_conda_specs_become_pep440(text, expected):
    assert conda_spec(text) == expected


# --- pyproject.toml ----------------------------------------------------------------------------


def test_pep621_dependencies_optional_dependencies_and_groups(tmp_path):
    declared = _read(tmp_path, {"pyproject.toml": """
        [project]
        name = "churn"
        dependencies = [
            "pandas>=2",
            "pywin32; sys_platform == 'win32'",
        ]
        [project.optional-dependencies]
        plots = ["seaborn"]
        [dependency-groups]
        test = ["pytest>=8", {include-group = "lint"}]
    """})

    groups = {r.name: r.group for r in declared.requirements}
    assert groups == {"pandas": "main", "pywin32": "main", "seaborn": "optional:plots", "pytest": "group:test"}
    assert _where(declared)["pywin32"] == "pyproject.toml:5"
    assert {r.name: r.marker for r in declared.requirements}["pywin32"] == 'sys_platform == "win32"'


def test_poetry_dependencies_with_caret_tilde_python_and_git(tmp_path):
    declared = _read(tmp_path, {"pyproject.toml": """
        [tool.poetry]
        name = "churn"
        [tool.poetry.dependencies]
        python = "^3.10"
        pandas = "^2.1.4"
        numpy = "~1.26"
        requests = "*"
        scikit-learn = { version = "^1.3", python = ">=3.10" }
        feature-store = { git = "https://github.com/org/fs.git", tag = "v1" }
        [tool.poetry.group.dev.dependencies]
        pytest = "^8.0"
    """})

    assert _specs(declared) == {"pandas": ">=2.1.4,<3.0.0", "numpy": ">=1.26,<1.27", "requests": "",
                                "scikit-learn": ">=1.3,<2.0", "feature-store": "", "pytest": ">=8.0,<9.0"}
    by_name = {r.name: r for r in declared.requirements}
    assert "python" not in by_name
    assert by_name["scikit-learn"].marker == 'python_version >= "3.10"'
    assert by_name["feature-store"].url == "git+https://github.com/org/fs.git@v1"
    assert (by_name["pytest"].group, _where(declared)["pandas"]) == ("dev", "pyproject.toml:5")


@pytest.mark.parametrize("constraint, spec", [
    ("^1.2.3", ">=1.2.3,<2.0.0"), ("^0.2.3", ">=0.2.3,<0.3.0"), ("^0.0.3", ">=0.0.3,<0.0.4"), ("^0", ">=0,<1"),
    ("~1.2.3", ">=1.2.3,<1.3.0"), ("~1", ">=1,<2"), ("1.2.*", "==1.2.*"), ("*", ""), ("1.4", "==1.4"),
    (">=1.2, <1.5", ">=1.2,<1.5"), (">= 1.2 < 1.5", ">=1.2,<1.5"), ("~=1.4", "~=1.4"),
])
def test_poetry_constraints_become_pep440(constraint, spec):
    assert poetry_to_pep440(constraint) == spec


def test_poetry_alternatives_cannot_become_one_specifier():
    with pytest.raises(ValueError, match="either of several ranges"):
        poetry_to_pep440("^1.0 || ^2.0")


def test_poetry_python_restriction_becomes_a_marker():
    assert python_constraint_to_marker("^3.8") == 'python_version < "4.0" and python_version >= "3.8"'
    assert python_constraint_to_marker("*") is None


def test_a_pyproject_without_dependencies_is_not_a_declaration(tmp_path):
    declared = _read(tmp_path, {"pyproject.toml": "[tool.black]\nline-length = 100\n"})

    assert (declared.files, declared.requirements, declared.problems) == ((), (), ())


def test_malformed_pyproject_is_a_problem_and_other_files_are_still_read(tmp_path):
    declared = _read(tmp_path, {"pyproject.toml": "[project\ndependencies = [\"pandas\"\n",
                                "requirements.txt": "numpy\n"})

    assert [r.name for r in declared.requirements] == ["numpy"]
    assert declared.problems[0].file == "pyproject.toml"
    assert "not valid TOML" in declared.problems[0].reason


def test_a_pyproject_with_the_wrong_shape_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"pyproject.toml": '[project]\ndependencies = "pandas"\n'})

    assert "should be a list" in declared.problems[0].reason


# --- setup.cfg, setup.py, Pipfile, lock files ----------------------------------------------------


def test_setup_cfg_install_requires_and_extras(tmp_path):
    declared = _read(tmp_path, {"setup.cfg": """
        [metadata]
        name = churn
        [options]
        install_requires =
            pandas>=2
            numpy
        [options.extras_require]
        plots = seaborn
    """})

    assert {r.name: r.group for r in declared.requirements} == {"pandas": "main", "numpy": "main",
                                                                 "seaborn": "optional:plots"}
    assert _where(declared)["numpy"] == "setup.cfg:6"
    assert declared.files == (DeclaredFile("setup.cfg", "setup.cfg"),)


def test_malformed_setup_cfg_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"setup.cfg": "install_requires = pandas\n[options\n"})

    assert declared.problems[0].file == "setup.cfg"


def test_setup_py_is_read_statically_and_never_run(tmp_path):
    ran = tmp_path / "setup-ran.txt"
    declared = _read(tmp_path, {"setup.py": f"""
        from setuptools import setup
        open({str(ran)!r}, "w").write("ran")
        BASE = ["pandas>=2", "numpy"]
        setup(
            name="churn",
            install_requires=BASE + ["requests"],
            extras_require={{"plots": ["seaborn"]}},
        )
    """})

    assert not ran.exists()
    assert {r.name: r.group for r in declared.requirements} == {
        "pandas": "main", "numpy": "main", "requests": "main", "seaborn": "optional:plots"}
    assert _where(declared)["requests"] == "setup.py:6"


def test_setup_py_with_computed_requirements_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"setup.py": """
        import setuptools
        setuptools.setup(name="x", install_requires=open("requirements.txt").read().splitlines())
    """})

    assert declared.requirements == ()
    assert "computed when setup.py runs" in declared.problems[0].reason
    assert declared.files == (DeclaredFile("setup.py", "setup.py"),)


def test_setup_py_that_is_not_python_is_a_problem(tmp_path):
    declared = _read(tmp_path, {"setup.py": "print 'python 2'\n"})

    assert "cannot be parsed as Python" in declared.problems[0].reason


def test_pipfile_packages_and_dev_packages(tmp_path):
    declared = _read(tmp_path, {"Pipfile": """
        [[source]]
        url = "https://pypi.org/simple"
        [packages]
        pandas = "*"
        numpy = ">=1.26"
        pywin32 = {version = "*", sys_platform = "== 'win32'"}
        mylib = {git = "https://github.com/org/mylib.git", ref = "v2"}
        [dev-packages]
        pytest = "==8.0.0"
    """, "Pipfile.lock": "{}", "uv.lock": "", "renv.lock": "{}"})

    assert _specs(declared) == {"pandas": "", "numpy": ">=1.26", "pywin32": "", "mylib": "", "pytest": "==8.0.0"}
    by_name = {r.name: r for r in declared.requirements}
    assert by_name["pywin32"].marker == 'sys_platform == "win32"'
    assert by_name["mylib"].url == "git+https://github.com/org/mylib.git@v2"
    assert (by_name["pytest"].group, _where(declared)["numpy"]) == ("dev", "Pipfile:5")
    assert declared.lock_files == ("Pipfile.lock", "renv.lock", "uv.lock")


def test_a_folder_without_declarations_declares_nothing(tmp_path):
    declared = _read(tmp_path, {"train.py": "import pandas\n", "README.md": "pip install pandas\n"})

    assert (declared.requirements, declared.files, declared.lock_files, declared.problems) == ((), (), (), ())
