"""Issue 5 against a real server process, with the real sync engine, in one Qt loop.

- The recommendation list of the assign dialog: same division, then the
  neighbour of the same service area, then the rest by distance, each with
  its travel time and reason; the scene and the day's work count after a call.
- Two consoles: a check-in on one resets the safety timer on the other; an
  escalation recorded by a dispatcher's console reaches the supervisor's,
  whose acknowledgement ends it on both. Each console has its own injected
  clock (set back, so that no event is from the server's future).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.waiting import until
from tests.ui.live import LiveConsole
from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location
from umcr_console.ui.action_dialogs import AssignTeamDialog
from umcr_console.ui.main_window import MainWindow
from umcr_console.ui.team_model import COL_CHECK_IN, OVERDUE_ROLE

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

WILSHIRE = (34.0480, -118.3300)  # 1.2 km from the Wilshire station, 3.6 from Olympic's


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


class Console(LiveConsole):
    def settled(self) -> bool:
        return self.workspace.counts.pending == 0

    def command(self, line: str) -> None:
        self.window.command.setText(line)
        self.window.run_command()
        assert self.window.command.text() == "", self.window.command_result.text()

    def new_call(self, address: str, at: tuple[float, float], language: str = "") -> str:
        incident_id = uuid7()
        self.window.submit(
            self.workspace.new_event(
                EventType.INCIDENT_CREATED,
                incident_id,
                ev.IncidentCreated(
                    received_at=self.window.clock(),
                    source=Source.LAPD_911,
                    call_type=CallType.MENTAL_HEALTH,
                    priority=Priority.HIGH,
                    location=Location(address=address, lat=at[0], lon=at[1], division="Wilshire"),
                    language=language,
                ),
            )
        )
        return incident_id


def choices(window: MainWindow) -> list[str]:
    dialog = window._open_dialogs[-1]
    assert isinstance(dialog, AssignTeamDialog)
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def km(text: str) -> float:
    found = re.search(r"· ([\d.]+) km", text)
    assert found, text
    return float(found.group(1))


def test_the_recommendation_list_against_a_real_server(live_server, tmp_path, qtbot, run) -> None:
    async def scenario() -> None:
        console = Console(
            "a", live_server.url, "dispatcher1", tmp_path, qtbot, lambda: datetime.now(UTC)
        )
        task = console.engine.start()
        window = console.window
        try:
            await until(lambda: len(console.workspace.view.teams) == 6, "the roster")
            first = console.new_call("4800 Venice Blvd", WILSHIRE, language="Spanish")
            await until(console.settled, "the call numbered")
            assert window.select_incident(first)
            window.open_action("assign")
            listed = choices(window)
            assert [t.split()[1] for t in listed[:3]] == ["AC-1", "EX-2", "EX-1"]
            assert listed[0].startswith("1. AC-1  Alcott Center  Wilshire")
            assert re.search(
                r"same division · 1\.\d km · ~3 min · speaks Spanish · 0 calls today$", listed[0]
            ), listed[0]
            assert "neighbouring division (Olympic) · 3.6 km · ~8 min · no Spanish" in listed[1]
            assert "neighbouring division (West Los Angeles)" in listed[2]
            rest = listed[3:]
            assert len(rest) == 3 and all("other division" in t for t in rest)
            assert [km(t) for t in rest] == sorted(km(t) for t in rest)

            # The first choice is sent; it works the call and clears.
            window._open_dialogs[-1]._submit()
            await until(
                lambda: console.settled() and console.team("AC-1").status == TeamStatus.DISPATCHED,
                "AC-1 dispatched by the server",
            )
            number = console.workspace.view.incidents[first].number
            console.command("OS AC-1")
            console.command(f"CL {number} RES")
            console.command("AV AC-1")
            await until(console.settled, "the call worked and closed")
            assert console.workspace.view.incidents[first].state == IncidentState.CLOSED

            # The next call nearby: AC-1 is measured from that scene and has a call today.
            second = console.new_call("Venice & Hauser", (34.0460, -118.3450))
            await until(console.settled, "the second call")
            assert window.select_incident(second)
            window.open_action("assign")
            listed = choices(window)
            assert listed[0].split()[1] == "AC-1"
            assert "from last scene" in listed[0] and listed[0].endswith("1 call today")
            assert "speaks" not in listed[0]  # no language asked for
        finally:
            await console.close()
            assert task.done()

    run(scenario())


def test_two_consoles_check_in_and_escalation(live_server, tmp_path, qtbot, run) -> None:
    # Both clocks run 40 minutes behind: timers can move 30 minutes ahead and
    # every event is still in the server's past.
    start = datetime.now(UTC) - timedelta(minutes=40)
    clock_a, clock_b = Clock(start), Clock(start)

    async def scenario() -> None:
        a = Console("a", live_server.url, "dispatcher1", tmp_path, qtbot, clock_a)
        b = Console("b", live_server.url, "supervisor", tmp_path, qtbot, clock_b)
        tasks = [a.engine.start(), b.engine.start()]
        try:
            await until(
                lambda: len(a.workspace.view.teams) == 6 and len(b.workspace.view.teams) == 6,
                "the roster on both",
            )
            incident = a.new_call("Olympic & Vermont", WILSHIRE)
            await until(a.settled, "the call")
            number = a.workspace.view.incidents[incident].number
            a.command(f"D {number} PL-1")
            a.command("OS PL-1")
            await until(
                lambda: a.settled() and b.team("PL-1").status == TeamStatus.ON_SCENE,
                "PL-1 on scene on B",
            )
            arrived = b.team("PL-1").status_since
            assert arrived == start
            # B's board: PL-1 busy, so Devonshire leans on West Valley.
            assert "covered from a neighbour only: Devonshire" in (
                b.window.team_board.coverage.text()
            )

            # B's clock passes the check-in interval: B's board shows PL-1 overdue.
            clock_b.now = arrived + timedelta(minutes=20, seconds=5)
            b.window.tick()
            row = b.window.team_model.row_of(b.team("PL-1").id)
            assert b.window.team_model.index(row, 0).data(OVERDUE_ROLE)
            assert any(
                n.kind == "alert" and n.team_id == b.team("PL-1").id
                for n in b.window.notices.notices()
            )

            # A takes the check-in by radio: B's timer starts again.
            clock_a.now = arrived + timedelta(minutes=2)
            a.command("CI PL-1 all OK, 20 more minutes")
            await until(
                lambda: b.team("PL-1").last_check_in == arrived + timedelta(minutes=2),
                "the check-in on B",
            )
            b.window.tick()
            assert b.window.team_model.index(row, 0).data(OVERDUE_ROLE) is None
            shown = f"{(arrived + timedelta(minutes=2)).astimezone():%H:%M}"
            assert b.window.team_model.index(row, COL_CHECK_IN).data() == shown
            assert not any(
                n.team_id == b.team("PL-1").id and n.kind == "alert"
                for n in b.window.notices.notices()
            )

            # No word for 20 minutes more, nobody acknowledges for 5: A records the
            # escalation; the supervisor's console shows it and asks to act.
            since = arrived + timedelta(minutes=22)
            clock_a.now = since + timedelta(minutes=5, seconds=1)
            a.window.tick()
            await until(
                lambda: a.settled() and b.team("PL-1").escalated_for == since,
                "the escalation on B",
            )
            clock_b.now = since + timedelta(minutes=5, seconds=30)
            b.window.notices_dock.hide()
            b.window.tick()
            (escalation,) = [n for n in b.window.notices.notices() if n.kind == "escalation"]
            assert "acknowledge when handled" in escalation.text
            assert b.window.notices_dock.isVisible()
            assert b.workspace.counts.pending == 0  # B did not escalate it a second time

            b.window.notices.list.setCurrentRow(b.window.notices.notices().index(escalation))
            b.window.notices.acknowledge_selected()
            await until(
                lambda: b.settled() and a.team("PL-1").alert_acknowledged_for == since,
                "the acknowledgement on A",
            )
            a.window.tick()
            assert not [n for n in a.window.notices.notices() if n.team_id == a.team("PL-1").id]
            # The team's own history holds both, with who did what.
            history = [
                (e.type, e.actor)
                for e in a.workspace.timeline(a.team("PL-1").id)
                if e.type.startswith("team.alert")
            ]
            assert history == [
                (EventType.TEAM_ALERT_ESCALATED, "dispatcher1"),
                (EventType.TEAM_ALERT_ACKNOWLEDGED, "supervisor"),
            ]
        finally:
            await a.close()
            await b.close()
            for task in tasks:
                assert task.done()

    run(scenario())
