"""Take the team screenshots in docs/screenshots/, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/team_screenshots.py [--wait 20]

- team-board.png: a dispatcher's console on a live demo floor (the pilot's
  six teams, real sync engine).
- followups.png: its follow-up list after two calls closed with a follow-up
  and a warm handoff.
- team-board-citywide.png and recommendation.png: the citywide deployment's
  60 teams, a third busy, some with calls done earlier today (a local store
  fed through the rules, no server, so every ranking rule shows); the assign
  dialog for a Spanish-speaking call in Wilshire lists them ranked.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.demo import DemoServer
from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    Disposition,
    EventType,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location
from umcr_console.domain.state import State
from umcr_console.protocol import Snapshot
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace
from umcr_console.sync.engine import SyncEngine
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def now() -> datetime:
    return datetime.now(UTC)


async def until(condition, seconds: float = 20.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the demo floor did not answer in time")


def call(window: MainWindow, address: str, lat: float, lon: float, language: str) -> str:
    incident_id = uuid7()
    window.submit(
        window.workspace.new_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=now(),
                source=Source.TRANSFER_988,
                call_type=CallType.MENTAL_HEALTH,
                priority=Priority.HIGH,
                location=Location(
                    address=address, lat=lat, lon=lon, division=geodata.division_at(lat, lon)
                ),
                language=language,
            ),
        )
    )
    return incident_id


async def live_floor(demo: DemoServer, wait: float, tmp: Path) -> None:
    deployment = load_deployment()
    store = LocalStore(tmp / "console.sqlite3")
    workspace = Workspace(store, actor=demo.username)
    engine = SyncEngine(demo.url, workspace, username=demo.username, password=demo.password)
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        workspace,
        deployment,
        settings=settings,
        username=demo.username,
        clock=now,
        division_at=geodata.division_at,
    )
    window.attach_sync(engine)
    window.resize(1600, 950)
    window.show()
    task = engine.start()
    try:
        await asyncio.sleep(wait)
        for address, lat, lon, disposition, handoff in (
            ("W 6th St & S Alvarado St", 34.0588, -118.2766, Disposition.REFERRAL_MADE, ""),
            (
                "Sherman Way & Topanga Canyon Blvd",
                34.2011,
                -118.6059,
                Disposition.WARM_HANDOFF,
                "Didi Hirsch Mental Health Services",
            ),
        ):
            closed = call(window, address, lat, lon, "")
            await until(lambda: workspace.counts.pending == 0)
            for event_type, payload in (
                (EventType.INCIDENT_CLOSED, ev.Closed(disposition=disposition)),
                (
                    EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
                    ev.FollowUpScheduled(
                        due_from=now() - timedelta(hours=1)
                        if handoff
                        else now() + timedelta(hours=24),
                        due_by=now() + timedelta(hours=72),
                        note="check she got to the clinic",
                    ),
                ),
            ):
                window.submit(workspace.new_event(event_type, closed, payload))
            if handoff:
                window.submit(
                    workspace.new_event(
                        EventType.INCIDENT_HANDOFF_REQUESTED,
                        closed,
                        ev.HandoffRequested(provider=handoff),
                    )
                )
        await until(lambda: workspace.counts.pending == 0)
        window.tick()
        window.followups_dock.show()
        window.followups_dock.raise_()
        window.followups.view.selectRow(0)
        window.followups_dock.resize(900, 260)
        await asyncio.sleep(0.5)
        window.followups.grab().save(str(OUT / "followups.png"))

        window.team_board.tiles.select(None)
        window.teams_dock.resize(1100, 300)
        await asyncio.sleep(1.0)
        window.tick()
        window.team_board.grab().save(str(OUT / "team-board.png"))
    finally:
        await engine.stop()
        task.cancel()
        window.close()
        store.close()


def citywide_board(tmp: Path) -> None:
    """60 teams through the rules, on a local store; no server needed for a picture."""
    deployment = load_deployment("citywide")
    start = now() - timedelta(minutes=45)
    state = State()
    seq = 0

    def apply(event_type: EventType, entity: str, payload: ev.Payload, at: datetime) -> None:
        nonlocal seq
        seq += 1
        event = ev.make_event(
            event_type, entity, payload, workstation_id="tool", occurred_at=at
        ).model_copy(update={"seq": seq, "actor": "demo"})
        outcome = state.apply(event, now=at + timedelta(minutes=1), seq=seq)
        assert not hasattr(outcome, "code"), outcome

    for team in deployment.teams:
        station = geodata.station_of(team.division)
        apply(
            EventType.TEAM_CREATED,
            team.id,
            ev.TeamCreated(
                call_sign=team.call_sign,
                provider=team.provider,
                division=team.division,
                languages=team.languages,
                base_lat=station.lat if station else None,
                base_lon=station.lon if station else None,
            ),
            start,
        )
    plan = [
        TeamStatus.ON_SCENE,
        TeamStatus.EN_ROUTE,
        TeamStatus.DISPATCHED,
        TeamStatus.TRANSPORTING,
    ]
    for n, team in enumerate(deployment.teams[::3]):
        at = start + timedelta(minutes=n % 20)
        incident = uuid7()
        station = geodata.station_of(team.division)
        apply(
            EventType.INCIDENT_CREATED,
            incident,
            ev.IncidentCreated(
                received_at=at,
                source=Source.LAPD_911,
                call_type=CallType.WELFARE_CHECK,
                priority=Priority.HIGH,
                location=Location(
                    address="(demo)",
                    lat=station.lat if station else None,
                    lon=station.lon if station else None,
                    division=team.division,
                ),
            ),
            at,
        )
        apply(EventType.INCIDENT_TEAM_ASSIGNED, incident, ev.TeamAssigned(team_id=team.id), at)
        goal = plan[n % len(plan)]
        steps = {
            TeamStatus.ON_SCENE: [TeamStatus.ON_SCENE],
            TeamStatus.EN_ROUTE: [TeamStatus.EN_ROUTE],
            TeamStatus.DISPATCHED: [],
            TeamStatus.TRANSPORTING: [TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING],
        }[goal]
        for step in steps:
            apply(EventType.TEAM_STATUS_CHANGED, team.id, ev.StatusChanged(status=step), at)
    # Earlier today: some free teams worked a call (their last scene, their workload).
    for n, team in enumerate(deployment.teams[1::3]):
        station = geodata.station_of(team.division)
        for k in range(1 + n % 3):
            at = start - timedelta(hours=3 + k)
            incident = uuid7()
            apply(
                EventType.INCIDENT_CREATED,
                incident,
                ev.IncidentCreated(
                    received_at=at,
                    source=Source.DIRECT_LINE,
                    call_type=CallType.PERSON_IN_DISTRESS,
                    priority=Priority.ROUTINE,
                    location=Location(
                        address="(demo)",
                        lat=(station.lat + 0.012 * (k + 1)) if station else None,
                        lon=(station.lon - 0.01 * (n % 2)) if station else None,
                        division=team.division,
                    ),
                ),
                at,
            )
            apply(EventType.INCIDENT_TEAM_ASSIGNED, incident, ev.TeamAssigned(team_id=team.id), at)
            apply(
                EventType.TEAM_STATUS_CHANGED,
                team.id,
                ev.StatusChanged(status=TeamStatus.ON_SCENE),
                at + timedelta(minutes=20),
            )
            apply(
                EventType.INCIDENT_CLOSED,
                incident,
                ev.Closed(disposition=Disposition.RESOLVED_ON_SCENE),
                at + timedelta(minutes=50),
            )
            apply(
                EventType.TEAM_STATUS_CHANGED,
                team.id,
                ev.StatusChanged(status=TeamStatus.AVAILABLE),
                at + timedelta(minutes=70),
            )
    off = deployment.teams[2]
    apply(
        EventType.TEAM_STATUS_CHANGED,
        off.id,
        ev.StatusChanged(status=TeamStatus.OUT_OF_SERVICE),
        start,
    )
    wilshire_call = uuid7()
    apply(
        EventType.INCIDENT_CREATED,
        wilshire_call,
        ev.IncidentCreated(
            received_at=now() - timedelta(minutes=2),
            source=Source.TRANSFER_988,
            call_type=CallType.MENTAL_HEALTH,
            priority=Priority.HIGH,
            location=Location(
                address="Venice Blvd & S Vineyard Ave",
                lat=34.0480,
                lon=-118.3300,
                division="Wilshire",
            ),
            language="Spanish",
        ),
        now() - timedelta(minutes=2),
    )
    store = LocalStore(tmp / "citywide.sqlite3")
    workspace = Workspace(store, actor="demo", clock=now)
    workspace.load_snapshot(
        Snapshot(
            seq=seq, incidents=list(state.incidents.values()), teams=list(state.teams.values())
        )
    )
    settings = QSettings(str(tmp / "citywide.ini"), QSettings.Format.IniFormat)
    window = MainWindow(workspace, deployment, settings=settings, username="demo", clock=now)
    window.ticker.stop()
    window.resize(1600, 950)
    window.show()
    window.tick()
    # Out of its dock, at the size of a console's lower half.
    board = window.team_board
    board.setParent(None)
    board.resize(1600, 480)
    board.show()
    QApplication.processEvents()
    board.grab().save(str(OUT / "team-board-citywide.png"))
    window.teams_dock.setWidget(board)
    window.select_incident(wilshire_call)
    window.open_action("assign")
    dialog = window._open_dialogs[-1]
    dialog.resize(760, 560)
    dialog.show()
    QApplication.processEvents()
    dialog.grab().save(str(OUT / "recommendation.png"))
    dialog.reject()
    window.close()
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--wait", type=float, default=8.0, help="seconds of live floor first")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app, "dark")
    with tempfile.TemporaryDirectory() as tmp:
        citywide_board(Path(tmp))
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with DemoServer(speed=60.0, rate_per_day=24.0, history_hours=4.0) as demo:
            loop.run_until_complete(live_floor(demo, args.wait, Path(tmp)))
        loop.close()
    print(f"screenshots written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
