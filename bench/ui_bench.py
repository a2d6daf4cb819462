"""Console (GUI thread) benchmarks of issue 4, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.ui_bench [--quick]

Measures, each beside a baseline taken in the same run (these machines are
noisy, so the ratio is the figure to compare across runs):

- tick: one 1 Hz tick of a queue with 10,000 open incidents in a shown
  1600x900 window (model tick + the repaint it causes) — target <= 5 ms;
  baseline: a full repaint of the same view.
- filter: switching the queue filter over 100,000 incidents — target <= 50 ms;
  baseline: one pass of Python over the same 100,000 incidents.
- local action: Workspace.submit of an assignment to the repainted row, no
  network — target <= 100 ms; baseline: a bare SQLite insert+commit (FULL).
- cold start: open a local store holding 100,000 incidents, build the
  Workspace and the main window, first paint — target <= 2 s; baseline:
  reading the same rows from SQLite without building anything. Twice: all
  100,000 open (the worst case), and a store with history (200 open, the rest
  closed two days ago, which the first start prunes: the next starts are small).

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QTableView

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
from umcr_console.domain.model import Incident, IncidentTimes, Location, Team
from umcr_console.domain.state import State
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.ui.main_window import MainWindow, visible_rows
from umcr_console.ui.queue_model import IncidentQueueModel, QueueFilter

NOW = datetime.now(UTC)


def make_incidents(count: int, divisions: tuple[str, ...]) -> list[Incident]:
    return [
        Incident(
            id=name_id("bench-incident", str(n)),
            number=f"U{n + 1:06d}",
            version=1,
            state=IncidentState.PENDING if n % 3 else IncidentState.ASSIGNED,
            received_at=NOW - timedelta(seconds=n * 7),
            priority=Priority(1 + n % 3),
            call_type=list(CallType)[n % len(CallType)],
            source=Source.LAPD_911,
            location=Location(address=f"{n} Main St", division=divisions[n % len(divisions)]),
        )
        for n in range(count)
    ]


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
        )
        for t in load_deployment().teams
    ]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms"


def bench_tick(app: QApplication, repeat: int) -> tuple[list[float], list[float]]:
    deployment = load_deployment()
    model = IncidentQueueModel(deployment.thresholds, lambda: datetime.now(UTC))
    model.reset(make_incidents(10_000, deployment.divisions), make_teams(), set())
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setDefaultSectionSize(24)
    view.resize(1600, 900)
    view.show()
    app.processEvents()

    def tick() -> None:
        model.tick(visible_rows(view))
        app.processEvents()  # paints what the tick made dirty

    def baseline() -> None:
        view.viewport().repaint()  # a full repaint of the same view

    return timed(tick, repeat), timed(baseline, repeat)


def bench_filter(repeat: int) -> tuple[list[float], list[float]]:
    deployment = load_deployment()
    incidents = make_incidents(100_000, deployment.divisions)
    model = IncidentQueueModel(deployment.thresholds, lambda: datetime.now(UTC))
    model.reset(incidents, make_teams(), set())
    filters = [
        QueueFilter(divisions=frozenset({"Wilshire"})),
        QueueFilter(states=frozenset({IncidentState.PENDING})),
        QueueFilter(text="main"),
        QueueFilter(),
    ]
    position = 0

    def switch() -> None:
        nonlocal position
        model.set_filter(filters[position % len(filters)])
        position += 1

    def baseline() -> None:
        sum(1 for i in incidents if i.location.division == "Wilshire")

    return timed(switch, repeat), timed(baseline, repeat)


def seeded_store(path: Path, incidents: list[Incident]) -> None:
    with LocalStore(path) as store:
        state = State.of(incidents, make_teams(), seq=len(incidents))
        store.replace_confirmed(
            state, cursor_event_id=None, forget_acceptance=False, clear_log=True
        )


def closed_history(incidents: list[Incident], keep_open: int) -> list[Incident]:
    """All but ``keep_open`` incidents closed two days ago: a store with history."""
    closed_at = NOW - timedelta(days=2)
    return [
        i
        if n < keep_open
        else i.model_copy(
            update={
                "state": IncidentState.CLOSED,
                "disposition": Disposition.RESOLVED_ON_SCENE,
                "times": IncidentTimes(closed_at=closed_at),
            }
        )
        for n, i in enumerate(incidents)
    ]


def bench_cold_start(
    app: QApplication, tmp: Path, *, history: bool = False
) -> tuple[list[float], list[float]]:
    deployment = load_deployment()
    path = tmp / ("history.sqlite3" if history else "cold.sqlite3")
    incidents = make_incidents(100_000, deployment.divisions)
    seeded_store(path, closed_history(incidents, 200) if history else incidents)
    settings = QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)

    def start() -> None:
        store = LocalStore(path)
        workspace = Workspace(store, actor="bench")
        window = MainWindow(
            workspace,
            deployment,
            settings=settings,
            username="bench",
            clock=lambda: datetime.now(UTC),
        )
        window.show()
        app.processEvents()
        window.ticker.stop()
        window.close()
        window.deleteLater()
        app.processEvents()
        store.close()

    def baseline() -> None:
        with sqlite3.connect(path) as conn:
            for _row in conn.execute("SELECT * FROM confirmed_incident"):
                pass

    return timed(start, 3), timed(baseline, 3)


def bench_local_action(
    app: QApplication, tmp: Path, repeat: int
) -> tuple[list[float], list[float]]:
    deployment = load_deployment()
    path = tmp / "action.sqlite3"
    incidents = make_incidents(2_000, deployment.divisions)
    seeded_store(path, incidents)
    settings = QSettings(str(tmp / "a.ini"), QSettings.Format.IniFormat)
    store = LocalStore(path)
    workspace = Workspace(store, actor="bench")
    window = MainWindow(
        workspace, deployment, settings=settings, username="bench", clock=lambda: datetime.now(UTC)
    )
    window.ticker.stop()
    window.show()
    app.processEvents()
    pending = [i for i in incidents if i.state == IncidentState.PENDING]
    position = 0

    def action() -> None:
        nonlocal position
        incident = pending[position]
        position += 1
        window.submit(
            workspace.new_event(
                EventType.INCIDENT_NOTE_ADDED, incident.id, ev.NoteAdded(text="bench note")
            )
        )
        window.queue_view.viewport().repaint()

    raw = sqlite3.connect(tmp / "bare.sqlite3", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")

    def baseline() -> None:
        raw.execute("BEGIN")
        raw.execute("INSERT INTO t (body) VALUES (?)", ("x" * 600,))
        raw.execute("COMMIT")

    result = timed(action, repeat), timed(baseline, repeat)
    window.close()
    store.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats (CI smoke)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, target, (measured, base) in (
            ("1 Hz tick, 10,000 open incidents", "<= 5 ms", bench_tick(app, repeat)),
            ("filter 100,000 incidents", "<= 50 ms", bench_filter(repeat)),
            ("local action to repaint", "<= 100 ms", bench_local_action(app, tmp, repeat)),
            (
                "cold start, 100,000 open incidents in the store",
                "<= 2000 ms",
                bench_cold_start(app, tmp),
            ),
            (
                "cold start, 100,000 in the store, 200 open, rest closed 2 days ago (1st start prunes)",
                "<= 2000 ms",
                bench_cold_start(app, tmp, history=True),
            ),
        ):
            ratio = statistics.median(measured) / max(statistics.median(base), 1e-6)
            rows.append((name, target, summary(measured), summary(base), f"{ratio:.1f}x"))
    cpu = platform.processor() or platform.machine()
    print(f"### Console (issue 4) — {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, {cpu}")
    print("`QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.ui_bench`\n")
    print("| what | target | measured | baseline | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
