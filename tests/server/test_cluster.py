"""Two server processes on PostgreSQL, twenty headless consoles, one process killed mid-load.

Must hold (issue 12): zero loss, zero duplicates, every console converges.
The consoles reach the servers through two failover fronts (half prefer
each process, the other one is their backup), as they would through a
reverse proxy; killing a process cuts its consoles' connections, and they
reconnect through the same front to the survivor.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from tests.support.failoverproxy import FailoverProxy
from tests.support.headless import HeadlessConsole
from tests.support.server import ServerProcess
from tests.support.waiting import wait_for
from umcr_console.domain.events import Event
from umcr_console.protocol import Snapshot
from umcr_console.store import LocalStore

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CONSOLES = 20
ACTIONS = 25  # per console
RATE = 2.5  # actions per second per console: 50 a second on the floor
KEEPALIVE = 1.0


def server_log(url: str, token: str) -> list[Event]:
    events: list[Event] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        while True:
            page = client.get("/api/v1/events", params={"after": len(events), "limit": 5000})
            page.raise_for_status()
            found = [Event.model_validate(e) for e in page.json()["events"]]
            if not found:
                return events
            events.extend(found)


def _dump(entities: Iterable[BaseModel]) -> dict[str, Any]:
    """By id, through the JSON form, so both sides serialise alike (times in UTC)."""
    return {e.id: e.model_dump(mode="json") for e in entities}  # type: ignore[attr-defined]


def test_a_killed_process_loses_nothing_and_every_console_converges(
    postgres_url: str, tmp_path: Path
) -> None:
    servers = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        servers.append(
            ServerProcess(tmp_path / name, database_url=postgres_url, keepalive=KEEPALIVE)
        )
    doomed, survivor = servers
    consoles: list[HeadlessConsole] = []
    fronts = [
        FailoverProxy([doomed.port, survivor.port]),
        FailoverProxy([survivor.port, doomed.port]),
    ]
    try:
        for server in servers:
            server.start()
        for front in fronts:
            front.start()
        for i in range(CONSOLES):
            consoles.append(
                HeadlessConsole(
                    tmp_path / f"console{i:02d}.db",
                    fronts[i % 2].url,
                    ("dispatcher1", "dispatcher2")[i % 2],
                    actions=ACTIONS,
                    rate=RATE,
                    seed=i,
                    keepalive=KEEPALIVE,
                ).start()
            )
        for console in consoles:
            console.wait_ready()
        for console in consoles:
            console.go()

        total = CONSOLES * ACTIONS
        wait_for(lambda: sum(len(c.acks) for c in consoles) >= total * 0.4, 60, "the load")
        doomed.kill()  # SIGKILL mid-load: no shutdown at all
        wait_for(lambda: all(c.done_acting for c in consoles), 60, "every action made")

        token = survivor.token("supervisor")

        def converged() -> bool:
            log = server_log(survivor.url, token)
            on_server = {e.event_id for e in log}
            accounted = all(a in on_server or a in c.rejected for c in consoles for a in c.acks)
            return accounted and all(c.max_seq == len(log) for c in consoles)

        wait_for(converged, 30, "every action on the server and every console caught up", 0.5)
        for console in consoles:
            assert console.terminate() == 0, console.stderr()

        log = server_log(survivor.url, token)
        # seq is gap-free across both processes, and no event is there twice.
        assert [e.seq for e in log] == list(range(1, len(log) + 1))
        assert max(Counter(e.event_id for e in log).values()) == 1
        on_server = {e.event_id for e in log}
        acked = [(c, a) for c in consoles for a in c.acks]
        assert len(acked) == total
        lost = [a for c, a in acked if a not in on_server and a not in c.rejected]
        both = [a for c, a in acked if a in on_server and a in c.rejected]
        assert lost == [] and both == []
        # Conflicts between consoles are refused (and shown); most actions land.
        assert sum(1 for _c, a in acked if a in on_server) > total / 2

        snapshot = Snapshot.model_validate(
            httpx.get(
                f"{survivor.url}/api/v1/snapshot", headers=survivor.headers("supervisor")
            ).json()
        )
        assert snapshot.seq == len(log)
        for console in consoles:
            with LocalStore(console.db) as store:
                assert store.outbox_count() == 0, console.db.name
                state = store.load_confirmed()
            assert state.seq == snapshot.seq, console.db.name
            assert _dump(state.teams.values()) == _dump(snapshot.teams), console.db.name
            assert _dump(state.incidents.values()) == _dump(snapshot.incidents), console.db.name

        # Both processes served, and the doomed one's consoles did fail over.
        assert fronts[0].opened[doomed.port] > 0 and fronts[1].opened[survivor.port] > 0
        assert fronts[0].opened[survivor.port] > 0
        text = survivor.log_text() + doomed.log_text()
        for sign in ("Traceback", "ERROR", " 500 "):
            assert sign not in text, text[-5000:]
    finally:
        for console in consoles:
            console.kill()
        for front in fronts:
            front.stop()
        for server in servers:
            if server.running:
                server.stop(signal.SIGTERM)
