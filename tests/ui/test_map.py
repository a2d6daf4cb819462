"""The division map follows the store, and selection works both ways."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from umcr_console import geodata
from umcr_console.domain import events as ev
from umcr_console.domain.enums import EventType, TeamStatus
from umcr_console.ui.theme import STATUS_COLOURS


def marker_of(scatter, entity_id: str) -> tuple[float, float]:
    x, y = scatter.getData()
    ids = [p.data() for p in scatter.points()]
    i = ids.index(entity_id)
    return float(x[i]), float(y[i])


def brush_of(scatter, entity_id: str) -> str:
    point = next(p for p in scatter.points() if p.data() == entity_id)
    return point.brush().color().name()


def click_at(qtbot, map_widget, x: float, y: float) -> None:
    scene = map_widget.view_box.mapViewToScene(QPointF(x, y))
    pos = map_widget.plot.mapFromScene(scene)
    # pyqtgraph routes a click to the item the last hover found: move there first,
    # as a real mouse does.
    qtbot.mouseMove(map_widget.plot.viewport(), QPoint(pos.x(), pos.y()))
    qtbot.mouseClick(
        map_widget.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos.x(), pos.y())
    )


def test_markers_follow_the_store(qtbot, window, workspace, server_side) -> None:
    the_map = window.map
    teams = workspace.view.teams
    assert sorted(p.data() for p in the_map.team_scatter.points()) == sorted(teams)
    for team in teams.values():
        assert brush_of(the_map.team_scatter, team.id) == STATUS_COLOURS[team.status].name()
        station = geodata.station_of(team.division)
        assert marker_of(the_map.team_scatter, team.id)[0] == pytest.approx(
            the_map.projection.to_xy(station.lat, station.lon)[0], abs=1.5
        )
    # A call with coordinates in Wilshire; EX-2 sent and on scene moves there, in its colour.
    incident_id = server_side.create_incident("Wilshire & Western")
    lat, lon = 34.0617, -118.3090
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_UPDATED,
            incident_id,
            ev.IncidentUpdated(
                location={
                    "address": "Wilshire & Western",
                    "lat": lat,
                    "lon": lon,
                    "division": "Wilshire",
                }
            ),
            expected_version=workspace.view.incidents[incident_id].version,
        )
    )
    assert [p.data() for p in the_map.incident_scatter.points()] == [incident_id]
    ex2 = next(t for t in teams.values() if t.call_sign == "EX-2").id
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=ex2)
        )
    )
    assert brush_of(the_map.team_scatter, ex2) == STATUS_COLOURS[TeamStatus.DISPATCHED].name()
    server_side.accept(
        workspace.new_event(
            EventType.TEAM_STATUS_CHANGED, ex2, ev.StatusChanged(status=TeamStatus.ON_SCENE)
        )
    )
    assert np.allclose(marker_of(the_map.team_scatter, ex2), the_map.projection.to_xy(lat, lon))
    # Closing removes the incident marker; items are the same objects throughout.
    scatter_before = the_map.team_scatter
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_CLOSED, incident_id, ev.Closed(disposition="resolved_on_scene")
        )
    )
    assert list(the_map.incident_scatter.points()) == []
    assert the_map.team_scatter is scatter_before


def test_click_selection_both_ways_and_picking_a_location(
    qtbot, window, workspace, server_side
) -> None:
    window.map_dock.show()
    window.resize(1600, 950)
    qtbot.waitExposed(window)
    the_map = window.map
    team = next(t for t in workspace.view.teams.values() if t.call_sign == "AC-2")
    click_at(qtbot, the_map, *marker_of(the_map.team_scatter, team.id))
    assert window.selected_team().id == team.id
    # Selecting in the queue highlights the incident on the map.
    incident_id = server_side.create_incident("somewhere")
    lat, lon = 33.9400, -118.2500
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_UPDATED,
            incident_id,
            ev.IncidentUpdated(
                location={"address": "103rd St", "lat": lat, "lon": lon, "division": "Southeast"}
            ),
            expected_version=workspace.view.incidents[incident_id].version,
        )
    )
    window.select_incident(incident_id)
    hx, hy = the_map.highlight.getData()
    assert np.allclose((hx[0], hy[0]), the_map.projection.to_xy(lat, lon))
    # A click on the incident marker selects it in the queue. (Emitted as the
    # scatter does: a second synthetic click in one test does not get
    # pyqtgraph's hover tracking right offscreen.)
    window.queue_view.setCurrentIndex(window.queue_model.index(-1, 0))
    assert window.selected_incident_id() is None
    scatter = the_map.incident_scatter
    points = scatter.pointsAt(QPointF(*the_map.projection.to_xy(lat, lon)))
    scatter.sigClicked.emit(scatter, points, None)
    assert window.selected_incident_id() == incident_id
    # A click on empty map opens intake with that point and its division.
    x, y = the_map.projection.to_xy(34.2500, -118.5600)  # Devonshire, away from markers
    click_at(qtbot, the_map, x, y)
    intake = window._intake
    assert intake is not None and intake.isVisible()
    assert float(intake.lat.text()) == pytest.approx(34.25, abs=0.01)
    assert geodata.division_at(float(intake.lat.text()), float(intake.lon.text())) == "Devonshire"


def test_divisions_without_a_free_team_are_shaded(qtbot, window, workspace, server_side) -> None:
    assert window.map.uncovered == set()
    incident_id = server_side.create_incident("x", division="Southeast")
    ac2 = next(t for t in workspace.view.teams.values() if t.call_sign == "AC-2").id
    server_side.accept(
        workspace.new_event(
            EventType.INCIDENT_TEAM_ASSIGNED, incident_id, ev.TeamAssigned(team_id=ac2)
        )
    )
    assert window.map.uncovered == {"Southeast"}
    assert window.map._fills["Southeast"].brush().style() == Qt.BrushStyle.BDiagPattern
