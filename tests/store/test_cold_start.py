"""A store that gathered a long history opens small: old closed incidents are
forgotten in SQL before any row is parsed, and nothing still needed goes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
)
from umcr_console.domain.ids import name_id
from umcr_console.domain.model import Incident, IncidentTimes, Location
from umcr_console.domain.state import State
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def incident(n: int, *, closed_days_ago: float | None, offset_hours: int = 0) -> Incident:
    closed_at = None
    if closed_days_ago is not None:
        tz = (
            UTC
            if offset_hours == 0
            else __import__("datetime").timezone(timedelta(hours=offset_hours))
        )
        closed_at = (NOW - timedelta(days=closed_days_ago)).astimezone(tz)
    return Incident(
        id=name_id("cold", str(n)),
        number=f"U{n:06d}",
        version=1,
        state=IncidentState.CLOSED if closed_at else IncidentState.PENDING,
        received_at=NOW - timedelta(days=3),
        priority=Priority.HIGH,
        call_type=CallType.WELFARE_CHECK,
        source=Source.LAPD_911,
        location=Location(address="x"),
        disposition=Disposition.RESOLVED_ON_SCENE if closed_at else None,
        times=IncidentTimes(closed_at=closed_at),
    )


def test_old_closed_incidents_are_forgotten_before_loading(tmp_path) -> None:
    path = tmp_path / "store.sqlite3"
    incidents = [
        incident(1, closed_days_ago=None),  # open: kept
        incident(2, closed_days_ago=0.5),  # closed 12 h ago: kept
        incident(3, closed_days_ago=2),  # closed 2 days ago: forgotten
        incident(4, closed_days_ago=2, offset_hours=-8),  # same instant written in PST: forgotten
        incident(5, closed_days_ago=2),  # old, but a pending note is about it: kept
    ]
    with LocalStore(path) as store:
        store.replace_confirmed(
            State.of(incidents, [], seq=5),
            cursor_event_id=None,
            forget_acceptance=False,
            clear_log=True,
        )
        # Two days earlier nothing was old yet; a note about incident 5 waits to be sent.
        workspace = Workspace(
            store, actor="d1", workstation_id="ws", clock=lambda: NOW - timedelta(days=2)
        )
        assert len(workspace.confirmed.incidents) == 5
        workspace.submit(
            ev.make_event(
                EventType.INCIDENT_NOTE_ADDED,
                incidents[4].id,
                ev.NoteAdded(text="follow-up call made"),
                workstation_id="ws",
                occurred_at=NOW - timedelta(days=2),
            )
        )
    with LocalStore(path) as store:
        workspace = Workspace(store, actor="d1", workstation_id="ws", clock=lambda: NOW)
        kept = {i.number for i in workspace.confirmed.incidents.values()}
        assert kept == {"U000001", "U000002", "U000005"}
        assert len(store.load_outbox()) == 1


def test_the_forgetting_happens_before_any_row_is_parsed(tmp_path) -> None:
    """An old closed row is dropped by SQL, unread: one the parser would refuse proves it."""
    import json

    from sqlalchemy import insert

    from umcr_console.store.schema import confirmed_incident

    with LocalStore(tmp_path / "store.sqlite3") as store:
        old = json.loads(incident(7, closed_days_ago=3).model_dump_json())
        old["field_from_a_future_version"] = True  # Incident forbids unknown fields
        with store._conn.begin():
            store._conn.execute(
                insert(confirmed_incident).values(id=old["id"], data=json.dumps(old))
            )
        state = store.load_confirmed(closed_before=NOW - timedelta(days=1))
        assert state.incidents == {}
