"""PostgreSQL failover, measured: a primary and a standby on this machine, the primary SIGKILLed.

Runs the scenario of tests/server/test_pg_failover.py (tests/support/pgfailover.py)
with more consoles and actions, several times per replication mode, and
reports what was lost, duplicated and how long writes were away:

    .venv/bin/python -m bench.pg_failover                 # 3 runs each, synchronous and asynchronous
    .venv/bin/python -m bench.pg_failover --runs 5 --consoles 10 --write   # ... into docs/deployment.md

"kill -> first write" is the time from the SIGKILL of the primary to the
first event the new primary accepted (its ``recorded_at``); it includes the
``--promote-delay`` the bench waits before ``pg_ctl promote`` (a failover
manager's detection time, here fixed), so "promote -> first write" is also
given.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.pgfailover import FailoverRun, run_failover  # noqa: E402

DOC = ROOT / "docs" / "deployment.md"
START, END = "<!-- pg-failover:start -->", "<!-- pg-failover:end -->"


def one(run: FailoverRun) -> dict[str, Any]:
    return {
        "synchronous": run.synchronous,
        "actions": run.actions,
        "accepted": len(run.log),
        "refused": sum(run.rejected.values()),
        "seen_before_kill": len(run.seen_before_kill),
        "lost_seen": len(run.lost_seen),
        "lost_acks": len(run.lost_acks),
        "old_primary_only": len(run.old_primary_only),
        # Lost events still pending on their console: sent again, refused (shown).
        "lost_refused": len(set(run.old_primary_only) - set(run.lost_acks)),
        "renumbered_ok": len(run.renumbered),
        "divergence": run.divergence[:5],
        "duplicated": run.duplicated,
        "renumbered": len(run.renumbered),
        "converged": all(run.converged),
        "noticed": run.noticed,
        "answered_503": run.answered_503,
        "server_errors": len(run.server_errors),
        "offline_queued_seen": any(
            re.match(r"^offline since .*, \d+ queued", t) for t in run.offline_texts
        ),
        "kill_to_first_write": run.first_write_after,
        "promote_to_first_write": (
            run.first_write_after - (run.promoted_at - run.killed_at)
            if run.first_write_after is not None
            else None
        ),
        "converge_seconds": run.converge_seconds,
    }


def markdown(results: list[dict[str, Any]], args: argparse.Namespace, minutes: float) -> str:
    lines = [
        f"- Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {minutes:.1f} min; "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"load average {_load()} at the end",
        f"- Command: `.venv/bin/python -m bench.pg_failover --runs {args.runs} "
        f"--consoles {args.consoles} --actions {args.actions} --rate {args.rate} "
        f"--promote-delay {args.promote_delay}`",
        "- Each run: a new primary and standby (PostgreSQL "
        "15, `initdb` + `pg_basebackup -R`), two server processes on the multi-host URL, "
        f"{args.consoles} headless consoles at {args.rate} actions/s each, SIGKILL of every "
        "primary process after 40 % of the actions, `pg_ctl promote` "
        f"{args.promote_delay} s later",
        "",
        "| replication | runs | actions | accepted | refused by the rules | lost (acked, not on the new primary) "
        "| in the old primary only | duplicated | consoles told | all converged | kill → first write "
        "(min / median / max) | promote → first write (max) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for mode in (True, False):
        rows = [r for r in results if r["synchronous"] == mode]
        if not rows:
            continue
        k2w = [r["kill_to_first_write"] for r in rows if r["kill_to_first_write"] is not None]
        p2w = [r["promote_to_first_write"] for r in rows if r["promote_to_first_write"] is not None]
        lines.append(
            f"| {'synchronous' if mode else 'asynchronous (standby held back)'} | {len(rows)} "
            f"| {sum(r['actions'] for r in rows)} | {sum(r['accepted'] for r in rows)} "
            f"| {sum(r['refused'] for r in rows)} | **{sum(r['lost_acks'] for r in rows)}** "
            f"| {sum(r['old_primary_only'] for r in rows)} | {sum(r['duplicated'] for r in rows)} "
            f"| {sum(r['noticed'] for r in rows)} of {len(rows) * args.consoles} "
            f"| {sum(r['converged'] for r in rows)} of {len(rows)} "
            f"| {min(k2w):.2f} / {statistics.median(k2w):.2f} / {max(k2w):.2f} s "
            f"| {max(p2w):.2f} s |"
        )
    return "\n".join(lines)


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def write_doc(block: str) -> None:
    text = DOC.read_text()
    start, end = text.index(START) + len(START), text.index(END)
    DOC.write_text(text[:start] + "\n" + block + "\n" + text[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pg_failover", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per replication mode")
    parser.add_argument("--consoles", type=int, default=10)
    parser.add_argument("--actions", type=int, default=40, help="per console")
    parser.add_argument("--rate", type=float, default=2.0, help="actions/s per console")
    parser.add_argument("--promote-delay", type=float, default=1.0)
    parser.add_argument("--only", choices=("sync", "async"), default=None)
    parser.add_argument("--json", default=None, help="write every run's figures here")
    parser.add_argument(
        "--write", action="store_true", help="put the figures in docs/deployment.md"
    )
    args = parser.parse_args(argv)
    modes = {"sync": [True], "async": [False], None: [True, False]}[args.only]
    began = time.monotonic()
    results = []
    for mode in modes:
        for number in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="umcr-failover-") as workdir:
                run = run_failover(
                    Path(workdir),
                    synchronous=mode,
                    consoles=args.consoles,
                    actions=args.actions,
                    rate=args.rate,
                    promote_delay=args.promote_delay,
                )
            result = one(run)
            results.append(result)
            print(json.dumps({"run": number + 1, **result}), flush=True)
    block = markdown(results, args, (time.monotonic() - began) / 60)
    print(block)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.write:
        write_doc(block)
    sync_clean = all(
        r["lost_acks"] == 0 and r["lost_seen"] == 0 and r["duplicated"] == 0 and r["converged"]
        for r in results
        if r["synchronous"]
    )
    async_counted = all(
        r["lost_acks"] + r["lost_refused"] == r["old_primary_only"]
        and r["duplicated"] == 0
        and r["converged"]
        for r in results
        if not r["synchronous"]
    )
    return 0 if sync_clean and async_counted else 1


if __name__ == "__main__":
    raise SystemExit(main())
