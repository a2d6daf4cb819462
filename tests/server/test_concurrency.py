"""Concurrent writers against real server processes: one winner, no gap, no repeat."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from datetime import datetime

import httpx
import pytest

from tests.server.conftest import DATABASES
from tests.server.helpers import API, PL1, ROSTER_SIZE, assert_clean_log, assigned, created, note
from tests.support.server import ServerProcess, prepare_database

pytestmark = pytest.mark.slow


def _all_events(client: httpx.Client) -> list[dict]:
    found: list[dict] = []
    after = 0
    while True:
        page = client.get(f"{API}/events", params={"after": after, "limit": 5000}).json()
        found += page["events"]
        if not page["events"] or page["events"][-1]["seq"] >= page["last_seq"]:
            return found
        after = page["events"][-1]["seq"]


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_twenty_dispatchers_take_the_same_team_at_once(tmp_path, database_url: str) -> None:
    with ServerProcess(tmp_path, database_url=database_url) as server:
        headers = server.headers("dispatcher1")
        incidents = [created() for _ in range(20)]
        with server.client("dispatcher1") as client:
            answer = client.post(f"{API}/events", json={"events": incidents})
            assert {r["status"] for r in answer.json()["results"]} == {"accepted"}

        start = threading.Barrier(20)
        results: list[dict] = []
        failures: list[BaseException] = []
        lock = threading.Lock()

        def take(incident_id: str) -> None:
            try:
                with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
                    start.wait(timeout=30)
                    answer = client.post(
                        f"{API}/events", json={"events": [assigned(incident_id, PL1)]}
                    )
                    assert answer.status_code == 200, answer.text
                    with lock:
                        results.append(answer.json()["results"][0])
            except BaseException as exc:
                failures.append(exc)

        threads = [threading.Thread(target=take, args=(i["entity_id"],)) for i in incidents]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures
        outcome = Counter(r["status"] if r["status"] == "accepted" else r["code"] for r in results)
        assert outcome == {"accepted": 1, "team_unavailable": 19}

        winner = next(r for r in results if r["status"] == "accepted")
        with server.client("supervisor") as client:
            snapshot = client.get(f"{API}/snapshot").json()
        team = next(t for t in snapshot["teams"] if t["id"] == PL1)
        holders = [i["id"] for i in snapshot["incidents"] if PL1 in i["team_ids"]]
        assert team["status"] == "dispatched" and holders == [team["incident_id"]]
        assert winner["seq"] == snapshot["seq"]
    assert_clean_log(server)


WRITERS = 10
DURATION = 10.0


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_ten_writers_for_ten_seconds_leave_no_gap_and_no_repeat(
    tmp_path, database_url: str
) -> None:
    # Two server processes on one database, started at the same moment: the
    # roster is seeded once, and seq must hold across processes too.
    prepare_database(database_url)
    servers = [ServerProcess(tmp_path / name, database_url=database_url) for name in ("a", "b")]
    with contextlib.ExitStack() as stack:
        for server in servers:
            server.tmp_path.mkdir()
            stack.callback(server.stop)
        starting = [threading.Thread(target=server.start) for server in servers]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join(60)
        assert all(server.running for server in servers), [s.log_text() for s in servers]
        accepted = _write_for_a_while(servers)
        with servers[0].client("supervisor") as client:
            log = _all_events(client)
    for server in servers:
        assert_clean_log(server)

    seqs = [e["seq"] for e in log]
    assert seqs == list(range(1, len(log) + 1)), "seq must rise by one, with no gap"
    answered = [pair for per_writer in accepted for pair in per_writer]
    assert len(answered) > 100, "the writers barely wrote"
    answered_seqs = [seq for seq, _ in answered]
    assert len(set(answered_seqs)) == len(answered_seqs), "a seq was handed out twice"
    by_seq = {e["seq"]: e["event_id"] for e in log}
    assert all(by_seq[seq] == event_id for seq, event_id in answered)
    # Everything but the roster, seeded once, came from the writers.
    assert [e["type"] for e in log[:ROSTER_SIZE]] == ["team.created"] * ROSTER_SIZE
    assert len(log) - len(answered) == ROSTER_SIZE
    for per_writer in accepted:
        assert [s for s, _ in per_writer] == sorted(s for s, _ in per_writer)
    # recorded_at is read under the writer lock, so it rises with seq.
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in log]
    assert recorded == sorted(recorded)
    print(f"{len(answered)} events accepted in {DURATION:.0f} s ({database_url.split(':')[0]})")


def _write_for_a_while(servers: list[ServerProcess]) -> list[list[tuple[int, str]]]:
    """WRITERS threads post batches for DURATION seconds; (seq, event_id) per writer."""
    accepted: list[list[tuple[int, str]]] = [[] for _ in range(WRITERS)]
    failures: list[BaseException] = []
    go = threading.Barrier(WRITERS)
    deadline: list[float] = []

    def write(index: int) -> None:
        server = servers[index % len(servers)]
        user = "dispatcher1" if index % 3 else "dispatcher2"
        try:
            with httpx.Client(
                base_url=server.url, headers=server.headers(user), timeout=30
            ) as client:
                go.wait(timeout=30)
                if not deadline:
                    deadline.append(time.monotonic() + DURATION)
                round_ = 0
                while time.monotonic() < deadline[0]:
                    round_ += 1
                    incident = created()
                    batch = [incident] + [
                        note(incident["entity_id"], f"w{index} r{round_} n{n}")
                        for n in range(round_ % 3)
                    ]
                    answer = client.post(f"{API}/events", json={"events": batch})
                    assert answer.status_code == 200, answer.text
                    for sent, result in zip(batch, answer.json()["results"], strict=True):
                        assert result["status"] == "accepted", result
                        accepted[index].append((result["seq"], sent["event_id"]))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=DURATION + 60)
    assert not failures, failures
    return accepted
