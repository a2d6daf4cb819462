"""GET /api/v1/locations/history (issue 22): the place's earlier calls and caution notes,
by address spelling or radius, within the window, scoped by provider; never the wall."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from tests.server.helpers import EX1, PL1, Api, assigned, created, event, iso, now
from tests.server.test_scoping import _add_provider_users
from umcr_console.server.db import make_engine

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

migration = importlib.import_module("umcr_console.server.migrations.versions.0009_incident_places")

HOME = {"address": "123 W. 1st St.", "lat": 34.05230, "lon": -118.24370, "division": "Central"}


def at(address: str, lat: float, lon: float) -> dict[str, Any]:
    return {"location": {"address": address, "lat": lat, "lon": lon, "division": "Central"}}


def caution(incident_id: str, category: str, text: str, **extra: Any) -> dict[str, Any]:
    return event(
        "incident.caution_added", incident_id, {"category": category, "text": text, **extra}
    )


def history(api: Api, user: str = "dispatcher1", **params: Any) -> dict[str, Any]:
    answer = api.get(user, "/locations/history", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_same_address_any_spelling_and_points_within_the_radius(asgi: Api) -> None:
    same_words = created(
        location={**HOME, "address": "123 West First Street", "lat": None, "lon": None}
    )
    near = created(**at("130 W 1st St", 34.05230 + 0.0003, -118.24370))  # ~33 m
    far = created(**at("300 W 1st St", 34.05230 + 0.0010, -118.24370))  # ~111 m
    asgi.accept("dispatcher1", same_words, near, far)
    found = history(asgi, address="123 W 1st St", lat=HOME["lat"], lon=HOME["lon"])
    ids = [e["incident_id"] for e in found["entries"]]
    assert set(ids) == {same_words["entity_id"], near["entity_id"]}
    assert found["address_key"] == "123 W 1ST ST" and found["radius_m"] == 50
    wider = history(asgi, lat=HOME["lat"], lon=HOME["lon"], radius_m=150)
    assert far["entity_id"] in [e["incident_id"] for e in wider["entries"]]
    # The call being taken is not its own history.
    found = history(asgi, address="123 W 1st St", exclude=same_words["entity_id"])
    assert found["entries"] == []


def test_outcome_and_safety_of_each_call_and_the_window(asgi: Api) -> None:
    first = created(
        location=HOME, safety={"weapons": True}, screen_override_reason="knife put away"
    )
    asgi.accept("dispatcher1", first)
    asgi.accept(
        "dispatcher1",
        event("incident.redirected", first["entity_id"], {"agency": "LAPD", "reason": "knife"}),
    )
    (entry,) = history(asgi, address=HOME["address"])["entries"]
    assert entry["redirected_to"] == "LAPD"
    assert entry["disposition"] == "redirected_lapd"
    assert entry["safety"]["weapons"] is True
    assert entry["call_type"] == "welfare_check"
    # 25 months on, the call is out of the default 24-month window, not of a 36-month one.
    assert asgi.clock is not None
    asgi.clock.advance(timedelta(days=25 * 30.5))
    asgi._tokens.clear()  # the shift's token expired meanwhile
    assert history(asgi, address=HOME["address"])["entries"] == []
    assert len(history(asgi, address=HOME["address"], months=36)["entries"]) == 1


def test_caution_notes_show_until_they_expire_and_a_moved_call_moves(asgi: Api) -> None:
    call = created(location=HOME)
    asgi.accept("dispatcher1", call)
    expires = iso(now() + timedelta(days=30))
    asgi.accept(
        "supervisor",
        caution(call["entity_id"], "weapon_seen", "Knife seen in the kitchen", expires_at=expires),
        caution(call["entity_id"], "animal", "Pit bull in the yard"),
    )
    found = history(asgi, lat=HOME["lat"], lon=HOME["lon"])
    assert [(c["category"], c["author"]) for c in found["cautions"]] == [
        ("weapon_seen", "supervisor"),
        ("animal", "supervisor"),
    ]
    assert asgi.clock is not None
    asgi.clock.advance(timedelta(days=31))
    asgi._tokens.clear()  # the shift's token expired meanwhile
    assert [c["category"] for c in history(asgi, lat=HOME["lat"], lon=HOME["lon"])["cautions"]] == [
        "animal"
    ]
    # Corrected to another place: the index follows the incident.
    asgi.accept(
        "dispatcher1",
        event(
            "incident.updated",
            call["entity_id"],
            at("9000 S Vermont Ave", 33.95, -118.29),
            expected_version=3,
        ),
    )
    assert history(asgi, lat=HOME["lat"], lon=HOME["lon"])["entries"] == []
    assert len(history(asgi, address="9000 South Vermont Avenue")["entries"]) == 1


def test_scoping_provider_sees_its_own_notes_only_and_the_wall_nothing(asgi: Api) -> None:
    _add_provider_users(asgi)
    exodus_call, penny_call = created(location=HOME), created(location=HOME)
    asgi.accept(
        "dispatcher1",
        exodus_call,
        penny_call,
        assigned(exodus_call["entity_id"], EX1),
        assigned(penny_call["entity_id"], PL1),
        caution(exodus_call["entity_id"], "violence", "Exodus-secret: threats to staff"),
        caution(penny_call["entity_id"], "access", "Gate code 4411"),
    )
    central = history(asgi, address=HOME["address"])
    assert len(central["entries"]) == 2 and len(central["cautions"]) == 2
    penny = history(asgi, "penny", address=HOME["address"])
    by_id = {e["incident_id"]: e for e in penny["entries"]}
    # Every call at the place, but another provider's without its address or notes.
    assert set(by_id) == {exodus_call["entity_id"], penny_call["entity_id"]}
    assert by_id[exodus_call["entity_id"]]["address"] == ""
    assert by_id[penny_call["entity_id"]]["address"] == HOME["address"]
    assert [c["text"] for c in penny["cautions"]] == ["Gate code 4411"]
    assert (
        "Exodus-secret"
        not in asgi.get("penny", "/locations/history", params={"address": HOME["address"]}).text
    )
    for user in ("wall", "field1"):
        answer = asgi.get(user, "/locations/history", params={"address": HOME["address"]})
        assert answer.status_code == 403, answer.text
    # The wall's event stream carries no trace of what the notes said, nor their kind.
    wall_text = asgi.get("wall", "/events", params={"after": 0}).text
    assert "Gate code" not in wall_text and "violence" not in wall_text


def test_bad_lookups_are_refused(asgi: Api) -> None:
    for params in (
        {},
        {"address": "Echo Park Lake"},  # no street number: nothing to key on
        {"lat": 34.05},
        {"lat": 95, "lon": 0},
        {"lat": 34.05, "lon": -118.2, "radius_m": 0},
        {"lat": 34.05, "lon": -118.2, "months": 0},
        {"address": "x" * 201},
    ):
        answer = asgi.get("dispatcher1", "/locations/history", params=params)
        assert answer.status_code == 422, (params, answer.text)
    assert (
        asgi.client.get("/api/v1/locations/history", params={"lat": 1, "lon": 1}).status_code == 401
    )


def test_migration_fills_the_index_from_stored_incidents(asgi: Api) -> None:
    call = created(location=HOME)
    asgi.accept("dispatcher1", call)
    engine = make_engine(asgi.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM incident_places"))
        assert history(asgi, address=HOME["address"])["entries"] == []
        with engine.begin() as conn:
            table = sa.Table("incident_places", sa.MetaData(), autoload_with=conn)
            assert migration.fill(conn, table) == 1
    finally:
        engine.dispose()
    assert len(history(asgi, address=HOME["address"])["entries"]) == 1


def test_a_real_server_answers_history(process: Api) -> None:
    call = created(location=HOME)
    process.accept("dispatcher1", call, caution(call["entity_id"], "medical", "Oxygen in use"))
    found = history(process, address="123 West First Street")
    assert [e["incident_id"] for e in found["entries"]] == [call["entity_id"]]
    assert found["cautions"][0]["category"] == "medical"


def test_frequent_locations_by_division_and_provider_as_json_and_csv(asgi: Api) -> None:
    _add_provider_users(asgi)
    home = [created(location={**HOME, "address": spelling}) for spelling in (
        "123 W. 1st St.", "123 West First Street", "123 w 1st st",
    )]  # fmt: skip
    other = [created(**at("=HYPERLINK(1)", 34.10, -118.30)) for _ in range(2)]
    once = created(**at("77 E 5th St", 34.04, -118.24))
    asgi.accept("dispatcher1", *home, *other, once, assigned(home[0]["entity_id"], PL1))
    asgi.accept(
        "dispatcher1",
        event("incident.redirected", home[1]["entity_id"], {"agency": "LAPD", "reason": "gun"}),
    )
    params = {"start": iso(now() - timedelta(days=1)), "end": iso(now() + timedelta(days=1))}
    answer = asgi.get("supervisor", "/reports/frequent-locations", params=params)
    assert answer.status_code == 200, answer.text
    rows = answer.json()
    assert [(r["place"], r["calls"]) for r in rows] == [
        ("123 W 1ST ST", 3),
        ("near 34.1000, -118.3000", 2),
    ]
    assert rows[0]["redirected_police"] == 1 and rows[0]["division"] == "Central"
    assert rows[0]["providers"] == ["Penny Lane Centers"]
    # A provider's user: the calls its teams were on.
    penny = asgi.get("penny", "/reports/frequent-locations", params={**params, "min_calls": 1})
    assert [(r["place"], r["calls"]) for r in penny.json()] == [("123 W 1ST ST", 1)]
    by_division = asgi.get(
        "supervisor", "/reports/frequent-locations", params={**params, "division": "Wilshire"}
    )
    assert by_division.json() == []
    csv_text = asgi.get(
        "supervisor", "/reports/frequent-locations", params={**params, "format": "csv"}
    ).text
    assert csv_text.splitlines()[0].startswith("place,division,calls,redirected_police")
    assert "123 W 1ST ST,Central,3,1" in csv_text
    answer = asgi.get("wall", "/reports/frequent-locations", params=params)
    assert answer.status_code == 403


def test_frequent_locations_refuses_a_bad_period(asgi: Api) -> None:
    answer = asgi.get(
        "supervisor",
        "/reports/frequent-locations",
        params={"start": iso(now()), "end": iso(now() - timedelta(days=1))},
    )
    assert answer.status_code == 422
