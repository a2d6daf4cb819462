"""Issue 18, items 9, 10 and 11: layout found on a real display (assign dialog,
map labels, the recommended redirect, the wall, the first start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import show_wall
from umcr_console.domain import events as ev
from umcr_console.domain.enums import Agency, CallType, EventType, Priority, Source
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Location
from umcr_console.ui.map_widget import DivisionMapWidget
from umcr_console.ui.queue_model import COL_TYPE


def assert_labels_fit(map_widget: DivisionMapWidget, at_least: int = 10) -> None:
    area = map_widget.view_box.sceneBoundingRect()
    labels = map_widget.visible_labels()
    rects = [map_widget.label_rect(label) for label in labels]
    names = [label.textItem.toPlainText() for label in labels]
    assert len(labels) >= at_least, names
    for name, rect in zip(names, rects, strict=True):
        assert area.contains(rect), f"{name} is cut at the edge"
    for i, a in enumerate(rects):
        for j in range(i + 1, len(rects)):
            assert not a.intersects(rects[j]), f"{names[i]} overlaps {names[j]}"


def create(server_side, address: str, call_type: CallType, division: str, minutes_ago=0) -> str:
    incident_id = uuid7()
    server_side.accept(
        ev.make_event(
            EventType.INCIDENT_CREATED,
            incident_id,
            ev.IncidentCreated(
                received_at=server_side.clock() - timedelta(minutes=minutes_ago),
                source=Source.LAPD_911,
                call_type=call_type,
                priority=Priority.HIGH,
                location=Location(address=address, division=division),
                language="Spanish",
            ),
            workstation_id="ws-other",
            occurred_at=server_side.clock(),
        )
    )
    return incident_id


# ---- item 9 ------------------------------------------------------------------


def test_map_labels_neither_overlap_nor_are_cut_at_the_edge(qtbot, window) -> None:
    window.map_dock.setFloating(True)
    window.map_dock.resize(440, 640)
    window.map.fit_served_area()
    qtbot.wait(100)
    assert_labels_fit(window.map)
    # Zoomed in on downtown, where the divisions are small, and after a resize.
    window.map.view_box.scaleBy((0.5, 0.5))
    window.map_dock.resize(300, 400)
    qtbot.wait(100)
    assert_labels_fit(window.map, at_least=5)


def test_the_assign_dialog_shows_every_reason_whole(qtbot, window, workspace, server_side) -> None:
    incident_id = create(server_side, "Wilshire & Western", CallType.MENTAL_HEALTH, "Wilshire")
    window.select_incident(incident_id)
    window.open_action("assign")
    (dialog,) = window._open_dialogs
    qtbot.wait(50)
    teams = dialog.list
    assert teams.count() >= 4
    width = teams.viewport().width()
    metrics = teams.fontMetrics()
    for row in range(teams.count()):
        for line in teams.item(row).text().splitlines():
            assert metrics.horizontalAdvance(line) < width, line
    assert dialog.width() <= dialog.screen().availableGeometry().width()
    dialog.reject()


def test_following_the_recommended_redirect_needs_no_typed_reason(qtbot, window, workspace) -> None:
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Wilshire Blvd & La Brea Ave")
    # A division of the pilot: a call that cannot be placed is refused (item 4).
    intake.division.setCurrentIndex(intake.division.findData("Wilshire"))
    intake.weapons.setChecked(True)
    intake.violence.setChecked(True)
    assert intake.screen_choice.currentData() == Agency.LAPD  # the recommendation
    assert intake.try_submit(), intake.errors()
    (incident,) = workspace.view.incidents.values()
    redirect = workspace.timeline(incident.id)[-1]
    assert redirect.type == EventType.INCIDENT_REDIRECTED
    assert redirect.payload["reason"] == "Safety screen: weapons, violence in progress"
    # Not following it (the other agency, or keeping the call) still needs a reason.
    window.new_call()
    intake = window._intake
    qtbot.keyClicks(intake.address, "Crenshaw & Adams")
    intake.weapons.setChecked(True)
    intake.screen_choice.setCurrentIndex(intake.screen_choice.findData(Agency.LAFD))
    assert not intake.try_submit()
    assert "reason" in intake.errors()["screen"]
    intake.discard()


# ---- item 10 -----------------------------------------------------------------


@pytest.fixture
def wall(qtbot, workspace, deployment, clock):
    wall = show_wall(qtbot, workspace, deployment, clock)
    qtbot.wait(100)
    return wall


def test_the_wall_keeps_the_team_board_and_the_queue_in_sight_on_every_page(qtbot, wall) -> None:
    seen = set()
    for _page in range(wall.pages.count()):
        assert wall.tiles.isVisible() and wall.pending_view.isVisible()
        seen.add(wall.pages.currentWidget().objectName())
        wall.next_page()
    assert seen == {"DivisionMap", "wall_charts"}
    # The supervisor pins the charts: the rotation leaves them up until unpinned.
    wall.next_page()
    assert wall.pages.currentWidget().objectName() == "wall_charts"
    qtbot.keyClick(wall, Qt.Key.Key_P)
    assert wall.pinned and "pinned" in wall.pin_label.text()
    wall.rotator.timeout.emit()
    assert wall.pages.currentWidget().objectName() == "wall_charts"
    qtbot.keyClick(wall, Qt.Key.Key_P)
    wall.rotator.timeout.emit()
    assert wall.pages.currentWidget().objectName() == "DivisionMap"


def test_wall_labels_are_large_enough_for_a_room(qtbot, wall) -> None:
    minimum = 24
    assert wall.map_widget.label_font.pixelSize() >= minimum
    assert all(
        label.textItem.font().pixelSize() >= minimum
        for label in wall.map_widget.division_labels.values()
    )
    for plot in (wall.hourly_plot, wall.response_plot):
        for name in ("bottom", "left"):
            axis = plot.getAxis(name)
            assert axis.style["tickFont"].pixelSize() >= minimum
        assert plot.getAxis("bottom").label.font().pixelSize() >= minimum
    assert wall.target_line.label.textItem.font().pixelSize() >= minimum
    assert wall.pending_view.font().pixelSize() >= minimum
    assert wall.pending_view.horizontalHeader().font().pixelSize() >= minimum
    assert_labels_fit(wall.map_widget)


def test_wall_call_types_are_whole(qtbot, wall, server_side) -> None:
    for n, call_type in enumerate(CallType):
        create(server_side, f"{n} Main St", call_type, "West Los Angeles", minutes_ago=n)
    qtbot.wait(100)
    view = wall.pending_view
    assert wall.queue_model.rowCount() == len(CallType)
    metrics = view.fontMetrics()
    room = view.columnWidth(COL_TYPE)
    for row in range(wall.queue_model.rowCount()):
        text = wall.queue_model.index(row, COL_TYPE).data()
        assert metrics.horizontalAdvance(text) + 12 <= room, text


# ---- item 11 -----------------------------------------------------------------


CHILD = textwrap.dedent(
    """
    import json, sys
    from datetime import UTC, datetime
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from umcr_console.config import load_deployment
    from umcr_console.store.db import LocalStore
    from umcr_console.store.workspace import Workspace
    from umcr_console.ui.main_window import MainWindow

    app = QApplication([])
    folder = Path(sys.argv[1])
    store = LocalStore(folder / "local.sqlite3")
    workspace = Workspace(store, actor="d1", workstation_id="ws-1")
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    out = []
    for start in range(2):
        window = MainWindow(workspace, load_deployment("pilot"), settings=settings,
                            username="d1", clock=lambda: datetime.now(UTC))
        window.ticker.stop()
        window.show()
        for _ in range(20):
            app.processEvents()
        g = window.geometry()
        out.append({"maximized": window.isMaximized(), "screen": window.screen().name(),
                    "geometry": [g.x(), g.y(), g.width(), g.height()]})
        if start == 0:
            window.showNormal()
            window.setGeometry(1500, 100, 1400, 900)
            for _ in range(20):
                app.processEvents()
        window.close()
    store.close()
    print(json.dumps(out))
    """
)
SCREENS = {
    "screens": [
        {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768},
        {"name": "wall", "x": 1366, "y": 0, "width": 3840, "height": 2160},
    ]
}


@pytest.mark.slow
def test_first_start_is_maximised_on_the_largest_screen_then_restored(tmp_path) -> None:
    """A laptop (primary) and a wall monitor: the first start fills the wall
    monitor; the next start comes back where the dispatcher left the window."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    first, second = json.loads(result.stdout.strip().splitlines()[-1])
    assert first["maximized"] and first["screen"] == "wall"
    assert first["geometry"][2] >= 3800 and first["geometry"][3] >= 2000
    assert not second["maximized"] and second["screen"] == "wall"
    assert second["geometry"] == [1500, 100, 1400, 900]
