"""Import names → distributions, and each dependency's status."""
from __future__ import annotations

import random

import pytest

from handoff_assistant.scan.declared import DeclaredDependencies, DeclaredRequirement
from handoff_assistant.scan.distributions import (ImportResolver, pip_requirement_name, resolve_dependencies,
                                                  stdlib_modules)
from handoff_assistant.scan.environment import InstalledDistribution, probe_target
from handoff_assistant.scan.python_imports import LocalModules
from handoff_assistant.scan.refs import ImportRef, PipInstallRef
from handoff_assistant.scan.report import DECLARED_UNUSED, UNKNOWN, USED_DECLARED, USED_UNDECLARED, SourceRef

PROTOBUF = InstalledDistribution("protobuf", "4.25.3", ("google",), modules=("google.protobuf",),
                                 namespaces=("google",))
BIGQUERY = InstalledDistribution("google-cloud-bigquery", "3.17.0", ("google",),
                                 modules=("google.cloud.bigquery",), namespaces=("google", "google.cloud"))
STORAGE = InstalledDistribution("google-cloud-storage", "2.14.0", ("google",),
                                modules=("google.cloud.storage",), namespaces=("google", "google.cloud"))
TINY_SKLEARN = InstalledDistribution("tiny-sklearn", "1.3.2", ("sklearn_tiny",), modules=("sklearn_tiny",))


def _imports(*items):
    """("file.py", "module", line[, optional]) → what resolve_dependencies receives."""
    return [(item[0], ImportRef(item[1], item[2], optional=item[3] if len(item) > 3 else False)) for item in items]


def _declared(*items):
    """("name", "spec", "file", line[, url]) → DeclaredDependencies."""
    return DeclaredDependencies(tuple(DeclaredRequirement(i[0], i[1], i[2], i[3], url=i[4] if len(i) > 4 else None)
                                     for i in items))


def _resolve(imports=(), pips=(), declared=DeclaredDependencies(), installed=(), local=frozenset(),
             version="3.11.7"):
    return resolve_dependencies(imports, pips, declared, installed, local, version)


def _one(deps, name):
    matching = [d for d in deps if d.distribution == name or (d.distribution is None and name in d.import_names)]
    assert len(matching) == 1, deps
    return matching[0]


@pytest.mark.parametrize("version, name, is_stdlib", [
    ("3.11.7", "distutils", True), ("3.12.1", "distutils", False),
    ("3.10.13", "tomllib", False), ("3.11.0", "tomllib", True),
    ("3.12.1", "json", True), ("3.12.1", "numpy", False), ("3.8.18", "nt", True), ("3.8.18", "winreg", True),
])
def test_standard_library_is_that_of_the_target_version(version, name, is_stdlib):
    assert (name in stdlib_modules(version)) is is_stdlib


def test_an_unknown_newer_python_uses_the_newest_known_standard_library():
    assert "json" in stdlib_modules("3.99.0") and "distutils" not in stdlib_modules("3.99.0")


def test_distutils_is_a_dependency_on_setuptools_only_when_the_target_lacks_it():
    imports = _imports(("setup_helpers.py", "distutils.core", 1))

    assert _resolve(imports, version="3.11.7") == ()
    (dep,) = _resolve(imports, version="3.12.1")
    assert (dep.distribution, dep.status, dep.resolved_by) == ("setuptools", USED_UNDECLARED, "import-map")


def test_installed_metadata_resolves_before_the_import_map():
    (dep,) = _resolve(_imports(("train.py", "sklearn_tiny.ensemble", 3)), installed=[TINY_SKLEARN])

    assert (dep.distribution, dep.import_names, dep.installed_version) == ("tiny-sklearn", ("sklearn_tiny",), "1.3.2")
    assert dep.resolved_by == "environment"


def test_namespace_packages_resolve_by_the_longest_module_prefix():
    deps = _resolve(_imports(("a.py", "google.cloud.bigquery.client", 1), ("a.py", "google.protobuf.message", 2),
                             ("b.py", "google.cloud.storage", 1)), installed=[PROTOBUF, BIGQUERY, STORAGE])

    assert [(d.distribution, d.import_names, d.resolved_by) for d in deps] == [
        ("google-cloud-bigquery", ("google.cloud.bigquery",), "environment"),
        ("google-cloud-storage", ("google.cloud.storage",), "environment"),
        ("protobuf", ("google.protobuf",), "environment"),
    ]


def test_a_shared_namespace_does_not_resolve_to_whichever_distribution_is_installed():
    """Only protobuf provides something under ``google``: bigquery must still come from the map."""
    (dep,) = _resolve(_imports(("a.py", "google.cloud.bigquery", 1)), installed=[PROTOBUF])

    assert (dep.distribution, dep.resolved_by, dep.installed_version) == ("google-cloud-bigquery", "import-map", None)


@pytest.mark.parametrize("module, distribution", [
    ("azure.storage.blob", "azure-storage-blob"), ("mpl_toolkits.mplot3d", "matplotlib"),
    ("pkg_resources", "setuptools"), ("sklearn.linear_model", "scikit-learn"), ("PIL.Image", "Pillow"),
    ("yaml", "PyYAML"), ("bs4", "beautifulsoup4"), ("cv2", "opencv-python"), ("fitz", "PyMuPDF"),
])
def test_the_import_map_resolves_by_the_longest_dotted_prefix(module, distribution):
    resolution = ImportResolver([]).resolve(module)

    assert (resolution.distribution, resolution.resolved_by) == (distribution, "import-map")


def test_a_platform_specific_distribution_keeps_its_marker():
    (dep,) = _resolve(_imports(("win.py", "win32api", 1)))

    assert (dep.distribution, dep.marker) == ("pywin32", "sys_platform == 'win32'")


def test_several_candidates_take_the_installed_one():
    headless = InstalledDistribution("opencv-python-headless", "4.9.0.80")  # no file list: only its name is known
    (dep,) = _resolve(_imports(("v.py", "cv2", 1)), installed=[headless])

    assert dep.distribution == "opencv-python-headless"
    assert dep.installed_version == "4.9.0.80"
    assert "opencv-python" in dep.candidates


def test_several_candidates_without_an_installed_one_take_the_declared_one_else_list_them():
    declared = _resolve(_imports(("db.py", "psycopg2", 1)), declared=_declared(("psycopg2-binary", "", "r.txt", 1)))
    assert (declared[0].distribution, declared[0].status) == ("psycopg2-binary", USED_DECLARED)

    (usual,) = _resolve(_imports(("db.py", "psycopg2", 1)))
    assert (usual.distribution, usual.candidates) == ("psycopg2", ("psycopg2", "psycopg2-binary"))


def test_an_unknown_import_stays_unknown_with_every_file_that_imports_it():
    deps = _resolve(_imports(("a.py", "frobnicator_xyz.core", 4), ("nb/b.ipynb", "frobnicator_xyz", 1)))

    (dep,) = deps
    assert (dep.distribution, dep.status, dep.import_names) == (None, UNKNOWN, ("frobnicator_xyz",))
    assert {s.file for s in dep.sources} == {"a.py", "nb/b.ipynb"}


def test_a_declared_distribution_named_like_the_import_claims_it():
    (dep,) = _resolve(_imports(("a.py", "foo_bar", 1)), declared=_declared(("foo-bar", ">=2", "requirements.txt", 5)))

    assert (dep.distribution, dep.status, dep.resolved_by) == ("foo-bar", USED_DECLARED, "declared")


def test_standard_library_relative_and_local_imports_are_not_dependencies():
    imports = _imports(("churn/train.py", "churn.features", 1), ("churn/train.py", "os.path", 2),
                       ("churn/train.py", ".features", 3), ("x.py", "json", 1))

    assert _resolve(imports, local=frozenset({"churn"})) == ()


def test_local_modules_may_be_the_project_aware_object():
    files = ["churn/__init__.py", "churn/features.py", "utils/selenium.py", "notebooks/run.ipynb"]
    imports = _imports(("notebooks/run.ipynb", "churn.features", 1), ("notebooks/run.ipynb", "selenium", 2))

    (dep,) = _resolve(imports, local=LocalModules.from_paths(files))

    assert dep.distribution == "selenium"  # utils/selenium.py does not hide the library


def test_statuses_specs_and_where_declared():
    deps = _resolve(
        _imports(("a.py", "pandas", 1), ("a.py", "seaborn", 2)),
        declared=_declared(("pandas", ">=1.5", "requirements.txt", 1), ("requests", "", "requirements.txt", 4),
                           ("mylib", "", "requirements.txt", 5, "git+https://example.org/mylib.git@v1")),
    )

    pandas, seaborn, requests, mylib = (_one(deps, n) for n in ("pandas", "seaborn", "requests", "mylib"))
    assert (pandas.status, pandas.declared_spec) == (USED_DECLARED, ">=1.5")
    assert pandas.declared_in == ("requirements.txt:1",)
    assert (seaborn.status, seaborn.declared_spec, seaborn.declared_in) == (USED_UNDECLARED, None, ())
    assert (requests.status, requests.declared_in, requests.sources) == (DECLARED_UNUSED, ("requirements.txt:4",), ())
    assert mylib.declared_spec == "@ git+https://example.org/mylib.git@v1"


def test_pip_install_in_a_notebook_is_a_use_not_a_declaration():
    pips = [("nb.ipynb", PipInstallRef("lightgbm==4.3.0", 1, 0)), ("nb.ipynb", PipInstallRef("pyarrow", 2, 0)),
            ("nb.ipynb", PipInstallRef("-q", 2, 0))]
    deps = _resolve(_imports(("nb.ipynb", "lightgbm", 1)), pips,
                    declared=_declared(("pyarrow", ">=14", "requirements.txt", 1)))

    lightgbm, pyarrow = _one(deps, "lightgbm"), _one(deps, "pyarrow")
    assert (lightgbm.status, lightgbm.pip_installed_in) == (USED_UNDECLARED, (SourceRef("nb.ipynb", 1, 0),))
    assert (pyarrow.status, pyarrow.sources, pyarrow.resolved_by) == (USED_DECLARED, (), "pip-install")
    assert len(deps) == 2


def test_a_pip_installed_name_claims_an_otherwise_unknown_import():
    (dep,) = _resolve(_imports(("nb.ipynb", "tiny_thing", 3)), [("nb.ipynb", PipInstallRef("tiny-thing", 1, 0))])

    assert (dep.distribution, dep.status, dep.resolved_by) == ("tiny-thing", USED_UNDECLARED, "pip-install")


@pytest.mark.parametrize("text, name", [
    ("lightgbm==4.3.0", "lightgbm"), ("scikit-learn>=1.3", "scikit-learn"),
    ("git+https://github.com/org/lib.git@v1#egg=mylib", "mylib"), ("--upgrade", None), ("'pandas<3'", "pandas"),
    ("./local/folder", None),
])
def test_pip_install_arguments_name_a_distribution(text, name):
    assert pip_requirement_name(text) == name


def test_optional_only_when_every_use_is_optional():
    deps = _resolve(_imports(("a.py", "xgboost", 1, True), ("b.py", "xgboost", 1, True),
                             ("a.py", "shap", 2, True), ("c.py", "shap", 9, False)))

    assert _one(deps, "xgboost").optional is True
    assert _one(deps, "shap").optional is False


def test_the_result_does_not_depend_on_input_order():
    imports = _imports(*[(f"m{i}.py", module, i) for i, module in
                         enumerate(["pandas", "numpy", "zzz_unknown", "yaml", "sklearn", "pandas", "aaa_unknown"])])
    declared = _declared(("requests", "", "requirements.txt", 1), ("numpy", "", "requirements.txt", 2))
    expected = _resolve(imports, declared=declared)
    shuffled = list(imports)
    random.Random(4).shuffle(shuffled)

    assert _resolve(shuffled, declared=declared) == expected
    names = [d.distribution or d.import_names[0] for d in expected]
    assert names == sorted(names, key=lambda n: n.lower().replace("_", "-"))


@pytest.mark.slow
def test_a_real_target_environment_resolves_namespace_and_renamed_imports(tmp_path, target_python):
    probe = probe_target(tmp_path, str(target_python))
    imports = _imports(("a.py", "acme.cloud.bigquery.client", 1), ("a.py", "acme.protobuf", 2),
                       ("a.py", "sklearn_tiny.ensemble", 3), ("a.py", "modern_helpers", 4), ("a.py", "acme", 5))

    deps = _resolve(imports, installed=probe.distributions, version=probe.target.python_version)

    assert {(d.distribution, d.installed_version) for d in deps if d.distribution} == {
        ("acme-cloud-bigquery", "3.1.0"), ("acme-protobuf", "4.25.0"), ("tiny-sklearn", "1.3.2"),
        ("modern-lib", "0.5.0")}
    bare_namespace = _one(deps, "acme")
    assert bare_namespace.status == UNKNOWN
    assert set(bare_namespace.candidates) == {"acme-cloud-bigquery", "acme-cloud-storage", "acme-protobuf"}
