"""Help-now latency (issue 24): the phone's POST to every console seeing it.

    .venv/bin/python -m bench.help_now_bench                 # 100 calls for help, SQLite
    .venv/bin/python -m bench.help_now_bench --postgres      # on $UMCR_TEST_POSTGRES_URL
    .venv/bin/python -m bench.help_now_bench --write         # ... and update docs/benchmarks.md

A real ``umcr-server serve`` process and five headless console processes
(``python -m umcr_console.sync.headless``: the console's own SyncEngine and
store; two dispatchers, a supervisor, an admin and the wall). The phone is a
client that does what the field page does: ``POST /api/v1/events`` with one
``team.help_requested`` (a client event id), as the field user of PL-1. Each
call for help is acknowledged by a dispatcher before the next one (a team has
one open call at a time). The latency of a call at a console: from just before
the phone's POST to the moment that console's engine applied the event to its
view (the engine's ``events_applied``; the console's window shows the notice
from the same signal, ui/main_window.py ``_teams_changed``). Baseline in the
same run: a bare ``GET /api/v1/health`` round trip. Target: p99 <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.headless import HeadlessConsole, wait_for  # noqa: E402
from tests.support.server import ServerProcess, postgres_schema_url  # noqa: E402

from umcr_console.domain.alerts import help_acknowledgement_event_id  # noqa: E402
from umcr_console.domain.ids import name_id, uuid7  # noqa: E402

API = "/api/v1"
PL1 = name_id("team", "PL-1")
CONSOLES = ("dispatcher1", "dispatcher2", "supervisor", "admin", "wall")
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Help now, phone to every console (issue 24)"
TARGET_S = 2.0


def _event(type_: str, payload: dict, event_id: str | None = None) -> dict:
    return {
        "event_id": event_id or uuid7(),
        "type": type_,
        "entity_id": PL1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "workstation_id": "bench-phone",
        "expected_version": None,
        "payload": payload,
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(tmp: Path, database_url: str | None, calls: int) -> dict:
    with ServerProcess(tmp, database_url=database_url, keepalive=1.0) as server:
        consoles = [
            HeadlessConsole(tmp / f"{user}.db", server.url, user, start_signal=False).start()
            for user in CONSOLES
        ]
        try:
            for console in consoles:
                console.wait_ready()
                # Online and streaming: an event posted before that would come in
                # the console's first snapshot, not as an event.
                wait_for(
                    lambda c=console: any(r.get("link") == "online" for r in list(c.records)),
                    60,
                    f"{console.username}'s console online",
                )
            time.sleep(1.0)
            phone_headers = server.headers("field1")
            dispatch_headers = server.headers("dispatcher1")
            latencies: list[float] = []
            per_call_worst: list[float] = []
            health_ms: list[float] = []
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for _ in range(20):  # warm the connections
                    client.get(f"{API}/health")
                for i in range(calls):
                    started = time.perf_counter()
                    client.get(f"{API}/health")
                    health_ms.append((time.perf_counter() - started) * 1000)
                    call = _event("team.help_requested", {"note": f"bench {i}"})
                    sent_at = time.time()
                    answer = client.post(
                        f"{API}/events", json={"events": [call]}, headers=phone_headers
                    )
                    result = answer.json()["results"][0]
                    assert result["status"] == "accepted", result
                    wait_for(
                        lambda c=call: all(c["event_id"] in k.seen for k in consoles),
                        30,
                        "every console sees the call for help",
                    )
                    seen = [k.seen[call["event_id"]][1] - sent_at for k in consoles]
                    latencies.extend(seen)
                    per_call_worst.append(max(seen))
                    team = next(
                        t
                        for t in client.get(f"{API}/snapshot", headers=dispatch_headers).json()[
                            "teams"
                        ]
                        if t["id"] == PL1
                    )
                    requested_at = team["help"]["requested_at"]
                    ack = _event(
                        "team.help_acknowledged",
                        {"requested_at": requested_at},
                        help_acknowledgement_event_id(PL1, datetime.fromisoformat(requested_at)),
                    )
                    answer = client.post(
                        f"{API}/events", json={"events": [ack]}, headers=dispatch_headers
                    )
                    assert answer.json()["results"][0]["status"] == "accepted", answer.text
                    time.sleep(0.2)
        finally:
            for console in consoles:
                console.terminate()
    return {"latencies": latencies, "worst": per_call_worst, "health_ms": health_ms}


def report(results: dict, calls: int, database: str) -> str:
    ms = [v * 1000 for v in results["latencies"]]
    worst = [v * 1000 for v in results["worst"]]
    health = results["health_ms"]
    p99 = _pct(ms, 0.99)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return "\n".join(
        [
            f"- Date: {datetime.now(UTC):%Y-%m-%d}, {platform.machine()} with "
            f"{os.cpu_count()} CPUs shared with other work (load average {load:.1f} at the end)",
            f"- Command: `.venv/bin/python -m bench.help_now_bench --calls {calls}"
            + (" --postgres" if database == "PostgreSQL" else "")
            + "`: a real server process, five headless console processes (two "
            "dispatchers, a supervisor, an admin, the wall), the phone's POST of "
            "`team.help_requested` to each console's engine applying it; each call "
            "acknowledged before the next.",
            f"- Target: p99 <= {TARGET_S:.0f} s (issue 24).",
            "",
            "| database | calls | console sightings | p50 | p99 | max | worst console per call, p99 | GET /health p50 / p99 | verdict |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| {database} | {calls} | {len(ms)} | {statistics.median(ms):.0f} ms | "
            f"{p99:.0f} ms | {max(ms):.0f} ms | {_pct(worst, 0.99):.0f} ms | "
            f"{statistics.median(health):.1f} / {_pct(health, 0.99):.1f} ms | "
            f"{'meets' if p99 <= TARGET_S * 1000 else 'MISSES'} the target |",
        ]
    )


def write_doc(section: str, database: str) -> None:
    """Replace this database's block in docs/benchmarks.md (or add the section)."""
    key = database.lower()
    start, end = f"<!-- help-now-bench:{key}:start -->", f"<!-- help-now-bench:{key}:end -->"
    block = f"{start}\n### {database}\n\n{section}\n{end}"
    text = DOC.read_text()
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    elif HEADING in text:
        at = text.index(HEADING) + len(HEADING)
        text = text[:at] + "\n\n" + block + text[at:]
    else:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n"
    DOC.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="help_now_bench")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="on $UMCR_TEST_POSTGRES_URL")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="help-now-bench-") as tmp:
        if args.postgres:
            base = os.environ.get("UMCR_TEST_POSTGRES_URL")
            if not base:
                parser.error("--postgres needs UMCR_TEST_POSTGRES_URL")
            with postgres_schema_url(base) as url:
                results = measure(Path(tmp), url, args.calls)
            database = "PostgreSQL"
        else:
            results = measure(Path(tmp), None, args.calls)
            database = "SQLite"
    section = report(results, args.calls, database)
    print(section)
    if args.write:
        write_doc(section, database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
