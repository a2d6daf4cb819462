"""Issue 5's event types on the server: escalation, follow-ups, handoffs, scheduled calls.

The escalation scenario runs in-process and against a real server process;
the ones that move the server's clock run in-process.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.server.helpers import (
    EX1,
    PL1,
    PL2,
    Api,
    assigned,
    closed,
    created,
    event,
    iso,
    now,
    status,
)
from umcr_console.domain.alerts import acknowledgement_event_id, escalation_event_id
from umcr_console.domain.model import Incident

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _team(api: Api, team_id: str, user: str = "dispatcher1") -> dict:
    return next(t for t in api.snapshot(user)["teams"] if t["id"] == team_id)


def _incident(api: Api, incident_id: str) -> dict | None:
    return next((i for i in api.snapshot()["incidents"] if i["id"] == incident_id), None)


def _same_instant(text: str | None, at: datetime) -> bool:
    return text is not None and datetime.fromisoformat(text) == at


def escalated(team_id: str, since: datetime, **kwargs) -> dict:
    return event(
        "team.alert_escalated",
        team_id,
        {"status": "on_scene", "overdue_since": since.isoformat(), "reason": "no check-in"},
        **kwargs,
    )


def test_an_overdue_alert_is_escalated_once_acknowledged_and_ended_by_a_check_in(
    api: Api,
) -> None:
    # PL-1 arrived 26 minutes ago and has not checked in: overdue for 6 minutes.
    arrived = now() - timedelta(minutes=26)
    call = created()
    incident_id = call["entity_id"]
    api.accept(
        "dispatcher1",
        call,
        assigned(incident_id, PL1, occurred_at=iso(arrived - timedelta(minutes=9))),
        status(PL1, "on_scene", occurred_at=iso(arrived)),
    )
    since = arrived + timedelta(minutes=20)

    # Two consoles escalate the same episode at once: one event, the second a duplicate.
    event_id = escalation_event_id(PL1, since)
    first = api.post("dispatcher1", escalated(PL1, since, event_id=event_id))[0]
    second = api.post(
        "dispatcher2", escalated(PL1, since, event_id=event_id, workstation_id="ws-2")
    )[0]
    assert first["status"] == "accepted"
    assert second["status"] == "duplicate" and second["seq"] == first["seq"]
    # Another event for the same episode is refused by the rules.
    again = api.post("supervisor", escalated(PL1, since))[0]
    assert again["status"] == "rejected" and again["code"] == "invalid_transition"
    # A field user may check in for its team, not escalate or acknowledge.
    assert api.post("field1", escalated(PL1, since))[0]["code"] == "forbidden"

    team = _team(api, PL1)
    assert _same_instant(team["escalated_for"], since)
    # The wall sees that an escalation exists (the team), never the reason text.
    wall_team = _team(api, PL1, "wall")
    assert _same_instant(wall_team["escalated_for"], since)
    wall_log = api.events("wall", after=first["seq"] - 1)["events"]
    assert wall_log[0]["type"] == "team.alert_escalated"
    assert "reason" not in wall_log[0]["payload"]
    # It lands in the incident's timeline (the team works that incident).
    timeline = api.get("supervisor", f"/incidents/{incident_id}/events").json()["events"]
    assert "team.alert_escalated" in [e["type"] for e in timeline]

    # A supervisor acknowledges: the escalation is over on every console.
    ack = event(
        "team.alert_acknowledged",
        PL1,
        {"overdue_since": since.isoformat(), "note": "reached them by phone"},
        event_id=acknowledgement_event_id(PL1, since),
    )
    api.accept("supervisor", ack)
    assert _same_instant(_team(api, PL1)["alert_acknowledged_for"], since)

    # The team checks in: the episode ends; a late escalation of it is stale.
    api.accept("field1", event("team.checked_in", PL1, {"note": "all OK"}))
    team = _team(api, PL1)
    assert team["escalated_for"] is None and team["alert_acknowledged_for"] is None
    stale = api.post("dispatcher2", escalated(PL1, since))[0]
    assert stale["code"] == "invalid_transition" and "checked in" in stale["detail"]


def test_follow_ups_and_handoffs_stay_in_the_snapshot_until_done(asgi: Api) -> None:
    api = asgi
    assert api.clock is not None
    promised, handed, plain = created(), created(), created()
    closed_at = now()
    api.accept(
        "dispatcher1",
        promised,
        handed,
        plain,
        closed(promised["entity_id"], "referral_made"),
        event(
            "incident.follow_up_scheduled",
            promised["entity_id"],
            {
                "due_from": iso(closed_at + timedelta(hours=24)),
                "due_by": iso(closed_at + timedelta(hours=72)),
                "note": "call back the mother",
            },
        ),
        closed(handed["entity_id"], "warm_handoff"),
        event("incident.handoff_requested", handed["entity_id"], {"provider": "Didi Hirsch"}),
        closed(plain["entity_id"], "resolved_on_scene"),
    )
    wall_view = next(
        i for i in api.snapshot("wall")["incidents"] if i["id"] == promised["entity_id"]
    )
    assert wall_view["follow_up"]["note"] == ""  # the promise's words are personal

    # Two days later: the plain call is gone, the open work is not.
    api.clock.advance(timedelta(hours=48))
    api._tokens.clear()  # the tokens expired with the shift
    assert _incident(api, plain["entity_id"]) is None
    kept = _incident(api, promised["entity_id"])
    assert kept is not None and kept["state"] == "closed" and kept["follow_up"]["done_at"] is None
    assert _incident(api, handed["entity_id"]) is not None

    # The follow-up becomes a new incident linked to the first; the handoff is accepted.
    visit = created(
        source="scheduled_follow_up",
        call_type="follow_up_visit",
        follows_up=promised["entity_id"],
        received_at=iso(api.clock()),
    )
    api.accept(
        "dispatcher1",
        visit,
        event(
            "incident.handoff_accepted",
            handed["entity_id"],
            {"accepted_by": "intake, K. Moreno"},
            occurred_at=iso(api.clock()),
        ),
    )
    new = _incident(api, visit["entity_id"])
    assert new is not None and new["follows_up"] == promised["entity_id"]
    assert new["source"] == "scheduled_follow_up"
    # Closed two days ago and nothing left open: both leave the snapshot.
    assert _incident(api, promised["entity_id"]) is None
    assert _incident(api, handed["entity_id"]) is None
    log = api.get("dispatcher1", f"/incidents/{promised['entity_id']}/events").json()["events"]
    assert [e["type"] for e in log][-1] == "incident.follow_up_scheduled"


def test_a_scheduled_call_holds_its_team_from_the_hold_time(asgi: Api) -> None:
    api = asgi
    later, meanwhile = created(), created()
    at = now() + timedelta(minutes=20)
    hold_from = now() - timedelta(seconds=1)
    api.accept(
        "dispatcher1",
        later,
        meanwhile,
        event(
            "incident.scheduled",
            later["entity_id"],
            {"scheduled_for": iso(at), "team_id": EX1, "hold_from": iso(hold_from)},
        ),
    )
    team = _team(api, EX1)
    assert team["status"] == "available" and team["incident_id"] is None
    assert team["reservation"]["incident_id"] == later["entity_id"]
    incident = _incident(api, later["entity_id"])
    assert incident is not None and incident["state"] == "pending"
    assert incident["reserved_team_id"] == EX1

    refused = api.post("dispatcher2", assigned(meanwhile["entity_id"], EX1))[0]
    assert refused["code"] == "team_unavailable" and "held for" in refused["detail"]
    api.accept("dispatcher2", assigned(meanwhile["entity_id"], PL2))
    api.accept("dispatcher1", assigned(later["entity_id"], EX1))
    team = _team(api, EX1)
    assert team["reservation"] is None and team["status"] == "dispatched"


def test_incidents_and_teams_stored_before_these_fields_still_load(asgi: Api) -> None:
    """Rows written by the previous version have none of the new keys."""
    api = asgi
    call = created()
    api.accept("dispatcher1", call, assigned(call["entity_id"], PL2))
    engine = sa.create_engine(api.database_url)
    new_incident_keys = {
        "assigned_team_ids",
        "follow_up",
        "handoff",
        "follows_up",
        "scheduled_for",
        "reserved_team_id",
    }
    new_team_keys = {
        "last_scene_incident_id",
        "escalated_for",
        "alert_acknowledged_for",
        "reservation",
    }
    assert new_incident_keys <= set(Incident.model_fields)
    with engine.begin() as conn:
        for table, keys in (("incidents", new_incident_keys), ("teams", new_team_keys)):
            rows = conn.execute(sa.text(f"SELECT id, data FROM {table}")).all()
            for row_id, data in rows:
                document = data if isinstance(data, dict) else json.loads(data)
                assert keys <= set(document)  # written by this version
                old = {k: v for k, v in document.items() if k not in keys}
                conn.execute(
                    sa.text(f"UPDATE {table} SET data = :data WHERE id = :id"),
                    {"data": json.dumps(old), "id": row_id},
                )
    engine.dispose()
    snapshot = api.snapshot()
    incident = next(i for i in snapshot["incidents"] if i["id"] == call["entity_id"])
    assert incident["assigned_team_ids"] == [] and incident["follow_up"] is None
    # The rules work on the old rows: PL-2 arrives, then clears.
    api.accept("dispatcher1", status(PL2, "on_scene"), status(PL2, "available"))
    assert _team(api, PL2)["last_scene_incident_id"] == call["entity_id"]
