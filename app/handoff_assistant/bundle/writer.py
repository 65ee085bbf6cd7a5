"""Build a handoff bundle: ``build_bundle(project_root, options, progress, cancel) -> BundleResult``.

The bundle is assembled in a temporary folder inside the output folder and moved into place in one rename,
so a failure or a cancel never leaves a half-written bundle. Its name carries the build date (``bundle_name``),
so successive handoffs of a project coexist in one folder. The same input gives the same bytes: files are
written in sorted order, the zip has fixed timestamps and modes, and ``created_at`` comes from the input
(SOURCE_DATE_EPOCH, else the commit date of a clean repository, else the newest file's modification time).
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Optional, Sequence

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from handoff_assistant import __version__
from handoff_assistant.bundle import (accelerator, config_templates, container, data_inputs, environment_plan, groups,
                                      harness, lock, manifest, r_env, runbook, runner_group, runner_lock,
                                      schedule, snapshot)
from handoff_assistant.bundle import staging as staging_folders
from handoff_assistant.bundle.entry_points import plan_entry_points, slugify
from handoff_assistant.bundle.inputs import BundleInputs, gather_inputs
from handoff_assistant.bundle.options import BundleError, BundleOptions, BundleResult, NotReadyError
from handoff_assistant.bundle.path_gate import PathRefused, bundle_path_gate
from handoff_assistant.readiness.model import NOT_READY
from handoff_assistant.scan import languages
from handoff_assistant.scan.python_version import minor_version
from handoff_assistant.scan.report import Dependency, ScanReport, location_text, shown_path
from handoff_assistant.signing import (SIGNATURE_NAME, SecretKey, SignatureError, WrongPassword, load_secret_key,
                                      sign)
from handoff_assistant.tasks import CancelToken, ProgressCallback, ensure_cancel, ensure_progress

ZIP_DATE = (1980, 1, 1, 0, 0, 0)
STEPS = 7


def build_bundle(project_root: Path | str, options: BundleOptions, progress: Optional[ProgressCallback] = None,
                 cancel: Optional[CancelToken] = None) -> BundleResult:
    """Scan, assess and write the bundle of ``project_root`` (never modified) into ``options.output_dir``."""
    cancel = ensure_cancel(cancel)
    inputs = gather_inputs(Path(project_root), options, ensure_progress(progress), cancel)
    return write_bundle(inputs, options, progress, cancel)


def write_bundle(inputs: BundleInputs, options: BundleOptions, progress: Optional[ProgressCallback] = None,
                 cancel: Optional[CancelToken] = None) -> BundleResult:
    report_progress, cancel = ensure_progress(progress), ensure_cancel(cancel)
    reason = (options.allow_not_ready_reason or "").strip() or None
    if inputs.assessment.level == NOT_READY and reason is None:
        blockers = ", ".join(inputs.assessment.blockers) or "see the checklist"
        raise NotReadyError(f"The project is Not ready (blocking: {blockers}). Fix the blocking items, or hand "
                            "it over anyway with a reason (--allow-not-ready REASON); the reason is recorded.")
    options = dataclasses.replace(options, engine=lock.resolve_engine(options.engine))  # the manifest names it
    signing_key = _signing_key(options)
    output_dir = Path(options.output_dir).resolve()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        cleaned = staging_folders.clean_stale(output_dir)  # left by builds that were killed
        staging = staging_folders.new_staging(output_dir)
    except OSError as error:
        raise BundleError(f"Cannot write into {output_dir} ({error.strerror or error}). Choose another folder.") \
            from error
    try:
        report_progress(0, STEPS, "Listing the code and data files")
        plan = snapshot.plan_snapshot(inputs.root.resolve(), cancel, exclude=[output_dir])
        referenced = data_inputs.plan_inputs(inputs.root.resolve(), plan, cancel, options.max_input_bytes,
                                             options.data_folders)
        plan = referenced.snapshot
        created_at = _created_at(inputs.root.resolve(), inputs.report, plan)
        name = bundle_name(inputs.project.name or inputs.root.name, created_at, inputs.report.git.commit)
        warnings = _assemble(inputs, options, _Planned(plan, created_at, staging / name, referenced, signing_key), reason,
                             report_progress, cancel)
        cancel.raise_if_cancelled()
        report_progress(STEPS, STEPS, "Writing the zip" if options.zip else "Moving the bundle into place")
        final = _move_into_place(staging, name, output_dir, options.zip, cancel)
    except PathRefused as refusal:  # a file changed between planning and copying
        raise BundleError(f"The bundle could not be written ({refusal}); nothing was left in {output_dir}.") \
            from refusal
    except OSError as error:
        where = f": {error.filename}" if error.filename else ""
        raise BundleError(f"The bundle could not be written ({error.strerror or error}{where}); nothing was left "
                          f"in {output_dir}.") from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if cleaned:
        warnings += (f"Removed what interrupted builds left in {output_dir}: {', '.join(cleaned)}.",)
    return BundleResult(final, _size(final), inputs.assessment.level, warnings)


def bundle_name(project: str, created_at: str, commit: Optional[str]) -> str:
    """``<project>-<YYYYMMDD-HHMMSS>[-<commit>]-handoff``: successive handoffs of a project sit side by side
    in one folder and sort by time (UTC), and the same input still gets the same name."""
    when = datetime.fromisoformat(created_at)
    stamp = (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    short = f"-{commit[:7]}" if commit else ""
    return f"{slugify(project)}-{stamp.strftime('%Y%m%d-%H%M%S')}{short}-handoff"


@dataclass(frozen=True)
class _Planned:
    """What is decided before anything is written: the snapshot, the build date and the staging folder."""

    plan: snapshot.SnapshotPlan
    created_at: str
    dest: Path
    inputs: data_inputs.InputsPlan
    signing_key: Optional[SecretKey] = None


def _assemble(inputs: BundleInputs, options: BundleOptions, planned: _Planned, reason: Optional[str],
              report_progress: ProgressCallback, cancel: CancelToken) -> tuple[str, ...]:
    root, report, project = inputs.root.resolve(), inputs.report, inputs.project
    plan, created_at, dest = planned.plan, planned.created_at, planned.dest
    project_name = project.name or root.name
    report_progress(0, STEPS, "Copying the code")
    snapshot.copy_snapshot(root, plan, dest / "code", cancel)
    entry_points, samples, planned_warnings = plan_entry_points(project.entry_points, root)
    for sample in samples:
        _write(dest / sample.target, bundle_path_gate(root, sample.source).read_bytes())

    report_progress(1, STEPS, f"Locking the dependencies ({options.engine})")
    env_plan, lock_result = _lock_environment(inputs, options, plan, dest, cancel)
    python_version = env_plan.python.version
    _write(dest / "env" / "python-version", python_version + "\n")
    _write(dest / "env" / "r-packages.txt", r_env.r_packages_text(report.r_packages, project_name))
    if env_plan.r.lock_text:
        _write(dest / "env" / r_env.RENV_LOCK, env_plan.r.lock_text)
    if options.with_wheels:
        report_progress(2, STEPS, "Downloading the locked wheels")
        for requirements in [lock.LOCK_NAME] + ([runner_group.RUNNER_LOCK] if env_plan.runner.locked else []):
            lock.download_wheels(dest / "env", dest / "env" / "wheels", cancel, lock_result.hashed, options.pip_env,
                                 env_plan.python.version, options.target_platform,
                                 requirements=PurePosixPath(requirements).name)

    report_progress(3, STEPS, "Writing configuration templates, scripts and the harness")
    slug = slugify(project_name)
    account = schedule.service_account(project.service_account, slug)
    keys = config_templates.collect_config_keys(report, project)
    generated = {"config/config.example.yaml": config_templates.render_config_example(keys, project_name),
                 "config/.env.example": config_templates.render_env_example(keys, project_name)}
    generated |= harness.script_files(project_name, python_version, lock_result.hashed, entry_points,
                                      _uses_python(report, lock_result), env_plan.r, env_plan.runner)
    generated |= harness.harness_files(project_name, env_plan.r.present)
    generated |= schedule.schedule_files(entry_points, slug, account)
    generated |= container.container_files(_container_facts(report, env_plan, lock_result, options, slug, account),
                                           entry_points, project_name)
    generated["report.html"] = inputs.render_report_html(dataclasses.replace(report, scanned_at=created_at))
    for path, text in sorted(generated.items()):
        _write(dest / path, text, executable=path in harness.EXECUTABLE_SCRIPTS)

    report_progress(4, STEPS, "Writing the runbook and the manifest")
    warnings = _warnings(planned_warnings + planned.inputs.warnings, inputs, lock_result, plan, env_plan, options,
                         reason)
    parts = manifest.ManifestParts(
        __version__, created_at, report, project, inputs.assessment, lock_result, python_version,
        options.target_platform or report.target.platform, options.with_wheels, plan, entry_points, samples, keys,
        reason, warnings, planned.inputs.inputs, env_plan, account, schedule.install_dir(slug))
    _write(dest / runbook.RUNBOOK_NAME, runbook.render_runbook(manifest.manifest_data(parts, ()), dest.name))
    records = manifest.record_files(dest)
    _write(dest / manifest.MANIFEST_NAME, manifest.manifest_json(manifest.manifest_data(parts, records)))
    sums = manifest.sums_text(manifest.record_files(dest, exclude=(manifest.SUMS_NAME,)))
    _write(dest / manifest.SUMS_NAME, sums)
    if planned.signing_key is not None:
        comment = f"timestamp:{int(datetime.fromisoformat(created_at).timestamp())}\tfile:{manifest.SUMS_NAME}" \
                  f"\tbundle:{dest.name}"
        _write(dest / SIGNATURE_NAME, sign(sums.encode("utf-8"), planned.signing_key, comment))
    return warnings


def _signing_key(options: BundleOptions) -> Optional[SecretKey]:
    """The secret key to sign with, read before anything is written (a bad key is a sentence, not a half build)."""
    if options.sign_key is None or isinstance(options.sign_key, SecretKey):
        return options.sign_key
    return unlock_signing_key(options.sign_key)


class WrongKeyPassword(BundleError):
    """The signing key's password was wrong (the app asks again; the CLI says so in one line)."""


def unlock_signing_key(path: Path, password: Optional[str] = None) -> SecretKey:
    """The secret key in ``path``, unlocked with ``password`` when it is password-protected; BundleError otherwise."""
    try:
        return load_secret_key(path, password)
    except WrongPassword as error:
        raise WrongKeyPassword(str(error)) from None
    except SignatureError as error:
        raise BundleError(f"Cannot sign with {path}: {error}.") from error


def _lock_environment(inputs: BundleInputs, options: BundleOptions, plan: snapshot.SnapshotPlan, dest: Path,
                      cancel: CancelToken) -> tuple[environment_plan.EnvironmentPlan, lock.LockResult]:
    """Decide the target Python and the groups, lock production (and list development) dependencies, and gather
    the R environment, system packages and accelerator notes from the same facts."""
    root, report, project = inputs.root.resolve(), inputs.report, inputs.project
    env_dir = dest / "env"
    env_dir.mkdir(parents=True, exist_ok=True)
    python = environment_plan.target_python(report, options.target_python)
    grouped = environment_plan.plan_groups(root, report, project, options.include_dev)
    production = [_pin_source(g.dependency, report, python.version, options.engine) for g in grouped
                  if g.group == groups.PRODUCTION]
    development = [g.dependency for g in grouped if g.group == groups.DEVELOPMENT]
    direct = lock.direct_requirements(production, project.resolutions)
    index_lines = accelerator.cpu_index_lines([Requirement(line).name for line in direct.lines], options.accelerator)
    request = lock.prepared(lock.LockRequest(options.engine, report.target, python.version, options.target_platform,
                                             inputs.installed, options.pip_env))
    name = project.name or root.name
    result = lock.lock_dependencies(direct, lock.requirements_in_text(direct, name, index_lines), env_dir, request,
                                    cancel)
    if index_lines:
        text = lock.with_index_lines(result.requirements_txt, index_lines)
        (env_dir / "requirements.txt").write_text(text, encoding="utf-8")
        result = dataclasses.replace(result, requirements_txt=text)
    dev_direct = lock.direct_requirements(development, project.resolutions)
    reasons = {canonicalize_name(g.dependency.distribution): g.reason for g in grouped
               if g.group == groups.DEVELOPMENT and g.dependency.distribution}
    _write(env_dir / "requirements-dev.txt", lock.dev_requirements_text(dev_direct, reasons, name))
    runner = _lock_runner(inputs, result, request, index_lines, env_dir, cancel)
    r = environment_plan.plan_r(root, report)
    notes = accelerator.accelerator_notes([d.name for d in result.locked], options.accelerator, dest / "code",
                                          [f.path for f in plan.files])
    system = environment_plan.plan_system(r, report, result, grouped, project)
    return environment_plan.EnvironmentPlan(python, grouped, r, system, notes, runner), result


def _lock_runner(inputs: BundleInputs, production: lock.LockResult, request: lock.LockRequest,
                 index_lines: Sequence[str], env_dir: Path, cancel: CancelToken) -> runner_group.RunnerLock:
    """Lock what runs the notebook entry points (nbconvert, papermill, ipykernel) as a group of its own."""
    project = inputs.project
    plan = runner_group.plan_runner_group(project.entry_points, inputs.report.notebooks,
                                          [d.name for d in production.locked])
    runner = runner_lock.lock_runner_group(plan, production, request, project.name or inputs.root.name,
                                            index_lines, cancel)
    if runner.requirements_in:
        _write(env_dir / PurePosixPath(runner_group.RUNNER_IN).name, runner.requirements_in)
    if runner.locked:
        _write(env_dir / PurePosixPath(runner_group.RUNNER_LOCK).name, runner.requirements_txt)
    return runner


def _pin_source(dependency: Dependency, report: ScanReport, target: str, engine: str) -> Dependency:
    """The installed version pins a dependency only when the scanned interpreter runs the target Python: versions
    installed for another Python may not exist for the target (numpy 2.4 has no release for 3.10)."""
    scanned = minor_version(report.target.python_version)
    if engine == "installed" or not scanned or scanned == target:
        return dependency
    return dataclasses.replace(dependency, installed_version=None)


def _container_facts(report: ScanReport, env_plan: environment_plan.EnvironmentPlan, lock_result: lock.LockResult,
                     options: BundleOptions, slug: str, account: str) -> container.ContainerFacts:
    python_image = _uses_python(report, lock_result) or not env_plan.r.version
    return container.ContainerFacts(slug, account, schedule.install_dir(slug),
                                    env_plan.python.full_version if python_image else "", _python_locked(lock_result),
                                    env_plan.r, env_plan.system, lock_result.hashed, options.with_wheels,
                                    env_plan.runner)


def _uses_python(report: ScanReport, lock_result: lock.LockResult) -> bool:
    """Python code or Python packages: the target Python matters (an R-only project runs with any Python 3)."""
    return _python_locked(lock_result) or any(l.name in (languages.PYTHON, languages.JUPYTER_PYTHON)
                                              for l in report.languages)


def _python_locked(lock_result: lock.LockResult) -> bool:
    return bool(lock_result.locked or lock_result.unlocked)


def _warnings(planned: tuple[str, ...], inputs: BundleInputs, lock_result: lock.LockResult,
              plan: snapshot.SnapshotPlan, env_plan: environment_plan.EnvironmentPlan, options: BundleOptions,
              reason: Optional[str]) -> tuple[str, ...]:
    report, project = inputs.report, inputs.project
    warnings = list(planned)
    if reason:
        warnings.insert(0, f"Handed over while Not ready: {reason}")
    if not lock_result.hashed:
        warnings.append("The lockfile has no hashes (engine installed): pip cannot check the downloaded files.")
    python = env_plan.python
    locked_for = environment_plan.locked_for(options.engine, python.version)
    if _python_locked(lock_result) and locked_for != python.version:
        warnings.append(f"pip-tools cannot lock for another Python: it locked for the app's own Python {locked_for}, "
                        f"but the target is Python {python.version} (from {python.source}). Build again with "
                        "--engine uv, which locks for the target Python (--python-version).")
    warnings += [f"Python versions disagree: {sentence}." for sentence in python.conflicts]
    scanned = minor_version(inputs.report.target.python_version)
    if options.engine != "installed" and scanned and scanned != python.version and _python_locked(lock_result):
        warnings.append(f"The scanned interpreter runs Python {scanned}, not the target {python.version}: its installed "
                        "versions were not used as pins. Give the project's own interpreter with --python to lock "
                        "what it has.")
    warnings += [note.message for note in env_plan.accelerator_notes if accelerator.needs_note(note)]
    warnings += [f"Not locked: {u.name} ({u.reason})." for u in lock_result.unlocked]
    if env_plan.runner.problem:
        warnings.append(f"What runs the notebook entry points ({', '.join(env_plan.runner.plan.distributions)}) could "
                        f"not be locked: {env_plan.runner.problem.rstrip('.')}. Set-up will not install them; the "
                        "harness names what to install.")
    warnings += list(env_plan.runner.plan.notes)
    travelling = {f.path for f in plan.files}
    warnings += [f"{location_text(f.file, f.line, f.cell)} still holds a hard-coded credential ({f.rule}) and travels in code/; "
                 "move it to configuration and rotate it." for f in report.findings
                 if f.category == "secret" and f.file in travelling and f.fingerprint not in project.suppressions]
    if plan.secret_files:
        warnings.append(f"Secret files left out of the bundle: {', '.join(map(shown_path, plan.secret_files))}.")
    if plan.links:
        warnings.append(f"Symbolic links left out of the bundle: {', '.join(map(shown_path, plan.links))}.")
    warnings += [f"Left out of the bundle: {refusal}." for refusal in plan.refused]
    return tuple(warnings)


def _created_at(root: Path, report: ScanReport, plan: snapshot.SnapshotPlan) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).isoformat(timespec="seconds")
    git = report.git
    if git.is_repo and git.last_commit_date and not (git.dirty or git.untracked):
        return git.last_commit_date
    newest = max((int((root / f.path).stat().st_mtime) for f in plan.files), default=0)
    return datetime.fromtimestamp(newest, timezone.utc).isoformat(timespec="seconds")


def _write(path: Path, content: str | bytes, executable: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="\n")
    else:
        path.write_bytes(content)
    path.chmod(0o755 if executable else 0o644)


def write_zip(folder: Path, archive: Path, cancel: Optional[CancelToken] = None) -> None:
    """A reproducible zip: sorted members, fixed dates, Unix modes 644/755, no directory entries."""
    cancel = ensure_cancel(cancel)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle_zip:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            cancel.raise_if_cancelled()
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = (0o100755 if path.stat().st_mode & 0o111 else 0o100644) << 16
            with path.open("rb") as source, bundle_zip.open(info, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)


def _move_into_place(staging: Path, name: str, output_dir: Path, as_zip: bool, cancel: CancelToken) -> Path:
    if as_zip:
        built = staging / f"{name}.zip"
        write_zip(staging / name, built, cancel)
        final = output_dir / built.name
        os.replace(built, final)
        return final
    final = output_dir / name
    if final.exists():
        old = staging / "previous"
        os.rename(final, old)  # the old bundle is removed with the staging folder
    os.rename(staging / name, final)
    return final


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


__all__ = ["BundleInputs", "build_bundle", "bundle_name", "write_bundle", "write_zip"]
