"""From import names to distributions, and the status of every dependency.

Evidence for one import, strongest first:
1. the target environment: the installed distribution that provides the longest prefix of the module
   (``google.cloud.bigquery`` → google-cloud-bigquery even though many distributions share ``google``);
2. a declared distribution named like the module or one of its dotted prefixes (``import foo_bar``, ``foo-bar``
   declared; ``google.cloud.bigquery``, ``google-cloud-bigquery`` declared);
3. the curated import map in ``resources/import_map.yaml`` (longest dotted key wins; markers kept; a declared
   candidate is preferred);
4. a declared distribution that the knowledge base (``scan.knowledge``) says ships the module's top-level name
   (``import yaml`` with ``PyYAML`` declared but not installed);
5. the knowledge base alone: the import stays "unknown" (it is not locked) but gets ``resolved_by: suggested``,
   the ranked ``candidates`` and, when one stands out, a ``suggestion`` that a person accepts into handoff.yaml.

``from X import Y`` is looked up as ``X.Y`` first (Y may be a submodule of a namespace package:
``from google.cloud import bigquery``). Python 2 standard-library modules (``urllib2``, ``cPickle``) are no
dependency: the not-Python-3 finding reports them.

An import with several candidate distributions takes the installed one, else the declared one, else the
usual one (first in the map); the alternatives are listed in ``candidates``.

``%pip install X`` in a notebook counts as a *use* of X, not a declaration: the notebook wants X at run
time, but a server cannot reproduce an install hidden in a cell. So X is "used-undeclared" unless a file
declares it, and the notebook lines are listed in ``pip_installed_in``.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import AbstractSet, Any, Callable, Iterable, Iterator, Optional, Protocol, Union

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from stdlib_list import short_versions, stdlib_list

from handoff_assistant.assets import load_yaml_resource
from handoff_assistant.scan import knowledge
from handoff_assistant.scan.declared import DeclaredDependencies, DeclaredRequirement
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.python_imports import python2_only
from handoff_assistant.scan.refs import ImportRef, PipInstallRef
from handoff_assistant.scan.report import (DECLARED_UNUSED, UNKNOWN, USED_DECLARED, USED_UNDECLARED,
                                           Dependency, SourceRef)


class LocalModuleTest(Protocol):
    def is_local(self, module: str, importing_file: str) -> bool: ...


LocalModules = Union[LocalModuleTest, AbstractSet[str]]


@dataclass(frozen=True)
class Resolution:
    """Which distribution provides one imported module, and on what evidence."""

    distribution: Optional[str]  # None: unknown
    import_name: str  # the prefix that matched: "sklearn", "google.cloud.bigquery"
    resolved_by: str  # "environment", "import-map", "declared", "suggested", "" when unknown
    candidates: tuple[str, ...] = ()
    marker: Optional[str] = None
    suggestion: Optional[str] = None  # the knowledge base's clear pick for an unknown import


def stdlib_modules(python_version: str) -> frozenset[str]:
    """Top-level standard-library names of the *target* Python ("3.12.1" → no ``distutils``).

    An empty version (no target answered) falls back to the app's own Python; a version newer or older
    than the known lists uses the nearest known one.
    """
    parts = python_version.split(".")[:2] if python_version else [str(n) for n in sys.version_info[:2]]
    return _stdlib_for(_nearest_known_version(tuple(int(p) for p in parts if p.isdigit())))


# Built into the interpreter on some platform; stdlib-list's lists are made on one platform and may lack them.
_PLATFORM_BUILTINS = frozenset({"__main__", "builtins", "nt", "posix", "msvcrt", "winreg", "_winapi", "winsound"})


@lru_cache(maxsize=None)
def _stdlib_for(major_minor: str) -> frozenset[str]:
    return frozenset(name.split(".")[0] for name in stdlib_list(major_minor)) | _PLATFORM_BUILTINS


def _nearest_known_version(wanted: tuple[int, ...]) -> str:
    known = sorted((tuple(int(p) for p in v.split(".")), v) for v in short_versions if v.startswith("3."))
    at_or_below = [text for number, text in known if number <= wanted]
    return at_or_below[-1] if at_or_below else known[0][1]


@lru_cache(maxsize=1)
def import_map() -> dict[str, tuple[tuple[str, ...], Optional[str]]]:
    """The curated map as {import path: (distributions, marker)}; the first distribution is the usual one."""
    raw = (load_yaml_resource("import_map.yaml") or {}).get("imports", {})
    return {str(key): _map_entry(value) for key, value in raw.items()}


def _map_entry(value: Any) -> tuple[tuple[str, ...], Optional[str]]:
    marker = None
    if isinstance(value, dict):
        marker = value.get("marker")
        value = value.get("distribution")
    names = (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())
    return names, marker


class ImportResolver:
    """Resolves imported module names using the installed distributions, the import map and the declarations."""

    def __init__(self, installed: Iterable[InstalledDistribution], declared_names: Iterable[str] = (),
                 pip_installed_names: Iterable[str] = ()) -> None:
        installed = tuple(installed)
        self._providers: dict[str, set[str]] = defaultdict(set)
        self._namespaces: dict[str, set[str]] = defaultdict(set)
        for dist in installed:
            for module in dist.modules or dist.top_level:
                self._providers[module].add(dist.name)
            for namespace in dist.namespaces:
                self._namespaces[namespace].add(dist.name)
        self._installed = {canonicalize_name(d.name) for d in installed}
        self._declared = {canonicalize_name(name): name for name in declared_names}
        self._pip_installed = {canonicalize_name(name): name for name in pip_installed_names}

    def resolve(self, module: str) -> Resolution:
        return (self._from_environment(module) or self._from_declared(module) or self._from_map(module)
                or self._from_knowledge(module)
                or Resolution(None, module.split(".")[0], "", tuple(sorted(self._namespaces.get(module, ())))))

    def _from_environment(self, module: str) -> Optional[Resolution]:
        for prefix in _prefixes(module):
            if prefix in self._providers:
                return self._choose(prefix, sorted(self._providers[prefix]), "environment")
        owners = self._namespaces.get(module, set())
        return self._choose(module, sorted(owners), "environment") if len(owners) == 1 else None

    def _from_map(self, module: str) -> Optional[Resolution]:
        for prefix in _prefixes(module):
            if prefix in import_map():  # read on first use: most imports are settled by the environment
                names, marker = import_map()[prefix]
                return self._choose(prefix, list(names), "import-map", marker) if names else None
        return None

    def _from_declared(self, module: str) -> Optional[Resolution]:
        for prefix in _prefixes(module):
            key = canonicalize_name(prefix)
            for by, names in (("declared", self._declared), ("pip-install", self._pip_installed)):
                if key in names:
                    return Resolution(names[key], prefix, by)
        return None

    def _from_knowledge(self, module: str) -> Optional[Resolution]:
        """A declared distribution the knowledge base knows ships the module, else a suggestion to accept."""
        if module.split(".")[0] in self._namespaces:
            return None  # installed distributions share this namespace: better evidence than the table
        found = knowledge.suggest(module)
        if found is None:
            return None
        top = module.split(".")[0]
        for by, names in (("declared", self._declared), ("pip-install", self._pip_installed)):
            wanted = [names[key] for key in map(canonicalize_name, found.candidates) if key in names]
            if wanted:
                return Resolution(wanted[0], top, by)
        return Resolution(None, found.import_name, "suggested", found.candidates[:MAX_CANDIDATES], None,
                          found.pick)

    def _choose(self, prefix: str, names: list[str], by: str, marker: Optional[str] = None) -> Resolution:
        def wanted(name: str) -> bool:
            return canonicalize_name(name) in self._declared or canonicalize_name(name) in self._pip_installed

        ranked = sorted(names, key=lambda n: (canonicalize_name(n) not in self._installed, not wanted(n),
                                              names.index(n)))
        return Resolution(ranked[0], prefix, by, tuple(names) if len(names) > 1 else (), marker)


MAX_CANDIDATES = 25  # a report lists the best; `google` alone has hundreds of distributions


def _prefixes(module: str) -> Iterator[str]:
    """Dotted prefixes, longest first: a.b.c → a.b.c, a.b, a."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


@dataclass
class _Usage:
    resolution: Resolution
    import_names: set[str] = field(default_factory=set)
    sources: list[SourceRef] = field(default_factory=list)
    optional: list[bool] = field(default_factory=list)
    pip_installed_in: list[SourceRef] = field(default_factory=list)


def resolve_dependencies(
    imports: Iterable[tuple[str, ImportRef]],
    pip_installs: Iterable[tuple[str, PipInstallRef]],
    declared: DeclaredDependencies,
    installed: Iterable[InstalledDistribution],
    local_modules: LocalModules,
    python_version: str,
) -> tuple[Dependency, ...]:
    """Every third-party distribution the project uses or declares, with its status, sorted by name.

    ``local_modules`` is either a set of the project's top-level module names or an object whose
    ``is_local(module, importing_file)`` says whether an import refers to the project's own code.
    """
    installed, pip_installs = tuple(installed), tuple(pip_installs)
    by_declared = _declared_by_key(declared.requirements)
    pip_names = (pip_requirement_name(ref.requirement) for _, ref in pip_installs)
    resolver = ImportResolver(installed, (reqs[0].name for reqs in by_declared.values()), filter(None, pip_names))
    stdlib = stdlib_modules(python_version)
    usages = _imports_by_distribution(imports, resolver, stdlib | python2_only(), _local_test(local_modules))
    _add_pip_installs(usages, pip_installs, installed, by_declared)
    versions = {canonicalize_name(d.name): d.version for d in installed}
    deps = [_used(usage, by_declared.get(key, []), versions.get(key)) for key, usage in usages.items()]
    deps += [_declared_unused(reqs, versions.get(key)) for key, reqs in by_declared.items() if key not in usages]
    return tuple(sorted(deps, key=_sort_key))


def _local_test(local_modules: LocalModules) -> Callable[[str, str], bool]:
    if hasattr(local_modules, "is_local"):
        return local_modules.is_local
    names = frozenset(local_modules)
    return lambda module, importing_file: module.split(".")[0] in names


def _declared_by_key(requirements: Iterable[DeclaredRequirement]) -> dict[str, list[DeclaredRequirement]]:
    grouped: dict[str, list[DeclaredRequirement]] = defaultdict(list)
    for requirement in requirements:
        grouped[canonicalize_name(requirement.name)].append(requirement)
    return grouped


def _imports_by_distribution(imports, resolver: ImportResolver, stdlib: frozenset[str],
                             is_local: Callable[[str, str], bool]) -> dict[str, _Usage]:
    """A large project has tens of thousands of import lines naming a few dozen modules: each module is resolved
    once, and the loop over the lines does no more than it must."""
    usages: dict[str, _Usage] = {}
    resolved: dict[str, _Usage] = {}  # module -> the usage it adds to
    for file, ref in imports:
        if not ref.module or ref.module.startswith(".") or ref.module.split(".")[0] in stdlib:
            continue
        for module in _imported_modules(ref):
            if is_local(module, file):
                continue
            usage = resolved.get(module)
            if usage is None:
                usage = resolved[module] = _usage_of(resolver.resolve(module), usages)
            usage.sources.append(SourceRef(file, ref.line, ref.cell))
            usage.optional.append(ref.optional)
    return usages


def _usage_of(resolution: Resolution, usages: dict[str, _Usage]) -> _Usage:
    """The usage of ``resolution``'s distribution (made by its first import), with the import name added."""
    key = canonicalize_name(resolution.distribution) if resolution.distribution else f"?{resolution.import_name}"
    usage = usages.get(key)
    if usage is None:
        usage = usages[key] = _Usage(resolution)
    usage.import_names.add(resolution.import_name)
    return usage


def _imported_modules(ref: ImportRef) -> list[str]:
    """``from X import a, b`` is looked up as X.a and X.b (a namespace package's submodules), else X."""
    return [f"{ref.module}.{name}" for name in ref.names] or [ref.module]


def _add_pip_installs(usages: dict[str, _Usage], pip_installs, installed: tuple[InstalledDistribution, ...],
                      by_declared: dict[str, list[DeclaredRequirement]]) -> None:
    names = {canonicalize_name(d.name): d.name for d in installed}
    names.update({key: reqs[0].name for key, reqs in by_declared.items()})
    for file, ref in pip_installs:
        name = pip_requirement_name(ref.requirement)
        if name is None:
            continue
        key = canonicalize_name(name)
        usage = usages.setdefault(key, _Usage(Resolution(names.get(key, name), "", "pip-install")))
        usage.pip_installed_in.append(SourceRef(file, ref.line, ref.cell))


def pip_requirement_name(text: str) -> Optional[str]:
    """The distribution named by one ``pip install`` argument ("lightgbm==4.3", "git+https://...#egg=x")."""
    text = text.strip().strip("'\"")  # shell quoting: %pip install 'pandas<3'
    if not text or text.startswith("-"):
        return None
    if "#egg=" in text:
        text = text.split("#egg=", 1)[1].split("&")[0]
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return None


def _used(usage: _Usage, declarations: list[DeclaredRequirement], version: Optional[str]) -> Dependency:
    resolution = usage.resolution
    status = UNKNOWN if resolution.distribution is None else USED_DECLARED if declarations else USED_UNDECLARED
    return Dependency(
        distribution=resolution.distribution,
        import_names=tuple(sorted(usage.import_names)),
        status=status,
        declared_spec=_declared_spec(declarations),
        declared_in=tuple(f"{r.file}:{r.line}" for r in declarations),
        installed_version=version,
        sources=tuple(sorted(set(usage.sources), key=_source_key)),
        optional=bool(usage.optional) and all(usage.optional),
        candidates=resolution.candidates,
        marker=resolution.marker or next((r.marker for r in declarations if r.marker), None),
        resolved_by=resolution.resolved_by,
        pip_installed_in=tuple(sorted(set(usage.pip_installed_in), key=_source_key)),
        suggestion=resolution.suggestion,
    )


def _declared_unused(declarations: list[DeclaredRequirement], version: Optional[str]) -> Dependency:
    return Dependency(
        distribution=declarations[0].name,
        import_names=(),
        status=DECLARED_UNUSED,
        declared_spec=_declared_spec(declarations),
        declared_in=tuple(f"{r.file}:{r.line}" for r in declarations),
        installed_version=version,
        marker=next((r.marker for r in declarations if r.marker), None),
        resolved_by="declared",
    )


def _declared_spec(declarations: list[DeclaredRequirement]) -> Optional[str]:
    """The first declared version specifier; a URL requirement gives "@ URL" (so name + spec is PEP 508)."""
    for requirement in declarations:
        if requirement.url:
            return f"@ {requirement.url}"
        if requirement.spec:
            return requirement.spec
    return None


def _source_key(source: SourceRef) -> tuple[str, int, int]:
    return source.file, source.cell if source.cell is not None else -1, source.line


def _sort_key(dep: Dependency) -> tuple[str, str]:
    name = dep.distribution or (dep.import_names[0] if dep.import_names else "")
    return canonicalize_name(name), dep.status
