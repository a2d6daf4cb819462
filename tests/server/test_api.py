"""The protocol.md scenarios, on ASGI and a real process, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.server.helpers import (
    API,
    EX1,
    PL1,
    PL2,
    ROSTER_SIZE,
    Api,
    assigned,
    closed,
    created,
    event,
    note,
    status,
)
from umcr_console.domain.ids import uuid7
from umcr_console.protocol import PROBLEM_JSON

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _team(snapshot: dict, team_id: str) -> dict:
    return next(t for t in snapshot["teams"] if t["id"] == team_id)


def _incident(snapshot: dict, incident_id: str) -> dict | None:
    return next((i for i in snapshot["incidents"] if i["id"] == incident_id), None)


def _assert_problem(answer, status_code: int) -> dict:
    assert answer.status_code == status_code, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    body = answer.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["status"] == status_code
    assert body["detail"]
    assert "Traceback" not in answer.text
    return body


def test_health_roster_tokens_and_roles(api: Api) -> None:
    health = api.client.get(f"{API}/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["version"] and body["time"].endswith("Z")
    # The six pilot teams came in as team.created events, one seq each.
    assert body["seq"] == ROSTER_SIZE
    snapshot = api.snapshot()
    assert snapshot["seq"] == ROSTER_SIZE
    assert len(snapshot["teams"]) == ROSTER_SIZE
    assert {t["status"] for t in snapshot["teams"]} == {"available"}
    log = api.events()
    assert [e["type"] for e in log["events"]] == ["team.created"] * ROSTER_SIZE
    assert {e["actor"] for e in log["events"]} == {"system"}

    signed_in = api.sign_in("dispatcher1")
    assert signed_in.status_code == 200
    body = signed_in.json()
    assert body["token_type"] == "bearer" and body["role"] == "dispatcher"
    assert body["access_token"] and body["expires_at"]

    _assert_problem(api.sign_in("dispatcher1", "wrong"), 401)
    _assert_problem(api.sign_in("nobody", "whatever"), 401)
    _assert_problem(api.client.get(f"{API}/snapshot"), 401)
    _assert_problem(
        api.client.get(f"{API}/snapshot", headers={"Authorization": "Bearer not-a-token"}), 401
    )
    _assert_problem(api.client.get(f"{API}/snapshot", headers={"Authorization": "Basic eDp5"}), 401)
    _assert_problem(api.client.post(f"{API}/events", json={"events": [created()]}), 401)

    # The wall is read-only: 403 for the whole batch, nothing stored.
    before = api.last_seq()
    _assert_problem(api.post_raw("wall", {"events": [created()]}), 403)
    assert api.last_seq() == before

    me = api.get("field1", "/me").json()
    assert me["username"] == "field1" and me["role"] == "field" and me["team_id"] == PL1

    deployment = api.get("wall", "/deployment").json()
    assert deployment["thresholds"]["response_target_min"] == 30
    assert len(deployment["teams"]) == ROSTER_SIZE

    # Signing out ends the token.
    token = api.sign_in("supervisor").json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.client.delete(f"{API}/auth/token", headers=bearer).status_code == 204
    _assert_problem(api.client.get(f"{API}/me", headers=bearer), 401)


def test_a_call_from_intake_to_close(api: Api) -> None:
    start = api.last_seq()
    incident = created()
    incident_id = incident["entity_id"]
    seqs = api.accept("dispatcher1", incident, assigned(incident_id, PL1))
    assert seqs == [start + 1, start + 2]

    snapshot = api.snapshot()
    assert snapshot["seq"] == start + 2
    call = _incident(snapshot, incident_id)
    assert call["state"] == "assigned" and call["team_ids"] == [PL1] and call["version"] == 2
    assert call["number"] == f"U{start + 1:06d}"
    assert call["received_at"].endswith("Z")
    assert _team(snapshot, PL1)["status"] == "dispatched"
    assert _team(snapshot, PL1)["incident_id"] == incident_id

    # A second dispatcher's stale view: the team is no longer available.
    other = created()
    results = api.post("dispatcher2", other, assigned(other["entity_id"], PL1))
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected" and results[1]["code"] == "team_unavailable"
    assert "seq" not in results[1] or results[1]["seq"] is None

    api.accept(
        "dispatcher1",
        status(PL1, "en_route"),
        status(PL1, "on_scene"),
        note(incident_id, "calm now"),
        closed(incident_id, "referral_made", "referred to DMH"),
    )
    snapshot = api.snapshot()
    call = _incident(snapshot, incident_id)
    assert call["state"] == "closed" and call["disposition"] == "referral_made"
    assert call["times"]["on_scene_at"] and call["times"]["closed_at"]
    # Closed in the last 24 h: still in the snapshot.
    assert _team(snapshot, PL1)["status"] == "follow_up"

    log = api.events(after=start)["events"]
    assert [e["seq"] for e in log] == list(range(start + 1, start + 1 + len(log)))
    assert {e["actor"] for e in log} == {"dispatcher1", "dispatcher2"}
    timeline = api.get("supervisor", f"/incidents/{incident_id}/events").json()
    assert [e["type"] for e in timeline["events"]] == [
        "incident.created",
        "incident.team_assigned",
        "team.status_changed",
        "team.status_changed",
        "incident.note_added",
        "incident.closed",
    ]
    _assert_problem(api.get("supervisor", f"/incidents/{uuid7()}/events"), 404)
    _assert_problem(api.get("supervisor", "/incidents/not-a-uuid/events"), 404)


def test_resending_is_safe_and_rejections_are_judged_afresh(api: Api) -> None:
    incident = created()
    first = api.post("dispatcher1", incident)[0]
    assert first["status"] == "accepted"
    again = api.post("dispatcher2", incident)[0]
    assert again == {**again, "status": "duplicate", "seq": first["seq"]}
    # Duplicates inside one batch too: the second copy points at the first's seq.
    twice = created()
    results = api.post("dispatcher1", twice, twice)
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "duplicate" and results[1]["seq"] == results[0]["seq"]

    # Rejected now (PL-2 is busy), accepted when resent after PL-2 is free.
    other = created()
    busy = created()
    api.accept("dispatcher1", other, busy, assigned(busy["entity_id"], PL2))
    attempt = assigned(other["entity_id"], PL2)
    assert api.post("dispatcher1", attempt)[0]["code"] == "team_unavailable"
    api.accept("dispatcher1", status(PL2, "available"))
    assert api.post("dispatcher1", attempt)[0]["status"] == "accepted"


def test_results_follow_the_batch_order_and_the_client_cannot_choose_actor_or_seq(
    asgi: Api,
) -> None:
    api = asgi
    start = api.last_seq()
    incident = created()
    incident_id = incident["entity_id"]
    forged = {
        **note(incident_id, "forged"),
        "actor": "someone-else",
        "seq": 999,
        "recorded_at": "2001-01-01T00:00:00Z",
    }
    batch = [
        incident,
        event("incident.flown_away", incident_id),
        forged,
        event("incident.updated", incident_id, {"priority": 1}, expected_version=99),
        event("incident.updated", incident_id, {"priority": 1}, expected_version=2),
        event("incident.reopened", incident_id, {"reason": "why"}),
        assigned(uuid7(), PL1),
    ]
    results = api.post("dispatcher1", *batch)
    assert [r["status"] for r in results] == [
        "accepted",
        "rejected",
        "accepted",
        "rejected",
        "accepted",
        "rejected",
        "rejected",
    ]
    assert [r.get("code") for r in results if r["status"] == "rejected"] == [
        "invalid_payload",
        "version_conflict",
        "invalid_transition",
        "unknown_entity",
    ]
    assert [r["seq"] for r in results if r["status"] == "accepted"] == [
        start + 1,
        start + 2,
        start + 3,
    ]
    stored = api.events(after=start)["events"]
    assert len(stored) == 3
    assert stored[1]["actor"] == "dispatcher1" and stored[1]["seq"] == start + 2
    assert not stored[1]["recorded_at"].startswith("2001")


def test_field_users_change_only_their_own_team(asgi: Api) -> None:
    api = asgi
    incident = created()
    api.accept("dispatcher1", incident, assigned(incident["entity_id"], PL1))
    assert api.post("field1", status(PL1, "en_route"))[0]["status"] == "accepted"
    assert (
        api.post("field1", event("team.checked_in", PL1, {"note": "ok"}))[0]["status"] == "accepted"
    )
    other = api.post("field1", status(EX1, "out_of_service"))[0]
    assert other["status"] == "rejected" and other["code"] == "forbidden"
    # A note on its team's current call (the phone page, issue 24), on no other.
    own = api.post("field1", note(incident["entity_id"], "from the field"))[0]
    assert own["status"] == "accepted", own
    elsewhere = created()
    api.accept("dispatcher1", elsewhere)
    call = api.post("field1", note(elsewhere["entity_id"], "from the field"))[0]
    assert call["code"] == "forbidden"
    # Only an admin changes the roster.
    roster = event(
        "team.created",
        uuid7(),
        {"call_sign": "XX-9", "provider": "Alcott Center", "division": "Olympic"},
    )
    assert api.post("dispatcher1", roster)[0]["code"] == "forbidden"
    assert api.post("admin", roster)[0]["status"] == "accepted"


def test_closed_incidents_leave_the_snapshot_after_a_day(asgi: Api) -> None:
    incident = created()
    api = asgi
    api.accept("dispatcher1", incident, closed(incident["entity_id"], "cancelled"))
    assert _incident(api.snapshot(), incident["entity_id"]) is not None
    assert api.clock is not None
    api.clock.advance(timedelta(hours=24, minutes=1))
    # The token outlived the shift: sign in again.
    api._tokens.clear()
    assert _incident(api.snapshot(), incident["entity_id"]) is None
    assert api.get("dispatcher1", f"/incidents/{incident['entity_id']}/events").status_code == 200


def test_openapi_and_docs(asgi: Api) -> None:
    api = asgi
    assert api.client.get("/docs").status_code == 200
    schema = api.client.get("/openapi.json").json()
    for path in (
        "/auth/token",
        "/health",
        "/snapshot",
        "/events",
        "/events/stream",
        "/me",
        "/deployment",
    ):
        assert f"{API}{path}" in schema["paths"]
    _assert_problem(api.client.get(f"{API}/no-such-thing"), 404)
    _assert_problem(api.client.put(f"{API}/snapshot"), 405)
