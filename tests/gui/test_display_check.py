"""A clear start without a display (issue 15): the GUI entry explains and exits 2 instead of Qt's abort."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from handoff_assistant.gui.display_check import (CLI_HINT, _missing_when_loaded, _qt_dir, display_problem,
                                                 elf_needed, missing_libraries)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is Linux-only")
GUI_ENTRY = "from handoff_assistant.gui.app import main; raise SystemExit(main([]))"


def run_gui_entry(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", GUI_ENTRY], env=env, capture_output=True, text=True, timeout=60)


def environment_without_display(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, **extra}


@linux_only
def test_without_a_display_the_gui_entry_exits_2_and_points_to_the_cli():
    done = run_gui_entry(environment_without_display())
    assert done.returncode == 2
    assert "there is no display" in done.stderr and "handoff scan" in done.stderr
    assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr


@linux_only
def test_a_display_that_does_not_answer_is_named():
    done = run_gui_entry(environment_without_display(DISPLAY=":97"))  # no X server on :97 here
    assert done.returncode == 2
    assert "the X display :97 (DISPLAY) does not answer" in done.stderr


@linux_only
@pytest.mark.skipif(shutil.which("Xvfb") is None, reason="needs Xvfb (apt-get install xvfb)")
def test_with_a_working_display_the_window_opens(tmp_path):
    server = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    display = ":" + server.stdout.readline().strip()  # written once the server listens
    try:
        if missing_libraries(_qt_dir(), _missing_when_loaded):
            pytest.skip("this machine lacks the xcb libraries Qt needs")  # the message for it is tested below
        gui = subprocess.Popen([sys.executable, "-c", GUI_ENTRY], env=environment_without_display(DISPLAY=display),
                               stderr=subprocess.PIPE, text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            gui.wait(timeout=6)  # still running: the window is up
        gui.terminate()
        assert "cannot open its window" not in gui.communicate(timeout=30)[1]
    finally:
        server.terminate()
        server.wait()


def test_an_explicit_platform_or_wayland_or_another_os_is_left_to_qt():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({}, "darwin") is None
    assert display_problem({}, "win32") is None
    assert "there is no display" in display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux")


@linux_only
def test_the_xcb_plugin_needs_are_read_from_its_elf_header():
    needed = elf_needed(_qt_dir() / "plugins" / "platforms" / "libqxcb.so")
    assert "libxcb-cursor.so.0" in needed and "libxcb.so.1" in needed


@linux_only
def test_missing_xcb_libraries_are_named_with_their_debian_and_fedora_packages():
    absent = {"libxcb-cursor.so.0", "libxcb-keysyms.so.1"}  # as on a fresh Debian without a desktop
    message = display_problem({"DISPLAY": ":0"}, "linux", load=lambda name: name if name in absent else None)
    assert "missing: libxcb-cursor.so.0, libxcb-keysyms.so.1." in message
    assert "apt-get install libxcb-cursor0 libxcb-keysyms1" in message
    assert "dnf install xcb-util-cursor xcb-util-keysyms" in message
    assert message.endswith(CLI_HINT)


def test_a_library_missing_behind_another_is_reported_by_the_loader_s_own_words():
    assert _missing_when_loaded("libdoes-not-exist-handoff.so.9") == "libdoes-not-exist-handoff.so.9"
    assert _missing_when_loaded("libc.so.6") is None


def test_elf_reader_ignores_what_is_not_elf(tmp_path: Path):
    text = tmp_path / "not-elf.so"
    text.write_text("hello")
    assert elf_needed(text) == []
