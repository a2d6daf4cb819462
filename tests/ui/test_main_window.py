"""The main window against a real local store: actions, notices, selection, timers."""

from __future__ import annotations

from PySide6.QtCore import Qt

from umcr_console.domain.enums import EventType, IncidentState, TeamStatus
from umcr_console.protocol import EventResult, ResultStatus
from umcr_console.ui.queue_model import COL_AGE, COL_TEAM


def team_id(workspace, call_sign: str) -> str:
    return next(t.id for t in workspace.view.teams.values() if t.call_sign == call_sign)


def test_command_line_dispatch_shows_at_once_and_is_durable(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    number = workspace.view.incidents[incident_id].number
    qtbot.keyClicks(window.command, f"D {number[1:].lstrip('0')} ac-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert window.command.text() == ""
    incident = workspace.view.incidents[incident_id]
    assert incident.state == IncidentState.ASSIGNED
    row = window.queue_model.row_of(incident_id)
    assert window.queue_model.index(row, COL_TEAM).data() == "AC-1"
    assert window.queue_model.index(row, 0).data().endswith("◔")  # not yet confirmed
    # Durable: it is in the outbox table on disk (the store holds the file exclusively).
    assert [row.event.type for row in workspace.store.load_outbox()] == [
        EventType.INCIDENT_TEAM_ASSIGNED
    ]


def test_bad_command_keeps_the_line_and_says_why(qtbot, window) -> None:
    qtbot.keyClicks(window.command, "D 999 PL-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert window.command.text() == "D 999 PL-1"
    assert "no incident U000999" in window.command_result.text()


def test_server_rejection_is_a_notice_and_the_row_returns_to_the_truth(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("Wilshire & Western")
    window.select_incident(incident_id)
    event = workspace.new_event(
        EventType.INCIDENT_TEAM_ASSIGNED, incident_id, {"team_id": team_id(workspace, "EX-1")}
    )
    window.submit(event)
    assert workspace.view.incidents[incident_id].state == IncidentState.ASSIGNED
    workspace.handle_results(
        [
            EventResult(
                event_id=event.event_id,
                status=ResultStatus.REJECTED,
                code="team_unavailable",
                detail="team EX-1 is dispatched, not available",
            )
        ]
    )
    assert workspace.view.incidents[incident_id].state == IncidentState.PENDING
    row = window.queue_model.row_of(incident_id)
    assert window.queue_model.index(row, COL_TEAM).data() == ""
    (notice,) = window.notices.notices()
    assert (
        notice.kind == "rejection"
        and "EX-1" in notice.text
        and "another available team" in notice.text
    )
    assert window.notices_dock.isVisible()
    window.notices.list.setCurrentRow(0)
    window.notices.acknowledge_selected()
    assert workspace.rejected == []


def test_intake_to_queue_and_selection(qtbot, window, workspace) -> None:
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Reseda Blvd & Devonshire St")
    intake.division.setCurrentIndex(intake.division.findData("Devonshire"))
    assert intake.try_submit()
    (incident,) = workspace.view.incidents.values()
    assert incident.number == "pending" and incident.location.division == "Devonshire"
    assert window.selected_incident_id() == incident.id
    assert window.detail.incident_id == incident.id


def test_selection_stays_on_its_incident_when_rows_move(
    qtbot, window, workspace, server_side
) -> None:
    first = server_side.create_incident("A St", minutes_ago=5)
    second = server_side.create_incident("B St", minutes_ago=1)
    window.select_incident(second)
    # An older, more urgent call arrives from another console: rows move.
    server_side.create_incident("C St", minutes_ago=30)
    assert window.selected_incident_id() == second
    assert window.detail.incident_id == second
    assert first in workspace.view.incidents


def test_timers_and_team_overdue_alert_with_an_injected_clock(
    qtbot, window, workspace, server_side, clock
) -> None:
    incident_id = server_side.create_incident("Olympic & Vermont")
    pl1 = team_id(workspace, "PL-1")
    from umcr_console.domain import events as ev

    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=pl1)
        )
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.ON_SCENE)
        )
    )
    clock.advance(minutes=19)
    window.tick()
    row = window.queue_model.row_of(incident_id)
    assert window.queue_model.index(row, COL_AGE).data() == "19:00"
    assert not any(n.team_id == pl1 for n in window.notices.notices())
    clock.advance(minutes=1)
    window.tick()
    alerts = [n for n in window.notices.notices() if n.team_id == pl1]
    assert len(alerts) == 1 and "no check-in" in alerts[0].text
    # A check-in (from any console) ends the alert.
    server_side.accept(
        workspace.new_event(EventType.TEAM_CHECKED_IN, pl1, ev.CheckedIn(note="all OK"))
    )
    window.tick()
    assert not any(n.team_id == pl1 for n in window.notices.notices())


def test_a_call_waiting_too_long_flashes_until_acknowledged(
    qtbot, window, workspace, server_side, clock
) -> None:
    from PySide6.QtCore import Qt as _Qt

    from umcr_console.ui.queue_model import FLASH_COLOUR

    incident_id = server_side.create_incident("Van Nuys Blvd", division="West Valley")
    clock.advance(minutes=21)
    colours = set()
    for _ in range(2):
        window.tick()
        row = window.queue_model.row_of(incident_id)
        colours.add(window.queue_model.index(row, 0).data(_Qt.ItemDataRole.BackgroundRole).name())
    assert FLASH_COLOUR.name() in colours and len(colours) == 2  # it alternates
    (alert,) = [n for n in window.notices.notices() if n.incident_id == incident_id]
    assert "waiting" in alert.text
    window.notices.list.setCurrentRow(window.notices.notices().index(alert))
    window.notices.acknowledge_selected()
    window.tick()
    window.tick()
    row = window.queue_model.row_of(incident_id)
    assert (
        window.queue_model.index(row, 0).data(_Qt.ItemDataRole.BackgroundRole).name()
        != FLASH_COLOUR.name()
    )
