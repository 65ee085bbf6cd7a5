"""``handoff verify BUNDLE``: every file against SHA256SUMS and the manifest; exit 1 naming what differs.

With ``--run-tests`` it also prepares the bundle as IT would (venv from the lock, the harness with the given
configuration) and saves the result as verification.json beside the bundle; exit 0 only when integrity holds
and every check passes: a check that could not verify (no sample input, an unreachable host) makes the
verification incomplete, which exits 1 with each reason listed.

Running the harness runs the bundle's own code on this machine, so ``--run-tests`` says so and asks first;
``--yes`` confirms without asking (CI), and without a terminal to ask on, the run is refused unless ``--yes`` is
given (exit 2). What is known without running anything comes first: an entry point whose program neither PATH nor
the lock provides fails the verification by name (exit 1), and then nothing is asked and nothing runs. Secrets for the run come from ``--env-file FILE`` (``-`` = standard input) or ``--env KEY``
(asked without echo), not from the command line, where every user sees them in ``ps``.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from handoff_assistant.bundle.options import BundleError
from handoff_assistant.bundle.verification_record import VerificationRecord, record_to_dict, write_record
from handoff_assistant.cli.output import TerminalProgress
from handoff_assistant.outcome import CHECK_STATUSES, PASSED, outcome_label

if TYPE_CHECKING:  # the verifier loads in run(): `handoff verify --help` stays fast
    from handoff_assistant.bundle.verify import VerificationResult

GROUPED_FROM = 10  # a top-level folder with this many extra files is one line ("'.venv/ (2,431 files)")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("bundle", help="the bundle folder or .zip")
    parser.add_argument("--run-tests", action="store_true",
                        help="also build the bundle's environment from the lock and run its harness; the result is "
                             "saved as NAME.verification.json beside the bundle")
    parser.add_argument("--workdir", help="folder to open the bundle into and build its environment in "
                                          "(default: a new temporary folder)")
    parser.add_argument("--config", help="the filled-in configuration file (default: config/config.yaml of the "
                                         "opened bundle)")
    parser.add_argument("--env", action="append", default=[], metavar="KEY[=VALUE]",
                        help="an environment value for the run; KEY alone asks for the value without echo. A value "
                             "written here is visible in the process list: give secrets with --env-file")
    parser.add_argument("--env-file", metavar="FILE",
                        help="KEY=VALUE lines (a .env file) for the run; '-' reads them from standard input")
    parser.add_argument("--yes", action="store_true",
                        help="confirm that the bundle's own code may run on this machine (needed without a terminal)")
    parser.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                        help="stop each step (venv, install, harness) after this long, with everything it started "
                             "(default: 30 minutes for setup, twice the expected runtimes plus 5 minutes for the "
                             "harness)")
    parser.add_argument("--allow-lock-options", action="store_true",
                        help="let pip follow options written inside the lock (--index-url, --extra-index-url, "
                             "--trusted-host, -f ...); refused by default")
    parser.add_argument("--python", help="interpreter to build the environment with (default: the bundle's "
                                         "target Python from PATH)")
    parser.add_argument("--trust", metavar="PUBKEY",
                        help="require a valid signature of SHA256SUMS by this minisign public key (a .pub file or "
                             "its base64 line); fails when the bundle is unsigned or signed by another key")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.bundle.verify import verify_bundle
    from handoff_assistant.cli import EXIT_FAILED_CHECK, EXIT_OK

    result = verify_bundle(args.bundle, trust=_trusted_key(args.trust))
    record = _run_tests(args, result) if args.run_tests and result.ok else None
    if args.format == "json":
        data = {"integrity": _integrity_dict(result), "verification": record_to_dict(record) if record else None}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(render_result(result))
        if args.run_tests and not result.ok:
            print("The harness was not run: the bundle failed its integrity check.")
        if record is not None:
            print(render_record(record))
    passed = result.ok and (record is None or record.passed)
    return EXIT_OK if passed else EXIT_FAILED_CHECK


def _run_tests(args: argparse.Namespace, integrity: VerificationResult) -> VerificationRecord:
    """Run the harness of the bundle ``integrity`` verified a moment ago (it is not hashed again)."""
    from handoff_assistant.bundle.harness_run import RunOptions, run_harness
    from handoff_assistant.cli import UsageError

    if args.config and not Path(args.config).is_file():
        raise UsageError(f"the configuration file {args.config} does not exist")
    values = {**env_file_values(args.env_file), **_env_values(args.env)}
    not_runnable = _missing_programs(args.bundle, integrity)
    if not_runnable is not None:
        return _save(args.bundle, not_runnable)
    confirm_running_bundle_code(args.bundle, args.yes)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="handoff-verify-"))
    options = RunOptions(workdir, Path(args.config) if args.config else None, values, args.python,
                         timeout=args.timeout, allow_lock_options=args.allow_lock_options)
    bar = TerminalProgress()
    try:
        record = run_harness(args.bundle, options, progress=bar, integrity=integrity)
    except BundleError as error:
        raise UsageError(str(error)) from error
    finally:
        bar.finish()
    return _save(args.bundle, record)


def _missing_programs(bundle: str, integrity: VerificationResult) -> VerificationRecord | None:
    """A failed record when an entry point's program is missing (known before any of the bundle's code runs)."""
    from handoff_assistant.bundle.contents import read_contents
    from handoff_assistant.bundle.harness_run import record_without_running
    from handoff_assistant.bundle.preflight import missing_programs

    missing = missing_programs(read_contents(bundle))
    if not missing:
        return None
    print("The bundle's code was not run: an entry point's program is missing on this machine.", file=sys.stderr)
    return record_without_running(Path(bundle), missing, integrity)


def _save(bundle: str, record: VerificationRecord) -> VerificationRecord:
    try:
        saved = write_record(bundle, record)
        print(f"Saved the result as {saved}", file=sys.stderr)
    except BundleError as error:
        print(f"handoff verify: {error}", file=sys.stderr)
    return record


def _trusted_key(value: str | None):
    """The public key of --trust: a file, or the base64 line minisign prints (``minisign -P``)."""
    from handoff_assistant.cli import UsageError
    from handoff_assistant.signing import SignatureError, load_public_key, read_public_key

    if not value:
        return None
    try:
        if Path(value).is_file():
            return load_public_key(value)
        try:
            return read_public_key(value)
        except SignatureError:
            if "/" in value or value.endswith(".pub"):  # a mistyped file name, not a key: say the file is missing
                return load_public_key(value)
            raise
    except SignatureError as error:
        raise UsageError(f"--trust {value}: {error}") from None


def confirm_running_bundle_code(bundle: str, yes: bool) -> None:
    """Say plainly that the bundle's code will run; ask on a terminal, refuse without one unless ``yes``."""
    from handoff_assistant.cli import UsageError

    notice = (f"--run-tests runs the bundle's own code (its harness and entry points, from {bundle}) on this "
              "machine as you, with your PATH and HOME and the values you give.")
    if yes:
        print(f"handoff verify: {notice}", file=sys.stderr)
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{notice} There is no terminal to confirm on: add --yes to allow it.")
    print(notice, file=sys.stderr)
    try:
        answer = input("Run it? [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise UsageError("not run: the bundle's code was not allowed to run")


def _env_values(items: list[str]) -> dict[str, str]:
    """``KEY=VALUE`` as given; ``KEY`` alone is asked for on the terminal without echo."""
    import getpass

    from handoff_assistant.bundle.run_env import is_variable_name
    from handoff_assistant.cli import UsageError

    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not is_variable_name(key.strip()):
            raise UsageError(f"--env {key.strip()!r} is not an environment variable name")
        if not sep:
            if not sys.stdin.isatty():
                raise UsageError(f"--env {key} has no value and there is no terminal to ask for it; use --env-file")
            value = getpass.getpass(f"{key.strip()}: ")
        else:
            print(f"handoff verify: note: the value of {key.strip()} given on the command line is visible in the "
                  "process list; give secrets with --env-file or --env KEY", file=sys.stderr)
        values[key.strip()] = value
    return values


def env_file_values(path: str | None) -> dict[str, str]:
    """KEY=VALUE lines of a .env file ('-' = standard input): comments, blank lines, ``export`` and quotes allowed."""
    from handoff_assistant.bundle.run_env import EnvLineError, parse_env_lines
    from handoff_assistant.cli import UsageError

    if not path:
        return {}
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--env-file {path} cannot be read ({getattr(error, 'strerror', None) or error})") from None
    try:
        return parse_env_lines(text)
    except EnvLineError as error:
        raise UsageError(f"--env-file {path} {error}") from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 seconds")
    return value


def _integrity_dict(result: VerificationResult) -> dict:
    return {"path": result.path, "ok": result.ok, "checked": result.checked, "mismatched": list(result.mismatched),
            "missing": list(result.missing), "extra": list(result.extra), "problems": list(result.problems),
            "project": result.project, "created_at": result.created_at, "level": result.level,
            "signature": result.signature}


def render_record(record: VerificationRecord) -> str:
    python = record.python
    lines = [f"Harness run in {record.workdir} with Python {python.version} ({python.path})" if python else ""]
    if python and python.note:
        lines.append(f"  NOTE: {python.note}")
    for check in record.results:
        lines.append(f"  {outcome_label(check.status):10} {check.name}")
        if check.status != PASSED and check.message:
            lines += [f"             {line}" for line in check.message.splitlines()]
    outcome = record.outcome
    counts = ", ".join(f"{record.count(status)} {status}" for status in CHECK_STATUSES)
    lines.append(f"{outcome_label(outcome.state)}: {counts}.")
    if not outcome.passed:
        lines.append("Why:" if outcome.state == "failed" else "Not verified, because:")
        lines += [f"  - {reason}" for reason in outcome.reasons]
    return "\n".join(line for line in lines if line)


def render_result(result: VerificationResult) -> str:
    about = f"{result.project or 'unnamed project'}, created {result.created_at or 'at an unknown time'}, " \
            f"readiness {result.level or 'unknown'}"
    placed = [f"  required input not placed yet: {path} (RUNBOOK.md gives its SHA-256)" for path in
              result.inputs_missing]
    signed = [f"  signature: {result.signature}"] if result.signature else []
    if result.ok:
        return "\n".join([f"OK: {result.path} ({about}): {result.checked} files match SHA256SUMS and the manifest."]
                         + signed + placed)
    lines = [f"FAILED: {result.path} ({about}); {result.checked} files matched."] + signed
    lines += [f"  required input differs: {path} (its SHA-256 is not the one in the manifest)"
              for path in result.inputs_different]
    lines += [f"  changed: {path} (its content differs from SHA256SUMS)" for path in result.mismatched]
    lines += [f"  missing: {path}" for path in result.missing]
    lines += [f"  not part of the bundle: {name}" for name in _extra_lines(result.extra)]
    lines += [f"  problem: {problem}" for problem in result.problems] + placed
    lines.append("Do not install this bundle; ask its owner for a new one.")
    return "\n".join(lines)


def _extra_lines(extra: tuple[str, ...]) -> list[str]:
    """Each extra file, except that a top-level folder full of them (a whole .venv) is one line."""
    by_top: dict[str, list[str]] = {}
    for path in extra:
        by_top.setdefault(path.split("/", 1)[0] + "/" if "/" in path else path, []).append(path)
    lines = []
    for top, paths in by_top.items():
        grouped = len(paths) >= GROUPED_FROM
        lines += [f"{top} ({len(paths):,} files; --format json lists them)"] if grouped else paths
    return lines
