"""A field user and a foreign web page against the field companion (issue 24), on a real server.

The field user of PL-1 (Penny Lane) tries to read or act for another team of
its own provider, for another provider's team and call, to acknowledge its own
call for help, and to read positions; a page of another origin tries to act
with the user's browser (CSRF): there is no cookie to ride on, and the server
grants no cross-origin request.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.helpers import (
    EX1,
    PL1,
    PL2,
    SECRETS,
    Api,
    assigned,
    created,
    event,
    iso,
    note,
    process_api,
    status,
)

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    with process_api(tmp_path, f"sqlite:///{tmp_path / 'server.sqlite3'}", "sqlite") as server:
        yield server


def _call(api: Api, team_id: str, **payload) -> str:
    incident = created(**payload)
    api.accept("dispatcher1", incident, assigned(incident["entity_id"], team_id))
    return incident["entity_id"]


def test_a_field_user_reaches_nothing_beyond_its_own_team_and_call(api: Api) -> None:
    own = _call(api, PL1)
    other_team = _call(api, PL2, narrative="PL-2's call: not for PL-1's phone")
    other_provider = _call(api, EX1, narrative="Exodus' call: not for Penny Lane")
    results = api.post(
        "field1",
        status(PL2, "en_route"),
        status(EX1, "en_route"),
        event("team.help_requested", PL2, {}),
        event("team.help_requested", EX1, {}),
        event("team.checked_in", EX1, {"note": ""}),
        note(other_team, "written by PL-1's phone"),
        note(other_provider, "written by PL-1's phone"),
        event("incident.caution_added", own, {"category": "other", "text": "x"}),
        event("team.help_acknowledged", PL1, {"requested_at": iso()}),
        event("team.alert_acknowledged", PL1, {"overdue_since": iso()}),
        assigned(other_provider, PL1),
    )
    assert [r["code"] for r in results] == ["forbidden"] * len(results), results
    # Whatever the query says, the assignment is its own team's.
    for params in ({"team_id": EX1}, {"team": "EX-1"}, {"incident_id": other_provider}):
        body = api.get("field1", "/field/assignment", params=params).json()
        assert body["team"]["id"] == PL1 and body["incident"]["id"] == own
        assert "Exodus' call" not in str(body) and "PL-2's call" not in str(body)
    # Its own call for help it cannot acknowledge itself.
    api.accept("field1", event("team.help_requested", PL1, {}))
    team = next(t for t in api.snapshot()["teams"] if t["id"] == PL1)
    [ack] = api.post(
        "field1",
        event("team.help_acknowledged", PL1, {"requested_at": team["help"]["requested_at"]}),
    )
    assert ack["code"] == "forbidden"
    # Positions: only dispatch reads them.
    assert api.get("field1", "/field/positions").status_code == 403
    assert api.get("wall", "/field/positions").status_code == 403
    # What it may read of another provider's call stays redacted, as before.
    snapshot = api.snapshot("field1")
    foreign = next(i for i in snapshot["incidents"] if i["id"] == other_provider)
    assert foreign["narrative"] == "" and foreign["caller"]["name"] != SECRETS["caller_name"]


def test_another_origin_cannot_act_with_the_users_browser(api: Api) -> None:
    token = api.token("field1")
    # A signed-in page sets no cookie: nothing a cross-site form could carry.
    answer = api.client.post(
        "/api/v1/auth/token", json={"username": "field1", "password": api.users["field1"][1]}
    )
    assert "set-cookie" not in answer.headers
    assert "set-cookie" not in api.client.get("/field/").headers
    # A form post (what a foreign page can send without asking): no token, refused.
    body = f'{{"events": [{{"type": "team.help_requested", "token": "{token}"}}]}}'
    forged = api.client.post(
        "/api/v1/events",
        content=body,
        headers={"Content-Type": "text/plain", "Origin": "https://evil.example"},
    )
    assert forged.status_code == 401
    # A cross-origin request with the header needs a preflight: it is not granted.
    preflight = api.client.options(
        "/api/v1/events",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert preflight.status_code in (400, 401, 405)
    # And the page cannot be framed by it.
    page = api.client.get("/field/")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
