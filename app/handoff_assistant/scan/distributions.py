"""From import names to distributions: the target environment first, then the curated import map.  (STUB)"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from packaging.utils import canonicalize_name
from stdlib_list import stdlib_list

from handoff_assistant.assets import load_yaml_resource
from handoff_assistant.scan.declared import DeclaredDependencies
from handoff_assistant.scan.environment import InstalledDistribution
from handoff_assistant.scan.refs import ImportRef, PipInstallRef
from handoff_assistant.scan.report import (DECLARED_UNUSED, UNKNOWN, USED_DECLARED, USED_UNDECLARED,
                                           Dependency, SourceRef)


def stdlib_modules(python_version: str) -> frozenset[str]:
    major_minor = ".".join(python_version.split(".")[:2]) or "3.11"
    return frozenset(name.split(".")[0] for name in stdlib_list(major_minor))


def resolve_dependencies(
    imports: Iterable[tuple[str, ImportRef]],
    pip_installs: Iterable[tuple[str, PipInstallRef]],
    declared: DeclaredDependencies,
    installed: Iterable[InstalledDistribution],
    local_modules: frozenset[str],
    python_version: str,
) -> tuple[Dependency, ...]:
    stdlib = stdlib_modules(python_version)
    by_top = {top: d for d in installed for top in d.top_level}
    import_map = (load_yaml_resource("import_map.yaml") or {}).get("imports", {})
    uses: dict[str, list[SourceRef]] = defaultdict(list)
    for file, ref in imports:
        top = ref.module.split(".")[0]
        if top in stdlib or top in local_modules:
            continue
        uses[top].append(SourceRef(file, ref.line, ref.cell))
    declared_by_name = {canonicalize_name(r.name): r for r in declared.requirements}
    deps = []
    seen = set()
    for top, sources in sorted(uses.items()):
        dist = by_top.get(top)
        name = dist.name if dist else import_map.get(top) if isinstance(import_map.get(top), str) else None
        if name is None:
            deps.append(Dependency(None, (top,), UNKNOWN, sources=tuple(sources)))
            continue
        key = canonicalize_name(name)
        seen.add(key)
        req = declared_by_name.get(key)
        deps.append(Dependency(name, (top,), USED_DECLARED if req else USED_UNDECLARED,
                               declared_spec=req.spec if req else None,
                               installed_version=dist.version if dist else None, sources=tuple(sources),
                               resolved_by="environment" if dist else "import-map"))
    for key, req in declared_by_name.items():
        if key not in seen:
            deps.append(Dependency(req.name, (), DECLARED_UNUSED, declared_spec=req.spec,
                                   declared_in=(f"{req.file}:{req.line}",), resolved_by="declared"))
    return tuple(deps)
