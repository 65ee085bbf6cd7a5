"""``make package``: PyInstaller build of both executables, the release tarball, then the frozen smoke test.

Run by the clean venv ``make package`` creates (the project and the ``package`` extra installed, not editable):
  dist/handoff-assistant-<version>-<os>-<machine>.tar.gz  holding  handoff-assistant-<version>/
      handoff-assistant, handoff, _internal/ (Python, Qt, resources, uv), install.sh, share/ (desktop entry,
      AppStream metadata, the bundle MIME type, icons: from packaging/linux/)
``--no-smoke`` skips the smoke test (packaging/tests/test_frozen_app.py, which unpacks the tarball elsewhere).
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from handoff_assistant import __version__

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-smoke", action="store_true", help="build the tarball only")
    args = parser.parse_args()
    folder = freeze()
    tarball = DIST / f"handoff-assistant-{__version__}-{platform.system().lower()}-{platform.machine()}.tar.gz"
    write_tarball(folder, tarball)
    print(f"wrote {tarball} ({tarball.stat().st_size / 1e6:.0f} MB)")
    if args.no_smoke:
        return 0
    env = dict(os.environ, HANDOFF_FROZEN_TARBALL=str(tarball))
    tests = ROOT / "packaging" / "tests"
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c",
                            str(tests / "pytest.ini"), "--rootdir", str(ROOT), str(tests)], env=env, cwd=ROOT)


def freeze() -> Path:
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                    "--distpath", str(WORK / "dist"), "--workpath", str(WORK / "work"),
                    str(ROOT / "packaging" / "handoff.spec")], check=True, cwd=ROOT)
    folder = WORK / "dist" / "handoff-assistant"
    if sys.platform.startswith("linux"):
        add_desktop_integration(folder)
    return folder


# packaging/linux/<file> -> <folder>/share/<place>: laid out as in ~/.local/share, where install.sh copies it.
DESKTOP_FILES = {
    "handoff-assistant.desktop": "applications/handoff-assistant.desktop",
    "io.github.handoff_assistant.metainfo.xml": "metainfo/io.github.handoff_assistant.metainfo.xml",
    "handoff-assistant-mime.xml": "mime/packages/handoff-assistant.xml",
}


def add_desktop_integration(folder: Path) -> None:
    linux = ROOT / "packaging" / "linux"
    share = folder / "share"
    for name, place in DESKTOP_FILES.items():
        (share / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(linux / name, share / place)
    shutil.copytree(linux / "icons", share / "icons", dirs_exist_ok=True)
    shutil.copy2(linux / "install.sh", folder / "install.sh")


def write_tarball(folder: Path, tarball: Path) -> None:
    tarball.parent.mkdir(parents=True, exist_ok=True)
    partial = tarball.with_name(tarball.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(folder, arcname=f"handoff-assistant-{__version__}")
    partial.replace(tarball)


if __name__ == "__main__":
    sys.exit(main())
