"""Take docs/screenshots/intake-history.png: intake with a place's history and caution notes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/intake_history_screenshot.py

Starts the demo server, posts three earlier calls at one address (one
redirected to LAPD with the weapons flag) and two caution notes on it through
the public API, then opens a dispatcher's console (real sync engine), starts
a new call, types the address another way, and grabs the form once the
server's history has arrived (docs/locations.md).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import httpx
import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.demo import DemoServer
from umcr_console.domain.ids import uuid7
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots" / "intake-history.png"
PLACE = {"address": "1200 W. 7th St.", "lat": 34.04998, "lon": -118.26262, "division": "Central"}


def _event(type_: str, entity_id: str, payload: dict, at: datetime) -> dict:
    return {
        "event_id": uuid7(),
        "type": type_,
        "entity_id": entity_id,
        "occurred_at": at.isoformat(),
        "workstation_id": "ws-history-demo",
        "payload": payload,
    }


def seed(demo: DemoServer) -> None:
    """Three earlier calls at PLACE and two caution notes, through the public API."""
    now = datetime.now(UTC)
    with httpx.Client(base_url=demo.url + "/api/v1") as client:
        token = client.post(
            "/auth/token", json={"username": demo.username, "password": demo.password}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        batch = []
        calls = [
            (400, "mental_health", {"weapons": True}, ("redirected", {"agency": "LAPD", "reason": "knife on callback"})),
            (120, "welfare_check", {}, ("closed", {"disposition": "referral_made"})),
            (9, "person_in_distress", {}, ("closed", {"disposition": "resolved_on_scene"})),
        ]  # fmt: skip
        first = None
        for days, call_type, safety, (end, payload) in calls:
            iid = uuid7()
            first = first or iid
            batch.append(
                _event(
                    "incident.created",
                    iid,
                    {
                        "received_at": (now - timedelta(days=days)).isoformat(),
                        "source": "lapd_911",
                        "call_type": call_type,
                        "priority": 2,
                        "location": PLACE,
                        "safety": safety,
                        "screen_override_reason": "reviewed" if safety else "",
                    },
                    now,
                )
            )
            batch.append(_event(f"incident.{end}", iid, payload, now))
        batch.append(
            _event(
                "incident.caution_added",
                first,
                {"category": "weapon_seen", "text": "Knife seen in the kitchen (March)"},
                now,
            )
        )
        batch.append(
            _event(
                "incident.caution_added",
                first,
                {"category": "animal", "text": "Large dog in the side yard; ask to secure it"},
                now,
            )
        )
        answer = client.post("/events", json={"events": batch})
        answer.raise_for_status()
        refused = [r for r in answer.json()["results"] if r["status"] != "accepted"]
        if refused:
            raise SystemExit(f"seed refused: {refused}")


async def shoot(demo: DemoServer, tmp: Path) -> None:
    store = LocalStore(tmp / "console.sqlite3")
    workspace = Workspace(store, actor=demo.username)
    engine = SyncEngine(demo.url, workspace, username=demo.username, password=demo.password)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        workspace,
        load_deployment(),
        settings=settings,
        username=demo.username,
        clock=lambda: datetime.now(UTC),
        division_at=geodata.division_at,
    )
    window.attach_sync(engine)
    task = asyncio.ensure_future(engine.run())
    try:
        deadline = time.monotonic() + 30
        while engine.status.link != "online" and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        window.new_call()
        intake = window._intake
        assert intake is not None and intake.history is not None
        intake.resize(760, 1000)
        intake.address.setText("1200 West Seventh Street")
        intake.caller_name.setText("Caller (example)")
        intake.phone.setText("(213) 555-0142")
        intake.narrative.setPlainText("Neighbour hears shouting next door; no weapon mentioned.")
        intake.history.look_up_now(intake.address.text(), None, None)
        deadline = time.monotonic() + 15
        while not intake.history.from_server and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        if not intake.history.from_server:
            raise SystemExit("the server's history did not arrive")
        await asyncio.sleep(0.3)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        if not intake.grab().save(str(OUT)):
            raise SystemExit(f"could not write {OUT}")
        print(f"written {OUT}")
        intake.discard()
    finally:
        await engine.stop()
        task.cancel()
        window.close()
        store.close()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, "dark")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with (
        DemoServer(speed=1.0, rate_per_day=0.1, history_hours=0.0) as demo,
        tempfile.TemporaryDirectory() as tmp,
    ):
        seed(demo)
        with loop:  # closing the loop stops its executor's threads (engine key sealing)
            loop.run_until_complete(shoot(demo, Path(tmp)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
