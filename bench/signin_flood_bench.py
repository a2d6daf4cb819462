"""Signed-in latency while anonymous clients flood the sign-in endpoint (issue 17, item 2).

    .venv/bin/python -m bench.signin_flood_bench                 # SQLite file
    UMCR_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python -m bench.signin_flood_bench --postgres  # PostgreSQL

A real ``umcr-server serve`` process on loopback. A "floor" of signed-in
users (threads of this process) loops GET /snapshot, GET /health and
POST /events (a team in or out of service), timing each request. Phases of equal length
alternate: idle, flood, idle, flood. In a flood phase a second process runs
``--attackers`` threads (50, as in the review), each with one bogus sign-in
(an unknown user name, so the server verifies against its full-strength
Argon2id dummy hash) always in flight: from one source address, or each from
its own (127.0.0.2..; ``--sources many``). An attacker waits ``--pause`` s
between its attempts and ignores Retry-After.

The machine is shared and noisy: the verdict is a ratio within the run,
flood p99 / idle p99, with both measured in alternating phases. Done when the
flood p99 is at most 3x the idle p99 and under one second.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server.helpers import EX1, PL1, PL2, status  # noqa: E402
from tests.support.server import ServerProcess, postgres_schema_url  # noqa: E402

API = "/api/v1"
FLOOR_USERS = ("dispatcher1", "dispatcher2", "supervisor")
# Each floor user moves a team of its own in and out of service: a write per
# round that leaves the snapshot the same size (new incidents would grow it,
# and later phases would read more).
FLOOR_TEAMS = (PL1, PL2, EX1)


def _attack(
    url: str, attackers: int, sources: str, pause: float, seconds: float, out, ready
) -> None:
    """Run in its own process: ``attackers`` concurrent bogus sign-ins for ``seconds``.

    One asyncio loop, each attacker a task with one sign-in always in flight.
    It shares the machine's two cores with the server: harsher than a real
    attacker, whose client runs elsewhere.
    """
    asyncio.run(_attack_async(url, attackers, sources, pause, seconds, out, ready))


async def _attack_async(
    url: str, attackers: int, sources: str, pause: float, seconds: float, out, ready
) -> None:
    statuses: Counter[int] = Counter()
    # Plain HTTP: no TLS context per client (loading CA bundles costs seconds of CPU).
    clients = [
        httpx.AsyncClient(
            base_url=url,
            transport=httpx.AsyncHTTPTransport(
                local_address=f"127.0.0.{2 + i % 250}" if sources == "many" else "127.0.0.2",
                verify=False,
            ),
            verify=False,
            timeout=60.0,
        )
        for i in range(attackers)
    ]
    ready.set()
    stop = time.monotonic() + seconds

    async def attacker(client: httpx.AsyncClient) -> None:
        async with client:
            while time.monotonic() < stop:
                body = {"username": f"x-{uuid.uuid4().hex[:10]}", "password": "guess-" * 3}
                try:
                    code = (await client.post(f"{API}/auth/token", json=body)).status_code
                except httpx.HTTPError:
                    code = 0
                statuses[code] += 1
                await asyncio.sleep(pause)

    await asyncio.gather(*(attacker(c) for c in clients))
    statuses[-1] = round(time.process_time() * 1000)  # this process's CPU, ms
    out.put(dict(statuses))


def _floor(url: str, tokens: list[str], seconds: float) -> dict[str, list[float]]:
    """Each signed-in user loops snapshot, health, one event; latencies in seconds."""
    times: dict[str, list[float]] = {"snapshot": [], "health": [], "events": []}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    failures: list[str] = []

    def user(token: str, team: str) -> None:
        bearer = {"Authorization": f"Bearer {token}"}
        turn = 0
        with httpx.Client(base_url=url, timeout=60.0) as client:
            while time.monotonic() < stop:
                turn += 1
                move = status(team, "out_of_service" if turn % 2 else "available")
                for name, method, path, body in (
                    ("snapshot", "GET", "/snapshot", None),
                    ("health", "GET", "/health", None),
                    ("events", "POST", "/events", {"events": [move]}),
                ):
                    started = time.perf_counter()
                    answer = client.request(method, f"{API}{path}", json=body, headers=bearer)
                    elapsed = time.perf_counter() - started
                    with lock:
                        times[name].append(elapsed)
                        if answer.status_code != 200:
                            failures.append(f"{name}: {answer.status_code}")

    threads = [
        threading.Thread(target=user, args=(t, team))
        for t, team in zip(tokens, FLOOR_TEAMS, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"floor requests failed: {failures[:5]}")
    return times


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextmanager
def _database(postgres: bool, folder: Path) -> Iterator[str]:
    if postgres:
        base = os.environ.get("UMCR_TEST_POSTGRES_URL")
        if not base:
            raise SystemExit("--postgres needs UMCR_TEST_POSTGRES_URL")
        with postgres_schema_url(base) as url:
            yield url
    else:
        yield f"sqlite:///{folder / 'server.sqlite3'}"


def run(args: argparse.Namespace) -> bool:
    with (
        tempfile.TemporaryDirectory(prefix="umcr-flood-") as tmp,
        _database(args.postgres, Path(tmp)) as url,
        ServerProcess(Path(tmp), database_url=url) as server,
    ):
        tokens = [server.token(u) for u in FLOOR_USERS]
        # Warm up: the first requests pay for imports and caches.
        _floor(server.url, tokens, 2.0)
        idle: dict[str, list[float]] = {"snapshot": [], "health": [], "events": []}
        flood: dict[str, list[float]] = {"snapshot": [], "health": [], "events": []}
        attempts: Counter[int] = Counter()
        assert server.process is not None
        cpu = {"idle": 0.0, "flood": 0.0}
        for phase in range(2 * args.rounds):
            flooding = phase % 2 == 1
            cpu_before = _cpu_seconds(server.process.pid)
            attack = None
            queue: multiprocessing.Queue = multiprocessing.Queue()
            if flooding:
                ready = multiprocessing.Event()
                attack = multiprocessing.Process(
                    target=_attack,
                    args=(
                        server.url,
                        args.attackers,
                        args.sources,
                        args.pause,
                        args.phase,
                        queue,
                        ready,
                    ),
                )
                attack.start()
                ready.wait(60)
                time.sleep(0.2)  # the flood is under way before we measure
            times = _floor(server.url, tokens, args.phase - (0.5 if flooding else 0))
            for name, values in times.items():
                (flood if flooding else idle)[name].extend(values)
            cpu["flood" if flooding else "idle"] += _cpu_seconds(server.process.pid) - cpu_before
            if attack is not None:
                attempts.update(queue.get(timeout=120))
                attack.join(60)
    every_idle = [v for values in idle.values() for v in values]
    every_flood = [v for values in flood.values() for v in values]
    print(
        f"database {'postgresql' if args.postgres else 'sqlite'}; {args.attackers} attackers "
        f"from {'many sources' if args.sources == 'many' else 'one source'}, pause {args.pause} s; "
        f"{args.rounds} x ({args.phase:g} s idle + {args.phase:g} s flood); "
        f"floor of {len(FLOOR_USERS)} signed-in users; cpus {os.cpu_count()}"
    )
    attacker_cpu = attempts.pop(-1, 0) / 1000
    print(f"sign-in answers during the floods: {dict(sorted(attempts.items()))}")
    print(
        f"CPU seconds: server idle {cpu['idle']:.1f}, server in floods {cpu['flood']:.1f}, "
        f"attacker {attacker_cpu:.1f} (of {args.rounds * args.phase * 2:g} core-seconds a phase kind)"
    )
    print(f"{'request':<10}{'idle p50':>10}{'idle p99':>10}{'flood p50':>11}{'flood p99':>11}")
    for name in idle:
        print(
            f"{name:<10}{_p(idle[name], 0.5) * 1000:>8.1f}ms{_p(idle[name], 0.99) * 1000:>8.1f}ms"
            f"{_p(flood[name], 0.5) * 1000:>9.1f}ms{_p(flood[name], 0.99) * 1000:>9.1f}ms"
        )
    idle_p99, flood_p99 = _p(every_idle, 0.99), _p(every_flood, 0.99)
    ratio = flood_p99 / idle_p99
    print(
        f"{'all':<10}{_p(every_idle, 0.5) * 1000:>8.1f}ms{idle_p99 * 1000:>8.1f}ms"
        f"{_p(every_flood, 0.5) * 1000:>9.1f}ms{flood_p99 * 1000:>9.1f}ms"
        f"   max under flood {max(every_flood) * 1000:.0f} ms; "
        f"requests idle {len(every_idle)}, flood {len(every_flood)} "
        f"(mean {statistics.fmean(every_flood) * 1000:.1f} ms)"
    )
    ok = ratio <= 3.0 and flood_p99 < 1.0
    print(f"flood p99 / idle p99 = {ratio:.2f} -> {'PASS' if ok else 'FAIL'} (<= 3x and < 1 s)")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    parser.add_argument("--attackers", type=int, default=50)
    parser.add_argument("--sources", choices=("one", "many"), default="one")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between attempts")
    parser.add_argument("--phase", type=float, default=15.0, help="seconds per phase")
    parser.add_argument("--rounds", type=int, default=2, help="idle+flood pairs")
    return 0 if run(parser.parse_args()) else 1


if __name__ == "__main__":
    sys.exit(main())
