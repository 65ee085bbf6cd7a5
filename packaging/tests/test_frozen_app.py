"""Smoke test of the frozen app (``make package`` runs it; not part of ``make test``: it needs the build).

The tarball (HANDOFF_FROZEN_TARBALL, else the newest dist/handoff-assistant-*.tar.gz) is unpacked into a temporary
folder and its executables run with a bare environment (no venv, PATH=/usr/bin:/bin): the CLI's version, a scan
of the bundled sample (the same findings as the installed app's scan), a scan big enough for the worker processes,
a bundle with --engine installed that verifies, and the GUI on a virtual X display until its window shows, with a
screenshot (dist/frozen-app.png).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from handoff_assistant import __version__

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "dist" / "frozen-app.png"


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    """The unpacked app folder (holding ``handoff`` and ``handoff-assistant``)."""
    named = os.environ.get("HANDOFF_FROZEN_TARBALL")
    tarballs = [Path(named)] if named else sorted((ROOT / "dist").glob("handoff-assistant-*.tar.gz"),
                                                   key=lambda p: p.stat().st_mtime)
    if not tarballs or not tarballs[-1].is_file():
        pytest.fail("no dist/handoff-assistant-*.tar.gz: run `make package` first")
    dest = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarballs[-1]) as archive:
        archive.extractall(dest, filter="tar")
    (folder,) = dest.iterdir()
    return folder


@pytest.fixture
def bare_env(tmp_path) -> dict[str, str]:
    """What a fresh login has: no virtualenv, no PYTHONPATH, the system PATH."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


@pytest.fixture
def sample(frozen, tmp_path) -> Path:
    """The sample prototype shipped inside the frozen app, copied out (a scan never writes into it anyway)."""
    shipped = frozen / "_internal" / "handoff_assistant" / "resources" / "samples" / "churn-prototype"
    return Path(shutil.copytree(shipped, tmp_path / "churn-prototype"))


def run(frozen: Path, env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(frozen / "handoff"), *args], env=env, capture_output=True, text=True, timeout=timeout)


def test_version(frozen, bare_env):
    done = run(frozen, bare_env, "--version")
    assert (done.returncode, done.stdout) == (0, f"handoff {__version__}\n")


def test_scan_of_the_sample_finds_what_the_installed_app_finds(frozen, bare_env, sample, tmp_path):
    from handoff_assistant.scan import ScanOptions, scan_project

    done = run(frozen, bare_env, "scan", str(sample), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    frozen_report = json.loads((tmp_path / "r.json").read_text())
    installed = scan_project(sample, ScanOptions(use_cache=False, cache_dir=tmp_path / "cache"))
    assert sorted({f["rule"] for f in frozen_report["findings"]}) == sorted({f.rule for f in installed.findings})
    imports = {name for d in frozen_report["dependencies"] for name in d["import_names"]}
    assert imports == {name for d in installed.dependencies for name in d.import_names}
    assert {"pandas", "sklearn"} <= imports


def test_a_big_scan_runs_in_worker_processes_of_the_frozen_executable(frozen, bare_env, tmp_path):
    project = tmp_path / "big"
    for index in range(320):  # over scan.per_file.PARALLEL_MIN_FILES: the process pool starts
        module = project / f"pkg{index // 40}" / f"module_{index}.py"
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(f"import os\nDATA = '/home/alice/data/{index}.csv'\n")
    done = run(frozen, bare_env, "scan", str(project), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    assert "worker process stopped" not in done.stderr  # a broken pool falls back to one process and says so
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["files"]["analysed"] == 320
    assert len([f for f in report["findings"] if f["category"] == "path"]) == 320


def test_bundle_with_the_installed_engine_verifies(frozen, bare_env, sample, tmp_path):
    done = run(frozen, bare_env, "bundle", str(sample), "-o", str(tmp_path / "out"), "--engine", "installed",
               "--allow-not-ready", "frozen smoke test")
    assert done.returncode == 0, done.stderr
    (bundle,) = (tmp_path / "out").iterdir()
    manifest = json.loads((bundle / "handoff-manifest.json").read_text())
    assert manifest["environment"]["engine"] == "installed"
    verified = run(frozen, bare_env, "verify", str(bundle))
    assert verified.returncode == 0 and verified.stdout.startswith("OK: "), verified.stdout + verified.stderr


SCREEN = "1280x860"
GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["grab"])
image = app.primaryScreen().grabWindow(0).toImage()
lit = sum(1 for y in range(0, image.height(), 8) for x in range(0, image.width(), 8) if image.pixel(x, y) & 0xFFFFFF)
image.save(sys.argv[1])
print(lit / ((image.height() // 8 + 1) * (image.width() // 8 + 1)))
"""


def lit_share(display: str, png: Path) -> float:
    """Grab the whole virtual screen (black root) into ``png``; the share of pixels that are not black."""
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    done = subprocess.run([sys.executable, "-c", GRAB, str(png)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return float(done.stdout.strip())


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """A virtual X server on a free display, ready when this returns (it writes its number once it listens)."""
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", f"{SCREEN}x24", "-br", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return server, ":" + server.stdout.readline().strip()


@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb); J1 runs it offscreen")
def test_the_gui_window_shows_on_a_virtual_display(frozen, bare_env, sample, tmp_path):
    server, display = start_xvfb()
    gui = None
    try:
        assert lit_share(display, tmp_path / "before.png") < 0.01  # nothing on the screen yet
        gui = subprocess.Popen([str(frozen / "handoff-assistant"), str(sample)], env={**bare_env, "DISPLAY": display},
                               stderr=subprocess.PIPE, text=True)
        shown = 0.0
        for _ in range(90):
            time.sleep(1)
            assert gui.poll() is None, gui.communicate()[1]
            shown = lit_share(display, tmp_path / "window.png")
            if shown > 0.5:
                time.sleep(4)  # let the scan of the sample finish and the checklist render
                break
        assert shown > 0.5, "the main window did not show"
        SCREENSHOT.parent.mkdir(exist_ok=True)
        lit_share(display, SCREENSHOT)
    finally:
        if gui is not None:
            gui.terminate()
            gui.wait(timeout=30)
        server.terminate()
        server.wait()
