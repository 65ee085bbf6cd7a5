"""``scan_project``: list the files, ask the target interpreter, analyse every file, resolve dependencies."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from handoff_assistant import __version__
from handoff_assistant.scan import ScanError
from handoff_assistant.scan import python_version, r_packages
from handoff_assistant.scan.analysis import FileAnalysis
from handoff_assistant.scan.cache import ScanCache, collector_paused
from handoff_assistant.scan.declared import read_declared
from handoff_assistant.scan.distributions import resolve_dependencies
from handoff_assistant.scan.environment import probe_target
from handoff_assistant.scan.files import data_files, list_files
from handoff_assistant.scan.git_state import read_git_state
from handoff_assistant.scan.options import ScanOptions
from handoff_assistant.scan.per_file import analyse_entries
from handoff_assistant.scan.python_imports import LocalModules
from handoff_assistant.scan.report import FileSummary, LanguageStat, ScanReport, SEVERITIES
from handoff_assistant.tasks import CancelToken, ProgressCallback, alongside, ensure_cancel, ensure_progress


def scan_project(
    path: Path | str,
    options: Optional[ScanOptions] = None,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> ScanReport:
    with collector_paused():  # the analyses of 50,000 files are millions of objects and hold no cycles
        return _scan_project(path, options, progress, cancel)


def _scan_project(path: Path | str, options: Optional[ScanOptions], progress: Optional[ProgressCallback],
                  cancel: Optional[CancelToken]) -> ScanReport:
    options = options or ScanOptions()
    report_progress = ensure_progress(progress)
    cancel = ensure_cancel(cancel)
    root = _checked_root(Path(path))

    with alongside(probe_target, root, options.python) as asked:  # a subprocess: it overlaps listing and cache
        report_progress(0, 0, "Listing files")
        inventory = list_files(root, cancel)
        cancel.raise_if_cancelled()
        cache = ScanCache(root, options.cache_dir, options.max_text_bytes) if options.use_cache else None
        report_progress(0, 0, "Asking the target interpreter")
        probe = asked.result()
    cancel.raise_if_cancelled()

    analyses = analyse_entries(root, inventory.entries, options, cache, report_progress, cancel)
    if cache is not None:
        cache.save()

    paths = [entry.path for entry in inventory.entries]
    declared = read_declared(root, paths)
    imports = [(a.path, ref) for a in analyses for ref in a.imports]
    pip_installs = [(a.path, ref) for a in analyses for ref in a.pip_installs]
    dependencies = resolve_dependencies(
        imports, pip_installs, declared, probe.distributions,
        LocalModules.from_paths([*paths, *(written for a in analyses for written in a.written_files)]),
        probe.target.python_version,
    )
    r_summary = r_packages.summarise(analyses, root, paths)
    notebooks = tuple(a.notebook for a in analyses if a.notebook)
    python_versions = python_version.python_version_sources(root, paths, notebooks, probe.target)
    version_findings = python_version.conflict_findings(python_version.choose_target_python(python_versions))
    skipped = inventory.skipped + tuple(a.skipped for a in analyses if a.skipped)
    report_progress(len(analyses), len(analyses), "Reading git state")
    return ScanReport(
        root=str(root),
        scanned_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        tool_version=__version__,
        target=probe.target,
        files=FileSummary(
            count=len(inventory.entries),
            bytes=sum(entry.size for entry in inventory.entries),
            analysed=sum(1 for a in analyses if a.skipped is None and not a.problems),
            skipped=skipped,
            data_files=data_files(inventory.entries, (s.path for s in skipped if s.reason == "binary"),
                                  options.max_text_bytes),
            listing=inventory.listing,
        ),
        languages=_language_stats(analyses),
        dependencies=dependencies,
        r_packages=r_summary.packages,
        findings=tuple(sorted([f for a in analyses for f in a.findings] + list(version_findings),
                              key=lambda f: (SEVERITIES.index(f.severity), f.file, f.cell or 0, f.line))),
        notebooks=notebooks,
        git=read_git_state(root),
        problems=inventory.problems + probe.problems + declared.problems + r_summary.problems
                 + tuple(p for a in analyses for p in a.problems),
        declared_files=declared.files,
        lock_files=declared.lock_files,
        config_reads=tuple(read for a in analyses for read in a.config_reads),
        python_versions=python_versions,
    )


def _checked_root(root: Path) -> Path:
    if not root.exists():
        raise ScanError(f"The folder {root} does not exist. Choose the prototype's folder.")
    if not root.is_dir():
        raise ScanError(f"{root} is a file, not a folder. Choose the folder that contains the prototype.")
    return root.resolve()


def _language_stats(analyses: list[FileAnalysis]) -> tuple[LanguageStat, ...]:
    files: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = defaultdict(int)
    for analysis in analyses:
        if analysis.language:
            files[analysis.language] += 1
            lines[analysis.language] += analysis.code_lines
    return tuple(sorted((LanguageStat(name, files[name], lines[name]) for name in files),
                        key=lambda stat: (-stat.code_lines, stat.name)))
