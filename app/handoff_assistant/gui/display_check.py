"""Before Qt starts on Linux: is there a display, and can Qt's X11 (xcb) platform plugin load?

Without them Qt prints a warning and aborts with a core dump. This check runs first and explains instead, in one
paragraph: what is missing, which Debian/Fedora packages provide it, and that the ``handoff`` CLI works headless.
It imports no Qt module: it reads the plugin's ELF ``DT_NEEDED`` list and asks the dynamic loader for each
library Qt does not ship itself.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import struct
import sys
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

# soname -> (Debian/Ubuntu package, Fedora package). A library not listed here is named by its soname alone.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
}

CLI_HINT = ("The handoff command does everything headless: handoff scan, handoff check, handoff bundle, "
            "handoff verify and handoff portfolio (handoff --help lists them).")

Loader = Callable[[str], Optional[str]]  # soname -> None when it loads, else the library that is missing


def display_problem(environ: Mapping[str, str] = os.environ, platform: str = sys.platform,
                    qt_dir: Optional[Path] = None, load: Optional[Loader] = None) -> Optional[str]:
    """One paragraph saying why the window cannot open, or None when Qt can start (or it is not Linux)."""
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: the user chose a platform; Qt reports its own errors
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None
    if not environ.get("DISPLAY"):
        return ("Handoff Assistant cannot open its window: there is no display (DISPLAY and WAYLAND_DISPLAY are "
                "not set). Start it from a desktop session, over ssh -X, or on a virtual display "
                "(xvfb-run handoff-assistant; Debian/Ubuntu: apt-get install xvfb, Fedora: dnf install "
                "xorg-x11-server-Xvfb). " + CLI_HINT)
    qt_dir = qt_dir or _qt_dir()
    if qt_dir is None:
        return None
    missing = missing_libraries(qt_dir, load or _missing_when_loaded)
    if not missing:
        return _unreachable(environ["DISPLAY"])
    debian = " ".join(dict.fromkeys(PACKAGES[m][0] for m in missing if m in PACKAGES))
    fedora = " ".join(dict.fromkeys(PACKAGES[m][1] for m in missing if m in PACKAGES))
    install = f" Install them: on Debian/Ubuntu apt-get install {debian}; on Fedora dnf install {fedora}." \
        if debian else ""
    return (f"Handoff Assistant cannot open its window: the system libraries Qt's X11 (xcb) platform plugin needs "
            f"are missing: {', '.join(missing)}.{install} " + CLI_HINT)


def _unreachable(display: str) -> Optional[str]:
    """Qt aborts when DISPLAY names an X server that does not answer; ask libxcb (now known to load) first."""
    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = (ctypes.c_char_p, ctypes.c_void_p)
    xcb.xcb_connection_has_error.argtypes = (ctypes.c_void_p,)
    xcb.xcb_disconnect.argtypes = (ctypes.c_void_p,)
    connection = xcb.xcb_connect(display.encode(), None)
    failed = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if not failed:
        return None
    return (f"Handoff Assistant cannot open its window: the X display {display} (DISPLAY) does not answer. Start "
            f"it from a desktop session, over ssh -X, or on a virtual display (xvfb-run handoff-assistant). "
            + CLI_HINT)


def missing_libraries(qt_dir: Path, load: Loader) -> list[str]:
    """The system libraries the xcb plugin (and the Qt libraries it pulls in) need but the loader cannot find."""
    plugin = qt_dir / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.is_file():
        return []
    shipped = qt_dir / "lib"  # the Qt libraries and the ICU they bring: found through Qt's own RUNPATH
    libraries = [plugin] + [shipped / name for name in elf_needed(plugin) if (shipped / name).is_file()]
    needed = [name for library in libraries for name in elf_needed(library) if not (shipped / name).exists()]
    missing = (load(name) for name in dict.fromkeys(needed))
    return list(dict.fromkeys(name for name in missing if name))


def elf_needed(path: Path) -> list[str]:
    """The ``DT_NEEDED`` sonames of a 64-bit little-endian ELF file (Linux x86_64/aarch64); [] for anything else."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQII", data, shoff + i * shentsize) for i in range(shnum)]
    for _name, kind, _flags, _addr, offset, size, link, _info in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab_offset = sections[link][4]
        names = []
        for entry in range(offset, offset + size, 16):
            tag, value = struct.unpack_from("<qQ", data, entry)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                start = strtab_offset + value
                names.append(data[start:data.index(b"\0", start)].decode())
        return names
    return []


def _missing_when_loaded(soname: str) -> Optional[str]:
    try:
        ctypes.CDLL(soname)
    except OSError as error:
        # "libxkbcommon.so.0: cannot open shared object file" names the library really missing (maybe a dependency)
        found = re.match(r"(\S+?): cannot open shared object file", str(error))
        return found.group(1) if found else soname
    return None


def _qt_dir() -> Optional[Path]:
    """PySide6's Qt folder (plugins/, lib/), found without importing Qt; in a frozen app beside the bundle too."""
    spec = importlib.util.find_spec("PySide6")
    roots: Sequence[str] = list(spec.submodule_search_locations or []) if spec else []
    if getattr(sys, "frozen", False):
        roots = [*roots, str(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "PySide6")]
    return next((Path(root) / "Qt" for root in roots if (Path(root) / "Qt" / "plugins").is_dir()), None)
