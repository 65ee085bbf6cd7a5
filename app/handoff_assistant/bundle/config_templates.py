"""Configuration IT must provide: every key the code reads and every key handoff.yaml declares — never values.

The keys come from the one key set (``readiness.config_keys.project_config_keys``), the same set ``handoff init``
writes and the harness checks. Secrets go to ``config/.env.example`` as environment variables; everything else to
``config/config.example.yaml``. A literal still written in the code is not a key: it stays a finding.
"""
from __future__ import annotations

from typing import Iterable, Optional

from handoff_assistant.bundle.templates import render
from handoff_assistant.readiness.config_keys import ProjectConfigKey, project_config_keys
from handoff_assistant.readiness.model import ProjectFile
from handoff_assistant.scan.report import ScanReport

BundleConfigKey = ProjectConfigKey  # the manifest's name for one key (manifest.json "config_keys")


def collect_config_keys(report: ScanReport, project: Optional[ProjectFile]) -> tuple[BundleConfigKey, ...]:
    return project_config_keys(report, project)


def render_config_example(keys: Iterable[BundleConfigKey], project_name: str) -> str:
    return render("config/config.example.yaml.j2", keys=[k for k in keys if not k.secret],
                  project_name=project_name)


def render_env_example(keys: Iterable[BundleConfigKey], project_name: str) -> str:
    return render("config/env.example.j2", keys=[k for k in keys if k.secret], project_name=project_name)
