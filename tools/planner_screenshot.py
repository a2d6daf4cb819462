"""Take docs/screenshots/planner.png: the expansion planner on the citywide scenario, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/planner_screenshot.py

The worked example of docs/planning.md: all 21 divisions at the pilot's calls
per division, three 8-hour shifts, mean response at most 30 minutes.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from umcr_console.ui.planner import PlannerWindow
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "planner.png"


def main() -> None:
    app = QApplication(sys.argv)
    apply_theme(app, "dark")
    window = PlannerWindow(clock=lambda: datetime.now(UTC))
    window.choose("citywide")
    window.recompute()
    window.show()
    app.processEvents()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(OUT)):
        raise SystemExit(f"could not write {OUT}")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
