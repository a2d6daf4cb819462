"""Fuzzing POST /api/v1/events with event payloads (issue 10, item 6; docs/security.md).

Batches of 1 to 3 events of every type, with the payloads of
tests/support/payloads.py (junk, and edge cases derived from the payload
models), go to the server in-process, from a dispatcher, an admin and a field
user. Every answer must be a 200 with one result per event (accepted,
duplicate, or rejected with a code), or a 4xx problem+json for a malformed
batch; never a 5xx, and the server logs no error.

Afterwards the log must still be readable by everyone: the snapshot and
every page of events validate against the wire schemas for each role, and a
console's local store (``Workspace``) replays the whole log without
diverging and ends where the snapshot is.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.helpers import Api, asgi_api, created, now
from tests.support.payloads import (
    EVENT_TYPES,
    FUZZ_DERANDOMIZE,
    FUZZ_EXAMPLES,
    envelope,
    payloads,
    well_formed,
)
from umcr_console.domain.events import Event
from umcr_console.protocol import PROBLEM_JSON, BatchResult, EventPage, Snapshot
from umcr_console.store import LocalStore, Workspace

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

BATCHES = FUZZ_EXAMPLES * 10
WRITERS = ("dispatcher1", "admin", "field1")
READERS = ("dispatcher1", "admin", "wall")


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("fuzz-events")
    with asgi_api(f"sqlite:///{folder / 'server.sqlite3'}", "sqlite") as api:
        # Something for events to point at besides the roster: open incidents.
        api.accept("dispatcher1", *(created() for _ in range(3)))
        yield api


def _batches(incidents: list[str], teams: list[str]) -> st.SearchStrategy[list[dict[str, Any]]]:
    ids = [*incidents, *teams]

    def one_event(event_type: str) -> st.SearchStrategy[dict[str, Any]]:
        # Half well-formed: enough accepted events to put the stored log to the test.
        payload = st.one_of(well_formed(event_type, ids), payloads(event_type, ids))
        return payload.flatmap(lambda p: envelope(event_type, incidents, teams, p))

    return st.lists(st.sampled_from(EVENT_TYPES).flatmap(one_event), min_size=1, max_size=3)


def _check_answer(answer: Any, batch: list[dict[str, Any]]) -> list[str]:
    assert answer.status_code < 500, (answer.status_code, answer.text[:1000])
    if answer.status_code != 200:
        assert 400 <= answer.status_code < 500
        assert answer.headers["content-type"].startswith(PROBLEM_JSON), answer.text[:500]
        assert answer.json()["detail"]
        return [f"batch {answer.status_code}"]
    results = BatchResult.model_validate(answer.json()).results
    assert len(results) == len(batch)
    for result in results:
        if result.status == "rejected":
            assert result.code is not None and result.detail
        else:
            assert result.seq is not None
    return [f"{r.status} {r.code or ''}".strip() for r in results]


def test_posted_payloads_never_break_the_server_or_its_log(fuzz_api: Api, tmp_path: Path) -> None:
    api = fuzz_api
    snapshot = api.snapshot()
    incidents = [i["id"] for i in snapshot["incidents"]]
    teams = [t["id"] for t in snapshot["teams"]]
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=BATCHES,
        derandomize=FUZZ_DERANDOMIZE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=_batches(incidents, teams), writer=st.sampled_from(WRITERS))
    def post(batch: list[dict[str, Any]], writer: str) -> None:
        # json.dumps, not httpx's json=: NaN, infinity and lone surrogates go
        # on the wire as a careless client would send them.
        answer = api.client.post(
            "/api/v1/events",
            content=json.dumps({"events": batch}),
            headers={**api.headers(writer), "Content-Type": "application/json"},
        )
        outcomes.update(_check_answer(answer, batch))

    post()
    print(f"fuzzed POST /events: {sorted(outcomes.items())}")
    # Not vacuous: the fuzzer reached the rules (acceptance and rejection)
    # and the checks of malformed batches.
    assert outcomes["accepted"] and outcomes["rejected invalid_payload"], outcomes
    assert any(kind.startswith("batch 4") for kind in outcomes), outcomes

    # Everything stored still reads back, for every role.
    for reader in READERS:
        Snapshot.model_validate(api.snapshot(reader))
        EventPage.model_validate(api.events(reader))
    log = [Event.model_validate(e) for e in api.events("dispatcher1")["events"]]
    assert len(log) == api.last_seq()

    # A console replays the whole log and ends where the server's snapshot is.
    workspace = Workspace(LocalStore(tmp_path / "console.db"), actor="dispatcher1")
    applied = workspace.apply_server_events(log)
    assert applied.gap_after is None
    snapshot = Snapshot.model_validate(api.snapshot("dispatcher1"))
    assert workspace.confirmed.seq == snapshot.seq
    for incident in snapshot.incidents:
        assert workspace.confirmed.incidents[incident.id] == incident
    for team in snapshot.teams:
        assert workspace.confirmed.teams[team.id] == team
    # And one that starts from the snapshot instead.
    fresh = Workspace(LocalStore(tmp_path / "fresh.db"), actor="dispatcher1")
    fresh.load_snapshot(snapshot)
    assert fresh.confirmed.seq == snapshot.seq


def test_a_call_received_after_its_event_time_replays_on_a_console(
    asgi: Api, tmp_path: Path
) -> None:
    # Found by the fuzzer: the server judges "received_at in the future"
    # against its clock, so it accepts received_at = occurred_at + 1 h when
    # both are past; a console judging the event at occurred_at diverged.
    occurred = now() - timedelta(hours=3)
    late = created(received_at=(occurred + timedelta(hours=1)).isoformat())
    late["occurred_at"] = occurred.isoformat()
    asgi.accept("dispatcher1", late)
    log = [Event.model_validate(e) for e in asgi.events()["events"]]
    workspace = Workspace(LocalStore(tmp_path / "console.db"), actor="dispatcher1")
    workspace.apply_server_events(log)
    assert late["entity_id"] in workspace.confirmed.incidents
    assert workspace.confirmed.seq == asgi.last_seq()
