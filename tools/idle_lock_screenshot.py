"""Take docs/screenshots/idle_lock.png: the lock screen after a wrong password, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/idle_lock_screenshot.py

What a passer-by sees at a locked console: the user's name, counts only
(calls waiting, alerts), the password field and its error, sign in and quit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from umcr_console.ui.idle_lock import IdleLock, LockSummary
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "idle_lock.png"


def main() -> None:
    app = QApplication(sys.argv)
    apply_theme(app, "dark")
    lock = IdleLock(
        username="dispatcher1",
        verify=lambda _password: False,
        idle_min=15,
        quit=app.quit,
        summary=lambda: LockSummary(calls_waiting=3, alerts=1),
    )
    lock.lock()
    lock.try_unlock("a wrong guess")
    lock.screen.showNormal()
    lock.screen.resize(1280, 760)
    app.processEvents()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    if not lock.screen.grab().save(str(OUT)):
        raise SystemExit(f"could not write {OUT}")
    print(f"written {OUT}")
    lock.dispose()


if __name__ == "__main__":
    main()
