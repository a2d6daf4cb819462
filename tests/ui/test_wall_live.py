"""The wall display against a real server as the wall role: live figures,
no personal data, and a stale banner while the stream is cut."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.faultproxy import FaultProxy
from tests.support.server import DEFAULT_USERS
from tests.support.waiting import until
from umcr_console.config import load_deployment
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.wall import WallWindow

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def test_wall_is_live_private_and_says_when_stale(live_server, tmp_path, qtbot, run) -> None:
    with live_server.client("dispatcher1") as dispatcher:
        body = {
            "events": [
                {
                    "event_id": "01900000-0000-7000-8000-00000000a001",
                    "type": "incident.created",
                    "entity_id": "01900000-0000-7000-8000-00000000b001",
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "workstation_id": "ws-test",
                    "payload": {
                        "received_at": datetime.now(UTC).isoformat(),
                        "source": "lapd_911",
                        "call_type": "mental_health",
                        "priority": 1,
                        "location": {
                            "address": "742 Evergreen Terrace",
                            "lat": 34.0612345,
                            "lon": -118.3012345,
                            "division": "Wilshire",
                        },
                        "caller": {"name": "Marge Example", "phone": "213-555-0199"},
                        "narrative": "Son not sleeping, hearing voices",
                    },
                }
            ]
        }
        response = dispatcher.post("/api/v1/events", json=body)
        assert response.json()["results"][0]["status"] == "accepted"
    proxy = FaultProxy(live_server.port).start()

    async def scenario() -> None:
        store = LocalStore(tmp_path / "wall.sqlite3")
        workspace = Workspace(store, actor="wall")
        engine = SyncEngine(
            proxy.url, workspace, username="wall", password=DEFAULT_USERS["wall"][1], keepalive=1.0
        )
        wall = WallWindow(workspace, load_deployment(), clock=lambda: datetime.now(UTC))
        wall.attach_sync(engine)
        qtbot.addWidget(wall)
        wall.resize(1920, 1080)
        wall.show()
        task = engine.start()
        try:
            await until(
                lambda: len(workspace.view.incidents) == 1 and not wall.is_stale, "live data"
            )
            (incident,) = workspace.view.incidents.values()
            # The server stripped the personal data before it left.
            assert incident.caller.name == "" and incident.caller.phone == ""
            assert incident.narrative == "" and incident.location.address == ""
            assert incident.location.lat == pytest.approx(34.061, abs=1e-9)
            wall.update_figures()
            assert "1" in wall.figures["calls_today"].text()
            assert wall.queue_model.rowCount() == 1
            # Cut the link: the banner says stale, then goes when the stream returns.
            proxy.blackhole()
            proxy.reset()
            await until(lambda: wall.is_stale, "the stale banner")
            assert "STALE since" in wall.banner.text()
            proxy.pass_through()
            await until(lambda: not wall.is_stale, "the banner to go")
        finally:
            await engine.stop()
            assert task.done()
            wall.close()
            store.close()

    try:
        run(scenario())
    finally:
        proxy.stop()
