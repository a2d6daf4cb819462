"""Take docs/screenshots/audit_viewer.png: the audit viewer on a live demo floor, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/audit_screenshot.py

The demo server (umcr_console.demo) runs the simulator's dispatchers and teams
for a few seconds; a refused double assignment and a wrong password are added
so the picture shows them too. The viewer is signed in as demo-supervisor.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import qasync
from PySide6.QtWidgets import QApplication

from umcr_console.demo import DemoServer
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.audit_viewer import AuditViewerWindow
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "audit_viewer.png"
FLOOR_SECONDS = 8.0


def _refused_and_failed(demo: DemoServer) -> None:
    """A second dispatcher takes a team that is already out, and a wrong password."""
    with httpx.Client(base_url=demo.url, timeout=10.0) as client:
        client.post("/api/v1/auth/token", json={"username": "demo-supervisor", "password": "x"})
        token = client.post(
            "/api/v1/auth/token", json={"username": demo.username, "password": demo.password}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        snapshot = client.get("/api/v1/snapshot", headers=headers).json()
        busy = next((t for t in snapshot["teams"] if t.get("incident_id")), None)
        other = next((i for i in snapshot["incidents"] if i["state"] == "pending"), None)
        if busy is None or other is None:
            return
        event = {
            "event_id": "0190c000-0000-7000-8000-000000000001",
            "type": "incident.team_assigned",
            "entity_id": other["id"],
            "occurred_at": datetime.now(UTC).isoformat(),
            "workstation_id": "ws-dispatch-2",
            "payload": {"team_id": busy["id"]},
        }
        client.post("/api/v1/events", headers=headers, json={"events": [event]})


async def shoot(demo: DemoServer, tmp: Path) -> None:
    await asyncio.sleep(FLOOR_SECONDS)
    await asyncio.to_thread(_refused_and_failed, demo)
    store = LocalStore(tmp / "supervisor.sqlite3")
    workspace = Workspace(store, actor="demo-supervisor")
    engine = SyncEngine(demo.url, workspace, username="demo-supervisor", password=demo.password)
    task = engine.start()
    try:
        while not workspace.view.teams:
            await asyncio.sleep(0.1)

        def call_sign(entity_id: str) -> str | None:
            team = workspace.view.teams.get(entity_id)
            return team.call_sign if team else None

        window = AuditViewerWindow(engine.fetch_audit, label=call_sign)
        window.resize(1500, 700)
        window.show()
        await window.search()
        await asyncio.sleep(0.3)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(OUT)):
            raise SystemExit(f"could not write {OUT}")
        print(f"written {OUT}")
        window.close()
    finally:
        await engine.stop()
        assert task.done()
        store.close()


def main() -> None:
    app = QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # closing the viewer must not stop the loop
    apply_theme(app, "dark")
    demo = DemoServer(speed=120.0, seed=7)
    demo.start()
    try:
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with tempfile.TemporaryDirectory() as tmp, loop:
            loop.run_until_complete(shoot(demo, Path(tmp)))
    finally:
        demo.stop()


if __name__ == "__main__":
    main()
