"""The report window against a real server: figures, table, charts, CSV."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.server import DEFAULT_USERS
from umcr_console.config import load_deployment
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.report_window import ReportWindow

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def created(n: int, received: datetime, division: str) -> dict:
    return {
        "event_id": f"01900000-0000-7000-8000-{n:012d}",
        "type": "incident.created",
        "entity_id": f"01900000-0000-7000-9000-{n:012d}",
        "occurred_at": received.isoformat(),
        "workstation_id": "ws-test",
        "payload": {
            "received_at": received.isoformat(),
            "source": "lapd_911",
            "call_type": "welfare_check",
            "priority": 2,
            "location": {"address": f"{n} Main St", "division": division},
        },
    }


def redirected(n: int, at: datetime) -> dict:
    return {
        "event_id": f"01900000-0000-7000-a000-{n:012d}",
        "type": "incident.redirected",
        "entity_id": f"01900000-0000-7000-9000-{n:012d}",
        "occurred_at": at.isoformat(),
        "workstation_id": "ws-test",
        "payload": {"agency": "LAPD", "reason": "weapon seen"},
    }


def test_report_window_shows_the_servers_figures_and_exports_csv(
    live_server, tmp_path, qtbot, run
) -> None:
    now = datetime.now(UTC)
    events = [
        created(n, now - timedelta(hours=n + 1), ("Wilshire", "Olympic")[n % 2]) for n in range(4)
    ]
    events.append(redirected(0, now - timedelta(minutes=30)))
    with live_server.client("dispatcher1") as client:
        results = client.post("/api/v1/events", json={"events": events}).json()["results"]
        assert {r["status"] for r in results} == {"accepted"}

    async def scenario() -> None:
        store = LocalStore(tmp_path / "s.sqlite3")
        workspace = Workspace(store, actor="supervisor")
        engine = SyncEngine(
            live_server.url,
            workspace,
            username="supervisor",
            password=DEFAULT_USERS["supervisor"][1],
        )
        task = engine.start()

        async def fetch(start, end, unarmed, police, fmt):
            return await engine.fetch_report(
                start, end, cost_unarmed=unarmed, cost_police=police, fmt=fmt
            )

        window = ReportWindow(load_deployment(), fetch, clock=lambda: datetime.now(UTC))
        qtbot.addWidget(window)
        window.show()
        try:
            deadline = asyncio.get_running_loop().time() + 20
            while workspace.cursor == 0:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.05)
            window.period.setCurrentText("Last 7 days")
            await window.run()
            report = window.report
            assert report is not None and report.total.calls == 4
            assert report.total.redirected == 1
            assert set(report.by_division) == {"Wilshire", "Olympic"}
            assert "25.0%" in window.summary.text()
            assert "follow-ups <b>0</b> done of <b>0</b> scheduled" in window.summary.text()
            cells = [window.table.item(r, 1).text() for r in range(window.table.rowCount())]
            assert {"all", "Wilshire", "Olympic"} <= set(cells)
            assert window.export_button.isEnabled()
            path = tmp_path / "report.csv"
            await window.save_csv(str(path))
            rows = list(csv.reader(path.open()))
            assert rows[0][:3] == ["group", "name", "calls"]
            assert rows[1][:3] == ["total", "all", "4"]
            # A custom period five years back holds none of these calls.
            window.period.setCurrentText("Custom")
            window.first.setDate(window.first.date().addYears(-5))
            window.last.setDate(window.first.date().addDays(1))
            await window.run()
            assert window.report.total.calls == 0
        finally:
            await engine.stop()
            assert task.done()
            store.close()

    run(scenario())
