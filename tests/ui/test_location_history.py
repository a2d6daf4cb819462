"""Place history and caution notes in the console (issue 22): at intake as soon as
the address is entered, in the incident view and in the dispatch confirmation,
from the local store when there is no server."""

from __future__ import annotations

import asyncio
import csv
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from tests.support.server import DEFAULT_USERS
from tests.ui.conftest import ServerSide
from umcr_console.domain import events as ev
from umcr_console.domain.enums import CallType, CautionCategory, EventType, Priority, Source
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location, Safety
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.location_history import (
    CautionDialog,
    FrequentLocationsPanel,
    LocationHistoryPanel,
)

HOME = Location(address="123 W. 1st St.", lat=34.05230, lon=-118.24370, division="Central")


def earlier_call(server: ServerSide, *, location: Location = HOME, days_ago: float = 40) -> str:
    incident_id = uuid7()
    server.accept(
        ev.make_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=server.clock() - timedelta(days=days_ago),
                source=Source.LAPD_911,
                call_type=CallType.MENTAL_HEALTH,
                priority=Priority.HIGH,
                location=location,
                safety=Safety(weapons=True),
                screen_override_reason="knife put away before the team came",
            ),
            workstation_id="ws-other",
            occurred_at=server.clock(),
        )
    )
    return incident_id


def caution(
    server: ServerSide, incident_id: str, category: CautionCategory, text: str, **kw
) -> None:
    server.accept(
        ev.make_event(
            EventType.INCIDENT_CAUTION_ADDED,
            incident_id,
            ev.CautionAdded(category=category, text=text, **kw),
            workstation_id="ws-other",
            occurred_at=server.clock(),
        ),
        actor="supervisor",
    )


def test_intake_shows_history_and_raises_a_safety_caution_offline(
    qtbot, window, server_side
) -> None:
    first = earlier_call(server_side)
    earlier_call(server_side, location=Location(address="900 S Main St"))  # elsewhere
    caution(server_side, first, CautionCategory.WEAPON_SEEN, "Knife seen in the kitchen")
    caution(server_side, first, CautionCategory.ANIMAL, "Dog in the yard")
    window.new_call()
    intake = window._intake
    panel = intake.history
    assert panel is not None and panel.history.entries == ()
    intake.activateWindow()
    qtbot.waitUntil(lambda: intake.address.hasFocus())
    qtbot.keyClicks(intake.address, "123 West First Street")
    # Leaving the field looks the place up at once, from the local store (no server here).
    qtbot.keyClick(intake.address, Qt.Key.Key_Tab)
    assert not intake.address.hasFocus()
    assert [e.incident_id for e in panel.history.entries] == [first]
    (entry,) = panel.history.entries
    assert entry.same_address and entry.safety.weapons
    assert "this console only" in panel.title.text()
    assert [c.category for c in panel.history.cautions] == [
        CautionCategory.WEAPON_SEEN,
        CautionCategory.ANIMAL,
    ]
    # The weapon note is raised beside the safety screen; the dog is listed, not raised.
    assert panel.safety_banner.isVisible()
    assert "Knife seen" in panel.safety_banner.text()
    assert "Dog" not in panel.safety_banner.text()
    assert panel.cautions.count() == 2


def test_a_point_within_the_radius_finds_the_place_and_typing_waits(
    qtbot, window, server_side
) -> None:
    first = earlier_call(server_side, location=HOME.model_copy(update={"address": "rear lot"}))
    window.new_call()
    intake = window._intake
    panel = intake.history
    qtbot.keyClicks(intake.lat, "34.05250")  # about 22 m north
    qtbot.keyClicks(intake.lon, "-118.24370")
    # No lookup while typing; one after the pause.
    assert panel.history.entries == ()
    qtbot.waitUntil(lambda: len(panel.history.entries) == 1, timeout=3000)
    assert panel.history.entries[0].incident_id == first
    assert panel.history.entries[0].distance_m is not None


def test_expired_caution_is_not_shown(qtbot, window, server_side, clock) -> None:
    first = earlier_call(server_side)
    caution(
        server_side,
        first,
        CautionCategory.VIOLENCE,
        "Threats to staff",
        expires_at=clock() + timedelta(days=3),
    )
    clock.advance(days=4)
    window.new_call()
    intake = window._intake
    intake.history.look_up_now(HOME.address, None, None)
    assert len(intake.history.history.entries) == 1
    assert intake.history.history.cautions == ()
    assert not intake.history.safety_banner.isVisible()


def test_incident_view_and_dispatch_confirmation_show_the_notes(
    qtbot, window, server_side, workspace
) -> None:
    first = earlier_call(server_side)
    caution(server_side, first, CautionCategory.MEDICAL, "Oxygen tanks in the hallway")
    second = earlier_call(server_side, days_ago=1)
    window.select_incident(second)
    panel = window.place_history
    assert [e.incident_id for e in panel.history.entries] == [first]
    assert [c.text for c in panel.history.cautions] == ["Oxygen tanks in the hallway"]
    # A note on this call's place, written from the incident view: offline-first.
    window.detail.tabs.setCurrentWidget(panel)
    assert panel.add_caution.isVisible()
    qtbot.mouseClick(panel.add_caution, Qt.MouseButton.LeftButton)
    dialog = window.findChild(CautionDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.try_accept() is False  # no text: refused, nothing sent
    dialog.category.setCurrentIndex(dialog.category.findData(CautionCategory.ACCESS))
    qtbot.keyClicks(dialog.text, "Gate code 4411")
    assert dialog.try_accept()
    (pending,) = workspace.pending_items(second)
    assert pending.event.type == EventType.INCIDENT_CAUTION_ADDED
    assert "Gate code 4411" in [c.text for c in panel.history.cautions]
    # The dispatch confirmation (assign) repeats the notes of the place.
    window.open_action("assign", second)
    dialog = window._open_dialogs[-1]
    label = dialog.findChild(type(panel.title), "dispatch_cautions")
    assert label is not None
    assert "Oxygen tanks" in label.text() and "Gate code 4411" in label.text()


def _wire(type_: str, entity_id: str, payload: dict, at) -> dict:
    return {
        "event_id": uuid7(),
        "type": type_,
        "entity_id": entity_id,
        "occurred_at": at.isoformat(),
        "workstation_id": "ws-test",
        "payload": payload,
    }


@pytest.mark.slow
def test_online_the_server_completes_history_and_frequent_locations(
    live_server, tmp_path, qtbot, run
) -> None:
    now = datetime.now(UTC)
    ids = [uuid7() for _ in range(3)]
    events = [
        _wire(
            "incident.created",
            iid,
            {
                "received_at": (now - timedelta(days=100 * (n + 1))).isoformat(),
                "source": "lapd_911",
                "call_type": "welfare_check",
                "priority": 2,
                "location": HOME.model_dump(mode="json"),
            },
            now,
        )
        for n, iid in enumerate(ids)
    ]
    events.append(
        _wire("incident.caution_added", ids[0], {"category": "violence", "text": "Threats"}, now)
    )
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
        # A console whose store holds none of these calls: all of it comes from the server.
        panel = LocationHistoryPanel(
            incidents=list,
            clock=lambda: datetime.now(UTC),
            remote=lambda place, exclude: engine.fetch_location_history(place, exclude=exclude),
        )
        qtbot.addWidget(panel)
        frequent = FrequentLocationsPanel(
            lambda start, end, fmt: engine.fetch_frequent_locations(start, end, fmt=fmt),
            lambda: (now - timedelta(days=365), now + timedelta(days=1)),
        )
        qtbot.addWidget(frequent)
        try:
            deadline = asyncio.get_running_loop().time() + 20
            while workspace.cursor == 0:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.05)
            panel.look_up_now("123 West First Street", None, None)
            assert panel.history.entries == ()  # the local fill: nothing here
            deadline = asyncio.get_running_loop().time() + 20
            while not panel.from_server:
                assert asyncio.get_running_loop().time() < deadline
                await asyncio.sleep(0.05)
            assert sorted(e.incident_id for e in panel.history.entries) == sorted(ids)
            assert "(server)" in panel.title.text()
            assert [c.text for c in panel.history.cautions] == ["Threats"]
            assert panel.safety_banner.text().endswith("Violence: Threats")
            await frequent.run()
            assert [(r.place, r.calls) for r in frequent.rows] == [("123 W 1ST ST", 3)]
            assert frequent.table.item(0, 0).text() == "123 W 1ST ST"
            path = tmp_path / "frequent.csv"
            await frequent.save_csv(str(path))
            rows = list(csv.reader(path.open()))
            assert rows[0][:3] == ["place", "division", "calls"]
            assert rows[1][:3] == ["123 W 1ST ST", "Central", "3"]
        finally:
            await engine.stop()
            assert task.done()
            store.close()

    run(scenario())
