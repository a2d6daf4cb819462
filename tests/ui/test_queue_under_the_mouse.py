"""Issue 18, items 2 and 6: the queue holds still under the pointer, and a filter
never hides calls silently (nor does a save change it)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from umcr_console.domain import events as ev
from umcr_console.domain.enums import Agency, EventType, IncidentState, Priority
from umcr_console.ui.queue_model import HOLD_CAP_S, MOVED_MARK_S, MOVED_ROLE


def row_centre(window, incident_id: str) -> QPoint:
    view = window.queue_view
    row = window.queue_model.row_of(incident_id)
    return view.visualRect(window.queue_model.index(row, 0)).center()


def number(workspace, incident_id: str) -> str:
    return workspace.view.incidents[incident_id].number


def raise_priority(server_side, workspace, incident_id: str) -> None:
    incident = workspace.view.incidents[incident_id]
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_UPDATED,
            incident_id,
            ev.IncidentUpdated(priority=Priority.URGENT),
            workstation_id="ws-other",
            occurred_at=server_side.clock(),
            expected_version=incident.version,
        )
    )


def test_a_click_lands_on_the_row_under_the_pointer(
    qtbot, window, workspace, server_side, clock
) -> None:
    calls = [server_side.create_incident(f"{n} Main St", minutes_ago=20 - n) for n in range(6)]
    clock.advance(seconds=MOVED_MARK_S)  # the marks of their arrival are gone
    window.tick()
    assert window.queue_model.index(0, 0).data(MOVED_ROLE) is None
    target = calls[4]
    viewport = window.queue_view.viewport()
    aim = row_centre(window, target)
    QTest.mouseMove(viewport, aim)
    assert window.queue_model.held
    # While the dispatcher aims: another console raises a call below to P1 (it
    # would jump to the top) and an older call arrives (it would go above).
    raise_priority(server_side, workspace, calls[5])
    newest = server_side.create_incident("9 Old St", minutes_ago=60)
    assert window.queue_view.indexAt(aim).row() == window.queue_model.row_of(target)
    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=aim)
    assert window.selected_incident_id() == target
    assert window.detail.incident_id == target
    # The changed row shows its new values in place at once, only its move waits.
    row = window.queue_model.row_of(calls[5])
    assert window.queue_model.index(row, 1).data() == "1"

    # The pointer leaves: the order catches up, the selection stays on its call,
    # and the rows that moved or arrived are marked.
    QTest.mouseMove(window.command, QPoint(5, 5))
    assert not window.queue_model.held
    model = window.queue_model
    assert model.row_of(calls[5]) < model.row_of(target)
    assert model.row_of(newest) < model.row_of(target)
    assert window.selected_incident_id() == target
    assert model.index(model.row_of(calls[5]), 0).data(MOVED_ROLE) == "up"
    assert model.index(model.row_of(newest), 0).data(MOVED_ROLE) == "new"
    assert model.index(model.row_of(newest), 0).data().startswith("+ ")
    assert model.index(model.row_of(target), 0).data(MOVED_ROLE) is None


def test_a_press_holds_the_order_until_release_and_a_resting_pointer_not_for_long(
    qtbot, window, workspace, server_side, clock
) -> None:
    calls = [server_side.create_incident(f"{n} Elm St", minutes_ago=10 - n) for n in range(4)]
    viewport = window.queue_view.viewport()
    aim = row_centre(window, calls[3])
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=aim)
    server_side.create_incident("1 Early St", minutes_ago=50)
    # Even past the cap, a row being pressed never moves.
    clock.advance(seconds=HOLD_CAP_S + 1)
    window.tick()
    assert (
        window.queue_view.indexAt(aim)
        .data(Qt.ItemDataRole.DisplayRole)
        .startswith(number(workspace, calls[3]))
    )
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=aim)
    assert window.selected_incident_id() == calls[3]

    # The pointer rests on the queue: what waits is applied once the cap is over.
    late = server_side.create_incident("2 Early St", minutes_ago=55)
    assert window.queue_model.row_of(late) is None
    assert window.queue_model.waiting == 2  # the call that came during the press too
    clock.advance(seconds=HOLD_CAP_S)
    window.tick()
    assert window.queue_model.row_of(late) == 0
    assert window.selected_incident_id() == calls[3]


def test_a_call_closed_elsewhere_leaves_the_held_queue_on_release(
    qtbot, window, workspace, server_side
) -> None:
    first, second = (server_side.create_incident(a, minutes_ago=m) for a, m in (("A", 9), ("B", 1)))
    aim = row_centre(window, second)
    QTest.mouseMove(window.queue_view.viewport(), aim)
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_REDIRECTED,
            first,
            ev.Redirected(agency=Agency.LAPD, reason="weapon seen"),
            workstation_id="ws-other",
            occurred_at=server_side.clock(),
        )
    )
    assert window.queue_view.indexAt(aim).row() == window.queue_model.row_of(second) == 1
    QTest.mouseMove(window.command, QPoint(5, 5))
    assert window.queue_model.row_of(first) is None
    assert window.queue_model.row_of(second) == 0


def test_saving_a_redirected_call_keeps_the_open_filter_and_says_it_is_hidden(
    qtbot, window, workspace
) -> None:
    assert window.state_filter.currentText() == "Open"
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Reseda Blvd & Devonshire St")
    intake.division.setCurrentIndex(intake.division.findData("Devonshire"))
    intake.weapons.setChecked(True)
    qtbot.keyClicks(intake.screen_reason, "gun in his waistband")
    assert intake.try_submit()
    (incident,) = workspace.view.incidents.values()
    assert incident.state == IncidentState.CLOSED  # redirected to LAPD
    assert window.state_filter.currentText() == "Open"
    assert window.queue_model.rowCount() == 0
    hidden = window.queue_hidden
    assert hidden.isVisible()
    assert hidden.label.text() == "1 closed call hidden by the filter (Open)"
    assert "hidden by the filter" in window.command_result.text()
    # Show all brings it back.
    qtbot.mouseClick(hidden.button, Qt.MouseButton.LeftButton)
    assert window.state_filter.currentText() == "All"
    assert window.queue_model.row_of(incident.id) == 0
    assert hidden.label.text() == "All calls shown"


def test_a_search_that_hides_open_calls_says_so(qtbot, window, server_side) -> None:
    server_side.create_incident("1200 W 7th St")
    server_side.create_incident("Olympic & Vermont")
    qtbot.keyClicks(window.search, "vermont")
    assert window.queue_model.rowCount() == 1
    text = window.queue_hidden.label.text()
    assert text == "1 open call hidden by the filter (Open, search 'vermont')"
    assert "bold" in window.queue_hidden.label.styleSheet()
