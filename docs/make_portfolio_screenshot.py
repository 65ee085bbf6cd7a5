"""Render the portfolio page over a demo landing folder to docs/screenshots/portfolio(-dark).png.

Run from the checkout: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_portfolio_screenshot.py``.
The bundles are small manifest-only bundles made with the portfolio tests' helper; everything is
written to a temporary folder, including the portfolio database.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
OUT = CHECKOUT / "docs" / "screenshots"
SIZE = (1280, 800)


def sections(code, environment, portability, security, testing, operations) -> dict:
    return dict(code=code, environment=environment, portability=portability, security=security, testing=testing,
                operations=operations)


def make_landing(drop: Path) -> None:
    from handoff_assistant.portfolio.reviews import save_review
    from tests.portfolio.conftest import make_bundle, manifest, write_verification

    churn = [("2026-09-12", 38, "Not ready", ("no-hardcoded-credentials", "owner-named"),
              sections(60, 40, 30, 10, 20, 35)),
             ("2026-10-03", 61, "Not ready", ("owner-named",), sections(75, 70, 60, 80, 40, 30)),
             ("2026-10-24", 74, "Needs work", (), sections(85, 80, 75, 90, 55, 60)),
             ("2026-11-20", 86, "Ready", (), sections(95, 90, 85, 100, 70, 75))]
    for number, (day, score, level, blockers, scores) in enumerate(churn):
        latest = make_bundle(drop / "churn", f"churn-{day}", manifest(
            "churn", f"{day}T09:00:00+00:00", score, level, blockers, commit=f"{number + 1}a2b3c4d5e6f",
            section_scores=scores))
    save_review(latest, "approved", "Good to go; IT verified on staging.", by="m.lead")
    write_verification(latest)
    fraud = make_bundle(drop, "fraud-scoring-2026-11-02", manifest(
        "fraud-scoring", "2026-11-02T10:00:00+00:00", 71, "Needs work", owner="Cy Model", commit="9f3e2a71c0d4",
        section_scores=sections(90, 80, 75, 70, 30, 60)))
    save_review(fraud, "changes requested", "Add an expected-output check before we schedule it.", by="m.lead")
    pricing = make_bundle(drop, "pricing-2026-11-15", manifest(
        "pricing", "2026-11-15T10:00:00+00:00", 44, "Not ready", ("no-user-home-paths",), owner="Dee Analyst",
        commit="c0ffee1234ab", section_scores=sections(55, 60, 10, 50, 35, 45)))
    write_verification(pricing, failed=("smoke",))
    for day, score, commit in (("2026-10-30", 58, "77aa0b1c2d3e"), ("2026-11-18", 66, "88bb1c2d3e4f")):
        make_bundle(drop, f"recsys-{day}", manifest(
            "recsys", f"{day}T10:00:00+00:00", score, "Needs work", owner="Eli Scientist", commit=commit,
            section_scores=sections(80, 70, 80, 65, 40, 50)))
    (drop / "attrition-final.zip").write_bytes(b"PK\x03\x04 truncated upload")


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(CHECKOUT))
    scratch = Path(tempfile.mkdtemp(prefix="handoff-portfolio-shot-"))
    os.environ["HANDOFF_DATA_DIR"] = str(scratch / "data")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from handoff_assistant.gui.pages.portfolio_page import PortfolioPage
    from handoff_assistant.gui.theme import apply_theme

    app = QApplication([sys.argv[0]])
    make_landing(scratch / "handoffs")
    for theme in ("light", "dark"):
        apply_theme(app, theme)
        page = PortfolioPage(database=scratch / f"{theme}.sqlite3")
        page.resize(*SIZE)
        page.show()
        loop = QEventLoop()
        page.rows_loaded.connect(loop.quit)
        QTimer.singleShot(30000, loop.quit)
        page.add_source(scratch / "handoffs")
        loop.exec()
        page.select_project("churn")
        app.processEvents()
        page.grab().save(str(OUT / f"portfolio{'' if theme == 'light' else '-dark'}.png"))
        page._runner.wait_for_done()
        page.close()
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"Screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
