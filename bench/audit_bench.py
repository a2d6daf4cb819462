"""What the audit log costs each event batch (issue 10, item 2).

    .venv/bin/python -m bench.audit_bench                  # SQLite file
    UMCR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.audit_bench --postgres   # and PostgreSQL

``eventlog.submit_batch`` on a real database, the same dispatch rounds
(create, assign, en route, on scene, note, close, team available) with the
audit trail and with it replaced by one that records nothing, in alternating
runs so both see the same machine load. Single-event batches are what a
console's push sends while online (one transaction, one fsync each); 50- and
500-event batches (500: the most one POST carries) are a replay after an
outage. The machine is shared and noisy: compare the ratios, over several
repeats.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.helpers import assigned, closed, created, note, status  # noqa: E402
from tests.support.server import postgres_schema_url  # noqa: E402

from umcr_console.config import load_deployment  # noqa: E402
from umcr_console.domain.events import Event  # noqa: E402
from umcr_console.server import audit, eventlog  # noqa: E402
from umcr_console.server.db import make_engine  # noqa: E402
from umcr_console.server.migrate import upgrade  # noqa: E402

ROUND = 7  # events per dispatch round


class _NoTrail:
    """The audit trail switched off: what submit_batch cost before the audit log."""

    def __init__(self, *_args: Any) -> None:
        pass

    def accepted(self, *_args: Any) -> None:
        pass

    def rejected(self, *_args: Any) -> None:
        pass

    def write(self, *_args: Any) -> None:
        pass


@contextmanager
def _audit(enabled: bool) -> Iterator[None]:
    real = audit.BatchTrail
    if not enabled:
        audit.BatchTrail = _NoTrail  # type: ignore[assignment, misc]
    try:
        yield
    finally:
        audit.BatchTrail = real  # type: ignore[misc]


def _rounds(team_ids: list[str], count: int) -> list[Event]:
    events = []
    for n in range(count):
        team = team_ids[n % len(team_ids)]
        incident = created()
        incident_id = incident["entity_id"]
        for wire in (
            incident,
            assigned(incident_id, team),
            status(team, "en_route"),
            status(team, "on_scene"),
            note(incident_id, "calmer now; sister on the way"),
            closed(incident_id, "resolved_on_scene"),
            status(team, "available"),
        ):
            events.append(Event.model_validate(wire))
    return events


def _run(url: str, *, batch: int, rounds: int, enabled: bool) -> float:
    """Seconds per accepted event."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        seeded = eventlog.seed_roster(engine, load_deployment("pilot"), now=datetime.now(UTC))
        teams = [e.entity_id for e in seeded.accepted] or [
            t.id for t in load_deployment("pilot").teams
        ]
        work = _rounds(teams, rounds)
        principal = eventlog.system_principal()
        with _audit(enabled):
            started = time.perf_counter()
            for start in range(0, len(work), batch):
                outcome = eventlog.submit_batch(engine, principal, work[start : start + batch])
                assert all(r.status == "accepted" for r in outcome.results), outcome.results
            elapsed = time.perf_counter() - started
        return elapsed / len(work)
    finally:
        engine.dispose()


@contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "postgres":
        with postgres_schema_url(os.environ["UMCR_TEST_POSTGRES_URL"]) as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'server.sqlite3'}"


def measure(kind: str, batch: int, rounds: int, repeats: int) -> tuple[float, float]:
    """Median seconds per event without and with the audit trail."""
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeats):
        for enabled in (False, True):
            with _database(kind) as url:
                times[enabled].append(_run(url, batch=batch, rounds=rounds, enabled=enabled))
    return statistics.median(times[False]), statistics.median(times[True])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also PostgreSQL")
    parser.add_argument("--rounds", type=int, default=60, help="dispatch rounds per run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    kinds = ["sqlite", "postgres"] if args.postgres else ["sqlite"]
    print("| database | batch | without audit | with audit | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for kind in kinds:
        for batch in (1, 50, 500):
            without, with_ = measure(kind, batch, args.rounds, args.repeats)
            print(
                f"| {kind} | {batch} | {without * 1000:.2f} ms/event | "
                f"{with_ * 1000:.2f} ms/event | {with_ / without:.2f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
