"""SIGKILL right after an accepted batch loses nothing; SIGTERM shuts down cleanly."""

from __future__ import annotations

import signal
import threading

import httpx
import pytest

from tests.server.conftest import DATABASES
from tests.server.helpers import API, PL1, assert_clean_log, assigned, created, note
from tests.server.test_concurrency import _all_events
from tests.support.server import ServerProcess

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_sigkill_after_an_accepted_batch_loses_nothing(tmp_path, database_url: str) -> None:
    server = ServerProcess(tmp_path, database_url=database_url)
    with server:
        incident = created()
        batch = [incident, assigned(incident["entity_id"], PL1)] + [
            note(incident["entity_id"], f"note {n}") for n in range(20)
        ]
        with server.client("dispatcher1") as client:
            answer = client.post(f"{API}/events", json={"events": batch})
        # The answer is out: kill at once, no shutdown of any kind.
        server.kill()
        assert server.returncode == -9
        accepted = [r["seq"] for r in answer.json()["results"] if r["status"] == "accepted"]
        assert len(accepted) == len(batch)

        server.start()
        with server.client("dispatcher1") as client:
            log = _all_events(client)
            by_id = {e["event_id"]: e["seq"] for e in log}
            assert [by_id[e["event_id"]] for e in batch] == accepted
            assert [e["seq"] for e in log] == list(range(1, accepted[-1] + 1))
            # seq continues where it stopped, and resending is still safe.
            later = client.post(f"{API}/events", json={"events": [created()]}).json()
            assert later["results"][0]["seq"] == accepted[-1] + 1
            again = client.post(f"{API}/events", json={"events": batch[:1]}).json()
            assert again["results"][0] == {
                **again["results"][0],
                "status": "duplicate",
                "seq": accepted[0],
            }
            snapshot = client.get(f"{API}/snapshot").json()
            call = next(i for i in snapshot["incidents"] if i["id"] == incident["entity_id"])
            assert len(call["notes"]) == 20 and call["team_ids"] == [PL1]
    assert_clean_log(server)


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_sigkill_under_load_keeps_every_answered_event(tmp_path, database_url: str) -> None:
    server = ServerProcess(tmp_path, database_url=database_url)
    answered: list[tuple[str, int]] = []
    sent: list[dict] = []
    enough = threading.Event()
    with server:
        headers = server.headers("dispatcher1")

        def write() -> None:
            with httpx.Client(base_url=server.url, headers=headers, timeout=10) as client:
                while True:
                    batch = [created() for _ in range(5)]
                    sent.extend(batch)
                    try:
                        answer = client.post(f"{API}/events", json={"events": batch})
                    except httpx.TransportError:
                        return  # the server died under us: this batch may or may not be in
                    for event, result in zip(batch, answer.json()["results"], strict=True):
                        answered.append((event["event_id"], result["seq"]))
                    if len(answered) >= 100:
                        enough.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert enough.wait(timeout=30)
        server.kill()
        writer.join(timeout=30)

        server.start()
        with server.client("dispatcher1") as client:
            log = _all_events(client)
            by_id = {e["event_id"]: e["seq"] for e in log}
            for event_id, seq in answered:
                assert by_id.get(event_id) == seq, "an answered event was lost"
            assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
            # The client resends everything it is unsure of: each is in exactly once.
            unsure = [e for e in sent if e["event_id"] not in dict(answered)]
            if unsure:
                results = client.post(f"{API}/events", json={"events": unsure}).json()["results"]
                assert {r["status"] for r in results} <= {"accepted", "duplicate"}
            final = _all_events(client)
            assert len({e["event_id"] for e in final}) == len(final)
            assert {e["event_id"] for e in sent} <= {e["event_id"] for e in final}


def test_sigterm_and_sigint_stop_cleanly_even_with_open_streams(live_server: ServerProcess) -> None:
    server = live_server
    headers = server.headers("wall")
    opened = threading.Event()
    ended = threading.Event()

    def listen() -> None:
        try:
            with (
                httpx.Client(base_url=server.url, headers=headers, timeout=30) as client,
                client.stream("GET", f"{API}/events/stream") as stream,
            ):
                for _line in stream.iter_lines():
                    opened.set()
        except httpx.HTTPError:
            pass
        ended.set()

    listener = threading.Thread(target=listen)
    listener.start()
    assert opened.wait(timeout=10)
    assert server.stop() == 0
    assert ended.wait(timeout=10), "the stream did not end with the server"
    listener.join()
    assert "Shutting down" in server.log_text()

    server.start()
    assert server.stop(signal.SIGINT) == 0
    assert_clean_log(server)
