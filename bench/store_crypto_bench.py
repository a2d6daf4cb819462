"""What sealing personal data costs the local store (issue 10, item 4), no Qt.

    .venv/bin/python -m bench.store_crypto_bench [--quick]

Each figure is measured twice in the same run, on the same rows: a store
that seals personal data (AES-256-GCM, docs/security.md section 4) and the
same store written in clear (``LocalStore(keys=None)``, which exists for this
comparison only); the ratio is the figure to compare across runs.

- cold start: open a store of 100,000 incidents and build the Workspace
  (the window's cost does not depend on sealing: bench.ui_bench has it),
  all open (the worst case) and with history (200 open, the rest closed two
  days ago: the first start forgets them, the next ones are small);
- durable local action: Workspace.submit of a note (enqueue, fsync);
- server batch: commit_server_events of 500 accepted events with their incidents.

The last two alternate sealed and clear action by action, so the disk's
fsync noise falls on both alike.

Every incident carries a caller, a person, a narrative and a note, so every
row has something to seal. The key comes from a function, not the keyring:
a keyring read happens once per start (Windows Credential Manager answers in
about a millisecond) and is left out.

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from umcr_console.config import load_deployment
from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
)
from umcr_console.domain.ids import name_id
from umcr_console.domain.model import Caller, Incident, IncidentTimes, Location, Note, Team
from umcr_console.domain.state import State
from umcr_console.store.db import KeySource, LocalStore
from umcr_console.store.workspace import Workspace

NOW = datetime.now(UTC)
KEY: KeySource = lambda _path, _create: b"\x07" * 32  # noqa: E731
MODES: tuple[tuple[str, KeySource | None], ...] = (("sealed", KEY), ("clear", None))


def make_incidents(count: int, divisions: tuple[str, ...], *, closed_from: int) -> list[Incident]:
    """``count`` incidents with personal data; from index ``closed_from`` on, closed 2 days ago."""
    closed_at = NOW - timedelta(days=2)
    incidents = []
    for n in range(count):
        closed = n >= closed_from
        received = NOW - timedelta(seconds=n * 7)
        incidents.append(
            Incident(
                id=name_id("crypto-bench", str(n)),
                number=f"U{n + 1:06d}",
                version=1,
                state=IncidentState.CLOSED if closed else IncidentState.PENDING,
                received_at=received,
                priority=Priority(1 + n % 3),
                call_type=list(CallType)[n % len(CallType)],
                source=Source.LAPD_911,
                location=Location(
                    address=f"{n} Main St",
                    lat=34.05 + (n % 100) / 1000,
                    lon=-118.25,
                    division=divisions[n % len(divisions)],
                ),
                disposition=Disposition.RESOLVED_ON_SCENE if closed else None,
                times=IncidentTimes(closed_at=closed_at if closed else None),
                caller=Caller(name=f"Caller {n}", phone=f"213555{n % 10000:04d}"),
                person=f"Person {n}",
                narrative="neighbour reports a man shouting in the street, not violent, "
                "has been outside for an hour, family is on the way",
                notes=(Note(at=received, author="d1", workstation_id="ws", text="calmer now"),),
            )
        )
    return incidents


def make_teams() -> list[Team]:
    return [
        Team(
            id=t.id,
            call_sign=t.call_sign,
            provider=t.provider,
            division=t.division,
            status="available",
            status_since=NOW,
            version=1,
            status_note="on scene with the family",
        )
        for t in load_deployment().teams
    ]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms"


def seed(path: Path, incidents: list[Incident], keys: KeySource | None) -> None:
    with LocalStore(path, keys=keys) as store:
        state = State.of(incidents, make_teams(), seq=len(incidents))
        store.replace_confirmed(
            state, cursor_event_id=None, forget_acceptance=False, clear_log=True
        )


def bench_cold_start(
    tmp: Path, keys: KeySource | None, name: str, *, open_count: int
) -> list[float]:
    path = tmp / f"cold-{name}-{open_count}.sqlite3"
    seed(path, make_incidents(100_000, load_deployment().divisions, closed_from=open_count), keys)

    def start() -> None:
        with LocalStore(path, keys=keys) as store:
            Workspace(store, actor="bench", workstation_id="ws")

    return timed(start, 3)


def interleaved(
    make: Callable[[str, KeySource | None], Callable[[], object]], repeat: int
) -> dict[str, list[float]]:
    """Time both modes' actions alternately, so disk noise (fsync) falls on both alike."""
    actions = {name: make(name, keys) for name, keys in MODES}
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            times[name] += timed(action, 1)
    return times


def bench_local_action(tmp: Path, repeat: int) -> dict[str, list[float]]:
    incidents = make_incidents(2_000, load_deployment().divisions, closed_from=2_000)
    stores: list[LocalStore] = []

    def make(name: str, keys: KeySource | None) -> Callable[[], object]:
        path = tmp / f"action-{name}.sqlite3"
        seed(path, incidents, keys)
        store = LocalStore(path, keys=keys)
        stores.append(store)
        workspace = Workspace(store, actor="bench", workstation_id="ws")
        remaining = iter(incidents)

        def action() -> None:
            workspace.submit(
                workspace.new_event(
                    EventType.INCIDENT_NOTE_ADDED,
                    next(remaining).id,
                    ev.NoteAdded(text="spoke with the caller's sister, she is on the way"),
                )
            )

        return action

    try:
        return interleaved(make, repeat)
    finally:
        for store in stores:
            store.close()


def bench_server_batch(tmp: Path, repeat: int) -> dict[str, list[float]]:
    incidents = make_incidents(500 * repeat, load_deployment().divisions, closed_from=10**9)
    stores: list[LocalStore] = []

    def make(name: str, keys: KeySource | None) -> Callable[[], object]:
        store = LocalStore(tmp / f"batch-{name}.sqlite3", keys=keys)
        stores.append(store)
        batches = [incidents[i : i + 500] for i in range(0, len(incidents), 500)]
        seq = 0

        def commit() -> None:
            nonlocal seq
            batch = batches.pop()
            events = []
            for incident in batch:
                seq += 1
                events.append(
                    ev.make_event(
                        EventType.INCIDENT_NOTE_ADDED,
                        incident.id,
                        ev.NoteAdded(text="team on scene, person is calmer"),
                        workstation_id="ws",
                        occurred_at=NOW,
                    ).model_copy(update={"seq": seq, "recorded_at": NOW, "actor": "d1"})
                )
            store.commit_server_events(events, batch, [])

        return commit

    try:
        return interleaved(make, repeat)
    finally:
        for store in stores:
            store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats (CI smoke)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cold: tuple[tuple[str, int], ...] = (
            ("cold start (store + Workspace), 100,000 open incidents", 100_000),
            (
                "cold start (store + Workspace), 100,000 in the store, 200 open, "
                "rest closed 2 days ago (1st start prunes)",
                200,
            ),
        )
        results = [
            (title, {name: bench_cold_start(tmp, keys, name, open_count=n) for name, keys in MODES})
            for title, n in cold
        ]
        results.append(
            ("durable local action (submit a note, fsync)", bench_local_action(tmp, repeat))
        )
        results.append(
            ("server batch: 500 events + 500 incidents committed", bench_server_batch(tmp, repeat))
        )
        for title, measured in results:
            ratio = statistics.median(measured["sealed"]) / max(
                statistics.median(measured["clear"]), 1e-6
            )
            rows.append(
                (title, summary(measured["sealed"]), summary(measured["clear"]), f"{ratio:.2f}x")
            )
    cpu = platform.processor() or platform.machine()
    print(
        f"### Local store encryption (issue 10) — {datetime.now(UTC):%Y-%m-%d}, "
        f"{os.cpu_count()} cores, {cpu}, Python {sys.version.split()[0]}"
    )
    print("`.venv/bin/python -m bench.store_crypto_bench`\n")
    print("| what | sealed | clear | ratio |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
