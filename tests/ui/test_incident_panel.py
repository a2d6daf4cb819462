"""The incident panel as the walkthrough met it (issue 18 items 4 and 7).

Item 4: the queue said "Central" where the form said "(none)": the form only
listed the deployment's divisions, so a call placed in another division by
its coordinates showed as none -- and any edit then sent the division away.
Item 7: the timeline missed the on-scene status change (logged on the team),
showed the workstation id instead of the person, and cut notes short.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt

from umcr_console.domain import events as ev
from umcr_console.domain.enums import CallType, EventType, Priority, Source, TeamStatus
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location
from umcr_console.domain.timeline import incident_timeline
from umcr_console.ui.queue_model import COL_DIVISION
from umcr_console.ui.text import NO_DIVISION


def team_id(workspace, call_sign: str) -> str:
    return next(t.id for t in workspace.view.teams.values() if t.call_sign == call_sign)


def created(server_side, location: Location) -> str:
    incident_id = uuid7()
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=server_side.clock(),
                source=Source.LAPD_911,
                call_type=CallType.WELFARE_CHECK,
                priority=Priority.HIGH,
                location=location,
            ),
            workstation_id="ws-other",
            occurred_at=server_side.clock(),
        )
    )
    return incident_id


# ---- item 4: one division, the same everywhere -----------------------------------


def test_queue_and_form_show_the_same_division(qtbot, window, server_side) -> None:
    # Central is not one of the pilot's divisions, but the call is there.
    central = created(
        server_side, Location(address="5th & Main", lat=34.047, lon=-118.247, division="Central")
    )
    unplaced = created(server_side, Location(address="somewhere, caller hung up"))
    for incident_id, expected in ((central, "Central"), (unplaced, NO_DIVISION)):
        window.select_incident(incident_id)
        row = window.queue_model.row_of(incident_id)
        queue_says = window.queue_model.index(row, COL_DIVISION).data()
        assert queue_says == expected
        assert window.detail.division.currentText() == queue_says


def test_editing_another_field_keeps_the_division(qtbot, window, workspace, server_side) -> None:
    central = created(server_side, Location(address="5th & Main", division="Central"))
    window.select_incident(central)
    qtbot.keyClicks(window.detail.language, "Spanish")
    assert window.detail.dirty == {"language"}
    qtbot.mouseClick(window.detail.save_button, Qt.MouseButton.LeftButton)
    (row,) = workspace.store.load_outbox()
    assert row.event.payload == {"language": "Spanish"}
    assert workspace.view.incidents[central].location.division == "Central"


# ---- item 7: the timeline ----------------------------------------------------------


def lines(window) -> list[str]:
    timeline = window.detail.timeline
    return [timeline.item(i).text() for i in range(timeline.count())]


def test_timeline_shows_the_teams_status_changes_and_the_person(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("Olympic & Vermont")
    pl1 = team_id(workspace, "PL-1")
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=pl1)
        )
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.EN_ROUTE)
        ),
        actor="pl1.lead",
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.ON_SCENE)
        ),
        actor="pl1.lead",
    )
    # This console's own check-in, not yet confirmed.
    window.submit(
        workspace.new_event(EventType.TEAM_CHECKED_IN, pl1, ev.CheckedIn(note="all calm"))
    )
    window.select_incident(incident_id)
    shown = lines(window)
    assert any("pl1.lead" in line and "PL-1 on scene" in line for line in shown), shown
    assert any("pl1.lead" in line and "PL-1 en route" in line for line in shown), shown
    assert any("PL-1 checked in: all calm" in line for line in shown), shown
    # The person, never the workstation, on every line; the workstation in the tooltip.
    for i, line in enumerate(shown):
        assert "ws-" not in line, line
        assert "workstation" in window.detail.timeline.item(i).toolTip()


def test_a_teams_status_before_or_after_the_call_is_not_on_its_timeline(
    qtbot, window, workspace, server_side
) -> None:
    first = server_side.create_incident("A St")
    pl1 = team_id(workspace, "PL-1")
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.OUT_OF_SERVICE)
        )
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.AVAILABLE)
        )
    )
    server_side.accept(
        workspace.new_event(EventType.INCIDENT_TEAM_ASSIGNED, first, ev.TeamAssigned(team_id=pl1))
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED,
            pl1,
            ev.StatusChanged(status=TeamStatus.AVAILABLE, note="cleared"),
        )
    )
    second = server_side.create_incident("B St")
    server_side.accept(
        workspace.new_event(EventType.INCIDENT_TEAM_ASSIGNED, second, ev.TeamAssigned(team_id=pl1))
    )
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, pl1, ev.StatusChanged(status=TeamStatus.ON_SCENE)
        )
    )
    window.select_incident(first)
    shown = lines(window)
    assert any("PL-1 available: cleared" in line for line in shown)  # how it left
    assert not any("out of service" in line or "on scene" in line for line in shown), shown


def test_a_long_note_wraps_in_full(qtbot, window, workspace, server_side) -> None:
    incident_id = server_side.create_incident("C St")
    long_note = "caller says " + "he has not slept and keeps walking to the bridge " * 6 + "END"
    server_side.accept(
        workspace.new_event(EventType.INCIDENT_NOTE_ADDED, incident_id, ev.NoteAdded(text="short"))
    )
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_NOTE_ADDED, incident_id, ev.NoteAdded(text=long_note)
        )
    )
    window.select_incident(incident_id)
    window.detail_dock.show()
    window.detail.tabs.setCurrentWidget(window.detail.timeline)
    qtbot.waitExposed(window.detail.timeline)
    timeline = window.detail.timeline
    assert timeline.viewport().width() < timeline.fontMetrics().horizontalAdvance(long_note)
    items = [timeline.item(i) for i in range(timeline.count())]
    short_item = next(i for i in items if i.text().endswith(": short"))
    long_item = next(i for i in items if i.text().endswith("END"))
    assert long_note in long_item.text()
    short_height = timeline.visualItemRect(short_item).height()
    long_height = timeline.visualItemRect(long_item).height()
    assert long_height >= 3 * short_height  # wrapped over lines, not cut
    # The notes tab too.
    notes = window.detail.notes
    window.detail.tabs.setCurrentIndex(1)
    note_items = [notes.item(i) for i in range(notes.count())]
    assert (
        notes.visualItemRect(note_items[-1]).height()
        >= 3 * notes.visualItemRect(note_items[0]).height()
    )


def test_timeline_order_confirmed_then_pending() -> None:
    t0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)

    def event(
        entity: str, kind: EventType, payload: dict, seq: int | None, minutes: int
    ) -> ev.Event:
        return ev.Event(
            event_id=uuid7(),
            type=kind,
            entity_id=entity,
            occurred_at=t0 + timedelta(minutes=minutes),
            workstation_id="ws-1",
            payload=payload,
            seq=seq,
        )

    incident, team = uuid7(), uuid7()
    assign = event(incident, EventType.INCIDENT_TEAM_ASSIGNED, {"team_id": team}, 5, 1)
    on_scene = event(team, EventType.TEAM_STATUS_CHANGED, {"status": "on_scene"}, 7, 2)
    pending_note = event(incident, EventType.INCIDENT_NOTE_ADDED, {"text": "x"}, None, 3)
    pending_clear = event(team, EventType.TEAM_STATUS_CHANGED, {"status": "available"}, None, 4)
    later = event(team, EventType.TEAM_STATUS_CHANGED, {"status": "off_duty"}, None, 5)
    result = incident_timeline(
        incident, [assign, pending_note], {team: [on_scene, pending_clear, later, on_scene]}
    )
    assert result == [assign, on_scene, pending_note, pending_clear]


# ---- item 1 beyond the intake: safety words typed in the incident panel -----------


def test_a_note_naming_a_weapon_waits_for_flag_or_reason(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("Olympic & Vermont")
    window.select_incident(incident_id)
    detail = window.detail
    qtbot.keyClicks(detail.note_input, "caller calls back: he pulled a knife")
    qtbot.keyClick(detail.note_input, Qt.Key.Key_Return)
    assert detail.words_box.isVisible()
    assert "\u201cknife\u201d (note)" in detail.words_label.text()
    assert workspace.store.load_outbox() == []
    assert detail.note_input.text() == "caller calls back: he pulled a knife"  # kept
    qtbot.mouseClick(detail.words_flag, Qt.MouseButton.LeftButton)
    update, note = (row.event for row in workspace.store.load_outbox())
    assert update.type == EventType.INCIDENT_UPDATED and update.payload["safety"]["weapons"]
    assert update.payload["safety_words"]["decision"] == "confirmed"
    assert note.payload == {"text": "caller calls back: he pulled a knife"}
    incident = workspace.view.incidents[incident_id]
    assert incident.safety.weapons
    assert any("Safety words confirmed by dispatch" in n.text for n in incident.notes)


def test_a_narrative_edit_cleared_as_no_danger_records_the_reason(
    qtbot, window, workspace, server_side
) -> None:
    incident_id = server_side.create_incident("Olympic & Vermont")
    window.select_incident(incident_id)
    detail = window.detail
    qtbot.keyClicks(detail.narrative, "son says dad is not breathing well after running")
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)
    assert detail.words_box.isVisible() and workspace.store.load_outbox() == []
    qtbot.mouseClick(detail.words_clear, Qt.MouseButton.LeftButton)  # no reason yet
    assert workspace.store.load_outbox() == []
    qtbot.keyClicks(detail.words_reason, "out of breath from running, talking normally")
    qtbot.mouseClick(detail.words_clear, Qt.MouseButton.LeftButton)
    (row,) = workspace.store.load_outbox()
    check = row.event.payload["safety_words"]
    assert check["decision"] == "cleared" and check["found"][0]["category"] == "medical"
    assert "talking normally" in check["reason"]
    assert not workspace.view.incidents[incident_id].safety.medical


def test_an_ordinary_note_goes_straight_out(qtbot, window, workspace, server_side) -> None:
    incident_id = server_side.create_incident("Olympic & Vermont")
    window.select_incident(incident_id)
    qtbot.keyClicks(window.detail.note_input, "no weapons in the home, mother present")
    qtbot.keyClick(window.detail.note_input, Qt.Key.Key_Return)
    (row,) = workspace.store.load_outbox()
    assert row.event.payload == {"text": "no weapons in the home, mother present"}
    assert not window.detail.words_box.isVisible()
