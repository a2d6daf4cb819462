"""Citywide scale (issue 12): five years of history, two server processes, headless consoles.

    .venv/bin/python -m bench.scale_bench                 # full: ~335,000 incidents, 20 consoles
    .venv/bin/python -m bench.scale_bench --write         # ... and update docs/benchmarks.md
    .venv/bin/python -m bench.scale_bench --quick         # 1/20 of the volume, 4 consoles, ~30 s

Needs PostgreSQL: ``--database URL`` or ``$UMCR_TEST_POSTGRES_URL``. The
history goes into a schema of its own (``scale_bench`` / ``scale_bench_quick``),
dropped afterwards unless ``--keep``; ``--reuse`` measures a kept one again.

Each figure is measured beside a baseline taken in the same run, because
these machines are noisy (shared disks, other jobs):

- snapshot: ``GET /api/v1/snapshot`` as a dispatcher, against ``GET /health``
  on the same server. Target: <= 1 s. The plan of the snapshot query on the
  loaded database is recorded too (it must be index scans).
- one-year report: ``GET /api/v1/reports`` for the last 365 days, against a
  bare ``SELECT 1`` round trip to the database. Target: <= 2 s.
- propagation across processes: consoles spread over two server processes,
  each making actions; the time from one console's submit to the event in
  the view of each console on the OTHER process, against a bare HTTP round
  trip (``GET /health``). Target: p99 <= 250 ms, judged at a floor load of
  2 actions a second from 20 consoles (about a hundred times citywide's
  average); also measured at bench/sync_bench.py's stress level (20 a
  second), for information. The servers run with the production keep-alive
  (5 s), so only the LISTEN/NOTIFY path can meet the target.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.headless import HeadlessConsole  # noqa: E402
from tests.support.server import ServerProcess  # noqa: E402
from tests.support.waiting import wait_for  # noqa: E402

from bench.history import History, cpu_model, load, nproc  # noqa: E402
from umcr_console.config import load_deployment  # noqa: E402
from umcr_console.server.db import make_engine  # noqa: E402
from umcr_console.server.eventlog import snapshot_query  # noqa: E402
from umcr_console.server.reporting import period_queries, program_report  # noqa: E402

BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
HEADING = "## Citywide scale (issue 12)"
URL_ENVS = ("UMCR_BENCH_POSTGRES_URL", "UMCR_TEST_POSTGRES_URL")
PRODUCTION_KEEPALIVE = 5.0
TARGETS = {"snapshot_s": 1.0, "report_s": 2.0, "propagation_p99_s": 0.25}


@dataclass
class Timing:
    samples: list[float]

    def q(self, fraction: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return self.q(0.99)

    @property
    def worst(self) -> float:
        return max(self.samples)


@dataclass
class Results:
    history: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _time(fn: Callable[[], Any], repeat: int) -> Timing:
    fn()  # warm: connections, caches, first-request imports
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return Timing(samples)


def schema_url(base: str, schema: str) -> str:
    url = sa.make_url(base)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


def prepare_schema(base: str, schema: str, *, fresh: bool) -> bool:
    """Create the schema; True if it already holds a loaded history to reuse."""
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if fresh:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            exists = conn.execute(
                sa.text(
                    "SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = 'events'"
                ),
                {"s": schema},
            ).first()
            conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            return exists is not None
    finally:
        admin.dispose()


def drop_schema(base: str, schema: str) -> None:
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        admin.dispose()


def measure_history(engine: sa.Engine, results: Results) -> None:
    with engine.connect() as conn:
        counts = {
            table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("incidents", "events", "incident_providers")
        }
        span = conn.execute(
            sa.text("SELECT min(received_at), max(received_at) FROM incidents")
        ).one()
        sizes = conn.execute(
            sa.text(
                "SELECT pg_size_pretty(pg_total_relation_size('events')), "
                "pg_size_pretty(pg_total_relation_size('incidents')), "
                "pg_size_pretty(pg_total_relation_size('incident_summary'))"
            )
        ).one()
    results.history.update(
        incidents=counts["incidents"],
        events=counts["events"],
        provider_pairs=counts["incident_providers"],
        first=span[0],
        last=span[1],
        size_events=sizes[0],
        size_incidents=sizes[1],
        size_summary=sizes[2],
    )


def explain(engine: sa.Engine, query: sa.Select[Any]) -> tuple[str, float]:
    """The plan's node lines, and the execution time PostgreSQL reports (s)."""
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as conn:
        lines = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")]
    executed = next(
        float(m.group(1))
        for line in lines
        if (m := re.search(r"Execution Time: ([\d.]+) ms", line))
    )
    nodes = [
        line.strip().split("  (")[0].lstrip("-> ").strip() for line in lines if "cost=" in line
    ]
    return " / ".join(nodes), executed / 1000


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def measure_snapshot_and_report(
    server: ServerProcess, engine: sa.Engine, results: Results, repeat: int
) -> None:
    results.figures["load_snapshot"] = load_average()
    now = datetime.now(UTC)
    year = {"start": (now - timedelta(days=365)).isoformat(), "end": now.isoformat()}
    with server.client("dispatcher1", timeout=60.0) as client:
        sizes: dict[str, int] = {}

        def snapshot() -> None:
            answer = client.get("/api/v1/snapshot")
            answer.raise_for_status()
            body = answer.json()
            sizes.update(
                incidents=len(body["incidents"]),
                teams=len(body["teams"]),
                bytes=len(answer.content),
            )

        def report() -> None:
            answer = client.get("/api/v1/reports", params=year)
            answer.raise_for_status()
            sizes["report_calls"] = answer.json()["total"]["calls"]

        def health() -> None:
            client.get("/api/v1/health").raise_for_status()

        results.figures["health"] = _time(health, repeat * 4)
        results.figures["snapshot"] = _time(snapshot, repeat)
        results.figures["report"] = _time(report, max(3, repeat // 2))
    results.figures["snapshot_sizes"] = dict(sizes)

    def select_one() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1")).scalar_one()

    results.figures["select_one"] = _time(select_one, repeat * 4)
    results.figures["snapshot_plan"] = explain(engine, snapshot_query(now))
    results.figures["report_plan"] = explain(
        engine, period_queries(now - timedelta(days=365), now)[0]
    )
    # Where a report's time goes, in this process: database read vs the reports module.
    costs = load_deployment("citywide").costs
    started = time.perf_counter()
    program_report(engine, now - timedelta(days=365), now, costs)
    results.figures["report_in_process"] = time.perf_counter() - started


@dataclass
class Propagation:
    """One load level of the propagation measure."""

    label: str
    consoles: int
    rate: float  # actions a second on the whole floor
    load: float = float("nan")
    across: Timing | None = None  # submit -> view of each console on the other process
    same: Timing | None = None  # ... on the same process, for comparison
    push: Timing | None = None  # submit -> the server's recorded_at
    fanout: Timing | None = None  # recorded_at -> view on the other process
    actions: int = 0
    rejected: int = 0


def measure_propagation(
    servers: list[ServerProcess], tmp: Path, level: Propagation, seconds: float
) -> None:
    level.load = load_average()
    per_console = level.rate / level.consoles
    actions = max(1, round(seconds * per_console))
    floor = [
        HeadlessConsole(
            tmp / f"{level.label}{i:02d}.db",
            servers[i % len(servers)].url,
            ("dispatcher1", "dispatcher2")[i % 2],
            actions=actions,
            rate=per_console,
            seed=1000 + i,
            keepalive=PRODUCTION_KEEPALIVE,
            backoff_cap=1.0,
        ).start()
        for i in range(level.consoles)
    ]
    try:
        for console in floor:
            console.wait_ready(120)
        # Let every console load its snapshot and open its stream first.
        wait_for(
            lambda: all(any(r.get("link") == "online" for r in c.records) for c in floor),
            120,
            "consoles online",
        )
        # Spread evenly, as dispatchers do not act in lockstep (bench/sync_bench.py
        # does the same): console n starts n/N of an action interval after the first.
        for console in floor:
            console.go()
            time.sleep(1.0 / level.rate)
        wait_for(lambda: all(c.done_acting for c in floor), seconds * 4 + 60, "the actions")
        with servers[-1].client("supervisor") as client:
            last = client.get("/api/v1/health").json()["seq"]
        wait_for(lambda: all(c.max_seq >= last for c in floor), 60, "every console caught up")
    finally:
        for console in floor:
            console.terminate()
    submitted: dict[str, tuple[int, float]] = {}
    for index, console in enumerate(floor):
        for record in console.records:
            if "ack" in record:
                submitted[record["ack"]] = (index % len(servers), record["t0"])
    across, same, fanout, push = [], [], [], {}
    for index, console in enumerate(floor):
        mine = index % len(servers)
        own = set(console.acks)
        for event_id, (_seq, seen_at, recorded) in console.seen.items():
            origin = submitted.get(event_id)
            if origin is None:
                continue  # not a console's action (the roster)
            if recorded is not None:
                push[event_id] = recorded - origin[1]
            if event_id in own:
                continue
            (across if origin[0] != mine else same).append(seen_at - origin[1])
            if origin[0] != mine and recorded is not None:
                fanout.append(seen_at - recorded)
    level.across = Timing(across)
    level.same = Timing(same) if same else None
    level.push = Timing(list(push.values())) if push else None
    level.fanout = Timing(fanout) if fanout else None
    level.actions = len(submitted)
    level.rejected = sum(len(c.rejected) for c in floor)


def render(results: Results, command: str) -> str:
    f, h = results.figures, results.history
    sizes = f["snapshot_sizes"]
    levels: list[Propagation] = f["propagation"]
    rows = [
        (
            f"snapshot, `GET /snapshot` ({sizes['incidents']} incidents, {sizes['teams']} teams, "
            f"{sizes['bytes'] / 1024:.0f} KiB)",
            f"median {_ms(f['snapshot'].median)}, worst {_ms(f['snapshot'].worst)}",
            f"`GET /health` median {_ms(f['health'].median)}",
            "≤ 1 s",
            "yes" if f["snapshot"].worst <= TARGETS["snapshot_s"] else "**no**",
        ),
        (
            f"one-year report, `GET /reports` ({sizes['report_calls']:,} calls)",
            f"median {_ms(f['report'].median)}, worst {_ms(f['report'].worst)}",
            f"`SELECT 1` round trip median {_ms(f['select_one'].median)}",
            "≤ 2 s",
            "yes" if f["report"].worst <= TARGETS["report_s"] else "**no**",
        ),
    ]
    for n, level in enumerate(levels):
        assert level.across is not None
        target = n == 0  # the first level is the one the target is judged at
        rows.append(
            (
                f"propagation across processes, {level.label}: {level.consoles} consoles on 2 "
                f"processes, {level.rate:g} actions/s ({len(level.across.samples):,} samples)",
                f"p99 {_ms(level.across.p99)}, median {_ms(level.across.median)}",
                f"`GET /health` p99 {_ms(f['health'].p99)}",
                "p99 ≤ 250 ms" if target else "(informative)",
                ("yes" if level.across.p99 <= TARGETS["propagation_p99_s"] else "**no**")
                if target
                else "",
            )
        )
    lines = [
        HEADING,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{nproc()} CPUs ({cpu_model()}), {f['postgres']}, Python {platform.python_version()}.",
        f"Command: `{command}`.",
        "",
        f"History: {h['incidents']:,} incidents and {h['events']:,} events from "
        f"{h['first']:%Y-%m-%d} to {h['last']:%Y-%m-%d} (citywide deployment: 21 divisions, "
        f"60 teams), generated straight into PostgreSQL by `bench/history.py`"
        + (f" in {h['load_s']:.0f} s" if h["load_s"] == h["load_s"] else "")
        + f"; tables: events {h['size_events']}, incidents {h['size_incidents']}, "
        f"incident_summary {h['size_summary']}.",
        "",
        "| measure | figure | baseline, same run | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [f"| {m} | {v} | {b} | {t} | {ok} |" for m, v, b, t, ok in rows]
    lines += [
        "",
        f"- Snapshot query plan on the loaded database: {f['snapshot_plan'][0]} "
        f"({_ms(f['snapshot_plan'][1])} in PostgreSQL).",
        f"- One-year report plan: {f['report_plan'][0]} ({_ms(f['report_plan'][1])} in "
        f"PostgreSQL); the whole report in-process (read + `domain.reports`): "
        f"{_ms(f['report_in_process'])}.",
        f"- Propagation: from the start of one console's submit to the event in the view of "
        f"each console on the other process; all consoles, both servers and PostgreSQL share "
        f"this machine's {nproc()} CPUs. The servers ran the production keep-alive "
        f"({PRODUCTION_KEEPALIVE:g} s), so the figures are LISTEN/NOTIFY's.",
    ]
    for level in levels:
        parts = [f"{level.actions:,} actions ({level.rejected} refused as conflicts)"]
        if level.push and level.fanout:
            parts.append(
                f"split at the server's `recorded_at`: submit to server p99 "
                f"{_ms(level.push.p99)} (median {_ms(level.push.median)}), server to the "
                f"other process's views p99 {_ms(level.fanout.p99)} (median "
                f"{_ms(level.fanout.median)})"
            )
        if level.same:
            parts.append(f"same process, for comparison: p99 {_ms(level.same.p99)}")
        parts.append(f"load average at start {level.load:.1f}")
        lines.append(f"- {level.label.capitalize()}: " + "; ".join(parts) + ".")
    lines.append(
        f"- Load average (1 min) when the snapshot and report part started: "
        f"{f['load_snapshot']:.1f} (the machine is shared: above its {nproc()} CPUs, every "
        f"figure is slower)."
    )
    lines += [f"- {note}" for note in results.notes]
    return "\n".join(lines) + "\n"


START_MARK, END_MARK = "<!-- scale-bench:start -->", "<!-- scale-bench:end -->"


def write_section(text: str) -> None:
    """Replace this bench's section of docs/benchmarks.md (between its markers), or append it.

    The file is read again just before writing, and nothing outside the
    markers changes: other benches write their own sections.
    """
    current = (
        BENCHMARKS_MD.read_text(encoding="utf-8") if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    )
    block = f"{START_MARK}\n{text.rstrip()}\n\n{END_MARK}\n"
    if START_MARK in current and END_MARK in current:
        before, rest = current.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1].lstrip("\n")
        updated = before + block + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    BENCHMARKS_MD.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scale_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="PostgreSQL URL (default: $UMCR_TEST_POSTGRES_URL)")
    parser.add_argument(
        "--quick", action="store_true", help="1/20 of the volume, 4 consoles, short"
    )
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--calls-per-year", type=int, default=None)
    parser.add_argument("--consoles", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="of console load")
    parser.add_argument("--rate", type=float, default=None, help="actions/s on the floor")
    parser.add_argument("--repeat", type=int, default=None, help="timed requests per measure")
    parser.add_argument("--schema", help="schema for the history (default: scale_bench[_quick])")
    parser.add_argument("--keep", action="store_true", help="keep the loaded schema")
    parser.add_argument("--reuse", action="store_true", help="measure a kept schema again")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    base = args.database or next((os.environ[e] for e in URL_ENVS if os.environ.get(e)), None)
    if not base:
        parser.error(f"give --database or set {URL_ENVS[-1]}")
    calls = args.calls_per_year or (3_350 if args.quick else 67_000)
    consoles = args.consoles or (4 if args.quick else 20)
    seconds = args.seconds or (5 if args.quick else 30)
    # The target is judged at the first level: a floor far busier than citywide's
    # (about 0.02 events a second on average); the second is bench/sync_bench.py's
    # stress level, informative.
    levels = [Propagation("floor load", consoles, args.rate or (4.0 if args.quick else 2.0))]
    if not args.quick:
        levels.append(Propagation("stress", consoles, 20.0))
    repeat = args.repeat or (5 if args.quick else 20)
    schema = args.schema or ("scale_bench_quick" if args.quick else "scale_bench")
    command = (
        ".venv/bin/python -m bench.scale_bench"
        + (" --quick" if args.quick else "")
        + (" --write" if args.write else "")
    )

    results = Results()
    reused = prepare_schema(base, schema, fresh=not args.reuse)
    url = schema_url(base, schema)
    engine = make_engine(url)
    deployment = load_deployment("citywide")
    try:
        if reused:
            print(f"reusing the history in schema {schema}", file=sys.stderr)
            results.history["load_s"] = float("nan")
        else:
            print(f"loading {args.years:g} years at {calls:,} calls a year ...", file=sys.stderr)
            started = time.perf_counter()
            load(engine, deployment, History(years=args.years, calls_per_year=calls))
            results.history["load_s"] = time.perf_counter() - started
        measure_history(engine, results)
        with engine.connect() as conn:
            results.figures["postgres"] = (
                "PostgreSQL "
                + str(conn.execute(sa.text("SHOW server_version")).scalar_one()).split()[0]
            )
        print(
            f"history: {results.history['incidents']:,} incidents, {results.history['events']:,} events",
            file=sys.stderr,
        )
        with tempfile.TemporaryDirectory(prefix="umcr-scale-") as tmp_name:
            tmp = Path(tmp_name)
            servers = []
            for name in ("a", "b"):
                (tmp / name).mkdir()
                servers.append(
                    ServerProcess(
                        tmp / name,
                        database_url=url,
                        keepalive=PRODUCTION_KEEPALIVE,
                        extra_args=["--deployment", "citywide"],
                    )
                )
            try:
                for server in servers:
                    server.start()
                measure_snapshot_and_report(servers[0], engine, results, repeat)
                print("snapshot and report measured", file=sys.stderr)
                results.figures["propagation"] = levels
                for level in levels:
                    measure_propagation(servers, tmp, level, seconds)
                    print(f"propagation measured: {level.label}", file=sys.stderr)
            finally:
                for server in servers:
                    try:
                        server.stop()
                    except RuntimeError:
                        server.kill()
                        results.notes.append(f"server {server.port} ignored SIGTERM: killed")
                posts = [
                    line
                    for server in servers
                    for line in server.log_text().splitlines()
                    if '"POST /api/v1/events' in line
                ]
                refused = [line for line in posts if " 200 " not in line]
                results.notes.append(
                    f"{len(posts):,} POST /events during the run, {len(refused)} not 200"
                    + (f" (e.g. {refused[0].split(' - ', 1)[-1][:80]})" if refused else "")
                    + "."
                )
                for server in servers:
                    bad = [
                        line
                        for line in server.log_text().splitlines()
                        if "Traceback" in line or "ERROR" in line
                    ]
                    if bad:
                        results.notes.append(f"server {server.port} logged errors: {bad[0][:300]}")
    finally:
        engine.dispose()
        if not args.keep:
            drop_schema(base, schema)
    text = render(results, command)
    print(text)
    if args.write:
        write_section(text)
        print(f"wrote {BENCHMARKS_MD}", file=sys.stderr)
    f = results.figures
    across = levels[0].across
    met = (
        f["snapshot"].worst <= TARGETS["snapshot_s"]
        and f["report"].worst <= TARGETS["report_s"]
        and across is not None
        and across.p99 <= TARGETS["propagation_p99_s"]
    )
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
