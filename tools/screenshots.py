"""Take the screenshots in docs/screenshots/ from a live demo floor, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--wait 25]

Starts the demo server with its simulator, opens a dispatcher's console and a
wall display against it (real sync engine, real data), lets the floor run,
then saves the console, the intake form, the wall (1920x1080, both pages)
and the keyboard help.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.demo import DemoServer
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.map_widget import DivisionMapWidget
from umcr_console.ui.theme import apply_theme
from umcr_console.ui.wall import WallWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def now() -> datetime:
    return datetime.now(UTC)


async def shoot(demo: DemoServer, wait: float, tmp: Path) -> None:
    app = QApplication.instance()
    deployment = load_deployment()
    stores = [LocalStore(tmp / "console.sqlite3"), LocalStore(tmp / "wall.sqlite3")]
    console_ws = Workspace(stores[0], actor=demo.username)
    wall_ws = Workspace(stores[1], actor="demo-wall")
    engines = [
        SyncEngine(demo.url, console_ws, username=demo.username, password=demo.password),
        SyncEngine(demo.url, wall_ws, username="demo-wall", password=demo.password),
    ]
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        console_ws,
        deployment,
        settings=settings,
        username=demo.username,
        clock=now,
        division_at=geodata.division_at,
    )
    window.attach_sync(engines[0])
    window.resize(1600, 950)
    window.show()
    wall = WallWindow(
        wall_ws,
        deployment,
        clock=now,
        map_widget=DivisionMapWidget.for_workspace(wall_ws, deployment, clock=now, read_only=True),
    )
    engines[1].status_changed.connect(wall.show_sync_status)
    wall.resize(1920, 1080)
    wall.show()
    tasks = [engine.start() for engine in engines]
    try:
        await asyncio.sleep(wait)
        window.queue_view.selectRow(0)
        window.team_board.tiles.select(None)
        await asyncio.sleep(1.5)
        window.grab().save(str(OUT / "console.png"))
        wall.tick()
        wall.update_figures()
        await asyncio.sleep(0.5)
        wall.grab().save(str(OUT / "wall.png"))
        wall.next_page()
        await asyncio.sleep(0.5)
        wall.grab().save(str(OUT / "wall-charts.png"))
        window.new_call()
        intake = window._intake
        intake.address.setText("Reseda Blvd & Devonshire St")
        intake.set_location(34.2577, -118.5360)
        intake.caller_name.setText("Caller (example)")
        intake.phone.setText("(818) 555-0142")
        intake.person.setText("Adult son, 24; calmer with his sister present")
        intake.narrative.setPlainText("Son pacing, not sleeping for three days; no weapons seen.")
        intake.weapons.setChecked(True)
        await asyncio.sleep(0.5)
        intake.grab().save(str(OUT / "intake.png"))
        intake.discard()
        window.show_help()
        await asyncio.sleep(0.5)
        window.help_dialog.grab().save(str(OUT / "help.png"))
    finally:
        for engine in engines:
            await engine.stop()
        for task in tasks:
            task.cancel()
        window.close()
        wall.close()
        for store in stores:
            store.close()
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait", type=float, default=25.0, help="seconds of live floor first")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, "dark")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with (
        DemoServer(speed=60.0, rate_per_day=54.0, history_hours=12.0) as demo,
        tempfile.TemporaryDirectory() as tmp,loop
    ):
        loop.run_until_complete(shoot(demo, args.wait, Path(tmp)))
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
