"""Restore from backup, the server's side (issue 19 item 2): a real server process.

What a console may give back and what the server refuses: only events this
server signed, each once, in the original order (later ones wait for earlier
ones unless the console gives up waiting), and a report of what is missing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.server.helpers import assert_clean_log, created, note
from tests.support.server import ServerProcess

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

SIGNED = {"UMCR-Event-Signatures": "1"}


@pytest.fixture
def server(tmp_path: Path) -> Any:
    key = tmp_path / "keys" / "event-signing.key"
    with ServerProcess(tmp_path, extra_env={"UMCR_EVENT_KEY_FILE": str(key)}) as process:
        yield process
    assert_clean_log(process)


def post(server: ServerProcess, *events: dict[str, Any]) -> None:
    with server.client("dispatcher1") as client:
        results = client.post("/api/v1/events", json={"events": list(events)}).json()["results"]
    assert all(r["status"] == "accepted" for r in results), results


def signed_log(server: ServerProcess, after: int = 0) -> list[dict[str, Any]]:
    with server.client("dispatcher1") as client:
        page = client.get("/api/v1/events", params={"after": after}, headers=SIGNED).json()
    return page["events"]


def backup(server: ServerProcess, copy: Path) -> Path:
    """A consistent copy of the running server's SQLite database (SQLite's online backup)."""
    source = sqlite3.connect(server.database_url.removeprefix("sqlite:///"))
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return copy


def restore_to(server: ServerProcess, copy: Path) -> None:
    database = Path(server.database_url.removeprefix("sqlite:///"))
    server.stop()
    for side in ("-wal", "-shm"):
        database.with_name(database.name + side).unlink(missing_ok=True)
    database.write_bytes(copy.read_bytes())
    server._tokens.clear()
    server.start()


def give_back(server: ServerProcess, events: list[dict[str, Any]], **extra: Any) -> list[Any]:
    with server.client("dispatcher2") as client:
        answer = client.post(
            "/api/v1/recover", json={"workstation_id": "ws-9", "events": events, **extra}
        )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def report(server: ServerProcess) -> dict[str, Any]:
    with server.client("supervisor") as client:
        return client.get("/api/v1/recovery").json()


def test_only_signed_events_come_back_once_in_order(server: ServerProcess, tmp_path: Path) -> None:
    incident = created()
    post(server, incident)
    fork = len(signed_log(server))
    copy = backup(server, tmp_path / "backup.sqlite3")
    post(server, note(incident["entity_id"], "one"), note(incident["entity_id"], "two"))
    post(server, note(incident["entity_id"], "three"))
    lost = signed_log(server, fork)
    assert len(lost) == 3 and all(e["server_sig"] for e in lost)
    # Events are signed only on request: an older console reads protocol v1.
    with server.client("dispatcher1") as client:
        plain = client.get("/api/v1/events", params={"after": fork}).json()["events"]
    assert all("server_sig" not in e for e in plain)

    restore_to(server, copy)
    assert report(server)["fork_seq"] == fork
    assert report(server)["missing"] == [fork + 1, fork + 2, fork + 3]

    # A workstation cannot invent history: a changed event or a made-up signature.
    changed = {**lost[0], "payload": {"text": "not what was said"}}
    invented = {**lost[0], "server_sig": "0" * 64}
    assert [r["status"] for r in give_back(server, [changed, invented])] == ["refused"] * 2
    # The third waits for the first two (another console may hold them) ...
    [third] = give_back(server, [lost[2]])
    assert third["status"] == "later"
    # ... the first two come back in order, then the third; a second offer is "present".
    results = give_back(server, lost[:2])
    assert [r["status"] for r in results] == ["recovered", "recovered"]
    assert give_back(server, lost[2:])[0]["status"] == "recovered"
    assert {r["status"] for r in give_back(server, lost)} == {"present"}
    back = signed_log(server, fork)
    assert [e["event_id"] for e in back] == [e["event_id"] for e in lost]
    assert [(e["actor"], e["recorded_at"]) for e in back] == [
        (e["actor"], e["recorded_at"]) for e in lost
    ]
    assert report(server)["missing"] == []


def test_a_console_that_waited_long_enough_is_taken_past_a_gap(
    server: ServerProcess, tmp_path: Path
) -> None:
    incident = created()
    post(server, incident)
    fork = len(signed_log(server))
    copy = backup(server, tmp_path / "backup.sqlite3")
    post(server, note(incident["entity_id"], "nobody kept this"))
    post(server, note(incident["entity_id"], "a console kept this"))
    lost = signed_log(server, fork)
    restore_to(server, copy)
    assert give_back(server, lost[1:])[0]["status"] == "later"
    [taken] = give_back(server, lost[1:], gap_ok=True)
    assert taken["status"] == "recovered"
    # The one no console held is listed for a supervisor.
    assert report(server)["missing"] == [fork + 1]
    with server.client("supervisor") as client:
        rows = client.get("/api/v1/audit", params={"action": "log.restored"}).json()["entries"]
    assert len(rows) == 1 and f"ends at seq {fork}" in rows[0]["detail"]
