"""The accept path against its physical floor, in one run (issue 25).

    .venv/bin/python -m bench.accept_path_bench                      # SQLite, and PostgreSQL
    .venv/bin/python -m bench.accept_path_bench --postgres URL        # if UMCR_TEST_POSTGRES_URL
    .venv/bin/python -m bench.accept_path_bench --profile DIR         # also py-spy the server

For each database (a SQLite file; PostgreSQL via ``--postgres`` or
``UMCR_TEST_POSTGRES_URL``) a real ``umcr-server serve`` process is started and
one client posts dispatch rounds, one event per POST: create an incident,
assign a team, close it (which puts the team back in service). Per action type: median and p99 of the HTTP round trip, and
the server's CPU time per accepted event (``/proc/<pid>/stat`` utime+stime
read around each POST; the clock tick is coarse, summed over hundreds of
POSTs it is not).

Beside it, in the same run and on the same machine:

- a bare FastAPI app on uvicorn (a separate process): ``GET /health``
  answering a constant, ``POST /events`` reading the same JSON body and
  answering a constant: the HTTP floor;
- a bare durable commit of one event-sized row with the server's settings:
  SQLite WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``; PostgreSQL one
  INSERT and COMMIT (fsync) on a kept connection: the storage floor.

Ratios: ``GET /health`` / bare GET; an action / (bare POST + bare commit).
Targets (issue 25): health <= 1.3x; actions <= 2x on SQLite, <= 2.5x on
PostgreSQL. The machine is shared: compare ratios, not times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import tests.support.server as support_server  # noqa: E402
from tests.server.helpers import assigned, closed, created  # noqa: E402
from tests.support.server import (  # noqa: E402
    ServerProcess,
    free_port,
    postgres_schema_url,
)

from bench.sync_bench import cpu_seconds, machine, pct  # noqa: E402
from umcr_console.config import load_deployment  # noqa: E402

ACTIONS = ("create", "assign", "close")
# A loaded shared machine can take longer than the tests' 30 s to start a server.
support_server.START_TIMEOUT = 120.0
API = "/api/v1"


# -- the bare HTTP floor --------------------------------------------------------


def serve_bare(port: int) -> None:
    """A FastAPI app with two constant endpoints on uvicorn (this module's ``--bare``)."""
    app = FastAPI()

    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": "bare", "seq": 0}

    @app.post(f"{API}/events")
    async def events(request: Request) -> dict[str, Any]:
        body = await request.json()
        return {
            "results": [{"event_id": e["event_id"], "status": "accepted"} for e in body["events"]]
        }

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextlib.contextmanager
def bare_server() -> Iterator[tuple[str, int]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.accept_path_bench", "--bare", str(port)], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts Python slowly
        while True:
            try:
                if httpx.get(f"{url}{API}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("the bare server did not start")
            time.sleep(0.05)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- the bare storage floor -----------------------------------------------------


def _row(i: int) -> tuple[Any, ...]:
    payload = json.dumps(created()["payload"])
    return (i, f"00000000-0000-7000-8000-{i:012d}", "incident.created", payload)


class BareCommit:
    """One event-sized INSERT + COMMIT per call, with the server's durability settings.

    SQLite: WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE`` (server/db.py);
    PostgreSQL: one kept psycopg connection, fsync and synchronous_commit on.
    """

    def __init__(self, kind: str, where: str) -> None:
        self.kind = kind
        self.n = 0
        if kind == "sqlite":
            self.conn: Any = sqlite3.connect(where, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute(
                "CREATE TABLE ev (seq INTEGER PRIMARY KEY, event_id TEXT UNIQUE, type TEXT, p TEXT)"
            )
        else:
            import psycopg
            import sqlalchemy as sa

            dsn = sa.make_url(where).set(drivername="postgresql")
            self.conn = psycopg.connect(dsn.render_as_string(hide_password=False))
            self.conn.execute(
                "CREATE TABLE bare_ev (seq BIGINT PRIMARY KEY, event_id TEXT UNIQUE, "
                "type TEXT, p JSON)"
            )
            self.conn.commit()

    def commit(self) -> float:
        self.n += 1
        row = _row(self.n)
        started = time.perf_counter()
        if self.kind == "sqlite":
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("INSERT INTO ev VALUES (?, ?, ?, ?)", row)
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("INSERT INTO bare_ev VALUES (%s, %s, %s, %s)", row)
            self.conn.commit()
        return time.perf_counter() - started

    def close(self) -> None:
        self.conn.close()


# -- the server -----------------------------------------------------------------


class Timed:
    """Round trips and server CPU of one kind of request."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu = 0.0

    def median(self) -> float:
        return statistics.median(self.wall)

    def p99(self) -> float:
        return pct(self.wall, 99)

    def cpu_each(self) -> float:
        return self.cpu / len(self.wall)


def _timed(pid: int, timed: Timed, call: Callable[[], httpx.Response]) -> httpx.Response:
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    answer = call()
    timed.wall.append(time.perf_counter() - started)
    timed.cpu += cpu_seconds(pid) - cpu
    return answer


def _post_one(client: httpx.Client, wire: dict[str, Any]) -> Callable[[], httpx.Response]:
    return lambda: client.post(f"{API}/events", json={"events": [wire]})


def drive(
    server: tuple[str, int, str],
    bare: tuple[str, int],
    floor: BareCommit,
    rounds: int,
    warmup: int,
) -> tuple[dict[str, Timed], dict[str, Timed], list[float], float]:
    """``rounds`` dispatch rounds, one event per POST; the first ``warmup`` not counted.

    Each request to the server is preceded by the same request to the bare
    app and by a bare commit, so all three see the same machine load.
    """
    url, pid, token = server
    bare_url, bare_pid = bare
    teams = [t.id for t in load_deployment("pilot").teams]
    kinds = (*ACTIONS, "health")
    results: dict[str, Timed] = {k: Timed() for k in kinds}
    floors: dict[str, Timed] = {k: Timed() for k in kinds}
    commits: list[float] = []
    scratch = {k: Timed() for k in kinds}
    with (
        httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30.0
        ) as client,
        httpx.Client(base_url=bare_url, timeout=30.0) as bare_client,
    ):
        for n in range(warmup + rounds):
            warm = n < warmup
            team = teams[n % len(teams)]
            incident = created()
            incident_id = incident["entity_id"]
            for kind, wire in (
                ("create", incident),
                ("assign", assigned(incident_id, team)),
                ("close", closed(incident_id)),
            ):
                _timed(
                    bare_pid, scratch[kind] if warm else floors[kind], _post_one(bare_client, wire)
                )
                took = floor.commit()
                if not warm:
                    commits.append(took)
                answer = _timed(
                    pid, scratch[kind] if warm else results[kind], _post_one(client, wire)
                )
                answer.raise_for_status()
                result = answer.json()["results"][0]
                if result["status"] != "accepted":
                    raise RuntimeError(f"{kind} not accepted: {result}")
            _timed(
                bare_pid,
                scratch["health"] if warm else floors["health"],
                lambda: bare_client.get(f"{API}/health"),
            )
            answer = _timed(
                pid,
                scratch["health"] if warm else results["health"],
                lambda: client.get(f"{API}/health"),
            )
            answer.raise_for_status()
    return results, floors, commits, results["health"].cpu + scratch["health"].cpu


def measure(
    kind: str, database_url: str, tmp: Path, rounds: int, warmup: int, profile: Path | None
) -> dict[str, Any]:
    floor = BareCommit(kind, str(tmp / "bare.sqlite3") if kind == "sqlite" else database_url)
    try:
        with (
            ServerProcess(tmp, database_url=database_url, keepalive=5.0) as server,
            bare_server() as bare,
        ):
            token = server.token("dispatcher1")
            assert server.process is not None
            pid = server.process.pid
            spy = None
            if profile is not None and shutil.which("py-spy"):
                out = profile / f"server-{kind}.txt"
                spy = subprocess.Popen(
                    [
                        "py-spy",
                        "record",
                        "--pid",
                        str(pid),
                        "--format",
                        "raw",
                        "--rate",
                        "250",
                        "--threads",
                        "--idle",
                        "--output",
                        str(out),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                time.sleep(1.0)
            cpu0 = cpu_seconds(pid)
            timed, floors, commits, health_cpu = drive(
                (server.url, pid, token), bare, floor, rounds, warmup
            )
            cpu_total = cpu_seconds(pid) - cpu0
            if spy is not None:
                spy.send_signal(2)
                spy.wait(timeout=60)
    finally:
        floor.close()
    # Every round's events, warm-up included, less what the GET /health windows took.
    events = (rounds + warmup) * len(ACTIONS)
    return {
        "timed": timed,
        "bare": floors,
        "commit": commits,
        "cpu_per_event": (cpu_total - health_cpu) / events,
        "events": events,
    }


@contextlib.contextmanager
def database(kind: str, tmp: Path, pg_url: str | None) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'server.sqlite3'}"
    else:
        assert pg_url
        with postgres_schema_url(pg_url) as url:
            yield url


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def report(kind: str, run: dict[str, Any]) -> list[str]:
    timed: dict[str, Timed] = run["timed"]
    bare: dict[str, Timed] = run["bare"]
    commit: list[float] = run["commit"]
    commit_med, commit_p99 = statistics.median(commit), pct(commit, 99)
    lines = [
        f"**{kind}**: bare durable commit median {ms(commit_med)} ms, p99 {ms(commit_p99)} ms; "
        f"server CPU per accepted event over the whole run {ms(run['cpu_per_event'])} ms "
        f"({run['events']} events); load average {run['load']:.1f} at the start",
        "",
        "| request | median ms | p99 ms | server CPU ms each | floor median / p99 ms "
        "| ratio median | ratio p99 | target (median) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    h, bh = timed["health"], bare["health"]
    lines.append(
        f"| GET /health | {ms(h.median())} | {ms(h.p99())} | {ms(h.cpu_each())} | "
        f"bare GET {ms(bh.median())} / {ms(bh.p99())} | {h.median() / bh.median():.2f}x | "
        f"{h.p99() / bh.p99():.2f}x | <= 1.3x |"
    )
    target = 2.0 if kind == "sqlite" else 2.5
    for name in ACTIONS:
        t, b = timed[name], bare[name]
        floor_med = b.median() + commit_med
        floor_p99 = b.p99() + commit_p99
        lines.append(
            f"| POST {name} | {ms(t.median())} | {ms(t.p99())} | {ms(t.cpu_each())} | "
            f"bare POST + commit {ms(floor_med)} / {ms(floor_p99)} | "
            f"{t.median() / floor_med:.2f}x | {t.p99() / floor_p99:.2f}x | <= {target:g}x |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--postgres", default=os.environ.get("UMCR_TEST_POSTGRES_URL"))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=300, help="dispatch rounds measured")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", type=Path, help="py-spy the server; raw stacks to DIR")
    args = parser.parse_args(argv)
    if args.bare:
        serve_bare(args.bare)
        return 0
    kinds = ["sqlite"] if args.sqlite_only or not args.postgres else ["sqlite", "postgres"]
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    print(f"Machine: {machine()}", flush=True)
    out: list[str] = []
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="umcr-accept-") as tmp_text:
            tmp = Path(tmp_text)
            load = os.getloadavg()[0]
            with database(kind, tmp, args.postgres) as url:
                run = measure(kind, url, tmp, args.rounds, args.warmup, args.profile)
            run["load"] = load
        lines = [*report(kind, run), ""]
        print("\n".join(lines), flush=True)
        out += lines
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
