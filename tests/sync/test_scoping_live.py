"""Provider scoping through real consoles: a provider's console gets a call's personal
data when its team takes the call, and equals the server's scoped snapshot."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.server.helpers import SECRETS, assigned, created, note, status
from tests.support.server import ServerProcess
from umcr_console.domain.events import Event
from umcr_console.domain.ids import name_id
from umcr_console.server import auth
from umcr_console.server.db import make_engine

from .harness import Console, assert_matches_server, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

PL2 = name_id("team", "PL-2")
EX1 = name_id("team", "EX-1")
PROVIDER_USERS = {"penny": "Penny Lane Centers", "exodus": "Exodus Recovery"}


def _add_provider_users(server: ServerProcess) -> None:
    engine = make_engine(server.database_url)
    try:
        for name, provider in PROVIDER_USERS.items():
            auth.add_user(
                engine, name, "dispatcher", f"{name} sings in the choir", provider=provider
            )
            server.users[name] = ("dispatcher", f"{name} sings in the choir")
    finally:
        engine.dispose()


def _post(server: ServerProcess, username: str, *events: dict) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.post(
            "/api/v1/events",
            json={"events": list(events)},
            headers={"Authorization": f"Bearer {server.token(username)}"},
        )
    assert answer.status_code == 200, answer.text
    assert all(r["status"] == "accepted" for r in answer.json()["results"]), answer.text


def _last_seq(server: ServerProcess) -> int:
    return int(httpx.get(f"{server.url}/api/v1/health", timeout=30).json()["seq"])


def _caller(console: Console, incident_id: str) -> str:
    return console.call(lambda: console.workspace.view.incidents[incident_id].caller.name)


def test_a_provider_console_gets_the_call_in_full_when_its_team_takes_it(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    _add_provider_users(live_server)
    pending, exodus_call = created(), created()
    a, b = pending["entity_id"], exodus_call["entity_id"]
    _post(
        live_server,
        "dispatcher1",
        pending,
        exodus_call,
        assigned(b, EX1),
        note(b, SECRETS["note"]),
        status(EX1, "en_route", note=SECRETS["status_note"]),
    )
    penny = console_for(
        live_server.url, "penny", username="penny", password="penny sings in the choir"
    )
    exodus = console_for(
        live_server.url, "exodus", username="exodus", password="exodus sings in the choir"
    )
    seq = _last_seq(live_server)
    for console in (penny, exodus):
        console.wait_drained(seq)
    assert _caller(penny, a) == "" and _caller(exodus, a) == ""
    assert _caller(penny, b) == "" and _caller(exodus, b) == SECRETS["caller_name"]

    # What Penny's confirmed state held at each change: (seq, the call's caller).
    held: list[tuple[int, str]] = []

    def record(_changed: object) -> None:
        ws = penny.workspace
        incident = ws.confirmed.incidents.get(a)
        held.append((ws.cursor, incident.caller.name if incident else "-"))

    penny.call(lambda: penny.workspace.incidents_changed.connect(record))
    # Penny Lane takes the pending call with its own team, from its console.
    take = Event.model_validate(assigned(a, PL2))
    penny.submit(take)
    penny.wait_until(
        lambda: penny.workspace.view.incidents[a].caller.name == SECRETS["caller_name"],
        what="the call in full",
    )
    penny.wait_drained(_last_seq(live_server))
    # The call came in full with the event that gave it to Penny: no moment's
    # confirmed state at or past that seq held it without personal data (one no
    # snapshot shows: the fault soak's scoped consoles were caught in it).
    taken_at = next(
        e.seq
        for e in server_log(live_server.url, live_server.token("supervisor"))
        if e.event_id == take.event_id
    )
    assert [(seq, name) for seq, name in held if seq >= taken_at and name == ""] == []
    # Events after the reload come in full, and Exodus never gets the call's personal data.
    _post(live_server, "dispatcher1", note(a, "second note"))
    exodus.wait_drained(_last_seq(live_server))
    assert _caller(exodus, a) == ""
    for console, user in ((penny, "penny"), (exodus, "exodus")):
        assert_matches_server(console, live_server.url, live_server.token(user))
    notes = penny.call(lambda: [n.text for n in penny.workspace.view.incidents[a].notes])
    assert notes == ["second note"]
