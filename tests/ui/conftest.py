"""A workspace on a real local store file, seeded like a server snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings

from umcr_console.config import load_deployment
from umcr_console.domain import events as ev
from umcr_console.domain.config import Deployment
from umcr_console.domain.enums import CallType, EventType, Priority, Source
from umcr_console.domain.model import Location
from umcr_console.domain.state import State
from umcr_console.protocol import Snapshot
from umcr_console.store.db import LocalStore
from umcr_console.store.workspace import Workspace

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


class ServerSide:
    """Plays the server for UI tests that do not need a network: accepted events
    get the next seq and reach the workspace as the stream would bring them."""

    def __init__(self, workspace: Workspace, state: State, clock: Clock) -> None:
        self.workspace = workspace
        self.state = state
        self.clock = clock

    def accept(self, event: ev.Event, actor: str = "dispatcher2") -> ev.Event:
        seq = self.state.seq + 1
        stamped = event.model_copy(update={"seq": seq, "actor": actor, "recorded_at": self.clock()})
        outcome = self.state.apply(stamped, now=self.clock(), seq=seq)
        assert not hasattr(outcome, "code"), outcome
        self.workspace.apply_server_events([stamped])
        return stamped

    def create_incident(
        self,
        address: str,
        division: str = "Wilshire",
        minutes_ago: float = 0,
        call_type: CallType = CallType.WELFARE_CHECK,
    ) -> str:
        from umcr_console.domain.ids import uuid7

        incident_id = uuid7()
        self.accept(
            ev.make_event(
                EventType.INCIDENT_CREATED,
                incident_id,
                ev.IncidentCreated(
                    received_at=self.clock() - timedelta(minutes=minutes_ago),
                    source=Source.LAPD_911,
                    call_type=call_type,
                    priority=Priority.HIGH,
                    location=Location(address=address, division=division),
                ),
                workstation_id="ws-other",
                occurred_at=self.clock(),
            )
        )
        return incident_id


@pytest.fixture
def deployment() -> Deployment:
    return load_deployment("pilot")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def workspace(tmp_path, deployment: Deployment, clock: Clock):
    store = LocalStore(tmp_path / "local.sqlite3")
    workspace = Workspace(store, actor="dispatcher1", workstation_id="ws-test", clock=clock)
    state = State()
    for seq, team in enumerate(deployment.teams, start=1):
        event = ev.make_event(
            EventType.TEAM_CREATED,
            team.id,
            ev.TeamCreated(
                call_sign=team.call_sign, provider=team.provider, division=team.division
            ),
            workstation_id="server",
            occurred_at=clock(),
        ).model_copy(update={"seq": seq, "actor": "system"})
        state.apply(event, now=clock(), seq=seq)
    workspace.load_snapshot(
        Snapshot(
            seq=state.seq,
            incidents=list(state.incidents.values()),
            teams=list(state.teams.values()),
        )
    )
    workspace.server_state = state  # type: ignore[attr-defined]
    yield workspace
    store.close()


@pytest.fixture
def server_side(workspace: Workspace, clock: Clock) -> ServerSide:
    return ServerSide(workspace, workspace.server_state, clock)  # type: ignore[attr-defined]


@pytest.fixture
def window(qtbot, tmp_path, workspace: Workspace, deployment: Deployment, clock: Clock):
    from umcr_console.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(workspace, deployment, settings=settings, username="dispatcher1", clock=clock)
    win.ticker.stop()  # tests tick by hand with the injected clock
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def run(qapp):
    """Run a coroutine on a qasync loop driven by the test's QApplication."""
    import asyncio

    import qasync

    loop = qasync.QEventLoop(qapp, already_running=False)
    asyncio.set_event_loop(loop)
    yield loop.run_until_complete
    loop.close()
    asyncio.set_event_loop(None)


def show_wall(qtbot, workspace: Workspace, deployment: Deployment, clock: Clock):
    """The supervisors' wall on ``workspace``, shown at 1920x1080, its page rotation stopped."""
    from umcr_console.ui.map_widget import DivisionMapWidget
    from umcr_console.ui.wall import WallWindow

    map_widget = DivisionMapWidget.for_workspace(workspace, deployment, clock=clock, read_only=True)
    wall = WallWindow(workspace, deployment, clock=clock, map_widget=map_widget, rotate_seconds=20)
    wall.ticker.stop()
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    qtbot.waitExposed(wall)
    return wall
