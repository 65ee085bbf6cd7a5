"""``handoff bundle PATH -o OUT [--zip] [--engine auto|pip-tools|uv|installed] [--target-python X.Y]
[--target-platform P] [--include-dev] [--accelerator auto|cpu|cuda] [--with-wheels] [--allow-not-ready REASON]
[--policy P] [--python PY] [--sign KEY [--key-password-env NAME | --key-password-file FILE]]``.

A password-protected signing key (``minisign -G``) is unlocked before the scan, so a wrong password is said at
once: its password is asked on the terminal, or read from an environment variable or a file (cli.key_password).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from handoff_assistant.bundle.options import (ACCELERATORS, AUTO, ENGINES, BundleError, BundleOptions, BundleResult,
                                              NotReadyError)
from handoff_assistant.cli import key_password
from handoff_assistant.cli.output import TerminalProgress


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the prototype's folder (never modified)")
    parser.add_argument("-o", "--output", required=True,
                        help="folder to write the bundle into; it is named PROJECT-YYYYMMDD-HHMMSS[-COMMIT]-handoff "
                             "after the build's date, so earlier handoffs stay")
    parser.add_argument("--zip", action="store_true", help="write one .zip instead of a folder")
    parser.add_argument("--engine", choices=ENGINES, default=AUTO,
                        help="how to lock: auto (default: uv when installed, else pip-tools), pip-tools, uv (fast; "
                             "can lock for another Python/platform; follows your pip configuration), "
                             "installed (no index reachable: pins from the target environment, no hashes)")
    parser.add_argument("--target-python", metavar="X.Y",
                        help="the server's Python version (default: the project's own record: .python-version, "
                             "runtime.txt, environment.yml, requires-python, the notebooks' kernels; else the "
                             "scanned interpreter)")
    parser.add_argument("--target-platform", metavar="P", help="the server's platform, e.g. x86_64-manylinux_2_28")
    parser.add_argument("--include-dev", action="store_true",
                        help="lock test- and notebook-only dependencies with production ones (by default they go to "
                             "env/requirements-dev.txt)")
    parser.add_argument("--accelerator", choices=ACCELERATORS, default="auto",
                        help="torch and similar libraries: auto (default builds; the log says when the code shows no "
                             "GPU use), cpu (lock the CPU builds from the library's CPU index), cuda")
    parser.add_argument("--with-wheels", action="store_true",
                        help="download every locked wheel into env/wheels/ for a server without internet")
    parser.add_argument("--allow-not-ready", metavar="REASON",
                        help="hand over a project whose level is Not ready; the reason is recorded")
    parser.add_argument("--policy", help="a team policy YAML for the assessment")
    parser.add_argument("--python", help="the target interpreter (default: the project's venv, else python3 on PATH)")
    parser.add_argument("--sign", metavar="KEY",
                        help="sign SHA256SUMS with this minisign secret key (handoff keygen makes one); IT checks it "
                             "with handoff verify --trust PUBKEY; a password-protected key's password is asked")
    key_password.register(parser)
    parser.add_argument("--max-input-size", type=float, default=50, metavar="MB",
                        help="a file the code opens travels in code/ up to this size (default 50 MB); a larger one is "
                             "a required input IT places, listed in the runbook with its SHA-256")
    parser.add_argument("--data-folder", action="append", default=[], metavar="FOLDER",
                        help="a project folder that file names in the code may be relative to; repeat for more")


def run(args: argparse.Namespace) -> int:
    from handoff_assistant.bundle.writer import build_bundle
    from handoff_assistant.cli import EXIT_FAILED_CHECK, UsageError

    if args.allow_not_ready is not None and not args.allow_not_ready.strip():
        raise UsageError("--allow-not-ready needs a reason, e.g. --allow-not-ready \"pilot agreed with IT\"")
    options = BundleOptions(Path(args.output), zip=args.zip, engine=args.engine, target_python=args.target_python,
                            target_platform=args.target_platform, with_wheels=args.with_wheels,
                            allow_not_ready_reason=args.allow_not_ready,
                            policy_path=Path(args.policy) if args.policy else None, python=args.python,
                            include_dev=args.include_dev, accelerator=args.accelerator,
                            sign_key=_signing_key(args),
                            max_input_bytes=_input_limit(args.max_input_size),
                            data_folders=tuple(f.strip("/") for f in args.data_folder))
    progress = TerminalProgress()
    try:
        result = build_bundle(Path(args.path), options, progress)
    except NotReadyError as error:
        print(f"handoff bundle: {error}", file=sys.stderr)
        return EXIT_FAILED_CHECK
    except BundleError as error:
        raise UsageError(str(error)) from error
    finally:
        progress.finish()
    print(render_result(result))
    return 0


def render_result(result: BundleResult) -> str:
    lines = [f"Wrote {result.path} ({result.size} bytes); readiness: {result.level}"]
    lines += [f"  warning: {warning}" for warning in result.warnings]
    lines.append(f"Check it with: handoff verify {result.path}")
    return "\n".join(lines)


def _signing_key(args: argparse.Namespace):
    """The --sign key, unlocked here (a password-protected one with its password) before any work starts."""
    from handoff_assistant.bundle.writer import unlock_signing_key
    from handoff_assistant.cli import UsageError
    from handoff_assistant.signing import secret_key_needs_password

    if not args.sign:
        return None
    key = Path(args.sign)
    password = key_password.key_password(key, args) if secret_key_needs_password(key) else None
    try:
        return unlock_signing_key(key, password)
    except BundleError as error:
        raise UsageError(str(error)) from None


def _input_limit(megabytes: float) -> int:
    from handoff_assistant.cli import UsageError

    if not megabytes >= 0:
        raise UsageError(f"--max-input-size must be a number of MB, 0 or more (got {megabytes})")
    return int(megabytes * 1000 * 1000)
