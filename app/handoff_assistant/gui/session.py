"""The open project: its scan report, its handoff.yaml content and its assessment.

Pages read from here and ask it to change the project file; it calls the core for every rule
(assessment, loading and saving), so no page decides anything about readiness itself.
"""
from __future__ import annotations

import dataclasses
import getpass
import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QObject, Signal

from handoff_assistant.readiness.assess import assess
from handoff_assistant.readiness.model import Assessment, Attestation, ProjectFile
from handoff_assistant.readiness.policy import Policy, default_policy
from handoff_assistant.readiness.project_file import (PROJECT_FILE_NAME, ProjectFileError, load_project_file,
                                                      save_project_file)
from handoff_assistant.scan.report import ScanReport


class ProjectSession(QObject):
    report_changed = Signal()
    project_changed = Signal()
    assessment_changed = Signal()
    dirty_changed = Signal(bool)

    def __init__(self, root: Path, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.root = root
        self.report: Optional[ScanReport] = None
        self.project = ProjectFile(name=root.name)
        self.assessment: Optional[Assessment] = None
        self.dirty = False
        self.policy: Policy = default_policy()
        self.last_bundle: Optional[Path] = None
        self._stamp: Optional[tuple[int, str]] = None
        self.load_error: Optional[str] = None  # why handoff.yaml could not be read; saving is blocked meanwhile

    @property
    def project_file_path(self) -> Path:
        return self.root / PROJECT_FILE_NAME

    def load_project(self) -> None:
        """Read handoff.yaml (if any); raises ProjectFileError with the field and line when it is invalid."""
        self._stamp = _stamp(self.project_file_path)
        try:
            loaded = load_project_file(self.root)
        except ProjectFileError as error:
            # The form starts empty, and saving it would overwrite what the user wrote: blocked until the file
            # reads again (fixed in an editor, then reopened or rescanned).
            self.load_error = str(error)
            self.project = ProjectFile(name=self.root.name)
            self._set_dirty(False)
            self.project_changed.emit()
            self._reassess()
            raise
        self.load_error = None
        self.project = loaded if loaded is not None else ProjectFile(name=self.root.name)
        self._set_dirty(False)
        self.project_changed.emit()
        self._reassess()

    def changed_on_disk(self) -> bool:
        """True when someone else changed handoff.yaml since the app read it."""
        return _stamp(self.project_file_path) != self._stamp

    def save(self) -> Path:
        """Write handoff.yaml; refused (ProjectFileError) while the file on disk could not be read."""
        if self.load_error is not None:
            raise ProjectFileError(f"not saved, so that the file on disk is kept: {self.load_error}")
        path = save_project_file(self.root, self.project)
        self._stamp = _stamp(path)
        self._set_dirty(False)
        return path

    @property
    def name(self) -> str:
        return self.project.name or self.root.name

    def set_report(self, report: ScanReport) -> None:
        self.report = report
        self.report_changed.emit()
        self._reassess()

    # Changes to handoff.yaml (kept in memory until the user saves) --------------------------------
    def update_project(self, project: ProjectFile) -> None:
        if project == self.project:
            return
        self.project = project
        self._set_dirty(True)
        self.project_changed.emit()
        self._reassess()

    def suppress(self, fingerprint: str, reason: str) -> None:
        self.update_project(dataclasses.replace(
            self.project, suppressions={**self.project.suppressions, fingerprint: reason}))

    def unsuppress(self, fingerprint: str) -> None:
        remaining = {k: v for k, v in self.project.suppressions.items() if k != fingerprint}
        self.update_project(dataclasses.replace(self.project, suppressions=remaining))

    def resolve(self, import_name: str, distribution: str) -> None:
        self.update_project(dataclasses.replace(
            self.project, resolutions={**self.project.resolutions, import_name: distribution}))

    def attest(self, item_id: str, status: str, note: str) -> None:
        attestation = Attestation(status, note, by=getpass.getuser(),
                                  at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        self.update_project(dataclasses.replace(
            self.project, attestations={**self.project.attestations, item_id: attestation}))

    def withdraw_attestation(self, item_id: str) -> None:
        remaining = {k: v for k, v in self.project.attestations.items() if k != item_id}
        self.update_project(dataclasses.replace(self.project, attestations=remaining))

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    def bundle_built(self, path: Path) -> None:
        self.last_bundle = path
        self.assessment_changed.emit()

    def set_policy(self, policy: Policy) -> None:
        self.policy = policy
        self._reassess()

    def _reassess(self) -> None:
        """The core decides; the header, the checklist and the step states show what it said."""
        if self.report is None:
            return
        self.assessment = assess(self.report, self.project, self.policy)
        self.assessment_changed.emit()


def _stamp(path: Path) -> Optional[tuple[int, str]]:
    try:
        return path.stat().st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
