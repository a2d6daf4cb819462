"""The sync engine's answers to the server: sign-in, refusals, a malformed event, another database."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.support.faultproxy import FaultProxy
from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.domain.enums import EventType
from umcr_console.domain.events import NoteAdded
from umcr_console.server.auth import token_hash
from umcr_console.server.db import make_engine, tokens
from umcr_console.sync import LinkState, NotSignedIn
from umcr_console.sync.traffic import Traffic

from .harness import Console, assert_matches_server, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def revoke(server: ServerProcess, token: str) -> None:
    response = httpx.delete(
        f"{server.url}/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 204


def test_a_wrong_password_asks_for_login_and_new_credentials_resume_sync(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    console = console_for(live_server.url, "a", password="not-the-password")
    console.wait_until(lambda: console.engine.status.login_required, 20, "login required")
    assert console.login_requests == ["wrong user name or password"]
    assert console.status.link == LinkState.OFFLINE
    made = console.act(Traffic(random.Random(1), "a"), 3)  # work goes on meanwhile

    console.call(lambda: console.engine.login("dispatcher1", DEFAULT_USERS["dispatcher1"][1]))
    token = live_server.token("supervisor")
    assert_matches_server(console, live_server.url, token)
    assert not console.status.login_required
    logged = {e.event_id for e in server_log(live_server.url, token)}
    assert {e.event_id for e in made} <= logged


def expire(server: ServerProcess, token: str) -> None:
    """End the token's shift now, as its 12 hours would."""
    engine = make_engine(server.database_url)
    try:
        with engine.begin() as conn:
            changed = conn.execute(
                sa.update(tokens)
                .where(tokens.c.token_hash == token_hash(token))
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            ).rowcount
        assert changed == 1
    finally:
        engine.dispose()


def test_an_expired_token_is_replaced_by_signing_in_again(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    console = console_for(live_server.url, "a")
    console.wait_drained()
    expire(live_server, console.call(lambda: console.engine._token) or "")
    console.act(Traffic(random.Random(2), "a"), 5)
    assert_matches_server(console, live_server.url, live_server.token("supervisor"))
    assert console.login_requests == []


def test_a_console_holding_only_a_token_asks_for_login_when_it_is_revoked(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    token = live_server.token("dispatcher2")
    console = console_for(live_server.url, "t", username="dispatcher2", password=None, token=token)
    console.wait_drained()
    revoke(live_server, token)
    console.act(Traffic(random.Random(3), "t"), 2)
    console.wait_until(lambda: console.engine.status.login_required, 20, "login required")
    console.call(lambda: console.engine.login("dispatcher2", DEFAULT_USERS["dispatcher2"][1]))
    assert_matches_server(console, live_server.url, live_server.token("supervisor"))


def test_the_wall_is_refused_writing_and_follows_without_personal_data(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    dispatcher = console_for(live_server.url, "d")
    wall = console_for(live_server.url, "wall", username="wall")
    dispatcher.wait_drained()
    wall.wait_drained()
    dispatcher.act(Traffic(random.Random(4), "d"), 40)
    incident = next(iter(dispatcher.call(lambda: dict(dispatcher.workspace.view.incidents))))
    wall.submit(
        wall.call(
            lambda: wall.workspace.new_event(
                EventType.INCIDENT_NOTE_ADDED, incident, NoteAdded(text="from the wall")
            )
        )
    )
    wall_token = live_server.token("wall")
    assert_matches_server(wall, live_server.url, wall_token)  # the wall's own, redacted view
    [notice] = wall.rejections
    assert notice.code == "forbidden" and "read-only" in notice.detail
    incidents, _teams = wall.view_dump()
    assert all(
        i["caller"] == {"name": "", "phone": ""} and i["notes"] == [] for i in incidents.values()
    )


def test_a_malformed_event_is_isolated_and_the_others_go_through(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    console = console_for(live_server.url, "a")
    console.wait_drained()
    [created] = console.act(Traffic(random.Random(5), "a"), 1)
    notes = [
        console.call(
            lambda i=i: console.workspace.new_event(
                EventType.INCIDENT_NOTE_ADDED,
                created.entity_id,
                # A NUL passes the shared payload model but not the server's database guard.
                NoteAdded(text="bad\x00note" if i == 5 else f"note {i}"),
            )
        )
        for i in range(10)
    ]
    console.call(lambda: [console.workspace.submit(n) for n in notes])
    token = live_server.token("supervisor")
    assert_matches_server(console, live_server.url, token)
    [notice] = console.rejections
    assert notice.event.event_id == notes[5].event_id
    assert notice.code == "invalid_payload" and "NUL" in notice.detail
    logged = [e.event_id for e in server_log(live_server.url, token)]
    assert [n.event_id for n in notes if n.event_id in logged] == [
        n.event_id for i, n in enumerate(notes) if i != 5
    ]


@pytest.mark.parametrize("newer_events", [0, 60], ids=["log-behind", "other-event-at-cursor"])
def test_another_server_database_is_detected_and_pending_actions_go_to_it(
    tmp_path: Path,
    newer_events: int,
    proxy_for: Callable[[ServerProcess], FaultProxy],
    console_for: Callable[..., Console],
) -> None:
    (tmp_path / "first").mkdir()
    first = ServerProcess(tmp_path / "first").start()
    proxy = proxy_for(first)
    try:
        console = console_for(proxy.url, "a")
        console.wait_drained()
        console.act(Traffic(random.Random(6), "a"), 30)
        console.wait_drained(server_seq=36)
    finally:
        proxy.drop()
        first.stop()
    console.wait_until(lambda: console.engine.status.link == LinkState.OFFLINE, 10)
    pending = console.act(Traffic(random.Random(7), "a"), 3)

    (tmp_path / "second").mkdir()
    with ServerProcess(tmp_path / "second", port=first.port) as second:
        if newer_events:
            # More events than our cursor: only the event at our cursor tells it apart.
            other = console_for(second.url, "b", username="dispatcher2")
            other.act(Traffic(random.Random(8), "b"), newer_events)
            other.wait_drained()
        proxy.pass_through()
        token = second.token("supervisor")
        assert_matches_server(console, second.url, token)
        why = "is not the one this console has" if newer_events else "before this console's"
        assert any("another database" in n and why in n for n in console.notices), console.notices
        logged = {e.event_id for e in server_log(second.url, token)}
        refused = {n.event.event_id for n in console.rejections}
        # Sent again to the new database: accepted there, or refused there and shown.
        assert {e.event_id for e in pending} <= logged | refused


def test_the_ui_can_fetch_a_timeline_and_the_deployment_through_the_engine(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    console = console_for(live_server.url, "a")
    console.wait_drained()
    [created] = console.act(Traffic(random.Random(9), "a", kinds=("create",)), 1)
    console.submit(
        console.call(
            lambda: console.workspace.new_event(
                EventType.INCIDENT_NOTE_ADDED, created.entity_id, NoteAdded(text="n")
            )
        )
    )
    console.wait_drained()
    timeline = console.run(lambda: console.engine.fetch_timeline(created.entity_id))
    assert [e.type for e in timeline] == ["incident.created", "incident.note_added"]
    deployment = console.run(console.engine.fetch_deployment)
    assert len(deployment.teams) == 6

    locked_out = console_for(live_server.url, "b", password="wrong")
    locked_out.wait_until(lambda: locked_out.engine.status.login_required, 20)
    with pytest.raises(NotSignedIn):
        locked_out.run(locked_out.engine.fetch_deployment)
