"""What ``build_bundle`` needs before writing: the scan, handoff.yaml, the assessment, the HTML report."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from handoff_assistant.bundle.options import BundleError, BundleOptions
from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.model import Assessment, ProjectFile
from handoff_assistant.readiness.policy import PolicyError, load_policy
from handoff_assistant.readiness.project_file import ProjectFileError, load_project_file
from handoff_assistant.reports.html import render_readiness_html
from handoff_assistant.scan import ScanError, ScanOptions, scan_project
from handoff_assistant.scan.environment import EnvironmentProbeError, InstalledDistribution, probe_target
from handoff_assistant.scan.report import ScanReport
from handoff_assistant.tasks import CancelToken, ProgressCallback


@dataclass(frozen=True)
class BundleInputs:
    """What a bundle is made from: the scan, the project file, the assessment and the rendered report."""

    root: Path
    report: ScanReport
    project: ProjectFile
    assessment: Assessment
    render_report_html: Callable[[ScanReport], str]  # report.html from the (date-fixed) scan report
    installed: tuple[InstalledDistribution, ...] = ()  # the target environment's, for the installed engine


def gather_inputs(root: Path, options: BundleOptions, progress: ProgressCallback, cancel: CancelToken) -> BundleInputs:
    try:
        policy = load_policy(options.policy_path)
        loaded = load_project_file(root)
        report = scan_project(root, ScanOptions(python=options.python), progress, cancel)
        installed = probe_target(Path(report.root), options.python).distributions if options.engine == "installed" \
            else ()
    except (ScanError, EnvironmentProbeError, ProjectFileError, PolicyError) as error:
        raise BundleError(str(error)) from error
    assessment = assess(report, loaded, policy)  # "no handoff.yaml" is evidence the checklist weighs
    project = loaded or ProjectFile(name=root.resolve().name)
    return BundleInputs(Path(report.root), report, project, assessment,
                        partial(_render_html, assessment=assessment, project=project), installed)


def _render_html(report, *, assessment, project) -> str:
    return render_readiness_html(report, assessment, project)
