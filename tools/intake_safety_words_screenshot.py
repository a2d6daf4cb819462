"""Take docs/screenshots/intake-safety-words.png: the intake after the narrative
named a weapon, with nothing ticked by hand (issue 18 item 1), offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/intake_safety_words_screenshot.py
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from umcr_console.config import load_deployment
from umcr_console.domain.enums import CallType
from umcr_console.ui.intake import IntakeDialog
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "intake-safety-words.png"


def main() -> None:
    app = QApplication(sys.argv)
    apply_theme(app, "dark")
    deployment = load_deployment("pilot")
    intake = IntakeDialog(
        divisions=list(deployment.divisions),
        workstation_id="ws-demo",
        clock=lambda: datetime(2026, 11, 26, 21, 40, tzinfo=UTC),
    )
    intake.call_type.setCurrentIndex(intake.call_type.findData(CallType.WELFARE_CHECK))
    intake.address.setText("Ventura Blvd & Sepulveda Blvd, parking structure")
    intake.division.setCurrentIndex(intake.division.findData("West Valley"))
    intake.caller_name.setText("Security desk (example)")
    intake.phone.setText("(818) 555-0190")
    intake.person.setText("Man, about 40, sleeping in a car on level 3; calm so far")
    intake.narrative.setPlainText(
        "Caller is the night guard. Man refuses to leave, talking to himself. "
        "Guard thinks he has a gun in his waistband. No one hurt."
    )
    intake.resize(760, 860)
    intake.show()
    intake.read_safety_words()
    intake.try_submit()  # refused: the words are not answered yet
    app.processEvents()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not intake.grab().save(str(OUT)):
        raise SystemExit(f"could not write {OUT}")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
