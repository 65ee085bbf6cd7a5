"""A starter handoff.yaml prefilled from a scan (``handoff init``): entry points, owner, and the configuration keys
the code reads (readiness.config_keys, the one key set)."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from handoff_assistant.readiness.config_keys import config_keys_for_project_file
from handoff_assistant.readiness.facts import ProjectFacts, project_facts
from handoff_assistant.readiness.model import Contact, EntryPoint, ProjectFile
from handoff_assistant.scan.report import ScanReport


def starter_project_file(report: ScanReport, facts: Optional[ProjectFacts] = None) -> ProjectFile:
    facts = facts if facts is not None else project_facts(report)
    root = Path(report.root)
    return ProjectFile(
        name=root.name,
        summary=_summary(facts.readme_text),
        owner=_git_owner(root),
        entry_points=tuple(_entry_points(report, facts)),
        config_keys=config_keys_for_project_file(report),
    )


def _summary(readme_text: str) -> str:
    """The README's first paragraph of prose (headings and lists skipped)."""
    paragraph: list[str] = []
    for line in readme_text.splitlines():
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if stripped.startswith(("#", "-", "*", "```", "|", "=")) or stripped[0].isdigit():
            if paragraph:
                break
            continue
        paragraph.append(stripped)
    return " ".join(paragraph)[:300]


def _git_owner(root: Path) -> Optional[Contact]:
    """user.name and user.email as git resolves them for this folder (repository, then global config)."""
    try:
        import git

        runner = git.Git(str(root))
        name = runner.config("--get", "user.name").strip()
        email = runner.config("--get", "user.email").strip()
    except Exception:  # git missing, not configured, or the folder unreadable: the user fills it in
        return None
    return Contact(name=name, email=email or None) if name else None


def _entry_points(report: ScanReport, facts: ProjectFacts) -> Iterable[EntryPoint]:
    for script in facts.main_scripts:
        yield EntryPoint(name=_slug(PurePosixPath(script.path).stem), command=script.command)
    for notebook in report.notebooks:
        yield EntryPoint(name=_slug(PurePosixPath(notebook.path).stem),
                         command=f"jupyter nbconvert --to notebook --execute --output-dir output {notebook.path}")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "run"
