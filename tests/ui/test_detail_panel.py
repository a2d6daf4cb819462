"""Issue 18, items 8 and 9: the incident panel with nothing selected, and its width."""

from __future__ import annotations

from PySide6.QtCore import Qt

from umcr_console.domain import events as ev
from umcr_console.domain.enums import Disposition, EventType


def assert_empty(detail) -> None:
    assert detail.incident_id is None
    assert detail.hint.isVisible() and detail.hint.text() == "Select a call in the queue"
    assert not detail.shown_page.isVisible()
    for button in (*detail.action_buttons.values(), detail.save_button, detail.revert_button):
        assert not button.isEnabled(), button.text()
    assert detail.address.text() == "" and detail.narrative.toPlainText() == ""
    assert detail.priority.currentIndex() == -1 and detail.call_type.currentIndex() == -1


def test_nothing_selected_shows_an_empty_disabled_panel_with_a_hint(qtbot, window) -> None:
    assert_empty(window.detail)


def test_the_panel_empties_when_the_selected_call_leaves_the_queue(
    qtbot, window, server_side
) -> None:
    incident_id = server_side.create_incident("1200 W 7th St")
    other = server_side.create_incident("Olympic & Vermont", minutes_ago=3)
    window.select_incident(incident_id)
    detail = window.detail
    assert detail.shown_page.isVisible() and detail.address.text() == "1200 W 7th St"
    assert detail.action_buttons["assign"].isEnabled()
    # A search hides it: the panel must not keep a form for a call no longer selected.
    qtbot.keyClicks(window.search, "vermont")
    assert window.selected_incident_id() is None
    assert_empty(detail)
    window.search.clear()
    # Closed from the panel: the Open queue drops it, and the panel does not jump
    # to whichever call took its row.
    window.select_incident(incident_id)
    window.submit(
        ev.make_event(
            EventType.INCIDENT_CLOSED,
            incident_id,
            ev.Closed(disposition=Disposition.RESOLVED_ON_SCENE),
            workstation_id="ws-test",
            occurred_at=server_side.clock(),
        )
    )
    assert window.selected_incident_id() is None
    assert detail.incident_id is None
    assert_empty(detail)
    assert window.queue_model.row_of(other) is not None


def test_the_panel_keeps_its_width_whatever_its_header_says(
    qtbot, window, workspace, server_side
) -> None:
    window.resize(1600, 950)
    qtbot.wait(50)
    short = server_side.create_incident("A St")
    window.select_incident(short)
    qtbot.wait(50)
    width, window_width = window.detail_dock.width(), window.width()
    long = server_side.create_incident("B St")
    incident = workspace.view.incidents[long]
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_UPDATED,
            long,
            ev.IncidentUpdated(
                call_type="substance_use", narrative="x" * 50, person="Long name " * 12
            ),
            workstation_id="ws-other",
            occurred_at=server_side.clock(),
            expected_version=incident.version,
        )
    )
    window.select_incident(long)
    window.detail.teams_label.setText(
        "Teams: " + ", ".join(f"TEAM-{n} (On scene)" for n in range(20))
    )
    window.detail.timers.setText("since received 01:23:45   " * 10)
    window.command_result.setText("Saved incident created, " + "and a long message " * 20)
    qtbot.wait(50)
    assert window.detail_dock.width() == width
    assert window.width() == window_width
    assert window.minimumSizeHint().width() <= window_width
    qtbot.mouseClick(window.detail.action_buttons["assign"], Qt.MouseButton.LeftButton)
