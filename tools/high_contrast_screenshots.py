"""Screenshots in the high-contrast theme: the console, and the wall at 1.5x text.

    QT_QPA_PLATFORM=xcb .venv/bin/python tools/high_contrast_screenshots.py

Run by tools/wm_screenshots.sh on its Xvfb + openbox display (offscreen it
renders each window itself). Writes docs/screenshots/console-high-contrast.png,
wall-high-contrast.png and wall-charts-high-contrast.png.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import qasync
from PySide6.QtWidgets import QApplication
from screenshots import OUT, first_pending, now, on_screen, save, settle

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.demo import DemoServer
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui import accessibility
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.map_widget import DivisionMapWidget
from umcr_console.ui.theme import apply_font_scale, apply_theme, largest_screen
from umcr_console.ui.wall import WallWindow


async def shoot(demo: DemoServer, wait: float, tmp: Path) -> None:
    from PySide6.QtCore import QSettings

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
    if not on_screen():
        window.resize(1920, 1050)
    window.show()
    tasks = [engines[0].start()]
    wall = None
    try:
        await asyncio.sleep(wait)
        incident_id = first_pending(window)
        if incident_id is not None:
            window.select_incident(incident_id)
        await settle()
        save(window, "console-high-contrast.png")
        window.hide()

        # The wall at 1.5x text.
        apply_font_scale(app, 1.5)
        wall = WallWindow(
            wall_ws,
            deployment,
            clock=now,
            map_widget=DivisionMapWidget.for_workspace(
                wall_ws, deployment, clock=now, read_only=True
            ),
        )
        engines[1].status_changed.connect(wall.show_sync_status)
        tasks.append(engines[1].start())
        screen = largest_screen()
        if on_screen() and screen is not None:
            wall.setGeometry(screen.geometry())
            wall.showFullScreen()
        else:
            wall.resize(1920, 1080)
            wall.show()
        await settle(6.0)
        wall.tick()
        wall.update_figures()
        await settle()
        save(wall, "wall-high-contrast.png")
        wall.next_page(by_hand=True)  # the charts: black and white too
        await settle()
        save(wall, "wall-charts-high-contrast.png")
    finally:
        for engine in engines:
            await engine.stop()
        for task in tasks:
            task.cancel()
        window.close()
        if wall is not None:
            wall.close()
        for store in stores:
            store.close()
        app.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait", type=float, default=20.0, help="seconds of live floor first")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    accessibility.install(app)
    apply_theme(app, "high-contrast")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with (
        DemoServer(speed=60.0, rate_per_day=54.0, history_hours=12.0) as demo,
        tempfile.TemporaryDirectory() as tmp,
        loop,
    ):
        loop.run_until_complete(shoot(demo, args.wait, Path(tmp)))
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
