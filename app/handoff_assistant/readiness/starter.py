"""A starter handoff.yaml prefilled from a scan (``handoff init``): entry points, owner, and the configuration keys
the code reads (readiness.config_keys, the one key set)."""
from __future__ import annotations

import re
import shlex
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


_IMAGE = re.compile(r"!\[[^\]\n]{0,200}\]\([^)\s]{0,500}(?:\s\"[^\"\n]{0,200}\")?\)")  # ![alt](url)
_LINK_WRAPPER = re.compile(r"\[\s{0,5}\]\([^)\s]{0,500}\)")  # what is left of [![alt](img)](url)
_HTML_TAG = re.compile(r"<[^<>\n]{0,500}>")


def _is_prose(line: str) -> bool:
    """Not a heading, list, table, fence, HTML or a line of badges ([![Build](…)](…) [![PyPI](…)](…))."""
    if line.startswith(("#", "-", "*", "```", "|", "=", "..", ":")) or line[0].isdigit():
        return False
    left = _LINK_WRAPPER.sub("", _IMAGE.sub("", _HTML_TAG.sub("", line)))
    return any(c.isalpha() for c in left)


def _summary(readme_text: str) -> str:
    """The README's first paragraph of prose (headings, lists, HTML and badge lines skipped)."""
    paragraph: list[str] = []
    for line in readme_text.splitlines():
        stripped = line.strip()
        if not stripped:
            if paragraph:
                break
            continue
        if not _is_prose(stripped):
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
                         # {output}: the executed notebook goes to the run's output folder, never into code/
                         # (the bundle's verified files); quoted: a name with spaces stays one argument
                         command="jupyter nbconvert --to notebook --execute --output-dir {output} "
                                 + shlex.quote(notebook.path))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "run"
