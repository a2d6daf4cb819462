"""Take the console and wall screenshots in docs/screenshots/ from a live demo floor.

    bash tools/wm_screenshots.sh          # the whole set, under a window manager
    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py [--wait 25]

Starts the demo server with its simulator, opens a dispatcher's console and a
wall display against it (real sync engine, real data), lets the floor run,
then saves:

- console.png: the main window (first start: maximised) with a call selected;
- console-nothing-selected.png: the same with nothing selected (empty panel);
- assign.png: the assign dialog with the ranked teams and their reasons;
- queue-hidden.png: the queue under a search, with the "hidden by the filter" line;
- intake.png and help.png: the new-call form and the keyboard help;
- wall.png and wall-charts.png: the wall, full screen, on its map and charts pages.

``--lang es`` takes the same set in Spanish, named console-es.png, intake-es.png ...
(docs/i18n.md).

On a real display (tools/wm_screenshots.sh runs Xvfb at 1920x1080 with openbox)
each picture is what the screen shows, window-manager frame included; offscreen
the widgets are rendered by themselves.
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
from PySide6.QtCore import QPoint, QRect, QSettings
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.demo import DemoServer
from umcr_console.domain.enums import IncidentState, TeamStatus
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui import i18n
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.map_widget import DivisionMapWidget
from umcr_console.ui.queue_model import INCIDENT_ID_ROLE
from umcr_console.ui.theme import apply_theme, largest_screen
from umcr_console.ui.wall import WallWindow

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
# "-es" in Spanish: the pictures of another language sit beside the English ones.
SUFFIX = ""


def now() -> datetime:
    return datetime.now(UTC)


def on_screen() -> bool:
    return QGuiApplication.platformName() not in ("offscreen", "minimal")


def save(widget: QWidget, name: str, area: QRect | None = None) -> None:
    """What the screen shows of ``widget`` (its frame too), or its own rendering offscreen."""
    path = OUT / name.replace(".png", f"{SUFFIX}.png")
    if on_screen():
        rect = area or widget.frameGeometry()
        screen = widget.screen()
        origin = screen.geometry().topLeft()
        picture = screen.grabWindow(
            0, rect.x() - origin.x(), rect.y() - origin.y(), rect.width(), rect.height()
        )
    else:
        picture = widget.grab()
    picture.save(str(path))
    print(f"  {path.name}: {picture.width()}x{picture.height()}")


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


async def settle(seconds: float = 0.8) -> None:
    """Let the window manager and the event loop catch up."""
    await asyncio.sleep(seconds)


def first_pending(window: MainWindow) -> str | None:
    model = window.queue_model
    for row in range(model.rowCount()):
        if model.incident_at(row).state == IncidentState.PENDING:
            return model.index(row, 0).data(INCIDENT_ID_ROLE)
    return model.index(0, 0).data(INCIDENT_ID_ROLE) if model.rowCount() else None


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
    # Fresh settings: this is a first start (maximised on the largest screen).
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
    wall = WallWindow(
        wall_ws,
        deployment,
        clock=now,
        map_widget=DivisionMapWidget.for_workspace(wall_ws, deployment, clock=now, read_only=True),
    )
    engines[1].status_changed.connect(wall.show_sync_status)
    tasks = [engine.start() for engine in engines]
    if on_screen():
        # The pointer off the queue (over the status bar), or the queue holds its order.
        QCursor.setPos(window.screen().geometry().bottomRight() - QPoint(40, 5))
    try:
        await asyncio.sleep(wait)
        window.team_board.tiles.select(None)
        window.queue_view.selectionModel().clear()
        window.queue_view.clearSelection()
        await settle(1.5)
        save(window, "console-nothing-selected.png")
        selected = first_pending(window)
        if selected:
            window.select_incident(selected)
        await settle()
        save(window, "console.png")

        # The assign dialog with teams to rank: wait (a little) for the floor to free some.
        for _ in range(120):
            free = [t for t in console_ws.view.teams.values() if t.status == TeamStatus.AVAILABLE]
            if len(free) >= 2:
                break
            await asyncio.sleep(0.5)
        selected = first_pending(window) or selected
        if selected:
            window.select_incident(selected)
            window.open_action("assign", selected)
            await settle()
            dialog = window._open_dialogs[-1]
            save(dialog, "assign.png")
            dialog.reject()

        # A search for the first call's type: the other calls go, the line says so.
        model = window.queue_model
        word = model.incident_at(0).call_type.label.split()[0] if model.rowCount() else "Blvd"
        window.search.setText(word)
        await settle()
        central = window.centralWidget()
        save(central, "queue-hidden.png", global_rect(central))
        window.search.clear()

        window.new_call()
        intake = window._intake
        intake.address.setText("Reseda Blvd & Devonshire St")
        intake.set_location(34.2577, -118.5360)
        intake.caller_name.setText("Caller (example)")
        intake.phone.setText("(818) 555-0142")
        intake.person.setText("Adult son, 24; calmer with his sister present")
        intake.narrative.setPlainText("Son pacing, not sleeping for three days; no weapons seen.")
        intake.weapons.setChecked(True)
        await settle()
        save(intake, "intake.png")
        intake.discard()
        window.show_help()
        await settle()
        save(window.help_dialog, "help.png")
        window.help_dialog.close()

        # The wall: full screen on the largest screen, as umcr-console --wall does.
        window.hide()
        screen = largest_screen()
        if on_screen() and screen is not None:
            wall.setGeometry(screen.geometry())
            wall.showFullScreen()
        else:
            wall.resize(1920, 1080)
            wall.show()
        await settle(2.0)
        wall.tick()
        wall.update_figures()
        await settle()
        save(wall, "wall.png")
        wall.next_page()
        await settle()
        save(wall, "wall-charts.png")
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
    parser.add_argument("--lang", default="en", help="interface language (en, es)")
    args = parser.parse_args()
    global SUFFIX
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, "dark")
    i18n.install(args.lang, app)
    SUFFIX = "" if args.lang == "en" else f"-{args.lang}"
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
