"""A shift change during an outage keeps who did what (issue 19 item 3).

A real server process, two real users at one workstation: dispatcher1 (A) acts
offline and signs out, dispatcher2 (B) signs in at the same console (same
store) and acts, then the link returns. The audit must name A for A's actions
and B for B's. When A's actions cannot be proved (A revoked meanwhile), they
are held, never sent under B's name, B is told, and the server records it.

docs/security.md, "Who did it: actions made offline across a shift change".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import created
from tests.support.server import ServerProcess
from umcr_console.domain.enums import EventType
from umcr_console.domain.events import Event
from umcr_console.domain.ids import uuid7
from umcr_console.server import audit, auth
from umcr_console.server.db import make_engine

from .harness import Console, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

WS = "ws-shift"
A, B = "dispatcher1", "dispatcher2"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(tmp_path, keepalive=0.5) as process:
        yield process


def new_call(console: Console) -> Event:
    payload = created()["payload"]
    return console.call(
        lambda: console.workspace.new_event(EventType.INCIDENT_CREATED, uuid7(), payload)
    )


def new_note(console: Console, incident_id: str, text: str) -> Event:
    return console.call(
        lambda: console.workspace.new_event(
            EventType.INCIDENT_NOTE_ADDED, incident_id, {"text": text}
        )
    )


def online_with_key(console: Console) -> None:
    """Signed in online once: the user's signing key is made and enrolled."""
    console.wait_until(
        lambda: (
            console.is_online()
            and console.workspace.author_key is not None
            and console.workspace.author_key.enrolled
        ),
        30,
        "online with an enrolled key",
    )


def audit_of(server: ServerProcess, action: str) -> dict[str, dict[str, Any]]:
    """The audit rows of ``action`` by event id (the newest for each)."""
    with server.client("supervisor") as client:
        answer = client.get("/api/v1/audit", params={"action": action, "limit": 1000})
    assert answer.status_code == 200, answer.text
    rows: dict[str, dict[str, Any]] = {}
    for row in answer.json()["entries"]:  # newest first
        rows.setdefault(row["event_id"], row)
    return rows


def chain_intact(server: ServerProcess) -> None:
    engine = make_engine(server.database_url)
    try:
        verdict = audit.verify(engine)
    finally:
        engine.dispose()
    assert verdict.intact, verdict.problem


def offline_shift_change(
    server: ServerProcess, console_for: Callable[..., Console]
) -> tuple[Console, list[Event], list[Event]]:
    """A works online, the server goes away, A acts and signs out, B signs in and acts.

    Returns B's console (offline still), A's actions and B's actions.
    """
    a = console_for(server.url, WS, A)
    online_with_key(a)
    server.stop()
    a.wait_until(lambda: not a.is_online(), 30, "offline")
    call = new_call(a)
    a_made = [call, new_note(a, call.entity_id, "A: caller calmer, team asked")]
    for event in a_made:
        a.submit(event)
    a.stop()  # A signs out; the store keeps A's pending actions

    b = console_for(server.url, WS, B)
    other = new_call(b)
    b_made = [new_note(b, call.entity_id, "B: took over from A"), other]
    for event in b_made:
        b.submit(event)
    assert b.call(lambda: b.workspace.pending_count) == 4
    return b, a_made, b_made


def test_after_a_shift_change_offline_the_audit_names_each_author(
    server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    b, a_made, b_made = offline_shift_change(server, console_for)
    server.start()  # the link returns, with B signed in
    b.wait_drained(timeout=60)

    actors = {e.event_id: e.actor for e in server_log(server.url, server.token("supervisor"))}
    assert {actors[e.event_id] for e in a_made} == {A}
    assert {actors[e.event_id] for e in b_made} == {B}
    accepted = audit_of(server, "event.accepted")
    for event in a_made:
        row = accepted[event.event_id]
        assert row["actor"] == A and row["workstation_id"] == WS
        assert f"submitted by {B} with {A}'s key" in row["detail"]
    for event in b_made:
        assert accepted[event.event_id]["actor"] == B
        assert not accepted[event.event_id]["detail"]
    # The incident shows A as the one who took the call, and each note its author.
    incident = b.call(lambda: b.workspace.view.incidents[a_made[0].entity_id])
    assert incident.created_by == A
    assert [n.author for n in incident.notes][-2:] == [A, B]
    assert not any("held" in n for n in b.notices), b.notices
    chain_intact(server)


def test_a_revoked_authors_actions_are_held_and_told_never_sent_as_the_next_user(
    server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    b, a_made, b_made = offline_shift_change(server, console_for)
    # A supervisor revokes A before the link returns (a lost badge, a dismissal).
    engine = make_engine(server.database_url)
    try:
        auth.revoke_user(engine, A, actor="cli:test")
    finally:
        engine.dispose()
    server.start()

    b_note, b_call = b_made
    b.wait_until(lambda: any("held" in n for n in b.notices), 60, "a held notice")
    notice = next(n for n in b.notices if "held" in n)
    assert A in notice and "revoked" in notice and f"not sent under {B}'s name" in notice
    # B's own unrelated call goes; B's note on A's incident waits with A's actions.
    b.wait_until(lambda: b.workspace.pending_count == 3, 30, "B's call accepted")
    held = b.call(lambda: [p.event.event_id for p in b.workspace.held_items()])
    assert held == [e.event_id for e in a_made]
    assert b.call(lambda: [e.event_id for e in b.workspace.unsent(500)]) == []

    token = server.token("supervisor")
    actors = {e.event_id: e.actor for e in server_log(server.url, token)}
    assert actors.get(b_call.event_id) == B
    assert not {e.event_id for e in [*a_made, b_note]} & actors.keys()
    # The server-visible record: who sent what, and whose it claimed to be.
    refused = audit_of(server, "event.rejected")
    for event in a_made:
        row = refused[event.event_id]
        assert row["reject_code"] == "author_unproven"
        assert row["actor"] == B and A in row["detail"] and "revoked" in row["detail"]
    chain_intact(server)

    # A signs in again at that workstation: A's actions go under A's own name.
    # B's note was made before B had ever signed in here online (no key of B's
    # on this workstation then): it cannot be proved B's, so it is held in turn.
    b.stop()
    a = console_for(server.url, WS, A)
    a.wait_until(lambda: any("held" in n and B in n for n in a.notices), 60, "B's note held")
    a.wait_until(lambda: a.workspace.pending_count == 1, 30, "A's actions accepted")
    actors = {e.event_id: e.actor for e in server_log(server.url, token)}
    assert {actors[e.event_id] for e in a_made} == {A}
    assert b_note.event_id not in actors
    assert a.call(lambda: [p.event.event_id for p in a.workspace.held_items()]) == [b_note.event_id]
    assert "no signature" in audit_of(server, "event.rejected")[b_note.event_id]["detail"]
    chain_intact(server)
