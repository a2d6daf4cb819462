"""Benchmarks of the local store and the sync engine (issue 3).

    .venv/bin/python -m bench.sync_bench            # all but the 30 s blackhole, ~2 min
    .venv/bin/python -m bench.sync_bench --write    # ... and update docs/benchmarks.md
    .venv/bin/python -m bench.sync_bench --blackhole --write   # also the 30 s blackhole test

Each figure is measured beside a baseline taken in the same run, because
these machines are noisy (shared disks, other jobs): the ratio is the figure
to compare across runs.

- durable action: ``LocalStore.enqueue`` (and ``Workspace.submit``, which
  also judges and shows the event) against a bare sqlite3 INSERT + COMMIT of
  the same row with the same settings (WAL, synchronous=FULL, exclusive
  lock). Target: <= 3x.
- replay: 10,000 actions made offline, then the link returns: time until
  the server has them all and the console has them back as confirmed.
  Target: <= 5 s.
- propagation: 20 headless consoles (processes) and one server process on
  loopback, 20 actions per second in all; the time from one console's
  submit to the event in each other console's view, against a bare HTTP
  round trip (GET /health) to the same server. Target: p99 <= 250 ms.
- blackhole (``--blackhole``): the integration test with a 30 s blackhole
  instead of CI's 8 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import queue
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.store.fakes import FakeServer  # noqa: E402
from tests.support.server import DEFAULT_USERS, ServerProcess  # noqa: E402

from umcr_console.domain.enums import EventType  # noqa: E402
from umcr_console.domain.events import NoteAdded, make_event  # noqa: E402
from umcr_console.store import LocalStore, Workspace  # noqa: E402
from umcr_console.store.db import sqlite_pragmas  # noqa: E402
from umcr_console.sync import Backoff, SyncEngine  # noqa: E402
from umcr_console.sync.traffic import ASSIGN, CREATE, NOTE, STATUS, Traffic  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START = "<!-- sync-bench:start -->"
END = "<!-- sync-bench:end -->"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


# -- durable action -----------------------------------------------------------


def bench_durable(rounds: int = 6, block: int = 150) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="umcr-bench-durable-"))
    now = datetime.now(UTC)
    incident = "01900000-0000-7000-8000-000000000001"

    def note(i: int) -> Any:
        return make_event(
            EventType.INCIDENT_NOTE_ADDED,
            incident,
            NoteAdded(text=f"caller says the person is calmer now ({i})"),
            workstation_id="bench",
            occurred_at=now,
        )

    bare = sqlite3.connect(tmp / "bare.db", isolation_level=None)
    sqlite_pragmas(bare)
    bare.execute(
        "CREATE TABLE outbox (local_seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL "
        "UNIQUE, data TEXT NOT NULL, enqueued_at TEXT NOT NULL, accepted_seq INTEGER)"
    )
    store = LocalStore(tmp / "store.db")
    server = FakeServer()
    ws = Workspace(LocalStore(tmp / "ws.db"), actor="bench", workstation_id="bench")
    ws.apply_server_events(server.after(0))
    traffic = Traffic(random.Random(1), "bench", kinds=(CREATE, ASSIGN, STATUS, NOTE))

    times: dict[str, list[float]] = {"bare": [], "enqueue": [], "submit": []}

    def run_bare(i: int) -> None:
        event = note(i)
        data = event.model_dump_json()  # the bare insert gets its row ready-made
        started = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO outbox (event_id, data, enqueued_at) VALUES (?, ?, ?)",
            (event.event_id, data, now.isoformat()),
        )
        bare.execute("COMMIT")
        times["bare"].append(time.perf_counter() - started)

    def run_enqueue(i: int) -> None:
        event = note(i)
        started = time.perf_counter()
        store.enqueue(event, enqueued_at=now)
        times["enqueue"].append(time.perf_counter() - started)

    def run_submit(_i: int) -> None:
        event = traffic.next(ws.view)
        started = time.perf_counter()
        ws.submit(event)
        times["submit"].append(time.perf_counter() - started)

    # One of each in turn, in a rotating order: the shared disk's fsync time
    # drifts by the second, and each kind must see the same drift.
    kinds = [run_bare, run_enqueue, run_submit]
    for i in range(rounds * block):
        for run in kinds[i % 3 :] + kinds[: i % 3]:
            run(i)
    bare.close()
    store.close()
    ws.store.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "n": rounds * block,
        "median": med,
        "p99": {k: pct(v, 99) for k, v in times.items()},
        "ratio_enqueue": med["enqueue"] / med["bare"],
        "ratio_submit": med["submit"] / med["bare"],
    }


# -- replay -----------------------------------------------------------------------


async def _drive_replay(server: ServerProcess, db: Path, count: int) -> dict[str, Any]:
    password = DEFAULT_USERS["dispatcher1"][1]
    ws = Workspace(LocalStore(db), actor="dispatcher1", workstation_id="replay")

    def engine() -> SyncEngine:
        return SyncEngine(
            server.url,
            ws,
            username="dispatcher1",
            password=password,
            keepalive=server.keepalive,
            backoff=Backoff(base=0.05, cap=0.5),
        )

    async def until(condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("replay did not finish")
            await asyncio.sleep(0.002)

    first = engine()
    first.start()
    await until(lambda: first.status.link == "online" and ws.cursor > 0, 30)
    await first.stop()

    # A shift's mix (calls are closed too, so incidents turn over as on a real floor).
    traffic = Traffic(random.Random(10_000), "replay")
    started = time.perf_counter()
    for _ in range(count):
        ws.submit(traffic.next(ws.view))
    offline_s = time.perf_counter() - started
    progress: list[tuple[int, int]] = []

    second = engine()
    second.status_changed.connect(lambda s: s.progress and progress.append(s.progress))
    started = time.perf_counter()
    second.start()
    await until(lambda: ws.counts.unsent == 0, 120)
    pushed_s = time.perf_counter() - started
    await until(lambda: ws.pending_count == 0, 120)
    confirmed_s = time.perf_counter() - started
    await second.stop()
    rejected = len(ws.rejected)
    ws.store.close()
    return {
        "count": count,
        "offline_s": offline_s,
        "pushed_s": pushed_s,
        "confirmed_s": confirmed_s,
        "rejected": rejected,
        "progress_updates": len(progress),
    }


def bench_replay(count: int = 10_000) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="umcr-bench-replay-"))
    with ServerProcess(tmp) as server:
        return asyncio.run(_drive_replay(server, tmp / "console.db", count))


# -- propagation ------------------------------------------------------------------


class _Client:
    """One headless console process and the lines it prints."""

    def __init__(
        self, server: ServerProcess, tmp: Path, number: int, actions: int, rate: float, phase: float
    ):
        user = "dispatcher1" if number % 2 == 0 else "dispatcher2"
        self.name = f"c{number:02d}"
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "umcr_console.sync.headless",
                "--db",
                str(tmp / f"{self.name}.db"),
                "--url",
                server.url,
                "--username",
                user,
                "--password",
                DEFAULT_USERS[user][1],
                "--workstation",
                self.name,
                "--actions",
                str(actions),
                "--rate",
                str(rate),
                "--phase",
                str(phase),
                "--seed",
                str(number),
                "--kinds",
                "create,note,status,assign",
                "--print-seen",
                "--start-signal",
                "--keepalive",
                str(server.keepalive),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.records: list[dict[str, Any]] = []

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))

    def drain(self) -> None:
        while True:
            try:
                self.records.append(self.lines.get_nowait())
            except queue.Empty:
                return

    def acks(self) -> int:
        self.drain()
        return sum(1 for r in self.records if "ack" in r)

    def has(self, key: str, value: Any = None) -> bool:
        self.drain()
        return any(key in r and (value is None or r[key] == value) for r in self.records)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux), 0 where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


def bench_propagation(
    clients: int = 20, seconds: float = 30.0, total_rate: float = 20.0, senders: int | None = None
) -> dict[str, Any]:
    """``senders``: how many of the consoles make the actions (all by default)."""
    tmp = Path(tempfile.mkdtemp(prefix="umcr-bench-prop-"))
    senders = senders or clients
    per_client = total_rate / senders
    actions = int(seconds * per_client)
    with ServerProcess(tmp) as server:
        with httpx.Client(base_url=server.url) as http:
            rtt = []
            for _ in range(300):
                started = time.perf_counter()
                http.get("/api/v1/health").raise_for_status()
                rtt.append(time.perf_counter() - started)
        procs = [
            # Spread over the interval: dispatchers do not act in lockstep.
            _Client(server, tmp, n, actions if n < senders else 0, per_client, n / total_rate)
            for n in range(clients)
        ]
        # The same round trip, sampled while the consoles run.
        loaded_rtt: list[float] = []
        sampling = threading.Event()

        def sample() -> None:
            with httpx.Client(base_url=server.url) as http:
                while not sampling.is_set():
                    started = time.perf_counter()
                    http.get("/api/v1/health").raise_for_status()
                    loaded_rtt.append(time.perf_counter() - started)
                    sampling.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        try:
            _wait(lambda: all(p.has("link", "online") for p in procs), 60, "all consoles online")
            for p in procs:
                assert p.proc.stdin is not None
                p.proc.stdin.write("go\n")
                p.proc.stdin.flush()
            sampler.start()
            _wait(
                lambda: all(p.acks() >= actions for p in procs[:senders]),
                seconds * 3 + 60,
                "all actions made",
            )
            time.sleep(3)  # the last events reach everyone well within this
            sampling.set()
            sampler.join(timeout=10)
            clients_cpu = sum(cpu_seconds(p.proc.pid) for p in procs)
            server_cpu = cpu_seconds(server.process.pid) if server.process else 0.0
            for p in procs:
                p.drain()
        finally:
            for p in procs:
                p.proc.send_signal(signal.SIGTERM)
            for p in procs:
                p.proc.wait(timeout=30)
                p.reader.join(timeout=5)
                p.drain()
        submitted: dict[str, tuple[str, float]] = {}
        for p in procs:
            for r in p.records:
                if "ack" in r:
                    submitted[r["ack"]] = (p.name, r["t0"])
        rejected = {r["rejected"] for p in procs for r in p.records if "rejected" in r}
        latencies = []
        to_server = []  # submit -> the server's recorded_at
        fan_out = []  # recorded_at -> in another console's view
        missing = 0
        seen_by = {p.name: {r["seen"]: r for r in p.records if "seen" in r} for p in procs}
        for event_id, (sender, t0) in submitted.items():
            if event_id in rejected:
                continue
            for p in procs:
                if p.name == sender:
                    continue
                record = seen_by[p.name].get(event_id)
                if record is None:
                    missing += 1
                    continue
                latencies.append(record["t"] - t0)
                if record.get("recorded"):
                    fan_out.append(record["t"] - record["recorded"])
            record = next((seen_by[n][event_id] for n in seen_by if event_id in seen_by[n]), None)
            if record and record.get("recorded"):
                to_server.append(record["recorded"] - t0)
        span = [r["t0"] for p in procs for r in p.records if "ack" in r]
    return {
        "clients": clients,
        "events": len(submitted),
        "accepted": len(submitted) - len(rejected),
        "rejected": len(rejected),
        "rate": len(span) / (max(span) - min(span)) if len(span) > 1 else 0.0,
        "samples": len(latencies),
        "missing": missing,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "max": max(latencies) if latencies else float("nan"),
        "to_server_p50": pct(to_server, 50),
        "to_server_p99": pct(to_server, 99),
        "fan_out_p50": pct(fan_out, 50),
        "fan_out_p99": pct(fan_out, 99),
        "clients_cpu_s": clients_cpu,
        "server_cpu_s": server_cpu,
        "loaded_rtt_p50": pct(loaded_rtt, 50),
        "loaded_rtt_p99": pct(loaded_rtt, 99),
        "rtt_p50": pct(rtt, 50),
        "rtt_p99": pct(rtt, 99),
    }


# -- blackhole ------------------------------------------------------------------------


def bench_blackhole(seconds: float = 30.0) -> dict[str, Any]:
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/sync/test_integration.py",
            "-k",
            "blackhole",
        ],
        cwd=ROOT,
        env={**os.environ, "UMCR_BLACKHOLE_SECONDS": str(seconds)},
        capture_output=True,
        text=True,
    )
    tail = (result.stdout.strip().splitlines() or ["?"])[-1]
    return {
        "seconds": seconds,
        "passed": result.returncode == 0,
        "summary": tail,
        "wall_s": time.perf_counter() - started,
    }


# -- report ---------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"model name\s*:\s*(.+)", text)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    load = f", load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{os.cpu_count()} CPUs (nproc), {cpu}{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}{load}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(results: dict[str, Any], command: str) -> str:
    lines = [
        START,
        "## Local store and sync (issue 3)",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        "- Every figure has a baseline measured in the same run; compare ratios across runs.",
        "",
        "| measure | result | baseline | ratio | target |",
        "| --- | --- | --- | --- | --- |",
    ]
    if d := results.get("durable"):
        med, p99 = d["median"], d["p99"]
        lines.append(
            f"| durable action, `LocalStore.enqueue` (median of {d['n']}; p99) | "
            f"{ms(med['enqueue'])}; {ms(p99['enqueue'])} | bare SQLite INSERT+COMMIT, same "
            f"settings: {ms(med['bare'])}; {ms(p99['bare'])} | {d['ratio_enqueue']:.2f}x | "
            f"<= 3x: {verdict(d['ratio_enqueue'] <= 3)} |"
        )
        lines.append(
            f"| durable action seen in the view, `Workspace.submit` (median; p99) | "
            f"{ms(med['submit'])}; {ms(p99['submit'])} | same | {d['ratio_submit']:.2f}x | "
            f"(informative) |"
        )
    if r := results.get("replay"):
        rate = r["count"] / r["confirmed_s"]
        lines.append(
            f"| replay of {r['count']:,} actions made offline: all accepted; all confirmed back | "
            f"{r['pushed_s']:.2f} s; {r['confirmed_s']:.2f} s ({rate:,.0f} events/s) | "
            f"making them offline: {r['offline_s']:.2f} s | | <= 5 s: "
            f"{verdict(r['confirmed_s'] <= 5)} |"
        )
    if p := results.get("propagation"):
        lines.append(
            f"| console-to-console propagation, {p['clients']} consoles, {p['rate']:.1f} events/s "
            f"({p['samples']:,} deliveries): p50; p99 | {ms(p['p50'])}; {ms(p['p99'])} | bare "
            f"HTTP round trip (GET /health) to the idle server: {ms(p['rtt_p50'])}; "
            f"{ms(p['rtt_p99'])}; during the run: {ms(p['loaded_rtt_p50'])}; "
            f"{ms(p['loaded_rtt_p99'])} | {p['p50'] / p['rtt_p50']:.1f}x; "
            f"{p['p99'] / p['rtt_p99']:.1f}x (idle); {p['p50'] / p['loaded_rtt_p50']:.1f}x; "
            f"{p['p99'] / p['loaded_rtt_p99']:.1f}x (during) | p99 <= 250 ms: "
            f"{verdict(p['p99'] <= 0.25)} |"
        )
    if b := results.get("blackhole"):
        lines.append(
            f"| 30 s blackhole test (`UMCR_BLACKHOLE_SECONDS={b['seconds']:g}`) | "
            f"{'passed' if b['passed'] else '**failed**'} ({b['summary']}) | | | no loss, no "
            f"duplicate, each link change reported |"
        )
    lines.append("")
    notes = []
    if p:
        notes.append(
            f"Propagation: {p['events']} actions made, {p['rejected']} refused by the server "
            f"(consoles taking the same team), {p['missing']} deliveries missing; latency is "
            "from the start of `Workspace.submit` on one console to the event applied in "
            "another console's view (outbox commit, push, server commit, SSE fan-out, "
            "apply), all processes on one machine. Split at the server's `recorded_at`: "
            f"submit to server {ms(p['to_server_p50'])} p50, {ms(p['to_server_p99'])} p99; "
            f"server to the other views {ms(p['fan_out_p50'])} p50, "
            f"{ms(p['fan_out_p99'])} p99. CPU used by the end of the run (including start-up): "
            f"the {p['clients']} consoles {p['clients_cpu_s']:.0f} s in all, the server "
            f"{p['server_cpu_s']:.0f} s."
        )
    if p:
        notes.append(
            "The actions are spread over each second (console n starts n/20 s later), as "
            "dispatchers do not act in lockstep. Started in lockstep, the 20 simultaneous "
            "POSTs each second queue on the server's single writer: in a trial run on this "
            "machine that raised the p50 to about 290 ms and the p99 to about 800 ms."
        )
    if r:
        notes.append(
            f"Replay: {r['rejected']} refused; the progress counter moved "
            f"{r['progress_updates']} times."
        )
    loads = ", ".join(f"{k} {v['load']:.1f}" for k, v in results.items() if "load" in v)
    if loads:
        notes.append(
            f"Load average (1 min) when each part started: {loads}. The machine is shared; "
            "a load above its 2 CPUs slows every part, the server most."
        )
    lines += [f"- {n}" for n in notes]
    lines += ["", END]
    return "\n".join(lines)


def write(section: str) -> None:
    text = (
        DOC.read_text()
        if DOC.exists()
        else "# Benchmarks\n\nRecorded figures; the commands re-create them.\n"
    )
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20, help="propagation: consoles")
    parser.add_argument("--seconds", type=float, default=30.0, help="propagation: duration")
    parser.add_argument("--only", choices=["durable", "replay", "propagation"], action="append")
    parser.add_argument("--blackhole", action="store_true", help="also run the 30 s blackhole test")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    wanted = args.only or ["durable", "replay", "propagation"]
    results: dict[str, Any] = {}

    def load() -> float:
        return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    if "durable" in wanted:
        results["durable"] = bench_durable() | {"load": load()}
        print("durable", results["durable"], flush=True)
    if "replay" in wanted:
        before = load()
        results["replay"] = bench_replay() | {"load": before}
        print("replay", results["replay"], flush=True)
    if "propagation" in wanted:
        before = load()
        results["propagation"] = bench_propagation(args.clients, args.seconds) | {"load": before}
        print("propagation", results["propagation"], flush=True)
    if args.blackhole:
        results["blackhole"] = bench_blackhole()
        print("blackhole", results["blackhole"], flush=True)
    command = ".venv/bin/python -m bench.sync_bench " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    section = report(results, command.strip())
    print(section)
    if args.write:
        write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
