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

from tests.server.helpers import assigned, closed, created  # noqa: E402
from tests.support.server import (  # noqa: E402
    ServerProcess,
    free_port,
    postgres_schema_url,
)

from bench.sync_bench import cpu_seconds, machine, pct  # noqa: E402
from umcr_console.config import load_deployment  # noqa: E402

ACTIONS = ("create", "assign", "close")
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
        deadline = time.monotonic() + 30
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


def bare_commit_sqlite(path: Path, count: int) -> list[float]:
    """One INSERT + COMMIT per sample, with the server's pragmas (server/db.py)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE ev (seq INTEGER PRIMARY KEY, event_id TEXT UNIQUE, type TEXT, p TEXT)"
    )
    times = []
    for i in range(count):
        row = _row(i)
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO ev VALUES (?, ?, ?, ?)", row)
        conn.execute("COMMIT")
        times.append(time.perf_counter() - started)
    conn.close()
    return times


def bare_commit_postgres(url: str, count: int) -> list[float]:
    """One INSERT + COMMIT per sample on one kept psycopg connection (fsync on)."""
    import psycopg
    import sqlalchemy as sa

    parsed = sa.make_url(url).set(drivername="postgresql")
    dsn = parsed.render_as_string(hide_password=False)
    times = []
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "CREATE TABLE bare_ev (seq BIGINT PRIMARY KEY, event_id TEXT UNIQUE, type TEXT, p JSON)"
        )
        conn.commit()
        for i in range(count):
            row = _row(i)
            started = time.perf_counter()
            conn.execute("INSERT INTO bare_ev VALUES (%s, %s, %s, %s)", row)
            conn.commit()
            times.append(time.perf_counter() - started)
    return times


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


def drive(url: str, pid: int, token: str | None, rounds: int, warmup: int) -> dict[str, Timed]:
    """``rounds`` dispatch rounds, one event per POST; the first ``warmup`` not counted."""
    teams = [t.id for t in load_deployment("pilot").teams]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    results: dict[str, Timed] = {k: Timed() for k in (*ACTIONS, "health")}
    scratch = {k: Timed() for k in results}
    accepted = 0
    with httpx.Client(base_url=url, headers=headers, timeout=30.0) as client:
        for n in range(warmup + rounds):
            into = scratch if n < warmup else results
            team = teams[n % len(teams)]
            incident = created()
            incident_id = incident["entity_id"]
            for kind, wire in (
                ("create", incident),
                ("assign", assigned(incident_id, team)),
                ("close", closed(incident_id)),
            ):
                answer = _timed(pid, into[kind], _post_one(client, wire))
                answer.raise_for_status()
                result = answer.json()["results"][0]
                if token and result["status"] != "accepted":
                    raise RuntimeError(f"{kind} not accepted: {result}")
                accepted += 1
            answer = _timed(pid, into["health"], lambda: client.get(f"{API}/health"))
            answer.raise_for_status()
    return results


def measure_server(
    database_url: str, tmp: Path, rounds: int, warmup: int, profile: Path | None
) -> dict[str, Any]:
    with ServerProcess(tmp, database_url=database_url, keepalive=5.0) as server:
        token = server.token("dispatcher1")
        assert server.process is not None
        pid = server.process.pid
        spy = None
        if profile is not None and shutil.which("py-spy"):
            out = profile / f"server-{sa_name(database_url)}.txt"
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
        timed = drive(server.url, pid, token, rounds, warmup)
        cpu_total = cpu_seconds(pid) - cpu0
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=60)
    events = sum(len(timed[k].wall) for k in ACTIONS)
    return {"timed": timed, "cpu_per_event": cpu_total / events, "events": events}


def sa_name(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgres"


def measure_bare(rounds: int, warmup: int) -> dict[str, Timed]:
    with bare_server() as (url, pid):
        return drive(url, pid, None, rounds, warmup)


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


def report(
    kind: str, server: dict[str, Any], bare: dict[str, Timed], commit: list[float]
) -> list[str]:
    timed: dict[str, Timed] = server["timed"]
    commit_med, commit_p99 = statistics.median(commit), pct(commit, 99)
    lines = [
        f"### {kind}",
        "",
        f"bare durable commit: median {ms(commit_med)} ms, p99 {ms(commit_p99)} ms; "
        f"server CPU per accepted event over the run: {ms(server['cpu_per_event'])} ms "
        f"({server['events']} events)",
        "",
        "| request | median ms | p99 ms | server CPU ms each | floor median / p99 ms | ratio median | ratio p99 | target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    h, bh = timed["health"], bare["health"]
    lines.append(
        f"| GET /health | {ms(h.median())} | {ms(h.p99())} | {ms(h.cpu_each())} | "
        f"bare GET {ms(bh.median())} / {ms(bh.p99())} | {h.median() / bh.median():.2f}x | "
        f"{h.p99() / bh.p99():.2f}x | <= 1.3x |"
    )
    target = 2.0 if kind == "sqlite" else 2.5
    for kind_ in ACTIONS:
        t, b = timed[kind_], bare[kind_]
        floor_med = b.median() + commit_med
        floor_p99 = b.p99() + commit_p99
        lines.append(
            f"| POST {kind_} | {ms(t.median())} | {ms(t.p99())} | {ms(t.cpu_each())} | "
            f"bare POST + commit {ms(floor_med)} / {ms(floor_p99)} | "
            f"{t.median() / floor_med:.2f}x | {t.p99() / floor_p99:.2f}x | "
            f"<= {target:g}x |"
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
    print(f"Machine: {machine()}")
    out: list[str] = []
    for kind in kinds:
        bare = measure_bare(args.rounds, args.warmup)  # beside each database's run
        with tempfile.TemporaryDirectory(prefix="umcr-accept-") as tmp_text:
            tmp = Path(tmp_text)
            with database(kind, tmp, args.postgres) as url:
                server = measure_server(url, tmp, args.rounds, args.warmup, args.profile)
            if kind == "sqlite":
                commit = bare_commit_sqlite(tmp / "bare.sqlite3", args.rounds)
            else:
                with database(kind, tmp, args.postgres) as url:
                    commit = bare_commit_postgres(url, args.rounds)
        out += [*report(kind, server, bare, commit), ""]
        print("\n".join(out[-12:]), flush=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
