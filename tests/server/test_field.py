"""The field companion's server side (issue 24): assignment, help now, positions, headers.

The attacker's view is here too: a field user tries another team of its own
provider, a team of another provider, another provider's incident, and the
dispatcher-only and wall-only doors. The page itself runs in a real browser in
tests/ui/test_field_browser.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.server.helpers import (
    EX1,
    PL1,
    PL2,
    SECRETS,
    assigned,
    created,
    event,
    iso,
    note,
    status,
)
from umcr_console.domain.alerts import help_acknowledgement_event_id

ADDRESS = "1234 W Sunset Blvd"


def _call_for(api, team_id: str) -> str:
    incident = created()
    api.accept("dispatcher1", incident, assigned(incident["entity_id"], team_id))
    return incident["entity_id"]


def _help(team_id: str = PL1, **payload) -> dict:
    return event("team.help_requested", team_id, payload)


@pytest.mark.slow
def test_assignment_shows_the_own_team_its_call_and_the_next_statuses(asgi):
    free = asgi.get("field1", "/field/assignment")
    assert free.status_code == 200, free.text
    body = free.json()
    assert body["team"]["id"] == PL1 and body["team"]["call_sign"] == "PL-1"
    assert body["incident"] is None
    # Available: the rules allow no field status (dispatch only comes by assignment).
    assert body["next_statuses"] == []

    incident_id = _call_for(asgi, PL1)
    asgi.accept(
        "dispatcher1",
        note(incident_id, "Mother will meet you at the gate"),
        event(
            "incident.caution_added",
            incident_id,
            {"category": "animal", "text": "Big dog in the yard"},
        ),
    )
    body = asgi.get("field1", "/field/assignment").json()
    call = body["incident"]
    assert call["id"] == incident_id and call["address"] == ADDRESS
    assert call["call_type"] == "welfare_check" and call["call_type_label"] == "Welfare check"
    assert call["narrative"] == SECRETS["narrative"]
    assert [n["text"] for n in call["notes"]] == ["Mother will meet you at the gate"]
    assert [(c["category"], c["text"]) for c in body["cautions"]] == [
        ("animal", "Big dog in the yard")
    ]
    assert body["team"]["status"] == "dispatched"
    assert [c["status"] for c in body["next_statuses"]] == ["en_route", "on_scene", "available"]
    assert body["transitions"]["en_route"] == ["on_scene", "available"]

    asgi.accept("field1", status(PL1, "en_route"))
    body = asgi.get("field1", "/field/assignment").json()
    assert [c["status"] for c in body["next_statuses"]] == ["on_scene", "available"]
    asgi.accept("field1", status(PL1, "on_scene"))
    body = asgi.get("field1", "/field/assignment").json()
    assert [c["status"] for c in body["next_statuses"]] == ["transporting", "available"]


def test_only_field_users_read_an_assignment_and_never_of_another_team(asgi):
    _call_for(asgi, EX1)  # another provider's team on a call
    for role_user in ("dispatcher1", "wall", "admin"):
        assert asgi.get(role_user, "/field/assignment").status_code == 403
    # No parameter names a team: whatever is asked, the answer is the token's team.
    body = asgi.get("field1", "/field/assignment", params={"team_id": EX1}).json()
    assert body["team"]["id"] == PL1 and body["incident"] is None
    answer = asgi.client.get("/api/v1/field/assignment")
    assert answer.status_code == 401


def test_field_user_acts_for_its_own_team_and_call_only(asgi):
    own = _call_for(asgi, PL1)
    same_provider = _call_for(asgi, PL2)
    other_provider = _call_for(asgi, EX1)
    results = asgi.post(
        "field1",
        status(PL2, "en_route"),  # another team of its own provider
        status(EX1, "en_route"),  # another provider's team
        _help(PL2),
        _help(EX1),
        note(same_provider, "not our call"),
        note(other_provider, "not our provider"),
        event("team.help_acknowledged", PL1, {"requested_at": iso()}),
        event("incident.closed", own, {"disposition": "resolved_on_scene", "note": ""}),
    )
    assert [r["status"] for r in results] == ["rejected"] * 8, results
    assert {r["code"] for r in results} == {"forbidden"}
    # Its own call: a note is taken.
    asgi.accept("field1", note(own, "Door code 4411"))
    snapshot = asgi.snapshot()
    teams = {t["id"]: t for t in snapshot["teams"]}
    assert teams[PL2]["status"] == "dispatched" and teams[EX1]["status"] == "dispatched"
    assert teams[PL2]["help"] is None and teams[EX1]["help"] is None


def test_help_now_is_one_alert_until_acknowledged_and_the_phone_sees_the_answer(asgi):
    incident_id = _call_for(asgi, PL1)
    at = datetime.now(UTC)
    first = _help(
        note="two people, one with a bat",
        lat=34.07712,
        lon=-118.26034,
        accuracy_m=12.0,
        position_at=iso(at),
    )
    [seq] = asgi.accept("field1", first)
    # A retry of the same call (the phone did not get the answer): nothing new.
    [retry] = asgi.post("field1", first)
    assert (retry["status"], retry["seq"]) == ("duplicate", seq)
    # A second tap with a new id while the first is open: refused, still one alert.
    [again] = asgi.post("field1", _help())
    assert again["status"] == "rejected" and again["code"] == "invalid_transition"
    helps = [e for e in asgi.events()["events"] if e["type"] == "team.help_requested"]
    assert len(helps) == 1

    team = {t["id"]: t for t in asgi.snapshot()["teams"]}[PL1]
    call = team["help"]
    assert call["incident_id"] == incident_id and call["acknowledged_at"] is None
    assert (call["lat"], call["lon"], call["requested_by"]) == (34.07712, -118.26034, "field1")
    assert asgi.get("field1", "/field/assignment").json()["help"]["acknowledged_at"] is None

    requested_at = datetime.fromisoformat(call["requested_at"])
    ack_id = help_acknowledgement_event_id(PL1, requested_at)
    ack = event(
        "team.help_acknowledged",
        PL1,
        {"requested_at": call["requested_at"], "note": "LAPD on the way"},
        event_id=ack_id,
    )
    asgi.accept("dispatcher1", ack)
    # A second console acknowledging the same call at the same moment: a duplicate.
    [dup] = asgi.post("dispatcher2", ack)
    assert dup["status"] == "duplicate"
    seen = asgi.get("field1", "/field/assignment").json()["help"]
    assert seen["acknowledged_by"] == "dispatcher1"
    assert seen["acknowledgement_note"] == "LAPD on the way"
    # Acknowledged: the team may call again, and that is a new alert.
    asgi.accept("field1", _help())


def test_help_now_payload_is_checked(asgi):
    results = asgi.post(
        "field1",
        _help(lat=34.0),  # a lone latitude
        _help(lat=134.0, lon=0.0),
        _help(accuracy_m=-1),
        _help(unknown="x"),
    )
    assert [r["code"] for r in results] == ["invalid_payload"] * 4
    [ack] = asgi.post("dispatcher1", event("team.help_acknowledged", PL1, {"requested_at": iso()}))
    assert ack["code"] == "invalid_transition"


def test_the_wall_sees_the_help_call_but_not_where_the_worker_is(asgi):
    _call_for(asgi, PL1)
    # Away from the incident (whose coarse place the wall may show).
    asgi.accept("field1", _help(note="worker note", lat=34.06123, lon=-118.24567, accuracy_m=5))
    team = {t["id"]: t for t in asgi.snapshot("wall")["teams"]}[PL1]
    assert team["help"]["requested_at"] and team["help"]["acknowledged_at"] is None
    assert team["help"]["lat"] is None and team["help"]["lon"] is None
    assert team["help"]["note"] == ""
    [wall_event] = [e for e in asgi.events("wall")["events"] if e["type"] == "team.help_requested"]
    assert wall_event["payload"] == {}
    text = asgi.get("wall", "/events").text
    assert "34.06" not in text and "118.24" not in text and "worker note" not in text


def test_field_sessions_are_short(asgi):
    answer = asgi.sign_in("field1")
    expires = datetime.fromisoformat(answer.json()["expires_at"])
    assert expires - datetime.now(UTC) <= timedelta(hours=4, minutes=1)
    dispatcher = datetime.fromisoformat(asgi.sign_in("dispatcher1").json()["expires_at"])
    assert dispatcher - datetime.now(UTC) > timedelta(hours=11)


def test_positions_are_read_by_dispatch_with_their_age_and_forgotten_after_the_retention(asgi):
    at = datetime.now(UTC) - timedelta(seconds=30)
    answer = asgi.client.post(
        "/api/v1/field/position",
        headers=asgi.headers("field1"),
        json={"lat": 34.05, "lon": -118.25, "accuracy_m": 8, "at": at.isoformat()},
    )
    assert answer.status_code == 204, answer.text
    body = asgi.get("dispatcher1", "/field/positions").json()
    [pos] = body["positions"]
    assert pos["team_id"] == PL1 and pos["lat"] == 34.05 and 25 <= pos["age_s"] <= 120
    for who in ("wall", "field1"):
        assert asgi.get(who, "/field/positions").status_code == 403
    for who in ("dispatcher1", "wall"):
        refused = asgi.client.post(
            "/api/v1/field/position",
            headers=asgi.headers(who),
            json={"lat": 34.05, "lon": -118.25, "at": at.isoformat()},
        )
        assert refused.status_code == 403
    future = asgi.client.post(
        "/api/v1/field/position",
        headers=asgi.headers("field1"),
        json={"lat": 34.05, "lon": -118.25, "at": (at + timedelta(hours=1)).isoformat()},
    )
    assert future.status_code == 422
    for bad in (
        {"lat": 34.05, "lon": -118.25, "at": "0001-01-01T00:00:00+05:00"},
        {"lat": 91, "lon": -118.25, "at": at.isoformat()},
        {"lat": 34.05, "lon": -118.25, "at": "2026-01-01T00:00:00"},  # no offset
        {"lat": 34.05, "lon": -118.25, "at": at.isoformat(), "team_id": EX1},
    ):
        refused = asgi.client.post(
            "/api/v1/field/position", headers=asgi.headers("field1"), json=bad
        )
        assert refused.status_code == 422, (bad, refused.text)
    asgi.clock.advance(timedelta(hours=12, minutes=1))
    asgi._tokens.clear()  # the shift's tokens expired too: sign in again
    assert asgi.get("dispatcher1", "/field/positions").json()["positions"] == []


def test_the_page_has_a_strict_policy_and_no_inline_script(asgi):
    page = asgi.client.get("/field/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert "set-cookie" not in page.headers
    # Every script element has a src: nothing inline for the policy to allow.
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", page.text)  # no inline event handlers either
    for name in ("field.js", "field.css", "sw.js", "manifest.json"):
        answer = asgi.client.get(f"/field/{name}")
        assert answer.status_code == 200, name
        assert answer.headers["content-security-policy"] == csp
    assert asgi.client.get("/field/../api/v1/snapshot").status_code in (401, 404)
    assert asgi.client.get("/field/server.py").status_code == 404
    # The API keeps its own policy that allows nothing.
    assert (
        asgi.client.get("/api/v1/health")
        .headers["content-security-policy"]
        .startswith("default-src 'none'; frame-ancestors")
    )


@pytest.mark.parametrize("path", ["/field", "/field/"])
@pytest.mark.slow
def test_the_page_is_reachable(asgi, path):
    answer = asgi.client.get(path, follow_redirects=True)
    assert answer.status_code == 200 and "HELP NOW" in answer.text


def test_help_event_ids_are_per_call():
    at = datetime.now(UTC)
    assert help_acknowledgement_event_id(PL1, at) == help_acknowledgement_event_id(PL1, at)
    assert help_acknowledgement_event_id(PL1, at) != help_acknowledgement_event_id(PL2, at)
    later = at + timedelta(seconds=1)
    assert help_acknowledgement_event_id(PL1, at) != help_acknowledgement_event_id(PL1, later)
