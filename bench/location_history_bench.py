"""Location history on five years of citywide history (issue 22, docs/locations.md).

    .venv/bin/python -m bench.location_history_bench            # ~335,000 incidents
    .venv/bin/python -m bench.location_history_bench --quick    # 1/20 of the volume
    ... --reuse    # measure a history kept by --keep again (no reload)

Needs PostgreSQL: ``--database URL`` or ``$UMCR_TEST_POSTGRES_URL``. The history
(bench/history.py) goes into a schema of its own; ``incident_places`` is then
filled by migration 0006's own ``fill`` (the bulk loader writes incidents with
COPY, around the write path).

Measured, each beside a baseline of the same run (the machine is shared):

- server: ``server.locations.read_history`` (the endpoint's whole work: both
  index ranges, the documents, the pure history, scoping) for places drawn
  from the history (address and point, point only, address only), against a
  bare ``SELECT 1``. Target: p99 <= 20 ms.
- HTTP: ``GET /api/v1/locations/history`` on a real server process, against
  ``GET /health`` on it. For information.
- console: a ``LocationHistoryPanel`` (offscreen Qt) over a busy console's
  local incidents, completed from that server by a real ``SyncEngine``: the
  time from the address entered (``look_up_now``) to the panel filled from the
  local store, and to the panel filled with the server's answer merged.
  Target: filled <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support.server import ServerProcess  # noqa: E402

from bench.history import History, cpu_model, load, nproc  # noqa: E402
from bench.scale_bench import URL_ENVS, prepare_schema, schema_url  # noqa: E402
from umcr_console.config import load_deployment  # noqa: E402
from umcr_console.domain.enums import Role  # noqa: E402
from umcr_console.domain.locations import Place  # noqa: E402
from umcr_console.domain.model import Incident  # noqa: E402
from umcr_console.server.auth import Principal  # noqa: E402
from umcr_console.server.db import incident_places, incidents, make_engine  # noqa: E402
from umcr_console.server.locations import read_history  # noqa: E402

migration = importlib.import_module("umcr_console.server.migrations.versions.0006_incident_places")
DISPATCHER = Principal("bench", Role.DISPATCHER, None, None, datetime(2100, 1, 1, tzinfo=UTC))


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):.2f} ms, p99 {pct(values, 0.99):.2f} ms, "
        f"max {max(values):.2f} ms (n={len(values)})"
    )


def places(engine: sa.Engine, count: int, seed: int = 7) -> list[Place]:
    """Places drawn from the history: address and point, point only, address only."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(incidents.c.data["location"]).order_by(sa.func.random()).limit(count)
        ).all()
    out = []
    for i, (loc,) in enumerate(rows):
        kind = i % 4
        lat, lon = loc["lat"], loc["lon"]
        if kind == 3:  # a point near, not at, a known one
            lat += rng.uniform(-0.0003, 0.0003)
            lon += rng.uniform(-0.0003, 0.0003)
        out.append(
            Place(
                address=loc["address"] if kind in (0, 2) else "",
                lat=lat if kind != 2 else None,
                lon=lon if kind != 2 else None,
            )
        )
    return out


def measure_server(engine: sa.Engine, sample: list[Place], now: datetime) -> dict[str, Any]:
    baseline, lookups, found = [], [], []
    for place in sample[:20]:  # warm the caches and the pool
        read_history(engine, DISPATCHER, place, now=now)
    for place in sample:
        started = time.perf_counter()
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1")).scalar_one()
        baseline.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        history = read_history(engine, DISPATCHER, place, now=now)
        lookups.append((time.perf_counter() - started) * 1000)
        found.append(len(history.entries))
    return {"lookup": lookups, "baseline": baseline, "found": found}


def measure_http(server: ServerProcess, sample: list[Place]) -> dict[str, Any]:
    import httpx

    token = server.token("dispatcher1")
    headers = {"Authorization": f"Bearer {token}"}
    health, lookups = [], []
    with httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=30) as client:
        for place in sample:
            params: dict[str, Any] = {"address": place.address}
            if place.has_point:
                params |= {"lat": place.lat, "lon": place.lon}
            started = time.perf_counter()
            client.get("/health").raise_for_status()
            health.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get("/locations/history", params=params).raise_for_status()
            lookups.append((time.perf_counter() - started) * 1000)
    return {"lookup": lookups, "baseline": health}


def measure_console(
    server: ServerProcess, engine: sa.Engine, sample: list[Place], tmp: Path, local_count: int
) -> dict[str, Any]:
    import qasync
    from PySide6.QtWidgets import QApplication

    from umcr_console.store.db import LocalStore
    from umcr_console.store.workspace import Workspace
    from umcr_console.sync.engine import SyncEngine
    from umcr_console.ui.location_history import LocationHistoryPanel

    with engine.connect() as conn:
        local = [
            Incident.model_validate(data)
            for (data,) in conn.execute(
                sa.select(incidents.c.data)
                .order_by(incidents.c.received_at.desc())
                .limit(local_count)
            )
        ]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    store = LocalStore(tmp / "console.sqlite3")
    workspace = Workspace(store, actor="dispatcher1")
    sync = SyncEngine(
        server.url, workspace, username="dispatcher1", password=server.users["dispatcher1"][1]
    )
    panel = LocationHistoryPanel(
        incidents=lambda: local,
        clock=lambda: datetime.now(UTC),
        remote=lambda place, exclude: sync.fetch_location_history(place, exclude=exclude),
    )
    local_ms: list[float] = []
    server_ms: list[float] = []

    async def run() -> None:
        task = asyncio.ensure_future(sync.run())
        deadline = time.monotonic() + 60
        while sync.status.link != "online" and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        for i, place in enumerate(sample):
            started = time.perf_counter()
            panel.look_up_now(place.address, place.lat, place.lon)
            local_ms.append((time.perf_counter() - started) * 1000)
            while not panel.from_server:
                await asyncio.sleep(0.001)
            if i >= 5:  # the first requests open the connection
                server_ms.append((time.perf_counter() - started) * 1000)
        await sync.stop()
        task.cancel()

    try:
        loop.run_until_complete(run())
    finally:
        store.close()
        loop.close()
        asyncio.set_event_loop(None)
    return {"local": local_ms, "server": server_ms, "local_count": len(local)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="location_history_bench")
    parser.add_argument("--database", help="PostgreSQL URL (default: $UMCR_TEST_POSTGRES_URL)")
    parser.add_argument("--quick", action="store_true", help="1/20 of the volume")
    parser.add_argument("--schema", help="default: history_bench[_quick]")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--local", type=int, default=2000, help="incidents in the console's store")
    args = parser.parse_args(argv)
    base = args.database or next((os.environ[e] for e in URL_ENVS if os.environ.get(e)), None)
    if not base:
        parser.error(f"give --database or set {URL_ENVS[-1]}")
    schema = args.schema or ("history_bench_quick" if args.quick else "history_bench")
    reused = prepare_schema(base, schema, fresh=not args.reuse)
    url = schema_url(base, schema)
    engine = make_engine(url)
    try:
        if not reused:
            history = History(calls_per_year=3_350 if args.quick else 67_000)
            started = time.perf_counter()
            loaded = load(engine, load_deployment("citywide"), history)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(sa.delete(incident_places))
                migration.fill(conn, incident_places)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE incident_places"))
            fill_s = time.perf_counter() - started
            print(
                f"loaded {loaded.incidents:,} incidents in {load_s:.0f} s; "
                f"incident_places filled in {fill_s:.0f} s",
                file=sys.stderr,
            )
        with engine.connect() as conn:
            count = conn.execute(sa.select(sa.func.count()).select_from(incidents)).scalar_one()
            now = conn.execute(sa.select(sa.func.max(incidents.c.received_at))).scalar_one()
            plan = "\n".join(
                r[0]
                for r in conn.execute(
                    sa.text(
                        "EXPLAIN SELECT p.address_key, p.lat, p.lon, i.data FROM incident_places p"
                        " JOIN incidents i ON i.id = p.incident_id"
                        " WHERE p.received_at >= now() - interval '730 days'"
                        " AND (p.address_key = '1234 W EXAMPLE ST' OR (p.lat BETWEEN 34.05 AND 34.0509"
                        " AND p.lon BETWEEN -118.3 AND -118.2989))"
                        " ORDER BY p.received_at DESC LIMIT 404"
                    )
                )
            )
        now = now.replace(tzinfo=UTC) if now.tzinfo is None else now
        sample = places(engine, args.lookups)
        server = measure_server(engine, sample, now)
        print(f"incidents: {count:,}; {nproc()} CPUs ({cpu_model()})")
        print(f"plan of the box query:\n{plan}")
        print(f"server lookup: {summary(server['lookup'])}")
        print(f"  baseline SELECT 1: {summary(server['baseline'])}")
        print(
            f"  calls found per lookup: mean {statistics.mean(server['found']):.1f}, "
            f"max {max(server['found'])}"
        )
        with tempfile.TemporaryDirectory(prefix="umcr-history-") as tmp_name:
            tmp = Path(tmp_name)
            with ServerProcess(
                tmp, database_url=url, extra_args=["--deployment", "citywide"]
            ) as proc:
                http = measure_http(proc, sample[:300])
                print(f"HTTP lookup: {summary(http['lookup'])}")
                print(f"  baseline GET /health: {summary(http['baseline'])}")
                console = measure_console(proc, engine, sample[:200], tmp, args.local)
                print(
                    f"console ({console['local_count']:,} local incidents): "
                    f"local fill {summary(console['local'])}"
                )
                print(f"  server answer merged: {summary(console['server'])}")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
