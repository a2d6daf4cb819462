"""The protocol's later extensions tried as an attacker would (issue 17's class).

The restore-from-backup report and give-back (issue 19), the workstation
signing keys (issue 19 item 3) and the history of a place (issue 22) were added
after the adversarial review; each is tried here with the roles that must not
use it and with the inputs a malicious workstation would send, against a real
`umcr-server serve` process.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.server.helpers import assert_clean_log, created, note
from tests.server.test_recovery import backup, restore_to, signed_log
from tests.support.server import ServerProcess
from umcr_console.server import auth
from umcr_console.server.db import make_engine

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

PENNY = "Penny Lane Centers"
PENNY_SUPERVISOR = ("penny_supervisor", "penny supervises the floor")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    key = tmp_path / "keys" / "event-signing.key"
    with ServerProcess(tmp_path, extra_env={"UMCR_EVENT_KEY_FILE": str(key)}) as process:
        name, password = PENNY_SUPERVISOR
        engine = make_engine(process.database_url)
        try:
            auth.add_user(engine, name, "supervisor", password, provider=PENNY)
        finally:
            engine.dispose()
        process.users[name] = ("supervisor", password)
        yield process
    assert_clean_log(process)


def _restored_with_one_given_back(server: ServerProcess, tmp_path: Path) -> None:
    """A restore to a backup, after which dispatcher2 on ws-9 gives back one event."""
    incident = created()
    with server.client("dispatcher1") as client:
        client.post("/api/v1/events", json={"events": [incident]}).raise_for_status()
    fork = len(signed_log(server))
    copy = backup(server, tmp_path / "backup.sqlite3")
    with server.client("dispatcher1") as client:
        lost = note(incident["entity_id"], "kept by a console")
        client.post("/api/v1/events", json={"events": [lost]}).raise_for_status()
    held = signed_log(server, fork)
    restore_to(server, copy)
    with server.client("dispatcher2") as client:
        answer = client.post("/api/v1/recover", json={"workstation_id": "ws-9", "events": held})
    assert [r["status"] for r in answer.json()["results"]] == ["recovered"], answer.text


def test_the_restore_report_is_not_for_the_wall(server: ServerProcess, tmp_path: Path) -> None:
    _restored_with_one_given_back(server, tmp_path)
    with server.client("wall") as client:
        answer = client.get("/api/v1/recovery")
    assert answer.status_code == 403, answer.text
    assert "ws-9" not in answer.text and "dispatcher2" not in answer.text


def test_who_gave_back_what_is_for_a_central_supervisor(
    server: ServerProcess, tmp_path: Path
) -> None:
    _restored_with_one_given_back(server, tmp_path)

    def read(user: str) -> dict[str, Any]:
        with server.client(user) as client:
            answer = client.get("/api/v1/recovery")
        assert answer.status_code == 200, answer.text
        return answer.json()

    central = read("supervisor")
    assert [(r["workstation_id"], r["submitted_by"]) for r in central["recovered"]] == [
        ("ws-9", "dispatcher2")
    ]
    # A console still learns the lost range it needs to give back what it holds ...
    for user in ("dispatcher1", "field1", "penny_supervisor"):
        seen = read(user)
        assert seen["restored"] and seen["fork_seq"] == central["fork_seq"]
        # ... but not which workstation or which colleague gave what back.
        assert seen["recovered"] == [], user


def test_the_wall_cannot_give_history_back(server: ServerProcess, tmp_path: Path) -> None:
    with server.client("dispatcher1") as client:
        client.post("/api/v1/events", json={"events": [created()]}).raise_for_status()
    events = signed_log(server)
    with server.client("wall") as client:
        answer = client.post("/api/v1/recover", json={"workstation_id": "w", "events": events})
    assert answer.status_code == 403, answer.text


def _public_key(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_a_workstation_key_cannot_be_taken_over(server: ServerProcess) -> None:
    """Another user cannot claim a user's enrolled key (and so sign as them)."""
    key = Ed25519PrivateKey.generate()
    body = {"workstation_id": "ws-3", "public_key": _public_key(key)}
    with server.client("dispatcher1") as client:
        first = client.post("/api/v1/keys", json=body)
        assert first.status_code == 200, first.text
        assert client.post("/api/v1/keys", json=body).json() == first.json()  # idempotent
        # The same key for another workstation is refused too.
        moved = client.post("/api/v1/keys", json={**body, "workstation_id": "ws-4"})
        assert moved.status_code == 409, moved.text
        junk = client.post("/api/v1/keys", json={**body, "public_key": "AAAA"})
        assert junk.status_code == 422, junk.text
    with server.client("dispatcher2") as client:
        taken = client.post("/api/v1/keys", json=body)
        assert taken.status_code == 409, taken.text
    with server.client("wall") as client:
        assert client.post("/api/v1/keys", json=body).status_code == 403
    with server.client("supervisor") as client:
        rows = client.get("/api/v1/audit", params={"action": "key.enrolled"}).json()["entries"]
    assert [(r["actor"], r["workstation_id"]) for r in rows] == [("dispatcher1", "ws-3")]


def test_the_history_of_a_place_is_not_for_the_wall_or_the_field(server: ServerProcess) -> None:
    query = {"lat": 34.05, "lon": -118.25}
    for user in ("wall", "field1"):
        with server.client(user) as client:
            answer = client.get("/api/v1/locations/history", params=query)
        assert answer.status_code == 403, (user, answer.text)
    # Out-of-range and oversized inputs are refused with a reason, not a 500.
    with server.client("dispatcher1") as client:
        for bad in (
            {"lat": 91, "lon": 0},
            {"lat": 34.05},
            {"address": "x" * 201},
            {**query, "radius_m": 10**9},
            {**query, "months": 10**6},
        ):
            answer = client.get("/api/v1/locations/history", params=bad)
            assert answer.status_code == 422, (bad, answer.text)
