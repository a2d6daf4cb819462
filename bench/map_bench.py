"""Map benchmarks of issue 6, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.map_bench [--quick]

- recolour 500 team markers (every team changes status; one ``setData`` and
  the repaint) — target <= 16 ms; baseline: a repaint with nothing changed.
- pan and zoom over the full-resolution boundaries (19,086 vertices): frames
  per second of range change + repaint — target >= 30 fps; baseline: the
  same over the simplified drawing copy.

Prints a Markdown section for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.domain.enums import TeamStatus
from umcr_console.domain.ids import name_id
from umcr_console.domain.model import Team
from umcr_console.ui.map_widget import DivisionMapWidget

STATUSES = list(TeamStatus)


def teams(count: int, shift: int) -> list[Team]:
    stations = geodata.stations()
    now = datetime.now(UTC)
    return [
        Team(
            id=name_id("bench-team", str(n)),
            call_sign=f"T-{n:03d}",
            provider="Bench",
            division=stations[n % len(stations)].division,
            status=STATUSES[(n + shift) % len(STATUSES)],
            status_since=now,
            version=1,
            base_lat=stations[n % len(stations)].lat + (n // 21) * 0.004,
            base_lon=stations[n % len(stations)].lon,
        )
        for n in range(count)
    ]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def make_map(app: QApplication, full: bool) -> DivisionMapWidget:
    drawing = geodata.geography() if full else geodata.drawing_geography()
    widget = DivisionMapWidget(
        drawing, geodata.stations(), load_deployment(), clock=lambda: datetime.now(UTC)
    )
    widget.resize(900, 800)
    widget.show()
    app.processEvents()
    return widget


def bench_recolour(app: QApplication, repeat: int) -> tuple[list[float], list[float]]:
    widget = make_map(app, full=False)
    widget.set_state([], teams(500, 0))
    app.processEvents()
    shift = 0

    def recolour() -> None:
        nonlocal shift
        shift += 1
        widget.update_teams(teams(500, shift))
        widget.plot.viewport().repaint()

    def baseline() -> None:
        widget.plot.viewport().repaint()

    # Building the Team values is the caller's work, not the map's: time it apart.
    start = time.perf_counter()
    teams(500, 1)
    build_ms = (time.perf_counter() - start) * 1000
    measured = [t - build_ms for t in timed(recolour, repeat)]
    return measured, timed(baseline, repeat)


def bench_pan_zoom(app: QApplication, full: bool, frames: int) -> list[float]:
    widget = make_map(app, full=full)
    view = widget.view_box
    (x0, x1), (y0, y1) = view.viewRange()
    out = []
    for i in range(frames):
        zoom = 1 + 0.5 * (i % 10) / 10
        dx = (x1 - x0) * 0.02 * (i % 7)
        start = time.perf_counter()
        view.setRange(
            xRange=(x0 + dx, x0 + dx + (x1 - x0) / zoom),
            yRange=(y0, y0 + (y1 - y0) / zoom),
            padding=0,
        )
        widget.plot.viewport().repaint()
        out.append((time.perf_counter() - start) * 1000)
    widget.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeat = 5 if args.quick else 40
    app = QApplication.instance() or QApplication(sys.argv[:1])
    recolour, recolour_base = bench_recolour(app, repeat)
    full = bench_pan_zoom(app, True, repeat)
    simplified = bench_pan_zoom(app, False, repeat)
    fps_full = 1000 / statistics.median(full)
    fps_simple = 1000 / statistics.median(simplified)
    print(
        f"### Map (issue 6) — {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores, {platform.machine()}"
    )
    print("`QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.map_bench`\n")
    print("| what | target | measured | baseline | ratio |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| recolour 500 team markers + repaint | <= 16 ms | median {statistics.median(recolour):.1f} ms "
        f"| repaint only {statistics.median(recolour_base):.1f} ms "
        f"| {statistics.median(recolour) / statistics.median(recolour_base):.1f}x |"
    )
    print(
        f"| pan/zoom, full boundaries (19,086 vertices) | >= 30 fps | {fps_full:.0f} fps "
        f"| simplified outlines {fps_simple:.0f} fps | {fps_simple / fps_full:.1f}x slower |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
