"""``umcr-console --self-test``: prove a build works end to end.

Against the embedded server: create an incident, dispatch a team, close the
incident, and wait until the server has confirmed every step. Exit code 0
only if all of it happened; the failure is printed otherwise.
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
    except Exception as exc:  # report any failure as the test's result
        print(f"SELF-TEST FAILED: {exc}", file=sys.stderr)
        return 1
    print(
        f"SELF-TEST OK in {time.monotonic() - started:.2f} s (incident {workspace.confirmed.incidents[incident_id].number})"
    )
    return 0
