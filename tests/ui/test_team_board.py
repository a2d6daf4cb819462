"""The team board: filters by provider and service area, and says where no team is free."""

from umcr_console.domain import events as ev
from umcr_console.domain.enums import EventType


def test_board_filters_and_coverage(qtbot, window, workspace, server_side) -> None:
    board = window.team_board
    assert "Every division has a free team" in board.coverage.text()
    incident_id = server_side.create_incident("103rd & Central", division="Southeast")
    ac2 = next(t for t in workspace.view.teams.values() if t.call_sign == "AC-2")
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=ac2.id)
        )
    )
    assert "NO free team for Southeast" in board.coverage.text()

    board.provider.setCurrentIndex(board.provider.findData("Alcott Center"))
    shown = [board.model.team_at(r).call_sign for r in board.tiles._visible_rows()]
    assert sorted(shown) == ["AC-1", "AC-2"]
    hidden = [
        board.model.team_at(r).call_sign
        for r in range(board.model.rowCount())
        if board.table.isRowHidden(r)
    ]
    assert "PL-1" in hidden and "AC-1" not in hidden
    board.provider.setCurrentIndex(0)
    board.area.setCurrentIndex(board.area.findData("Valley"))
    assert sorted(board.model.team_at(r).call_sign for r in board.tiles._visible_rows()) == [
        "PL-1",
        "PL-2",
    ]


def test_clicking_a_tile_selects_the_team(qtbot, window, workspace) -> None:
    window.teams_dock.resize(900, 300)
    board = window.team_board
    board.tiles.resize(900, 260)
    board.tiles.repaint()
    rect, team_id = board.tiles._rects[2]
    from PySide6.QtCore import QPoint, Qt

    qtbot.mouseClick(
        board.tiles,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(rect.center().x()), int(rect.center().y())),
    )
    assert window.selected_team().id == team_id
