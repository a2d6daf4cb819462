"""The expansion planner window: a scenario in, the table and the chart out, CSV written."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

from umcr_console.planning import scenarios
from umcr_console.planning.model import THREE_EIGHTS, Target, solve
from umcr_console.simulator.calibration import DEFAULT_START, calibrate
from umcr_console.simulator.places import division_places
from umcr_console.ui.planner import COL_TEAMS, COLUMNS, PlannerWindow


@pytest.fixture
def planner(qtbot, clock):
    win = PlannerWindow(clock=clock)
    qtbot.addWidget(win)
    win.show()
    return win


def table_text(win: PlannerWindow) -> list[list[str]]:
    t = win.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def test_citywide_scenario_gives_teams_cost_and_chart(qtbot, planner: PlannerWindow) -> None:
    with qtbot.waitSignal(planner.planned, timeout=5000) as blocker:
        planner.choose("citywide")
    plan = blocker.args[0]
    expected = solve(
        scenarios.pilot_rate_scenario(scenarios.all_divisions()),
        THREE_EIGHTS,
        Target(mean_response_min=30.0),
        cost_per_team_hour=scenarios.DEFAULT_COST_PER_TEAM_HOUR,
    )
    assert plan.teams() == expected.teams()
    rows = table_text(planner)
    assert len(rows) == 4 * 3 + 1  # four areas x three shifts, and the total
    assert [r[0] for r in rows[:-1:3]] == ["Valley", "West", "Central", "South"]
    assert [int(r[COL_TEAMS]) for r in rows[:3]] == list(expected.teams()["Valley"])
    assert (
        rows[-1][0] == "All areas" and rows[-1][COL_TEAMS] == f"{expected.mean_teams_on_duty:.1f}"
    )
    assert f"${expected.cost_per_year / 1e6:.1f}M a year" in planner.summary.text()
    assert "$40M" in planner.summary.text()
    # One response curve per area, falling with more teams, and the plan's points on them.
    assert [c.name() for c in planner.curves] == ["Valley", "West", "Central", "South"]
    _xs, ys = planner.curves[0].getData()
    finite = [y for y in ys if y == y]
    assert finite == sorted(finite, reverse=True) and len(finite) >= 4
    assert len(planner.chosen_points.data) == 4
    assert planner.target_line.value() == pytest.approx(30.0)


@pytest.mark.slow
def test_target_and_cost_change_the_plan(qtbot, planner: PlannerWindow) -> None:
    planner.choose("pilot")
    planner.recompute()
    before = planner.plan
    with qtbot.waitSignal(planner.planned, timeout=5000) as blocker:
        planner.use_wait.setChecked(True)
        planner.wait_target.setValue(2)
    stricter = blocker.args[0]
    assert sum(sum(v) for v in stricter.teams().values()) > sum(
        sum(v) for v in before.teams().values()
    )
    with qtbot.waitSignal(planner.planned, timeout=5000) as blocker:
        planner.cost.setValue(100)
    assert blocker.args[0].cost_per_year == pytest.approx(blocker.args[0].team_hours_per_year * 100)
    with qtbot.waitSignal(planner.planned, timeout=5000) as blocker:
        planner.use_wait.setChecked(False)
        planner.mean_target.setValue(10)  # below the drive alone
    assert not blocker.args[0].reachable
    assert "out of reach" in planner.summary.text()
    assert any("out of reach" in row[-1] for row in table_text(planner))


def test_clicking_the_map_makes_a_custom_set(qtbot, planner: PlannerWindow) -> None:
    planner.choose("pilot")
    planner.recompute()
    view = planner.map.plot.viewport()
    point = planner.map.plot.mapFromScene(planner.map.scene_pos_of("Harbor"))
    with qtbot.waitSignal(planner.planned, timeout=5000) as blocker:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    assert planner.division_set.currentData() == "custom"
    assert "Harbor" in planner.selected
    assert {c.result.area for c in blocker.args[0].cells} == {"Valley", "West", "South"}
    assert "Harbor" in planner.areas[-1].divisions
    # Clicking it again takes it out; outside the city nothing happens.
    with qtbot.waitSignal(planner.planned, timeout=5000):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=point)
    assert "Harbor" not in planner.selected
    planner.toggle_division("Southeast")
    planner.recompute()
    assert {a.name for a in planner.areas} == {"Valley", "West"}
    # The corner of the map is outside the city (mountains to the north-west).
    chosen = set(planner.selected)
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    qtbot.wait(20)
    assert planner.selected == chosen


def test_no_divisions_no_plan(planner: PlannerWindow) -> None:
    for name in list(planner.selected):
        planner.toggle_division(name)
    planner.recompute()
    assert planner.plan is None and planner.table.rowCount() == 0
    assert "Choose at least one division" in planner.summary.text()
    assert planner.table_rows() == [list(COLUMNS)]


def test_csv_export_through_a_non_blocking_dialog(qtbot, planner: PlannerWindow, tmp_path) -> None:
    planner.choose("nine")
    planner.recompute()
    planner.export_csv()  # returns at once: the dialog is open, the loop runs
    dialog = planner.file_dialog
    assert isinstance(dialog, QFileDialog) and dialog.isVisible()
    path = tmp_path / "plan.csv"
    with qtbot.waitSignal(planner.csv_saved, timeout=5000):
        dialog.selectFile(str(path))
        dialog.accept()
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows == planner.table_rows()
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + 3 * 3 + 1
    assert "Topanga" in rows[1][1] or "Topanga" in rows[2][1] or "Topanga" in rows[-1][1]
    assert float(rows[-1][COLUMNS.index("Cost/year")]) == pytest.approx(planner.plan.cost_per_year)
    assert not planner.save_csv(str(tmp_path / "missing" / "plan.csv"))
    assert "Could not save" in planner.status.text()


def test_history_from_the_consoles_incidents(qtbot, clock) -> None:
    """Incidents of a simulated pilot fortnight, as the console's view would hold them."""
    month = calibrate(division_places(), days=14, seed=5)
    clock.now = DEFAULT_START + timedelta(days=14)
    win = PlannerWindow(clock=clock, incidents=lambda: month.incidents)
    qtbot.addWidget(win)
    assert not win.period.isEnabled()  # a scenario has no period
    win.demand_source.setCurrentIndex(win.demand_source.findData("history"))
    assert win.period.isEnabled()
    win.period.setCurrentText("Last 7 days")
    win.recompute()
    assert win.plan is not None
    calls_per_day = win.plan.totals["calls_per_week"] / 7
    assert calls_per_day == pytest.approx(18 * scenarios.TEAM_SHARE, rel=0.25)
    assert "History:" in win.status.text() and "pooled" in win.status.text()
    assert "this console's incidents" in win.summary.text()


def test_main_window_opens_the_planner(qtbot, window, server_side) -> None:
    server_side.create_incident("1200 W 7th St", minutes_ago=30)
    action = next(
        a
        for menu in window.menuBar().actions()
        if menu.menu() is not None
        for a in menu.menu().actions()
        if a.text().replace("&", "") == "Expansion planner…"
    )
    action.trigger()
    planner = window.planner_window
    qtbot.waitUntil(planner.isVisible)
    assert planner.plan is not None
    assert list(planner.incidents()) == list(window.workspace.view.incidents.values())
    planner.close()
