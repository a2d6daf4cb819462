"""Keyboard only: a call taken, dispatched and closed without the mouse (issue 23 item 4).

Against a real server process and the real sync engine (tests/ui/live.py), the
dispatcher's hands never leave the keyboard: every step is a key press sent
to the widget that has the focus (QTest.keyClick / keyClicks through qtbot),
no method of the console is called to act. Also: the map's division and team
choosers work from the keyboard.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.support.waiting import until
from tests.ui.live import LiveConsole
from umcr_console.domain.enums import Disposition, IncidentState, TeamStatus
from umcr_console.ui import accessibility

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def focused() -> QWidget:
    """Where a key press goes: the widget with the focus, else the active window."""
    widget = QApplication.focusWidget() or QApplication.activeWindow()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


@pytest.mark.slow
def test_intake_dispatch_and_close_by_keyboard_alone(live_server, tmp_path, qtbot, run) -> None:
    accessibility.install(QApplication.instance())

    async def scenario() -> None:
        console = LiveConsole("kb", live_server.url, "dispatcher1", tmp_path, qtbot)
        task = console.engine.start()
        window = console.window

        async def shortcut_dialog(key: Qt.Key) -> QWidget:
            """Back to the console, Ctrl+``key``: the dialog it opens, active."""
            window.activateWindow()
            await until(lambda: QApplication.activeWindow() is window, "the console active")
            qtbot.keyClick(focused(), key, CTRL)
            await until(lambda: QApplication.activeWindow() is not window, "the dialog active")
            return QApplication.activeWindow()

        try:
            await until(lambda: len(console.workspace.view.teams) == 6, "teams")
            window.activateWindow()
            await until(lambda: QApplication.activeWindow() is window, "the console active")

            # Ctrl+N: the intake form, the address first.
            qtbot.keyClick(focused(), Qt.Key.Key_N, CTRL)
            await until(lambda: window._intake is not None and window._intake.isVisible(), "intake")
            intake = window._intake
            await until(intake.isActiveWindow, "the intake active")
            assert focused() is intake.address
            qtbot.keyClicks(focused(), "1200 W 7th St")
            qtbot.keyClick(focused(), Qt.Key.Key_D, ALT)  # &Division
            assert focused() is intake.division
            qtbot.keyClicks(focused(), "Olympic")
            assert intake.division.currentText() == "Olympic"
            qtbot.keyClick(focused(), Qt.Key.Key_Return, CTRL)  # Save call (Ctrl+Enter)
            await until(lambda: len(console.workspace.view.incidents) == 1, "the call saved")
            (incident_id,) = console.workspace.view.incidents
            await until(lambda: not console.workspace.is_pending(incident_id), "the call confirmed")
            assert window.selected_incident_id() == incident_id

            # Ctrl+D: the assign dialog, the recommended team first; Enter assigns it.
            dialog = await shortcut_dialog(Qt.Key.Key_D)
            assert dialog.windowTitle().startswith("Assign a team to")
            chosen = dialog.list.currentItem().text()
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
            await until(
                lambda: (
                    console.workspace.view.incidents[incident_id].team_ids
                    and not console.workspace.is_pending(incident_id)
                ),
                "the team assigned and confirmed",
            )
            incident = console.workspace.view.incidents[incident_id]
            team = console.workspace.view.teams[incident.team_ids[0]]
            assert team.call_sign in chosen and team.status == TeamStatus.DISPATCHED

            # Ctrl+L: close; Down arrows choose the disposition, Enter confirms.
            dialog = await shortcut_dialog(Qt.Key.Key_L)
            assert dialog.windowTitle().startswith("Close")
            assert focused() is dialog.disposition
            wanted = dialog.disposition.findData(Disposition.RESOLVED_ON_SCENE)
            for _ in range(wanted - dialog.disposition.currentIndex()):
                qtbot.keyClick(focused(), Qt.Key.Key_Down)
            assert dialog.disposition.currentData() == Disposition.RESOLVED_ON_SCENE
            qtbot.keyClick(focused(), Qt.Key.Key_Tab)  # the note
            qtbot.keyClicks(focused(), "resolved on scene")
            qtbot.keyClick(focused(), Qt.Key.Key_Return)
            await until(
                lambda: (
                    console.workspace.view.incidents[incident_id].state == IncidentState.CLOSED
                    and not console.workspace.is_pending(incident_id)
                ),
                "the call closed and confirmed",
            )
            closed = console.workspace.view.incidents[incident_id]
            assert closed.disposition == Disposition.RESOLVED_ON_SCENE
        finally:
            await console.close()
            assert task.done()

    run(scenario())


def test_the_map_chooses_a_division_and_a_team_from_the_keyboard(window, qtbot) -> None:
    window.map_dock.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    chooser = window.map.keys
    qtbot.keyClick(focused(), Qt.Key.Key_S, ALT)
    assert focused() is chooser.divisions
    before = window.map.view_box.viewRange()
    qtbot.keyClicks(focused(), "Olympic")
    assert chooser.divisions.currentText() == "Olympic"
    assert window.map.view_box.viewRange() != before  # zoomed to Olympic

    qtbot.keyClick(focused(), Qt.Key.Key_M, ALT)  # Tea&m
    assert focused() is chooser.teams
    qtbot.keyClick(focused(), Qt.Key.Key_Down)
    team = window.selected_team()
    assert team is not None and chooser.teams.currentText().startswith(team.call_sign)
    assert team.status.label in chooser.teams.currentText()  # the status in words


@pytest.mark.slow
def test_the_team_tiles_choose_a_team_with_the_arrow_keys(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    tiles = window.team_board.tiles
    assert tiles.isVisible() and tiles.focusPolicy() & Qt.FocusPolicy.TabFocus
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F4)  # the team board
    assert QApplication.focusWidget() is tiles  # the tiles show: F4 reaches them
    qtbot.keyClick(tiles, Qt.Key.Key_Home)
    first = window.selected_team()
    assert first is not None and tiles.selected_team_id == first.id
    qtbot.keyClick(tiles, Qt.Key.Key_Right)
    second = window.selected_team()
    assert second is not None and second.id != first.id
    assert second.call_sign in accessibility.spoken_description(tiles)
    qtbot.keyClick(tiles, Qt.Key.Key_Left)
    assert window.selected_team().id == first.id
    # With the table shown instead, F4 reaches the table.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F4)
    window.team_board.toggle.click()  # (the Table toggle; F4 is what is tested)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F4)
    assert QApplication.focusWidget() is window.team_view
