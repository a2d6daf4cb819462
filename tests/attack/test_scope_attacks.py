"""A malicious provider against a real server process (issue 17, items 1 and 10).

Each test plays a dispatcher, supervisor or field user of one provider trying to
read or write what another provider holds, through ids the payload carries
rather than the event's ``entity_id``, and through the edges of the scoping
rule (a field user with no provider, a team assigned and released again).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.server.helpers import (
    EX1,
    PL1,
    PL2,
    SECRETS,
    Api,
    assigned,
    closed,
    created,
    event,
    iso,
    note,
    now,
    process_api,
    status,
)
from tests.server.test_scoping import EXODUS, PENNY, _add_provider_users
from umcr_console.server import auth, cli
from umcr_console.server.db import make_engine, users

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

FOLLOW_UP_SECRET = "Follow-up-secret: call Maria about the eviction"
FORBIDDEN = ("rejected", "forbidden")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A real `umcr-server serve` on SQLite, with Penny Lane and Exodus users."""
    with process_api(tmp_path, f"sqlite:///{tmp_path / 'server.sqlite3'}", "sqlite") as server:
        _add_provider_users(server)
        yield server


def _judged(api: Api, user: str, *events: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("code")) for r in api.post(user, *events)]


def _incident(api: Api, user: str, incident_id: str) -> dict[str, Any]:
    return next(i for i in api.snapshot(user)["incidents"] if i["id"] == incident_id)


def _follow_up(incident_id: str, text: str = FOLLOW_UP_SECRET) -> dict[str, Any]:
    return event(
        "incident.follow_up_scheduled",
        incident_id,
        {
            "due_from": iso(now() + timedelta(hours=1)),
            "due_by": iso(now() + timedelta(days=1)),
            "note": text,
        },
    )


def _exodus_call_with_follow_up(api: Api) -> str:
    """An Exodus call (its team on it) with a follow-up promised."""
    call = created()
    api.accept("dispatcher1", call, assigned(call["entity_id"], EX1))
    api.accept("dispatcher1", _follow_up(call["entity_id"]))
    return str(call["entity_id"])


# -- item 1: every reference in a payload is scoped -----------------------------------


@pytest.mark.parametrize("spelling", [str.lower, str.upper], ids=["canonical", "upper-case"])
def test_a_follow_up_call_cannot_close_another_providers_follow_up(api: Api, spelling) -> None:
    exodus_call = _exodus_call_with_follow_up(api)
    attack = created(follows_up=spelling(exodus_call))
    results = api.post("penny", attack)
    assert (results[0]["status"], results[0]["code"]) == FORBIDDEN, results
    assert "another provider" in results[0]["detail"]
    # Exodus's follow-up is still open, and nothing of it reached Penny Lane.
    original = _incident(api, "dispatcher1", exodus_call)
    assert original["follow_up"]["done_at"] is None
    audit = api.get("penny_supervisor", "/audit", params={"limit": 1000})
    assert audit.status_code == 200
    assert FOLLOW_UP_SECRET not in audit.text
    # Exodus itself may turn its follow-up into a call.
    assert _judged(api, "exodus", created(follows_up=exodus_call)) == [("accepted", None)]
    assert _incident(api, "dispatcher1", exodus_call)["follow_up"]["done_at"] is not None


def test_an_audit_row_shows_only_the_records_the_reader_holds(api: Api) -> None:
    """A central dispatcher links a follow-up call to Exodus's incident; Penny Lane's
    team then takes the new call. Penny Lane's supervisor sees the new call's audit
    rows, but not what the same event did to Exodus's incident."""
    exodus_call = _exodus_call_with_follow_up(api)
    follow_up_call = created(follows_up=exodus_call)
    api.accept("dispatcher1", follow_up_call)
    api.accept("dispatcher1", assigned(follow_up_call["entity_id"], PL1))
    audit = api.get("penny_supervisor", "/audit", params={"limit": 1000})
    assert audit.status_code == 200
    rows = [r for r in audit.json()["entries"] if r["incident_id"] == follow_up_call["entity_id"]]
    assert rows, "Penny Lane holds the follow-up call: its rows are shown"
    assert FOLLOW_UP_SECRET not in audit.text
    for row in rows:
        for state in (row["before"], row["after"]):
            if state:
                assert exodus_call not in state.get("incidents", {}), row
    # The central supervisor still sees the whole row.
    central = api.get("supervisor", "/audit", params={"limit": 1000})
    assert FOLLOW_UP_SECRET in central.text


def test_a_provider_names_only_its_own_teams_in_any_payload(api: Api) -> None:
    call = created()
    api.accept("penny", call)
    incident_id = call["entity_id"]
    later = iso(now() + timedelta(hours=2))
    # Assign, reserve or release another provider's team on its own call: refused.
    assert _judged(api, "penny", assigned(incident_id, EX1)) == [FORBIDDEN]
    reserve = event(
        "incident.scheduled", incident_id, {"scheduled_for": later, "team_id": EX1.upper()}
    )
    assert _judged(api, "penny", reserve) == [FORBIDDEN]
    # Its own team, in any spelling of the id: accepted.
    own = event("incident.scheduled", incident_id, {"scheduled_for": later, "team_id": PL2})
    assert _judged(api, "penny", own) == [("accepted", None)]


# -- item 10: the edges of the rule -------------------------------------------------------


def test_a_field_user_without_a_provider_sees_nothing_in_full(api: Api) -> None:
    """An existing field user saved before providers were required for them."""
    engine = make_engine(api.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.update(users).where(users.c.username == "field1").values(provider=None))
    finally:
        engine.dispose()
    call = created()
    api.accept(
        "dispatcher1",
        call,
        assigned(call["entity_id"], PL1),
        note(call["entity_id"], SECRETS["note"]),
    )
    snapshot = api.snapshot("field1")
    leaked = [label for label, secret in SECRETS.items() if secret in json.dumps(snapshot)]
    assert leaked == []
    for path in ("/events", f"/incidents/{call['entity_id']}/events"):
        answer = api.get("field1", path)
        assert answer.status_code == 200
        assert not [s for s in SECRETS.values() if s in answer.text], path
    # It may still report its own team's status, and nothing else.
    assert _judged(api, "field1", status(PL1, "en_route")) == [("accepted", None)]
    assert _judged(api, "field1", status(EX1, "out_of_service")) == [FORBIDDEN]


def test_a_field_user_sees_its_providers_calls_only(api: Api) -> None:
    ours, theirs = created(), created()
    api.accept(
        "dispatcher1",
        ours,
        theirs,
        assigned(ours["entity_id"], PL1),
        assigned(theirs["entity_id"], EX1),
    )
    snapshot = api.snapshot("field1")
    by_id = {i["id"]: i for i in snapshot["incidents"]}
    assert by_id[ours["entity_id"]]["narrative"] == SECRETS["narrative"]
    assert by_id[theirs["entity_id"]]["narrative"] == ""


def test_a_field_user_needs_a_provider(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = make_engine(url)
    try:
        from umcr_console.server.migrate import upgrade

        upgrade(engine)
        with pytest.raises(ValueError, match="provider"):
            auth.add_user(engine, "pl", "field", "pw", team_call_sign="PL-1")
    finally:
        engine.dispose()
    # The command line gives a field user its team's provider, and refuses another.
    monkeypatch.setenv(cli.PASSWORD_ENV, "a long enough password")
    assert (
        cli.main(["user", "add", "pl1", "--role", "field", "--team", "PL-1", "--database", url])
        == 0
    )
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            saved = conn.execute(sa.select(users.c.provider).where(users.c.username == "pl1"))
            assert saved.scalar_one() == PENNY
    finally:
        engine.dispose()
    refused = ["user", "add", "pl2", "--role", "field", "--team", "PL-1", "--provider", EXODUS]
    assert cli.main([*refused, "--database", url]) == 1
    assert "belongs to" in capsys.readouterr().err


@pytest.mark.parametrize("how", ["released", "cleared"])
def test_access_from_a_team_ends_when_the_team_leaves_the_open_call(api: Api, how: str) -> None:
    incident_id = created()["entity_id"]
    let_go = (
        event("incident.team_released", incident_id, {"team_id": PL1, "reason": "wrong call"})
        if how == "released"
        else status(PL1, "available")
    )
    call = created(incident_id)
    api.accept("exodus", call, note(incident_id, SECRETS["note"]))
    api.accept("penny", assigned(incident_id, PL1))
    assert _incident(api, "penny", incident_id)["narrative"] == SECRETS["narrative"]
    api.accept("penny", let_go)
    seen = _incident(api, "penny", incident_id)
    assert seen["narrative"] == "" and seen["notes"] == [], seen
    assert _judged(api, "penny", note(incident_id, "still here")) == [FORBIDDEN]
    timeline = api.get("penny", f"/incidents/{incident_id}/events")
    assert SECRETS["note"] not in timeline.text
    assert api.get("penny", f"/incidents/{incident_id}/eido").status_code == 403
    # Exodus keeps it, and Penny Lane may take it again while it is pending.
    assert _incident(api, "exodus", incident_id)["narrative"] == SECRETS["narrative"]
    assert _judged(api, "penny", assigned(incident_id, PL1)) == [("accepted", None)]
    assert _incident(api, "penny", incident_id)["narrative"] == SECRETS["narrative"]


def test_a_team_on_the_call_at_its_close_keeps_its_providers_access(api: Api) -> None:
    call = created()
    incident_id = call["entity_id"]
    api.accept("exodus", call)
    api.accept("penny", assigned(incident_id, PL1), status(PL1, "on_scene"))
    api.accept("exodus", closed(incident_id))
    assert _incident(api, "penny", incident_id)["narrative"] == SECRETS["narrative"]


def test_a_reference_the_caller_did_not_read_is_refused_not_guessed() -> None:
    """``forbids`` fails closed: an incident named in a payload but not looked up
    (a future caller that forgets) is refused rather than let through."""
    from umcr_console.domain.events import Event
    from umcr_console.server.scope import ProviderScope

    scope = ProviderScope(PENNY, {PL1: PENNY, EX1: EXODUS})
    original = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    attack = Event.model_validate(created(follows_up=original))
    reason = scope.forbids(attack, None)
    assert reason is not None and "could not be checked" in reason
    # Looked up and unknown: the rules refuse it as an unknown incident.
    assert scope.forbids(attack, None, {original: None}) is None
