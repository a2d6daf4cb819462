"""The console's side of issue 5, on a real local store (the server played by ``server_side``).

Closing with a follow-up and a handoff, the follow-up list (due, overdue,
done, made into a new call), planning a call for later with a held team, and
the escalation desk: recorded once, shown from the log, acknowledged for all.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDateTime

from umcr_console.domain import events as ev
from umcr_console.domain.alerts import acknowledgement_event_id, escalation_event_id
from umcr_console.domain.enums import Disposition, EventType, IncidentState, Source, TeamStatus
from umcr_console.domain.followups import Urgency
from umcr_console.ui.action_dialogs import AssignTeamDialog, CloseDialog, ScheduleDialog
from umcr_console.ui.team_model import COL_INCIDENT


def team_id(workspace, call_sign: str) -> str:
    return next(t.id for t in workspace.view.teams.values() if t.call_sign == call_sign)


def confirm_pending(workspace, server_side, actor: str = "dispatcher1") -> list[ev.Event]:
    """The server accepts every pending event of this console, in order."""
    return [server_side.accept(item.event, actor) for item in workspace.pending_items()]


def last_dialog(window):
    return window._open_dialogs[-1]


def test_closing_with_a_follow_up_and_a_handoff_fills_the_follow_up_list(
    qtbot, window, workspace, server_side, clock
) -> None:
    incident_id = server_side.create_incident("3rd & Vermont", division="Olympic")
    assert window.select_incident(incident_id)
    window.open_action("close")
    dialog = last_dialog(window)
    assert isinstance(dialog, CloseDialog)
    dialog.disposition.setCurrentIndex(dialog.disposition.findData(Disposition.WARM_HANDOFF))
    dialog._submit()
    assert "provider" in dialog.error.text()  # a warm handoff names its provider
    dialog.handoff.setCurrentText("Didi Hirsch")
    dialog.follow_up.setChecked(True)
    dialog.follow_up_note.setText("call the sister")
    dialog._submit()
    types = [item.event.type for item in workspace.pending_items()]
    assert types == [
        EventType.INCIDENT_CLOSED,
        EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
        EventType.INCIDENT_HANDOFF_REQUESTED,
    ]
    confirm_pending(workspace, server_side)
    incident = workspace.view.incidents[incident_id]
    assert incident.state == IncidentState.CLOSED and incident.has_open_work
    assert incident.follow_up is not None
    assert incident.follow_up.due_from == clock() + timedelta(hours=24)

    followups = window.followups
    items = followups.model.items()
    assert [(i.kind, i.urgency) for i in items] == [
        ("handoff", Urgency.DUE),
        ("follow-up", Urgency.UPCOMING),
    ]
    assert "0 overdue, 1 due" in followups.header.text()
    clock.advance(minutes=61)
    window.tick()
    assert followups.model.items()[0].urgency == Urgency.OVERDUE
    assert "1 overdue" in followups.header.text()

    # The provider calls back: the handoff is accepted.
    assert followups.select(incident_id, "handoff")
    assert followups.accepted_button.isEnabled() and not followups.done_button.isEnabled()
    followups.note.setText("intake nurse K.")
    followups.accepted_button.click()
    confirm_pending(workspace, server_side)
    assert [i.kind for i in followups.model.items()] == ["follow-up"]

    # A day later the follow-up is due and becomes a new call, linked to the first.
    clock.advance(hours=24)
    window.tick()
    assert followups.model.items()[0].urgency == Urgency.DUE
    assert followups.select(incident_id)
    followups.incident_button.click()
    (made,) = confirm_pending(workspace, server_side)
    visit = workspace.view.incidents[made.entity_id]
    assert visit.follows_up == incident_id and visit.source == Source.FOLLOW_UP
    assert visit.location.address == "3rd & Vermont"
    assert "call the sister" in visit.narrative
    assert workspace.view.incidents[incident_id].follow_up.incident_id == visit.id
    assert followups.model.items() == []
    assert window.selected_incident_id() == visit.id


def test_marking_a_follow_up_done(qtbot, window, workspace, server_side, clock) -> None:
    incident_id = server_side.create_incident("Main & 5th")
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_CLOSED, incident_id, ev.Closed(disposition=Disposition.REFERRAL_MADE)
        )
    )
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
            incident_id,
            ev.FollowUpScheduled(due_from=clock(), due_by=clock() + timedelta(hours=2)),
        )
    )
    followups = window.followups
    assert followups.select(incident_id)
    followups.note.setText("spoke to him, doing well")
    followups.done_button.click()
    confirm_pending(workspace, server_side)
    assert followups.model.items() == []
    assert workspace.view.incidents[incident_id].notes[-1].text.endswith("doing well")


def test_a_planned_call_holds_its_team_on_the_board_and_in_the_recommendation(
    qtbot, window, workspace, server_side, clock
) -> None:
    later = server_side.create_incident("Venice & Crenshaw", division="Wilshire")
    now_call = server_side.create_incident("Pico & Fairfax", division="Wilshire")
    assert window.select_incident(later)
    window.open_action("schedule")
    dialog = last_dialog(window)
    assert isinstance(dialog, ScheduleDialog)
    at = clock() + timedelta(hours=3)
    dialog.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(at.timestamp())))
    dialog.team.setCurrentIndex(dialog.team.findData(team_id(workspace, "AC-1")))
    dialog._submit()
    (planned,) = confirm_pending(workspace, server_side)
    assert planned.payload["hold_from"] is not None
    number = workspace.view.incidents[later].number
    row = window.team_model.row_of(team_id(workspace, "AC-1"))
    shown = window.team_model.index(row, COL_INCIDENT).data()
    assert shown == f"reserved for {number} at {at.astimezone():%H:%M}"
    assert workspace.view.teams[team_id(workspace, "AC-1")].status == TeamStatus.AVAILABLE
    assert window.select_incident(later)
    assert f"planned for {at.astimezone():%a %H:%M}" in window.detail.timers.text()

    # Another call now: AC-1 is still offered (hours to spare), after the free teams
    # of the division would be, and the reason says why it is held.
    assert window.select_incident(now_call)
    window.open_action("assign")
    dialog = last_dialog(window)
    assert isinstance(dialog, AssignTeamDialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    ac1 = next(t for t in texts if " AC-1 " in t)
    assert ac1.endswith(f"reserved for {number} at {at.astimezone():%H:%M}")
    dialog.reject()
    # Within the lead time it is held: no longer offered.
    clock.advance(hours=2, minutes=31)
    window.open_action("assign")
    dialog = last_dialog(window)
    assert not any(" AC-1 " in dialog.list.item(i).text() for i in range(dialog.list.count()))
    dialog.reject()


def on_scene(workspace, server_side) -> str:
    incident_id = server_side.create_incident("Olympic & Vermont", division="Olympic")
    pl1 = team_id(workspace, "PL-1")
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
    return pl1


def notices_of(window, team: str, kind: str) -> list:
    return [n for n in window.notices.notices() if n.team_id == team and n.kind == kind]


def test_an_unacknowledged_alert_is_recorded_once_as_an_escalation(
    qtbot, window, workspace, server_side, clock
) -> None:
    pl1 = on_scene(workspace, server_side)
    arrived = workspace.view.teams[pl1].status_since
    since = arrived + timedelta(minutes=20)
    clock.advance(minutes=24)
    window.tick()
    assert notices_of(window, pl1, "alert") and workspace.pending_items() == []
    clock.advance(minutes=1)
    window.tick()
    (pending,) = workspace.pending_items()
    assert pending.event.type == EventType.TEAM_ALERT_ESCALATED
    assert pending.event.event_id == escalation_event_id(pl1, since)
    assert pending.event.payload["status"] == "on_scene"
    (notice,) = notices_of(window, pl1, "escalation")
    assert notice.text.startswith("ESCALATED")
    confirm_pending(workspace, server_side)
    clock.advance(minutes=3)
    window.tick()
    assert workspace.pending_items() == []  # once per episode
    assert len(notices_of(window, pl1, "escalation")) == 1

    # A supervisor acknowledges on another console: the notices leave this one.
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_ALERT_ACKNOWLEDGED, pl1, ev.AlertAcknowledged(overdue_since=since)
        ),
        actor="supervisor",
    )
    window.tick()
    assert notices_of(window, pl1, "escalation") == []
    assert notices_of(window, pl1, "alert") == []


class _SignedIn:
    def __init__(self, role: str) -> None:
        self.role = role


def test_an_escalation_from_another_console_shows_on_a_dispatchers_console(
    qtbot, window, workspace, server_side, clock
) -> None:
    pl1 = on_scene(workspace, server_side)
    since = workspace.view.teams[pl1].status_since + timedelta(minutes=20)
    clock.advance(minutes=21)
    window.engine = _SignedIn("dispatcher")
    window.tick()  # the alert itself
    window.notices_dock.hide()
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_ALERT_ESCALATED,
            pl1,
            ev.AlertEscalated(status=TeamStatus.ON_SCENE, overdue_since=since, reason="x"),
        ).model_copy(update={"event_id": escalation_event_id(pl1, since)})
    )
    window.tick()
    (notice,) = notices_of(window, pl1, "escalation")
    assert "supervisors notified" in notice.text
    assert not window.notices_dock.isVisible()  # for the supervisors to act on
    # This console does not escalate the same episode again.
    clock.advance(minutes=10)
    window.tick()
    assert workspace.pending_items() == []


def test_an_escalation_from_another_console_asks_a_supervisor_to_act(
    qtbot, window, workspace, server_side, clock
) -> None:
    pl1 = on_scene(workspace, server_side)
    since = workspace.view.teams[pl1].status_since + timedelta(minutes=20)
    clock.advance(minutes=21)
    window.engine = _SignedIn("supervisor")
    window.tick()  # the alert itself
    window.notices_dock.hide()
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_ALERT_ESCALATED,
            pl1,
            ev.AlertEscalated(status=TeamStatus.ON_SCENE, overdue_since=since, reason="x"),
        ).model_copy(update={"event_id": escalation_event_id(pl1, since)})
    )
    window.tick()
    (notice,) = notices_of(window, pl1, "escalation")
    assert "acknowledge when handled" in notice.text
    assert window.notices_dock.isVisible()
    # Acknowledging it here records the acknowledgement for every console.
    window.notices.list.setCurrentRow(
        window.notices.notices().index(notice)  # the escalation notice
    )
    window.notices.acknowledge_selected()
    (pending,) = workspace.pending_items()
    assert pending.event.type == EventType.TEAM_ALERT_ACKNOWLEDGED
    assert pending.event.event_id == acknowledgement_event_id(pl1, since)
    assert workspace.view.teams[pl1].alert_acknowledged_for == since
    window.tick()
    assert notices_of(window, pl1, "escalation") == []
    assert workspace.pending_items()[0].conflict is None


def test_the_wall_shows_open_escalations_for_the_supervisors_in_the_room(
    qtbot, workspace, deployment, server_side, clock
) -> None:
    from umcr_console.ui.wall import WallWindow

    wall = WallWindow(workspace, deployment, clock=clock)
    wall.ticker.stop()
    qtbot.addWidget(wall)
    wall.show()
    assert wall.escalation_banner.isHidden()
    pl1 = on_scene(workspace, server_side)
    since = workspace.view.teams[pl1].status_since + timedelta(minutes=20)
    clock.advance(minutes=26)
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_ALERT_ESCALATED,
            pl1,
            ev.AlertEscalated(status=TeamStatus.ON_SCENE, overdue_since=since, reason="x"),
        )
    )
    assert not wall.escalation_banner.isHidden()
    assert wall.escalation_banner.text().startswith("ESCALATED TO SUPERVISORS — PL-1 (on scene")
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_ALERT_ACKNOWLEDGED, pl1, ev.AlertAcknowledged(overdue_since=since)
        )
    )
    assert wall.escalation_banner.isHidden()
