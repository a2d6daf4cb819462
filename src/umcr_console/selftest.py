"""``umcr-console --self-test``: prove a build works end to end.

Against the embedded server: create an incident, dispatch a team, close the
incident, and wait until the server has confirmed every step; then draw the
map and the wall display into images and check that something was drawn
(a bundle missing a piece of Qt or pyqtgraph's drawing fails here, not on a
dispatcher's screen). Exit code 0 only if all of it happened; the failure is
printed otherwise.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC, datetime

from .domain import events as ev
from .domain.enums import (
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from .domain.ids import uuid7
from .domain.model import Location

STEP_TIMEOUT_S = 30.0
# A drawn map or wall has its dark background and, on it, divisions, labels,
# markers and charts in many shades; one that failed to draw has one colour.
MIN_COLOURS = 16
BACKGROUND = "#0d1117"  # the map's and the wall charts' background


async def _until(condition, what: str) -> None:
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"self-test: timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def run_self_test(window, workspace, engine) -> int:
    started = time.monotonic()
    try:
        await _until(lambda: workspace.cursor > 0 and workspace.view.teams, "the server's teams")
        if _is_wall(window):
            # Read-only: it acts on nothing. It has read the floor; it must draw it.
            if not window.isVisible():
                raise RuntimeError("self-test: the wall is not shown")
            drawn = await _draw_map_and_wall(window, workspace)
            print(
                f"SELF-TEST OK in {time.monotonic() - started:.2f} s "
                f"({len(workspace.view.teams)} teams read; {drawn})"
            )
            return 0
        team = next(t for t in workspace.view.teams.values() if t.status == TeamStatus.AVAILABLE)
        incident_id = uuid7()
        workspace.submit(
            workspace.new_event(
                EventType.INCIDENT_CREATED,
                incident_id,
                ev.IncidentCreated(
                    received_at=datetime.now(UTC),
                    source=Source.DIRECT_LINE,
                    call_type=CallType.WELFARE_CHECK,
                    priority=Priority.HIGH,
                    location=Location(address="Self-test, 200 N Spring St", division=team.division),
                ),
            )
        )
        workspace.submit(
            workspace.new_event(
                EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=team.id)
            )
        )
        workspace.submit(
            workspace.new_event(
                EventType.INCIDENT_CLOSED,
                incident_id,
                ev.Closed(disposition=Disposition.CANCELLED, note="self-test"),
            )
        )
        await _until(
            lambda: (
                workspace.pending_count == 0
                and (i := workspace.confirmed.incidents.get(incident_id)) is not None
                and i.state == IncidentState.CLOSED
            ),
            "the server to confirm create, dispatch and close",
        )
        if workspace.rejected:
            raise RuntimeError(f"self-test: rejected: {workspace.rejected[0].summary}")
        if not window.isVisible():
            raise RuntimeError("self-test: the main window is not shown")
        drawn = await _draw_map_and_wall(window, workspace)
    except Exception as exc:  # report any failure as the test's result
        print(f"SELF-TEST FAILED: {exc}", file=sys.stderr)
        return 1
    print(
        f"SELF-TEST OK in {time.monotonic() - started:.2f} s (incident {workspace.confirmed.incidents[incident_id].number}; {drawn})"
    )
    return 0


def _is_wall(window) -> bool:
    from .ui.wall import WallWindow

    return isinstance(window, WallWindow)


def _colours(widget, what: str) -> int:
    """Render ``widget`` into an image as the screen would get it; its number of colours."""
    from PySide6.QtGui import QColor

    image = widget.grab().toImage()
    if image.isNull() or image.width() < 100 or image.height() < 100:
        raise RuntimeError(
            f"self-test: the {what} drew no image ({image.width()}x{image.height()})"
        )
    step = max(1, min(image.width(), image.height()) // 200)
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), step)
        for y in range(0, image.height(), step)
    }
    if QColor(BACKGROUND).rgb() not in colours or len(colours) < MIN_COLOURS:
        raise RuntimeError(f"self-test: the {what} was not drawn ({len(colours)} colours)")
    return len(colours)


async def _draw_map_and_wall(window, workspace) -> str:
    """Draw the dispatcher's map and a wall display (map, tiles, charts) into images."""
    from .ui.map_widget import DivisionMapWidget
    from .ui.wall import WallWindow

    if _is_wall(window):  # --wall --self-test
        wall, own_wall = window, False
    else:
        window.map.resize(max(window.map.width(), 480), max(window.map.height(), 360))
        map_colours = _colours(window.map, "map")
        deployment = window.deployment
        wall = WallWindow(
            workspace,
            deployment,
            clock=lambda: datetime.now(UTC),
            map_widget=DivisionMapWidget.for_workspace(
                workspace, deployment, clock=lambda: datetime.now(UTC), read_only=True
            ),
        )
        own_wall = True
    try:
        wall.resize(1280, 800)
        wall.show()
        await asyncio.sleep(0.2)  # let the layout and the charts settle
        wall_colours = _colours(wall, "wall display")
    finally:
        if own_wall:
            wall.close()
            wall.deleteLater()
    if not own_wall:
        return f"wall drawn, {wall_colours} colours"
    return f"map drawn, {map_colours} colours; wall drawn, {wall_colours} colours"
