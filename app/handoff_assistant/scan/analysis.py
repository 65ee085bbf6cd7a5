"""Analysis of one file: everything the scan learns from a file on its own (and can therefore cache)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Optional

from handoff_assistant.scan import config_reads, languages, notebooks, python_imports, r_packages
from handoff_assistant.formatting import human_size
from handoff_assistant.scan.files import FileEntry, NotText, read_text, text_cap
from handoff_assistant.scan.own_outputs import is_own_output
from handoff_assistant.scan.findings import notebook_findings, scan_text
from handoff_assistant.scan.findings.base import with_fingerprints
from handoff_assistant.scan.findings.file_names import file_name_findings
from handoff_assistant.scan.findings.lfs import lfs_pointer_finding, lfs_pointer_in_file
from handoff_assistant.scan.refs import ImportRef, PipInstallRef, RPackageRef
from handoff_assistant.scan.report import ConfigRead, Finding, NotebookInfo, Problem, SkippedFile
from handoff_assistant.tasks import checkpoint

ANALYSIS_VERSION = 12  # bump when a detector changes, so cached results are recomputed


@dataclass(frozen=True)
class FileAnalysis:
    path: str
    language: Optional[str] = None
    code_lines: int = 0
    imports: tuple[ImportRef, ...] = ()
    pip_installs: tuple[PipInstallRef, ...] = ()
    r_packages: tuple[RPackageRef, ...] = ()
    findings: tuple[Finding, ...] = ()
    notebook: Optional[NotebookInfo] = None
    problems: tuple[Problem, ...] = ()
    skipped: Optional[SkippedFile] = None
    written_files: tuple[str, ...] = ()  # project-relative files a notebook writes (%%writefile helpers.py)
    config_reads: tuple[ConfigRead, ...] = ()


def analyse_file(root: Path, entry: FileEntry, max_text_bytes: int) -> FileAnalysis:
    """Read one file and run every per-file detector on it; a bad file yields problems, never an exception.
    Its name is checked for secrets whatever the content (also when the file is skipped or unreadable)."""
    analysis = _analyse_content(root, entry, max_text_bytes)
    named = file_name_findings(entry.path)
    return replace(analysis, findings=analysis.findings + tuple(named)) if named else analysis


def _analyse_content(root: Path, entry: FileEntry, max_text_bytes: int) -> FileAnalysis:
    try:
        content = read_text(root / entry.path, max_text_bytes)
    except NotText as not_text:
        pointer = lfs_pointer_in_file(root / entry.path, entry.path, entry.size)
        if pointer is not None:
            return FileAnalysis(path=entry.path, findings=tuple(with_fingerprints([pointer])))
        return FileAnalysis(path=entry.path, skipped=SkippedFile(entry.path, not_text.reason, entry.size),
                            problems=_unread_program(entry, not_text.reason, max_text_bytes))
    except OSError as error:
        reason = error.strerror or str(error)
        return FileAnalysis(path=entry.path, problems=(Problem(entry.path, f"cannot read: {reason}"),))
    if is_own_output(entry.path, content.text):
        return FileAnalysis(path=entry.path, skipped=SkippedFile(entry.path, "handoff-output", entry.size))
    pointer = lfs_pointer_finding(entry.path, content.text)
    if pointer is not None:
        return FileAnalysis(path=entry.path, findings=tuple(with_fingerprints([pointer])))
    if languages.is_notebook(entry.path):  # its language comes from the one reading of its JSON
        return _analyse_notebook(entry.path, content.text)
    return _analyse_source(entry.path, languages.detect_language(entry.path, content.text), content.text)


def _unread_program(entry: FileEntry, reason: str, max_text_bytes: int) -> tuple[Problem, ...]:
    """A program too large to read (a 60 MB notebook) could hide a secret in its code: a problem, so the items
    that look for findings are unknown rather than passed. Data too large to read is only listed as data."""
    if reason != "too-large" or not languages.is_program(entry.path):
        return ()
    cap = text_cap(entry.path, max_text_bytes)
    return (Problem(entry.path, f"too large to analyse: {human_size(entry.size)}, more than the {human_size(cap)} "
                                "the scan reads of a program, so its code was not checked"),)


def _analyse_source(path: str, language: Optional[str], text: str) -> FileAnalysis:
    findings = scan_text(text, file=path, language=language)
    imports: tuple[ImportRef, ...] = ()
    r_refs: tuple[RPackageRef, ...] = ()
    checkpoint()
    if language == languages.PYTHON:
        scanned = python_imports.find_imports(text)
        imports = scanned.imports
        checkpoint()
        findings = findings + python_imports.python2_findings(scanned, path)
        checkpoint()
    elif language in languages.R_FAMILY:
        r_refs = tuple(r_packages.find_r_packages(text, language))
        if language in (languages.R_MARKDOWN, languages.QUARTO):  # their {python} chunks need Python libraries
            imports = python_imports.find_imports(r_packages.chunk_code(text, "python")).imports
    return FileAnalysis(
        path=path,
        language=language,
        code_lines=languages.count_code_lines(language, text) if language else 0,
        imports=imports,
        r_packages=r_refs,
        findings=tuple(findings),
        config_reads=tuple(config_reads.find_config_reads(text, file=path, language=language)),
    )


def _analyse_notebook(path: str, text: str) -> FileAnalysis:
    try:
        notebook = notebooks.parse_notebook(text)
    except notebooks.NotebookError as error:
        return FileAnalysis(
            path=path, language=languages.JUPYTER_PYTHON, problems=(Problem(path, str(error)),)
        )
    cells = [_analyse_cell(path, notebook, cell) for cell in notebook.code_cells()]
    cell_findings = [f for c in cells for f in c.findings]
    python2 = [f for f in cell_findings if f.rule == python_imports.NOT_PYTHON3.id]  # said once, at the first cell
    return FileAnalysis(
        path=path,
        language=languages.JUPYTER_R if notebook.is_r else languages.JUPYTER_PYTHON
        if notebook.is_python else languages.JUPYTER_OTHER,
        code_lines=sum(c.code_lines for c in cells),
        imports=tuple(ref for c in cells for ref in c.imports),
        pip_installs=tuple(ref for c in cells for ref in c.pip_installs),
        r_packages=tuple(ref for c in cells for ref in c.r_packages),
        findings=tuple(notebook_findings(notebook, path)) + tuple(python2[:1])
        + tuple(f for f in cell_findings if f.rule != python_imports.NOT_PYTHON3.id),
        notebook=notebooks.notebook_info(notebook, path),
        written_files=tuple(written for c in cells for written in c.written_files),
        config_reads=tuple(read for c in cells for read in c.config_reads),
    )


def _analyse_cell(path: str, notebook: notebooks.Notebook, cell: notebooks.Cell) -> FileAnalysis:
    """One code cell: a Python notebook's cell magic (%%bash, %%R, %%sql) decides the language of its body."""
    if notebook.is_python:
        prepared = notebooks.prepare_python_cell(cell.source)
        language, code = prepared.language, prepared.body
    else:
        prepared, language, code = None, notebook.code_language, cell.source
    imports: list[ImportRef] = []
    findings: list[Finding] = []
    if prepared is not None and prepared.is_python:
        scanned = python_imports.find_imports(prepared.python_source)
        imports = [replace(i, cell=cell.index) for i in scanned.imports]
        findings = python_imports.python2_findings(scanned, path, cell=cell.index)
        code = cell.source  # the text detectors know IPython's magics and shell lines
    r_refs = [RPackageRef(r.name, r.line, cell.index)
              for r in r_packages.find_r_packages(code, languages.R)] if language == languages.R else []
    return FileAnalysis(
        path=path,
        code_lines=languages.count_code_lines(language or languages.PYTHON, code),
        imports=tuple(imports),
        pip_installs=tuple(PipInstallRef(req, line, cell.index) for req, line in
                           (prepared.pip_installs if prepared else ())),
        r_packages=tuple(r_refs),
        findings=tuple(findings + scan_text(code, file=path, language=language, cell=cell.index)),
        written_files=_project_file(path, prepared.writes_file) if prepared and prepared.writes_file else (),
        config_reads=tuple(config_reads.find_config_reads(code, file=path, language=language, cell=cell.index)),
    )


def _project_file(notebook_path: str, written: str) -> tuple[str, ...]:
    """The written file relative to the project root (a notebook runs in its own folder), if it stays inside."""
    folder = PurePosixPath(notebook_path).parent
    target = PurePosixPath(written.replace("\\", "/"))
    if target.is_absolute() or ".." in target.parts:
        return ()
    return (str(folder / target) if str(folder) != "." else str(target),)
