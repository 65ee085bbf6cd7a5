"""``diff_bundles(old, new) -> BundleDiff``: what changed between two handoffs of a project.

Both bundles are verified first (every file against SHA256SUMS and the manifest): a bundle that fails is
reported as tampered, with its files named, and nothing is compared — a diff of a changed copy would describe
changes nobody handed over. Code changes come from the files' own hashes (as read), their line counts from
difflib on the two texts; the rest comes from the two manifests. Findings are matched by fingerprint when the manifests list them (``findings``): only open findings
count, so a finding suppressed since the last handoff is "resolved" with its reason. Older manifests only carry
``findings_summary``, and then the change is given per category.
"""
from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional

from packaging.version import InvalidVersion, Version

from handoff_assistant.bundle.contents import BundleContents, read_contents
from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.verify import VerificationResult, verify_bundle
from handoff_assistant.serialization import to_jsonable
from handoff_assistant.tasks import CancelToken, ProgressCallback, ensure_cancel, ensure_progress

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True)
class ValueChange:
    old: Any
    new: Any


@dataclass(frozen=True)
class VersionChange:
    name: str
    old: str
    new: str
    direction: str  # "upgraded", "downgraded" or "changed" (not comparable)


@dataclass(frozen=True)
class FileChange:
    path: str  # inside code/
    status: str  # ADDED, REMOVED or CHANGED
    lines_added: Optional[int]  # None for a binary or too large file
    lines_removed: Optional[int]


@dataclass(frozen=True)
class BundleDiff:
    old: str
    new: str
    dependencies_added: tuple[tuple[str, str], ...] = ()  # (name, version)
    dependencies_removed: tuple[tuple[str, str], ...] = ()
    dependencies_changed: tuple[VersionChange, ...] = ()
    python: Optional[ValueChange] = None
    platform: Optional[ValueChange] = None
    score: Optional[ValueChange] = None
    level: Optional[ValueChange] = None
    findings_by_fingerprint: bool = False
    findings_new: tuple[str, ...] = ()  # one line each: "severity rule at file:line" or "category: +n"
    findings_resolved: tuple[str, ...] = ()
    findings_total: Optional[ValueChange] = None
    entry_points_added: tuple[str, ...] = ()
    entry_points_removed: tuple[str, ...] = ()
    entry_points_changed: tuple[str, ...] = ()  # "name: command" / "name: schedule" ...
    config_keys_added: tuple[str, ...] = ()
    config_keys_removed: tuple[str, ...] = ()
    code_files: tuple[FileChange, ...] = ()
    dependencies_now_direct: tuple[tuple[str, str], ...] = ()  # (name, version): pinned before as a transitive one
    tampered: tuple[str, ...] = ()  # "NEW bundle: code/x.py: content differs from SHA256SUMS"; nothing compared
    verification: tuple[str, str] = ("", "")  # IT's outcome of OLD and NEW from their records ("" = not run)

    @property
    def changed(self) -> bool:
        return any(value for key, value in self.__dict__.items()
                   if key not in ("old", "new", "findings_by_fingerprint", "tampered", "verification"))


def diff_bundles(old: Path | str, new: Path | str, progress: Optional[ProgressCallback] = None,
                 cancel: Optional[CancelToken] = None) -> BundleDiff:
    report, token = ensure_progress(progress), ensure_cancel(cancel)
    for path in (Path(old), Path(new)):
        if not path.exists():
            raise BundleError(f"{path} does not exist. Choose a bundle folder or a .zip.")
    report(0, 3, "Verifying both bundles against their SHA256SUMS")
    checked = verify_bundle(old), verify_bundle(new)
    outcomes = (_verification_state(old), _verification_state(new))
    tampered = tuple(f"{label} bundle: {line}" for label, result in zip(("OLD", "NEW"), checked)
                     for line in result.differing_lines())
    if tampered:
        return BundleDiff(str(old), str(new), tampered=tampered, verification=outcomes)
    token.raise_if_cancelled()
    before, after = read_contents(old), read_contents(new)
    diff = diff_contents(before, after, report, token, hashes=(checked[0].hashes, checked[1].hashes))
    return dataclasses.replace(diff, verification=outcomes)


def _verification_state(bundle: Path | str) -> str:
    """IT's outcome from the record beside the bundle, "" when there is none for this bundle's content."""
    from handoff_assistant.bundle.verification_record import belongs_to, read_record, record_path

    path = record_path(bundle)
    if not path.is_file():
        return ""
    try:
        record = read_record(path)
    except BundleError:
        return "record error"
    return record.outcome.state if belongs_to(record, bundle) else ""


def diff_contents(before: BundleContents, after: BundleContents, progress: Optional[ProgressCallback] = None,
                  cancel: Optional[CancelToken] = None,
                  hashes: Optional[tuple[Mapping[str, str], Mapping[str, str]]] = None) -> BundleDiff:
    """The comparison of two (verified) bundles; ``hashes`` are their files' hashes as read, else the manifests'."""
    report, token = ensure_progress(progress), ensure_cancel(cancel)
    old, new = before.manifest, after.manifest
    report(1, 3, "Comparing the manifests")
    added, removed, changed = _dependency_changes(_versions(old), _versions(new))
    findings = _findings_changes(old, new)
    entries = _entry_point_changes(old.get("entry_points") or [], new.get("entry_points") or [])
    old_keys, new_keys = _names(old.get("config_keys")), _names(new.get("config_keys"))
    report(2, 3, "Comparing the code")
    old_hashes, new_hashes = hashes or (_manifest_hashes(old), _manifest_hashes(new))
    code = _code_changes(before, after, _code_only(old_hashes), _code_only(new_hashes), token)
    now_direct = _now_direct(old, new)
    report(3, 3, "Compared")
    return BundleDiff(
        str(before.source), str(after.source), added, removed, changed,
        _change(_get(old, "environment", "python_version"), _get(new, "environment", "python_version")),
        _change(_get(old, "environment", "platform"), _get(new, "environment", "platform")),
        _change(_get(old, "assessment", "score"), _get(new, "assessment", "score")),
        _change(_get(old, "assessment", "level"), _get(new, "assessment", "level")),
        *findings, *entries, tuple(sorted(new_keys - old_keys)), tuple(sorted(old_keys - new_keys)), code,
        now_direct)


def diff_to_dict(diff: BundleDiff) -> dict[str, Any]:
    return {"format": "handoff-bundle-diff", "schema_version": 1, "changed": diff.changed, **to_jsonable(diff)}


def _get(manifest: dict[str, Any], section: str, key: str) -> Any:
    value = manifest.get(section)
    return value.get(key) if isinstance(value, dict) else None


def _change(old: Any, new: Any) -> Optional[ValueChange]:
    return None if old == new else ValueChange(old, new)


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


def _versions(manifest: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Canonical name → (name as written, version): the lock, plus direct dependencies the lock misses."""
    versions = {}
    for dep in manifest.get("dependencies") or []:
        if isinstance(dep, dict) and dep.get("distribution"):
            versions[_canonical(dep["distribution"])] = (dep["distribution"], str(dep.get("installed_version") or ""))
    for pin in _get(manifest, "environment", "locked") or []:
        if isinstance(pin, dict) and pin.get("name"):
            versions[_canonical(pin["name"])] = (pin["name"], str(pin.get("version") or ""))
    return versions


def _dependency_changes(old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]):
    added = tuple(new[k] for k in sorted(new.keys() - old.keys()))
    removed = tuple(old[k] for k in sorted(old.keys() - new.keys()))
    changed = tuple(VersionChange(new[k][0], old[k][1], new[k][1], _direction(old[k][1], new[k][1]))
                    for k in sorted(old.keys() & new.keys()) if old[k][1] != new[k][1])
    return added, removed, changed


def _direction(old: str, new: str) -> str:
    try:
        return "upgraded" if Version(new) > Version(old) else "downgraded"
    except InvalidVersion:
        return "changed"


def _findings_changes(old: dict[str, Any], new: dict[str, Any]):
    if isinstance(old.get("findings"), list) and isinstance(new.get("findings"), list):
        before, after = _open_findings(old["findings"]), _open_findings(new["findings"])
        suppressed = {f["fingerprint"]: f["suppressed"] for f in new["findings"]
                      if isinstance(f, dict) and f.get("fingerprint") and f.get("suppressed")}
        return (True, tuple(_describe(after[k]) for k in sorted(after.keys() - before.keys())),
                tuple(_describe(before[k], suppressed.get(k)) for k in sorted(before.keys() - after.keys())),
                _change(len(before), len(after)))
    old_summary, new_summary = old.get("findings_summary") or {}, new.get("findings_summary") or {}
    old_counts, new_counts = old_summary.get("by_category") or {}, new_summary.get("by_category") or {}
    grown = tuple(f"{c}: {old_counts.get(c, 0)} → {new_counts[c]}" for c in sorted(new_counts)
                  if new_counts[c] > old_counts.get(c, 0))
    shrunk = tuple(f"{c}: {old_counts[c]} → {new_counts.get(c, 0)}" for c in sorted(old_counts)
                   if old_counts[c] > new_counts.get(c, 0))
    return False, grown, shrunk, _change(old_summary.get("total"), new_summary.get("total"))


def _open_findings(findings: list) -> dict[str, dict[str, Any]]:
    """Fingerprint → finding, for the findings not suppressed in handoff.yaml."""
    return {f["fingerprint"]: f for f in findings
            if isinstance(f, dict) and f.get("fingerprint") and not f.get("suppressed")}


def _describe(finding: dict[str, Any], suppressed: Optional[str] = None) -> str:
    where = f"{finding.get('file', '?')}:{finding.get('line', '?')}"
    text = f"{finding.get('severity', '')} {finding.get('rule', '')} at {where}".strip()
    return f"{text} (suppressed: {suppressed})" if suppressed else text


def _entry_point_changes(old: list, new: list):
    before = {e["name"]: e for e in old if isinstance(e, dict) and e.get("name")}
    after = {e["name"]: e for e in new if isinstance(e, dict) and e.get("name")}
    changed = tuple(f"{name}: {key} {before[name].get(key)!r} → {after[name].get(key)!r}"
                    for name in sorted(before.keys() & after.keys())
                    for key in ("command", "schedule", "inputs", "outputs", "expected_runtime")
                    if before[name].get(key) != after[name].get(key))
    return tuple(sorted(after.keys() - before.keys())), tuple(sorted(before.keys() - after.keys())), changed


def _names(keys: Any) -> set[str]:
    return {k["name"] for k in keys or [] if isinstance(k, dict) and k.get("name")}


def _manifest_hashes(manifest: dict[str, Any]) -> dict[str, str]:
    return {f["path"]: f.get("sha256", "") for f in manifest.get("files") or []
            if isinstance(f, dict) and isinstance(f.get("path"), str)}


def _code_only(hashes: Mapping[str, str]) -> dict[str, str]:
    return {path: digest for path, digest in hashes.items() if path.startswith("code/")}


def _direct(manifest: dict[str, Any]) -> set[str]:
    return {_canonical(d["distribution"]) for d in manifest.get("dependencies") or []
            if isinstance(d, dict) and d.get("distribution") and d.get("status") != "declared-unused"}


def _locked(manifest: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {_canonical(p["name"]): (p["name"], str(p.get("version") or ""))
            for p in _get(manifest, "environment", "locked") or [] if isinstance(p, dict) and p.get("name")}


def _now_direct(old: dict[str, Any], new: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Direct dependencies of NEW that OLD already pinned as transitive ones, at the same version."""
    before, after = _locked(old), _locked(new)
    return tuple(after[k] for k in sorted((_direct(new) - _direct(old)) & before.keys() & after.keys())
                 if before[k][1] == after[k][1])


def _code_changes(before: BundleContents, after: BundleContents, old: dict[str, str], new: dict[str, str],
                  cancel: CancelToken) -> tuple[FileChange, ...]:
    changes = []
    for path in sorted(old.keys() | new.keys()):
        cancel.raise_if_cancelled()
        if path in old and path in new and old[path] == new[path]:
            continue
        old_lines = _lines(before, path) if path in old else []
        new_lines = _lines(after, path) if path in new else []
        status = ADDED if path not in old else REMOVED if path not in new else CHANGED
        if old_lines is None or new_lines is None:
            changes.append(FileChange(path.removeprefix("code/"), status, None, None))
            continue
        plus, minus = _line_counts(old_lines, new_lines)
        changes.append(FileChange(path.removeprefix("code/"), status, plus, minus))
    return tuple(changes)


def _lines(contents: BundleContents, path: str) -> Optional[list[str]]:
    text = contents.text(path)
    return None if text is None else text.splitlines()


def _line_counts(old: list[str], new: list[str]) -> tuple[int, int]:
    plus = minus = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            minus += i2 - i1
        if tag in ("replace", "insert"):
            plus += j2 - j1
    return plus, minus


def diff_text(diff: BundleDiff) -> str:
    """The diff as a few readable lines per kind of change (the CLI's text output and the GUI's summary)."""
    lines = [f"Comparing {diff.old}", f"     with {diff.new}"]
    if diff.tampered:
        return "\n".join(lines + ["TAMPERED: a bundle does not match its SHA256SUMS and manifest, so nothing was "
                                   "compared. Do not install it; ask its owner for a new one."]
                          + [f"  {line}" for line in diff.tampered])
    if any(diff.verification):
        old_state, new_state = (state or "not run" for state in diff.verification)
        lines.append(f"IT verification: {old_state.upper()} → {new_state.upper()}")
    if not diff.changed:
        return "\n".join(lines + ["No differences: same dependencies, target, readiness, findings, entry points, "
                                  "configuration keys and code."])
    lines += _section("Dependencies", [f"+ {n} {v}" for n, v in diff.dependencies_added]
                      + [f"- {n} {v}" for n, v in diff.dependencies_removed]
                      + [f"~ {c.name} {c.old} → {c.new} ({c.direction})" for c in diff.dependencies_changed]
                      + [f"= {n}: now imported and declared, pinned {v} as before"
                         for n, v in diff.dependencies_now_direct])
    lines += _section("Target", [f"{label}: {c.old} → {c.new}" for label, c in
                                 (("Python", diff.python), ("platform", diff.platform)) if c])
    lines += _section("Readiness", [f"{label}: {c.old} → {c.new}" for label, c in
                                    (("score", diff.score), ("level", diff.level)) if c])
    how = "" if diff.findings_by_fingerprint else " (counts per category: these bundles do not list findings)"
    total = [f"open findings: {diff.findings_total.old} → {diff.findings_total.new}"] if diff.findings_total else []
    lines += _section("Findings" + how, total + [f"new: {f}" for f in diff.findings_new]
                      + [f"resolved: {f}" for f in diff.findings_resolved])
    lines += _section("Entry points", [f"+ {n}" for n in diff.entry_points_added]
                      + [f"- {n}" for n in diff.entry_points_removed] + [f"~ {c}" for c in diff.entry_points_changed])
    lines += _section("Configuration keys", [f"+ {n}" for n in diff.config_keys_added]
                      + [f"- {n}" for n in diff.config_keys_removed])
    lines += _section("Code", [_file_line(change) for change in diff.code_files])
    return "\n".join(lines)


def _section(title: str, entries: list[str]) -> list[str]:
    return ["", f"{title}:"] + [f"  {entry}" for entry in entries] if entries else []


def _file_line(change: FileChange) -> str:
    mark = {ADDED: "+", REMOVED: "-", CHANGED: "~"}[change.status]
    counts = "binary or too large" if change.lines_added is None else f"+{change.lines_added} -{change.lines_removed}"
    return f"{mark} {change.path} ({counts})"
