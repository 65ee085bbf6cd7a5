"""The checklist's rules: each decides one item from the scan, handoff.yaml and the folder's facts.

A rule returns an Outcome (pass / fail / n/a / unknown) with the evidence that decided it; attestations, tiers
and credit are applied afterwards in ``assess``. Rule names are referenced from resources/checklist.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Callable, Iterable, Optional

from handoff_assistant.formatting import human_size
from handoff_assistant.readiness.checklist import ChecklistItem
from handoff_assistant.readiness.config_keys import project_config_keys
from handoff_assistant.readiness.facts import ProjectFacts
from handoff_assistant.readiness.model import FAIL, NOT_APPLICABLE, PASS, UNKNOWN, EntryPoint, ProjectFile
from handoff_assistant.scan.python_version import INTERPRETER, choose_target_python, describe
from handoff_assistant.scan.report import (DECLARED_UNUSED, UNKNOWN as DEP_UNKNOWN, USED_UNDECLARED, Finding, ScanReport,
                                           location_text, shown_path)

MAX_EVIDENCE = 12
NOTEBOOK_LANGUAGE_PREFIX = "Jupyter"
PYTHON_LANGUAGE, PYTHON_NOTEBOOKS = "Python", "Jupyter (Python)"
NOT_LOGIC_LANGUAGES = frozenset({"YAML", "JSON", "TOML", "SQL", "Markdown", "Shell", "INI", "CSV", "Text",
                                 "HTML", "CSS", "reStructuredText"})  # markup: a notebook rendered to HTML is no module
_RUN_HINT = re.compile(r"how to (run|use)|usage|getting started|quick ?start|\brun(ning)?\b|python |Rscript|make ",
                       re.IGNORECASE)
MIN_README_WORDS = 20


@dataclass(frozen=True)
class Context:
    report: ScanReport
    project: ProjectFile
    has_project_file: bool
    facts: ProjectFacts


@dataclass(frozen=True)
class Outcome:
    status: str
    evidence: tuple[str, ...] = ()
    note: str = ""


Rule = Callable[[Context, ChecklistItem], Outcome]
RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(function: Rule) -> Rule:
        RULES[name] = function
        return function
    return register


_MORE = re.compile(r"^… and (\d{1,9}) more$")


def evidence_count(evidence: tuple[str, ...]) -> int:
    """How many evidence lines there really are: a capped list ends with "… and N more" standing for N lines."""
    more = _MORE.match(evidence[-1]) if evidence else None
    return len(evidence) - 1 + int(more.group(1)) if more else len(evidence)


def _capped(lines: Iterable[str]) -> tuple[str, ...]:
    lines = list(lines)
    if len(lines) <= MAX_EVIDENCE:
        return tuple(lines)
    return tuple(lines[:MAX_EVIDENCE]) + (f"… and {len(lines) - MAX_EVIDENCE} more",)


def _no_folder() -> Outcome:
    return Outcome(UNKNOWN, ("the project folder could not be read, so this was not checked",))


# ---------------------------------------------------------------- Code

@rule("git-commit")
def git_commit(ctx: Context, item: ChecklistItem) -> Outcome:
    git = ctx.report.git
    if not git.is_repo:
        return Outcome(FAIL, ("the folder is not a git repository",))
    if not git.commit:
        return Outcome(FAIL, ("the git repository has no commit yet",))
    branch = f" on branch {git.branch}" if git.branch else ""
    return Outcome(PASS, (f"commit {git.commit[:12]}{branch}",))


@rule("git-clean")
def git_clean(ctx: Context, item: ChecklistItem) -> Outcome:
    git = ctx.report.git
    if not git.is_repo or not git.commit:
        return Outcome(FAIL, ("not in version control, so nothing is committed",))
    changed = [f"modified: {p}" for p in git.dirty] + [f"untracked: {p}" for p in git.untracked]
    if changed:
        return Outcome(FAIL, _capped(changed))
    return Outcome(PASS, (f"no uncommitted changes at commit {git.commit[:12]}",))


@rule("entry-points")
def entry_points(ctx: Context, item: ChecklistItem) -> Outcome:
    if ctx.project.entry_points:
        return Outcome(PASS, tuple(f"handoff.yaml: entry_points: {e.name}: {e.command}" for e in ctx.project.entry_points))
    detected = tuple(f"detected, not declared: {shown_path(s.path)} ({s.command})" for s in ctx.facts.main_scripts)
    return Outcome(FAIL, ("handoff.yaml declares no entry_points",) + detected)


@rule("logic-in-modules")
def logic_in_modules(ctx: Context, item: ChecklistItem) -> Outcome:
    notebook_lines = sum(l.code_lines for l in ctx.report.languages if l.name.startswith(NOTEBOOK_LANGUAGE_PREFIX))
    module_lines = sum(l.code_lines for l in ctx.report.languages
                       if not l.name.startswith(NOTEBOOK_LANGUAGE_PREFIX) and l.name not in NOT_LOGIC_LANGUAGES)
    evidence = (f"{module_lines} lines of code in scripts and modules, {notebook_lines} in notebooks",)
    if notebook_lines == 0 and module_lines == 0:
        return Outcome(NOT_APPLICABLE, ("the scan found no code",))
    return Outcome(PASS if module_lines >= notebook_lines else FAIL, evidence)


@rule("readme")
def readme(ctx: Context, item: ChecklistItem) -> Outcome:
    facts = ctx.facts
    if not facts.readable:
        return _no_folder()
    if not facts.readme:
        return Outcome(FAIL, ("no README at the top of the project",))
    words = len(facts.readme_text.split())
    if words < MIN_README_WORDS:
        return Outcome(FAIL, (f"{facts.readme} has only {words} word(s): say what the project does",))
    hint = _RUN_HINT.search(facts.readme_text)
    if not hint:
        return Outcome(FAIL, (f"{facts.readme} does not say how to run the project",))
    return Outcome(PASS, (f"{facts.readme}: {words} words, how to run: \"{hint.group(0).strip()}\"",))


@rule("no-large-data")
def no_large_data(ctx: Context, item: ChecklistItem) -> Outcome:
    files = ctx.report.files
    heavy = [f"{shown_path(d.path)} ({d.kind}, {human_size(d.size)})" for d in files.data_files
             if d.kind in ("large", "binary")]
    heavy += [f"{shown_path(s.path)} (too large to analyse, {human_size(s.size)})" for s in files.skipped
              if s.reason == "too-large"]
    if heavy:
        return Outcome(FAIL, _capped(heavy))
    small = [shown_path(d.path) for d in files.data_files]
    note = f"{len(small)} small data file(s) travel as sample data: {', '.join(small[:5])}" if small else ""
    return Outcome(PASS, ("no large data files or binaries in the code tree",), note)



# ---------------------------------------------------------------- Environment

def _used(ctx: Context):
    return [d for d in ctx.report.dependencies if d.status != DECLARED_UNUSED]


def _first_use(dep) -> str:
    return f" (imported at {location_text(dep.sources[0].file, dep.sources[0].line, dep.sources[0].cell)})" if dep.sources else ""


@rule("dependencies-declared")
def dependencies_declared(ctx: Context, item: ChecklistItem) -> Outcome:
    declared = ctx.report.declared_files
    used = _used(ctx)
    if not declared and not used:
        return Outcome(NOT_APPLICABLE, ("the code imports no third-party Python library",))
    if not declared:
        return Outcome(FAIL, ("no requirements.txt, pyproject.toml, environment.yml or similar file",))
    missing = [f"{d.distribution} is used but not declared{_first_use(d)}" for d in used
               if d.status == USED_UNDECLARED and not d.optional]
    if missing:
        return Outcome(FAIL, _capped(missing))
    return Outcome(PASS, tuple(f"declared in {shown_path(f.path)} ({f.kind})" for f in declared))


@rule("imports-resolved")
def imports_resolved(ctx: Context, item: ChecklistItem) -> Outcome:
    used = _used(ctx)
    if not used:
        return Outcome(NOT_APPLICABLE, ("the code imports no third-party Python library",))
    resolutions = ctx.project.resolutions
    unknown, named = [], []
    for dep in used:
        if dep.status != DEP_UNKNOWN and dep.distribution:
            continue
        resolved = [resolutions[name] for name in dep.import_names if name in resolutions]
        if resolved:
            named.append(f"{', '.join(dep.import_names)} → {resolved[0]} (handoff.yaml resolutions)")
        else:
            hint = f" (suggested: {dep.suggestion}, accept it in the Dependencies page)" if dep.suggestion else ""
            unknown.append(f"unknown import {', '.join(dep.import_names)}{_first_use(dep)}{hint}")
    if unknown:
        return Outcome(FAIL, _capped(unknown + named))
    return Outcome(PASS, (f"{len(used)} third-party imports resolved to distributions",) + tuple(named))


@rule("pinned-versions")
def pinned_versions(ctx: Context, item: ChecklistItem) -> Outcome:
    # An optional import that is neither declared nor installed is not part of the environment to lock.
    deps = [d for d in ctx.report.dependencies
            if d.distribution and not (d.optional and d.status == USED_UNDECLARED and not d.installed_version)]
    if not deps:
        return Outcome(NOT_APPLICABLE, ("no third-party Python dependency to pin",))
    unpinned, pinned = [], []
    for dep in deps:
        spec = dep.declared_spec or ""
        if dep.installed_version:
            pinned.append(f"{dep.distribution} {dep.installed_version} (installed)")
        elif spec.startswith("=="):
            pinned.append(f"{dep.distribution} {spec} (declared)")
        else:
            declared = f"declared {spec!r}" if spec else "no version declared"
            unpinned.append(f"{dep.distribution}: {declared}, not installed in the target environment")
    if unpinned:
        return Outcome(FAIL, _capped(unpinned))
    return Outcome(PASS, _capped(pinned))


@rule("python-version")
def python_version(ctx: Context, item: ChecklistItem) -> Outcome:
    if not ctx.facts.readable:
        return _no_folder()
    in_project = [s for s in ctx.report.python_versions if s.source != INTERPRETER]
    named = {s.file for s in in_project}
    recorded = [describe(s) for s in in_project] + [text for text in ctx.facts.python_version_sources
                                                    if text.split(":", 1)[0] not in named]
    if not (recorded or _has_python(ctx)):
        languages = ", ".join(l.name for l in ctx.report.languages if l.name not in NOT_LOGIC_LANGUAGES)
        return Outcome(NOT_APPLICABLE, (f"the project has no Python code ({languages or 'no code'}), so no Python "
                                        "version needs recording",))
    if recorded:
        conflicts = [f"conflict: {c.sentence}" for c in choose_target_python(ctx.report.python_versions).conflicts
                     if c.in_project]
        return Outcome(PASS, tuple(dict.fromkeys(recorded + conflicts)))
    seen = ctx.report.target.python_version
    hint = f"the scan saw Python {seen} in {ctx.report.target.interpreter}, but " if seen else ""
    return Outcome(FAIL, (f"{hint}no file in the project records the Python version",))


def _has_python(ctx: Context) -> bool:
    """Python code, Python notebooks or Python dependencies (an R Markdown's python chunks bring the last)."""
    return bool(ctx.report.dependencies) or any(
        l.name in (PYTHON_LANGUAGE, PYTHON_NOTEBOOKS) for l in ctx.report.languages)


@rule("r-packages")
def r_packages(ctx: Context, item: ChecklistItem) -> Outcome:
    packages = [p for p in ctx.report.r_packages if not p.base]
    uses_r = any(l.name in ("R", "R Markdown", "Quarto", "Sweave", "Jupyter (R)") for l in ctx.report.languages)
    if not packages:
        if uses_r:
            return Outcome(PASS, ("the R code uses only base packages",))
        return Outcome(NOT_APPLICABLE, ("the project has no R code",))
    missing = [f"{p.name} has no recorded version (used at {location_text(p.sources[0].file, p.sources[0].line, p.sources[0].cell)})"
               if p.sources else f"{p.name} has no recorded version" for p in packages if not p.version]
    if missing:
        return Outcome(FAIL, _capped(missing))
    return Outcome(PASS, _capped(f"{p.name} {p.version}" for p in packages))


@rule("system-packages")
def system_packages(ctx: Context, item: ChecklistItem) -> Outcome:
    if ctx.project.system_packages:
        return Outcome(PASS, (f"handoff.yaml: system_packages: {', '.join(ctx.project.system_packages)}",))
    return Outcome(FAIL, ("handoff.yaml lists no system_packages",))


# ---------------------------------------------------------------- Findings (portability, security)

def matching_findings(findings: Iterable[Finding], item: ChecklistItem) -> list[Finding]:
    check = item.check
    return [f for f in findings
            if (not check.categories or f.category in check.categories)
            and (not check.rules or any(fnmatch(f.rule, pattern) for pattern in check.rules))
            and not any(fnmatch(f.rule, pattern) for pattern in check.exclude_rules)]


def describe_finding(finding: Finding, limit: int = 140) -> str:
    """``file:line: snippet`` (the snippet is already masked by the scan), else the finding's message."""
    text = " ".join((finding.snippet or finding.message).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{location_text(finding.file, finding.line, finding.cell)}: {text}"


@rule("findings")
def findings(ctx: Context, item: ChecklistItem) -> Outcome:
    found = matching_findings(ctx.report.findings, item)
    suppressions = ctx.project.suppressions
    open_ = [describe_finding(f) for f in found if f.fingerprint not in suppressions]
    explained = [f"suppressed: {location_text(f.file, f.line, f.cell)} ({f.rule}): {suppressions[f.fingerprint]}"
                 for f in found if f.fingerprint in suppressions]
    note = f"{len(explained)} finding(s) suppressed with a reason in handoff.yaml" if explained else ""
    if open_:
        return Outcome(FAIL, _capped(open_ + explained), note)
    not_analysed = _not_analysed(ctx.report)
    if not_analysed:
        return Outcome(UNKNOWN, _capped(not_analysed + explained), note)
    if explained:
        return Outcome(PASS, _capped(explained), note)
    return Outcome(PASS, ("the scan found none",))


def _not_analysed(report: ScanReport) -> list[str]:
    """Files (or folders) the scan could not read or fully analyse: what they hold was not checked, so an item
    that looks for findings is unknown rather than passed (blocking items stay blocking)."""
    return [f"not analysed, so not checked: {shown_path(problem.file)}: {problem.reason}" for problem in report.problems]


# A path or host in a configuration file is already configuration (the fix leaves it there as its key's value).
CONFIG_FILE_SUFFIXES = (".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".json", ".properties")


@rule("config-keys")
def config_keys(ctx: Context, item: ChecklistItem) -> Outcome:
    """Passes when nothing is hardcoded in the code; the evidence names the keys it reads (the one key set)."""
    hardcoded = [f for f in ctx.report.findings if f.category in ("path", "host", "secret")
                 and not f.rule.startswith("notebook.output.") and f.fingerprint not in ctx.project.suppressions
                 and not (f.category != "secret" and f.file.lower().endswith(CONFIG_FILE_SUFFIXES))]
    if hardcoded:
        return Outcome(FAIL, (f"{len(hardcoded)} hardcoded path(s), endpoint(s) or credential(s) in the code "
                              "(`handoff fix` or Fix… on the Findings page moves them into configuration)",))
    keys = project_config_keys(ctx.report, ctx.project)
    if keys:
        return Outcome(PASS, (f"configuration read from keys: {', '.join(k.name for k in keys)}",))
    return Outcome(PASS, ("no hardcoded paths, endpoints or credentials found: nothing needs configuring",))


@rule("secret-files")
def secret_files(ctx: Context, item: ChecklistItem) -> Outcome:
    if not ctx.facts.readable:
        return _no_folder()
    suppressions = ctx.project.suppressions
    flagged = [f for f in ctx.report.findings if fnmatch(f.rule, "secret.file*") and f.fingerprint not in suppressions]
    files = sorted(set(ctx.facts.secret_files) | {f.file for f in flagged})
    if files:
        return Outcome(FAIL, _capped(f"secret file in the tree: {shown_path(path)}" for path in files))
    return Outcome(PASS, ("no .env, key or credential files in the tree",))


@rule("licence")
def licence(ctx: Context, item: ChecklistItem) -> Outcome:
    if not ctx.facts.readable:
        return _no_folder()
    if ctx.facts.licence_files:
        return Outcome(PASS, tuple(f"licence file: {p}" for p in ctx.facts.licence_files))
    return Outcome(FAIL, ("no LICENSE, LICENCE or COPYING file at the top of the project",))


# ---------------------------------------------------------------- Testing

@rule("test-suite")
def test_suite(ctx: Context, item: ChecklistItem) -> Outcome:
    if not ctx.facts.readable:
        return _no_folder()
    if ctx.facts.test_files:
        return Outcome(PASS, (f"{len(ctx.facts.test_files)} test file(s): {', '.join(ctx.facts.test_files[:5])}",))
    return Outcome(FAIL, ("no test files (tests/, test_*.py, *_test.py, testthat)",))


def _declared_path_rule(ctx: Context, attribute: str) -> Outcome:
    named = [(e, getattr(e, attribute)) for e in ctx.project.entry_points if getattr(e, attribute)]
    if not named:
        return Outcome(FAIL, (f"no entry point in handoff.yaml names its {attribute}",))
    present = [f"handoff.yaml: {e.name}.{attribute}: {path}" for e, path in named if _exists(ctx.facts, path)]
    missing = [f"{e.name}.{attribute}: {path} is not in the project" for e, path in named if not _exists(ctx.facts, path)]
    if present:
        return Outcome(PASS, tuple(present) + tuple(missing))
    if not ctx.facts.readable:
        return _no_folder()
    return Outcome(FAIL, tuple(missing))


def _exists(facts: ProjectFacts, path: str) -> bool:
    clean = path.strip().lstrip("./").rstrip("/")
    return clean in facts.paths or any(p.startswith(clean + "/") for p in facts.paths)


@rule("smoke-run")
def smoke_run(ctx: Context, item: ChecklistItem) -> Outcome:
    return _declared_path_rule(ctx, "sample_input")


@rule("expected-output")
def expected_output(ctx: Context, item: ChecklistItem) -> Outcome:
    return _declared_path_rule(ctx, "expected_output")


@rule("random-seeds")
def random_seeds(ctx: Context, item: ChecklistItem) -> Outcome:
    facts = ctx.facts
    if not facts.readable:
        return _no_folder()
    if facts.unseeded_calls:
        return Outcome(FAIL, _capped(f"no seed: {call}" for call in facts.unseeded_calls))
    if not facts.random_calls:
        return Outcome(NOT_APPLICABLE, ("no code draws random numbers (splits, sampling, randomised models)",))
    return Outcome(PASS, (f"{len(facts.random_calls)} random call(s), all seeded",)
                   + tuple(f"seed set in {path}" for path in facts.seeded_files[:5]))


@rule("notebooks-clean")
def notebooks_clean(ctx: Context, item: ChecklistItem) -> Outcome:
    books = ctx.report.notebooks
    if not books:
        return Outcome(NOT_APPLICABLE, ("the project has no notebooks",))
    suppressed = {(f.file, f.rule): ctx.project.suppressions[f.fingerprint] for f in ctx.report.findings
                  if f.rule.startswith("notebook.") and f.fingerprint in ctx.project.suppressions}
    problems, explained = [], []
    for book in books:
        issues = []
        if book.out_of_order:
            counts = ", ".join("-" if c is None else str(c) for c in book.execution_counts)
            issues.append(("notebook.out-of-order", f"{shown_path(book.path)}: cells executed out of order ({counts})"))
        if book.errors:
            issues.append(("notebook.error-output", f"{shown_path(book.path)}: {book.errors} cell(s) with an error output"))
        for rule_id, text in issues:
            reason = suppressed.get((book.path, rule_id))
            (explained if reason else problems).append(f"suppressed: {text}: {reason}" if reason else text)
    if problems:
        return Outcome(FAIL, tuple(problems + explained))
    return Outcome(PASS, (f"{len(books)} notebook(s) run in order without errors",) + tuple(explained))


# ---------------------------------------------------------------- Operations

def _no_entry_points() -> Outcome:
    return Outcome(FAIL, ("handoff.yaml declares no entry_points",))


@rule("owner")
def owner(ctx: Context, item: ChecklistItem) -> Outcome:
    if not ctx.has_project_file:
        return Outcome(FAIL, ("no handoff.yaml: run `handoff init` and fill in the owner",))
    person = ctx.project.owner
    if person is None or not person.email:
        return Outcome(FAIL, ("handoff.yaml: owner needs a name and an email",))
    escalation = [c for c in ctx.project.contacts if c.role and "escalation" in c.role.lower() and c.email]
    evidence = (f"handoff.yaml: owner: {person.name} <{person.email}>",)
    if not escalation:
        return Outcome(FAIL, evidence + ("handoff.yaml: no contact with role escalation and an email",))
    return Outcome(PASS, evidence + tuple(f"handoff.yaml: escalation: {c.name} <{c.email}>" for c in escalation))


def _per_entry_point(ctx: Context, present: Callable[[EntryPoint], Optional[str]], missing: str) -> Outcome:
    entries = ctx.project.entry_points
    if not entries:
        return _no_entry_points()
    found = [f"handoff.yaml: {e.name}: {present(e)}" for e in entries if present(e)]
    lacking = [f"{e.name}: {missing}" for e in entries if not present(e)]
    return Outcome(FAIL if lacking else PASS, tuple(lacking + found))


@rule("schedule")
def schedule(ctx: Context, item: ChecklistItem) -> Outcome:
    entries = ctx.project.entry_points
    if not entries:
        return _no_entry_points()
    scheduled = [f"handoff.yaml: {e.name}: schedule {e.schedule}" for e in entries if e.schedule]
    if scheduled:
        return Outcome(PASS, tuple(scheduled))
    return Outcome(FAIL, ("no entry point has a schedule",))


@rule("io-documented")
def io_documented(ctx: Context, item: ChecklistItem) -> Outcome:
    def described(entry: EntryPoint) -> Optional[str]:
        if entry.inputs and entry.outputs:
            return f"reads {', '.join(entry.inputs)}; writes {', '.join(entry.outputs)}"
        return None
    return _per_entry_point(ctx, described, "inputs and outputs are not both listed")


@rule("runtime")
def runtime(ctx: Context, item: ChecklistItem) -> Outcome:
    return _per_entry_point(ctx, lambda e: f"expected runtime {e.expected_runtime}" if e.expected_runtime else None,
                            "no expected_runtime")


@rule("logging")
def logging_rule(ctx: Context, item: ChecklistItem) -> Outcome:
    facts = ctx.facts
    if not facts.readable:
        return _no_folder()
    if not facts.python_modules:
        return Outcome(NOT_APPLICABLE, ("no Python modules (notebooks and R scripts are not checked)",))
    if facts.print_calls:
        return Outcome(FAIL, _capped(f"print() at {where}" for where in facts.print_calls))
    return Outcome(PASS, (f"no print() in {len(facts.python_modules)} Python module(s)",))
