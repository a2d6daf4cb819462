"""Issue 18 item 3: what the rules refuse is refused here, said why, and never sent.

The console has the server's rules (``decide``). Every path that makes an
event -- the F2 command line, the action dialogs, the incident panel, the
follow-ups, the intake -- goes through ``MainWindow.refusal`` before anything
reaches the outbox. These windows have no sync engine: the console is offline,
and the refusal does not wait for a server.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from umcr_console.domain import events as ev
from umcr_console.domain.enums import EventType, TeamStatus
from umcr_console.ui import action_dialogs as dialogs


def team_id(workspace, call_sign: str) -> str:
    return next(t.id for t in workspace.view.teams.values() if t.call_sign == call_sign)


def outbox(workspace) -> list[str]:
    return [row.event.type for row in workspace.store.load_outbox()]


def test_on_scene_for_an_available_team_is_refused_and_not_sent(qtbot, window, workspace) -> None:
    assert workspace.view.teams[team_id(workspace, "PL-1")].status == TeamStatus.AVAILABLE
    qtbot.keyClicks(window.command, "OS PL-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    result = window.command_result.text()
    assert "Not sent" in result and "Saved" not in result
    assert "holds no incident" in result or "cannot go from" in result
    assert outbox(workspace) == []
    assert workspace.counts.unsent == 0
    assert window.command.text() == "OS PL-1"  # kept for correction
    assert workspace.view.teams[team_id(workspace, "PL-1")].status == TeamStatus.AVAILABLE


def test_a_valid_command_still_goes_out(qtbot, window, workspace, server_side) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    number = workspace.view.incidents[incident_id].number
    qtbot.keyClicks(window.command, f"D {number} PL-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert window.command_result.text().startswith("Saved")
    qtbot.keyClicks(window.command, "OS PL-1")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert outbox(workspace) == [EventType.INCIDENT_TEAM_ASSIGNED, EventType.TEAM_STATUS_CHANGED]


def test_assign_dialog_on_a_team_taken_meanwhile_stays_open_and_says_why(
    qtbot, window, workspace, server_side
) -> None:
    first = server_side.create_incident("A St")
    second = server_side.create_incident("B St")
    window.select_incident(first)
    window.open_action("assign")
    dialog = next(d for d in window._open_dialogs if isinstance(d, dialogs.AssignTeamDialog))
    pl1 = team_id(workspace, "PL-1")
    row = next(
        i
        for i in range(dialog.list.count())
        if dialog.list.item(i).data(dialogs.TEAM_ID_ROLE) == pl1
    )
    dialog.list.setCurrentRow(row)
    # Another console sends PL-1 to the other call while the dialog is open.
    server_side.accept(
        workspace.new_event(EventType.INCIDENT_TEAM_ASSIGNED, second, ev.TeamAssigned(team_id=pl1))
    )
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert "Not sent" in dialog.error.text() and "PL-1" in dialog.error.text()
    assert outbox(workspace) == []


def test_close_dialog_checks_the_close_and_its_follow_up_together(
    qtbot, window, workspace, server_side, clock
) -> None:
    incident_id = server_side.create_incident("C St")
    window.select_incident(incident_id)
    window.open_action("close")
    dialog = next(d for d in window._open_dialogs if isinstance(d, dialogs.CloseDialog))
    # Closed by a colleague meanwhile: the second close is refused, nothing goes out.
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_CLOSED, incident_id, {"disposition": "resolved_on_scene"}
        )
    )
    dialog.follow_up.setChecked(True)
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert "closed" in dialog.error.text()
    assert outbox(workspace) == []


def test_team_status_dialog_offered_choice_gone_stale_is_refused(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("D St")
    pl1 = team_id(workspace, "PL-1")
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=pl1)
        )
    )
    window.select_team(pl1)
    window.open_team_action("status")
    dialog = next(d for d in window._open_dialogs if isinstance(d, dialogs.TeamStatusDialog))
    dialog.status.setCurrentIndex(dialog.status.findData(TeamStatus.EN_ROUTE))
    # The incident is closed meanwhile: the team is available, not dispatched.
    server_side.accept(
        workspace.new_event(EventType.INCIDENT_CLOSED, incident_id, {"disposition": "cancelled"})
    )
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible() and "Not sent" in dialog.error.text()
    assert outbox(workspace) == []


def test_direct_submit_is_refused_too(qtbot, window, workspace) -> None:
    # Any other path (follow-ups, alert desk, a future button) ends in submit().
    event = workspace.new_event(
        EventType.TEAM_STATUS_CHANGED,
        team_id(workspace, "PL-1"),
        ev.StatusChanged(status=TeamStatus.TRANSPORTING),
    )
    assert window.submit(event) is False
    assert "Not sent" in window.command_result.text()
    assert outbox(workspace) == []


def test_a_call_sign_typed_without_its_dash_suggests_the_team(qtbot, window, workspace) -> None:
    qtbot.keyClicks(window.command, "OOS PL2")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert "did you mean PL-2?" in window.command_result.text()
    assert outbox(workspace) == []  # a suggestion, never a guess acted on
    window.command.clear()
    qtbot.keyClicks(window.command, "OOS PL")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert "did you mean PL-1 or PL-2?" in window.command_result.text()


def test_the_floor_walkthrough_call_no_longer_saves_for_an_unarmed_team(
    qtbot, window, workspace
) -> None:
    # Issue 18 item 1, end to end in the window: the call that was saved as a
    # pending P2 for an unarmed team, with no box ticked.
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Ventura & Sepulveda, parking structure")
    intake.division.setCurrentIndex(intake.division.findData("West Valley"))
    qtbot.keyClicks(intake.narrative, "guard thinks he has a gun in his waistband")
    assert intake.try_submit() is False
    assert outbox(workspace) == []
    qtbot.mouseClick(intake.words_confirm, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(intake.screen_reason, "possible gun")
    assert intake.try_submit()
    assert outbox(workspace) == [EventType.INCIDENT_CREATED, EventType.INCIDENT_REDIRECTED]
    (incident,) = workspace.view.incidents.values()
    assert incident.safety.weapons and incident.redirected_to is not None
    assert any("Safety words confirmed" in note.text for note in incident.notes)


def test_a_command_line_note_naming_a_weapon_points_to_the_panel(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    number = workspace.view.incidents[incident_id].number
    qtbot.keyClicks(window.command, f"N {number} neighbour saw a gun")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert "\u201cgun\u201d (weapons)" in window.command_result.text()
    assert "Ctrl+T" in window.command_result.text()
    assert outbox(workspace) == []
    window.command.clear()
    qtbot.keyClicks(window.command, f"N {number} no weapons, calm now")
    qtbot.keyClick(window.command, Qt.Key.Key_Return)
    assert outbox(workspace) == [EventType.INCIDENT_NOTE_ADDED]
