"""The expansion planner: teams needed per service area and shift, and their cost.

For supervisors and the city. Choose the divisions (the pilot, the funded
nine, citywide, or any set clicked on the small map), where the demand comes
from (the pilot's per-division rate as a scenario, or this console's own
incidents for a period), the shifts and the target; the window shows the
fewest teams per area and shift that meet it (``planning.model.solve``),
their yearly cost, and the mean response against the number of teams on
duty. The table exports as CSV. docs/planning.md explains the model.

Everything here is computed locally in a fraction of a second; nothing is
sent anywhere.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLocale, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.config import Deployment, ServiceArea
from ..domain.geography import Geography
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident
from ..planning import history, scenarios
from ..planning.model import (
    ONE_DAY,
    THREE_EIGHTS,
    TWO_TWELVES,
    AreaDemand,
    Plan,
    Shifts,
    Target,
    curve,
    solve,
)
from .i18n import tr
from .map_widget import AREA_COLOURS, add_divisions
from .theme import rows_follow_font

CUSTOM = "custom"
SCENARIO, HISTORY = "scenario", "history"
# Keys are marked English, shown through tr() and kept as the combo box's data.
SHIFT_CHOICES: dict[str, Shifts] = {
    QT_TR_NOOP("3 × 8 h (07, 15, 23)"): THREE_EIGHTS,
    QT_TR_NOOP("2 × 12 h (07, 19)"): TWO_TWELVES,
    QT_TR_NOOP("24 h"): ONE_DAY,
}
PERIODS: dict[str, timedelta | None] = {
    QT_TR_NOOP("Last 24 hours"): timedelta(hours=24),
    QT_TR_NOOP("Last 7 days"): timedelta(days=7),
    QT_TR_NOOP("Last 30 days"): timedelta(days=30),
    QT_TR_NOOP("All loaded"): None,
}
COLUMNS = (
    QT_TR_NOOP("Area"),
    QT_TR_NOOP("Divisions"),
    QT_TR_NOOP("Shift"),
    QT_TR_NOOP("Teams"),
    QT_TR_NOOP("Calls/day"),
    QT_TR_NOOP("Utilisation"),
    QT_TR_NOOP("P(wait)"),
    QT_TR_NOOP("Wait, min"),
    QT_TR_NOOP("Response, min"),
    QT_TR_NOOP("90% resp., min"),
    QT_TR_NOOP("Cost/year"),
    QT_TR_NOOP("Note"),
)
COL_DIVISIONS = COLUMNS.index("Divisions")
COL_TEAMS = COLUMNS.index("Teams")
COL_COST = COLUMNS.index("Cost/year")
WIDTHS = (70, 75, 105, 50, 75, 80, 65, 75, 105, 105, 80)


def _money(value: float) -> str:
    if value >= 1e6:
        return f"${value / 1e6:.1f}M"
    return f"${value:,.0f}"


def _pct(value: float, digits: int = 0) -> str:
    return "" if not math.isfinite(value) else f"{value * 100:.{digits}f} %"


def _num(value: float, digits: int = 1) -> str:
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return tr("unstable")
    return f"{value:.{digits}f}"


class DivisionPickerMap(QWidget):
    """The 21 LAPD divisions, chosen ones tinted by service area; a click toggles one."""

    toggled = Signal(str)

    def __init__(self, drawing: Geography, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drawing = drawing
        self.projection = drawing.projection
        self.plot = pg.PlotWidget(background="#0d1117")
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setMouseEnabled(False, False)
        self.view_box = self.plot.getViewBox()
        self.fills, _outlines = add_divisions(self.plot, drawing, self.projection)
        self.label_points: dict[str, tuple[float, float]] = {}
        for division in drawing.divisions:
            lat, lon = division.label_point()
            self.label_points[division.name] = self.projection.to_xy(lat, lon)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.view_box.autoRange(padding=0.02)

    def set_selection(self, area_of: dict[str, int]) -> None:
        """Tint each chosen division (name -> area index); the others stay dim."""
        for name, item in self.fills.items():
            if name in area_of:
                colour = QColor(AREA_COLOURS[area_of[name] % len(AREA_COLOURS)])
                colour.setAlpha(170)
                item.setBrush(QBrush(colour))
            else:
                item.setBrush(QBrush(QColor(255, 255, 255, 18)))

    def scene_pos_of(self, division: str) -> QPointF:
        """Where a division's label point is on the scene (for clicks in tests)."""
        x, y = self.label_points[division]
        return self.view_box.mapViewToScene(QPointF(x, y))

    def _clicked(self, event) -> None:  # pyqtgraph's MouseClickEvent
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.view_box.mapSceneToView(event.scenePos())
        lat, lon = self.projection.to_latlon(point.x(), point.y())
        name = self.drawing.division_at(lat, lon)
        if name is not None:
            self.toggled.emit(name)


class PlannerWindow(QMainWindow):
    """Teams per area and shift for a target, their cost, and the response curve."""

    planned = Signal(object)  # planning.model.Plan
    csv_saved = Signal(str)

    def __init__(
        self,
        *,
        clock: Callable[[], datetime],
        incidents: Callable[[], Iterable[Incident]] | None = None,
        deployment: Deployment | None = None,
        drawing: Geography | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Expansion planner"))
        self.setObjectName("PlannerWindow")
        self.clock = clock
        self.incidents = incidents
        self.deployment = deployment
        self.plan: Plan | None = None
        self.areas: tuple[AreaDemand, ...] = ()
        self.notes: list[str] = []
        self.selected: set[str] = set(scenarios.division_set("pilot").divisions)
        self.file_dialog: QFileDialog | None = None

        if drawing is None:
            from .. import geodata

            drawing = geodata.drawing_geography()
        self.map = DivisionPickerMap(drawing)
        self.map.setMinimumSize(280, 260)
        self.map.toggled.connect(self.toggle_division)

        self.division_set = QComboBox(objectName="planner_divisions")
        for choice in scenarios.division_sets():
            self.division_set.addItem(choice.title(), choice.key)
        self.division_set.addItem(tr("Custom (click the map)"), CUSTOM)
        self.demand_source = QComboBox(objectName="planner_demand")
        self.demand_source.addItem(tr("Scenario: pilot's calls per division"), SCENARIO)
        self.demand_source.addItem(tr("History: this console's calls"), HISTORY)
        self.demand_source.setEnabled(incidents is not None)
        self.period = QComboBox(objectName="planner_period")
        for period in PERIODS:
            self.period.addItem(tr(period), period)
        self.scale = QDoubleSpinBox(
            objectName="planner_scale", minimum=0.1, maximum=20.0, singleStep=0.25, value=1.0
        )
        self.scale.setSuffix(" ×")
        self.shifts = QComboBox(objectName="planner_shifts")
        for choice in SHIFT_CHOICES:
            self.shifts.addItem(tr(choice), choice)
        self.use_mean = QCheckBox(
            tr("Mean response ≤"), checked=True, objectName="planner_use_mean"
        )
        self.mean_target = QDoubleSpinBox(
            objectName="planner_mean", minimum=5, maximum=240, value=30, suffix=" min"
        )
        self.use_wait = QCheckBox(tr("Share of calls waiting ≤"), objectName="planner_use_wait")
        self.wait_target = QSpinBox(
            objectName="planner_wait", minimum=1, maximum=99, value=10, suffix=" %"
        )
        self.use_p90 = QCheckBox(tr("90% of responses ≤"), objectName="planner_use_p90")
        self.p90_target = QDoubleSpinBox(
            objectName="planner_p90", minimum=10, maximum=480, value=60, suffix=" min"
        )
        self.cost = QDoubleSpinBox(
            objectName="planner_cost",
            prefix="$",
            maximum=10_000,
            value=scenarios.DEFAULT_COST_PER_TEAM_HOUR,
            decimals=0,
        )
        self.cost.setToolTip(
            tr(
                "Per team on duty per hour, all costs in. Default: the pilot's contracts, "
                "$11.3M for six teams around the clock (see docs/planning.md)."
            )
        )
        self.export_button = QPushButton(tr("Export CSV…"), objectName="planner_export")
        self.export_button.clicked.connect(self.export_csv)
        self.status = QLabel(objectName="planner_status", wordWrap=True)
        self.summary = QLabel(objectName="planner_summary", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setStyleSheet("font-size: 13pt;")

        self.table = QTableWidget(0, len(COLUMNS), objectName="planner_table")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Fixed row heights: one line per area and shift.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows_follow_font(self.table)  # as tall as the text, at any text size

        self.chart_shift = QComboBox(objectName="planner_chart_shift")
        self.chart = pg.PlotWidget(objectName="planner_chart")
        self.chart.setLabel("bottom", tr("teams on duty in the area"))
        self.chart.setLabel("left", tr("mean response (min)"))
        self.chart.showGrid(x=True, y=True, alpha=0.25)
        self.chart.setMouseEnabled(False, False)
        self.chart.hideButtons()
        self.legend = self.chart.addLegend(offset=(-10, 10))
        self.target_line = pg.InfiniteLine(
            angle=0, pen=pg.mkPen("#ff7b72", width=2, style=Qt.PenStyle.DashLine)
        )
        self.chart.addItem(self.target_line)
        self.chosen_points = pg.ScatterPlotItem(
            size=16, symbol="o", pen=pg.mkPen("#ffffff", width=2)
        )
        self.chart.addItem(self.chosen_points)
        self.curves: list[pg.PlotDataItem] = []

        self._build_layout()
        self._recompute_timer = QTimer(self, singleShot=True, interval=0)
        self._recompute_timer.timeout.connect(self.recompute)
        self.division_set.currentIndexChanged.connect(self._division_set_chosen)
        for signal in (
            self.demand_source.currentIndexChanged,
            self.period.currentIndexChanged,
            self.scale.valueChanged,
            self.shifts.currentIndexChanged,
            self.use_mean.toggled,
            self.mean_target.valueChanged,
            self.use_wait.toggled,
            self.wait_target.valueChanged,
            self.use_p90.toggled,
            self.p90_target.valueChanged,
            self.cost.valueChanged,
        ):
            signal.connect(self.schedule)
        self.chart_shift.currentIndexChanged.connect(self._draw_chart)
        self.demand_source.currentIndexChanged.connect(self._source_chosen)
        self._source_chosen()
        self.resize(1500, 900)
        self.recompute()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow(tr("Divisions"), self.division_set)
        form.addRow(self.map)
        form.addRow(tr("Demand"), self.demand_source)
        form.addRow(tr("History period"), self.period)
        form.addRow(tr("Demand scale"), self.scale)
        form.addRow(tr("Shifts"), self.shifts)
        for check, spin in (
            (self.use_mean, self.mean_target),
            (self.use_wait, self.wait_target),
            (self.use_p90, self.p90_target),
        ):
            form.addRow(check, spin)
        form.addRow(tr("Cost per team-hour"), self.cost)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.status)
        controls = QWidget(objectName="planner_controls")
        controls.setLayout(form)
        controls.setMaximumWidth(380)

        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_row = QHBoxLayout()
        chart_row.addWidget(QLabel(tr("Chart for the shift")))
        chart_row.addWidget(self.chart_shift)
        chart_row.addStretch(1)
        chart_layout.addLayout(chart_row)
        chart_layout.addWidget(self.chart, 1)
        results = QSplitter(Qt.Orientation.Vertical)
        results.addWidget(self.table)
        results.addWidget(chart_box)
        results.setSizes([430, 330])
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(results, 1)
        body = QSplitter()
        body.addWidget(controls)
        body.addWidget(right)
        body.setStretchFactor(1, 1)
        body.setSizes([380, 1120])
        self.setCentralWidget(body)

    # ---- choices ----------------------------------------------------------------
    def schedule(self, *_args: object) -> None:
        """Recompute once the current burst of changes is over (one event-loop turn)."""
        self._recompute_timer.start()

    def _division_set_chosen(self, _index: int) -> None:
        key = self.division_set.currentData()
        if key != CUSTOM:
            self.selected = set(scenarios.division_set(key).divisions)
        self.schedule()

    def _source_chosen(self, *_args: object) -> None:
        self.period.setEnabled(self.demand_source.currentData() == HISTORY)

    def choose(self, key: str) -> None:
        """Select a division set by key (``pilot``, ``nine``, ``citywide``, ``custom``)."""
        self.division_set.setCurrentIndex(self.division_set.findData(key))

    def toggle_division(self, name: str) -> None:
        """A click on the map: the set becomes a custom one."""
        self.selected ^= {name}
        self.division_set.blockSignals(True)
        self.division_set.setCurrentIndex(self.division_set.findData(CUSTOM))
        self.division_set.blockSignals(False)
        self.schedule()

    def target(self) -> Target:
        return Target(
            mean_response_min=self.mean_target.value() if self.use_mean.isChecked() else None,
            p_wait_max=self.wait_target.value() / 100 if self.use_wait.isChecked() else None,
            p90_response_min=self.p90_target.value() if self.use_p90.isChecked() else None,
        )

    def shift_plan(self) -> Shifts:
        return SHIFT_CHOICES[self.shifts.currentData()]

    # ---- computing --------------------------------------------------------------
    def demand(self, areas: tuple[ServiceArea, ...]) -> tuple[AreaDemand, ...]:
        self.notes = []
        scale = self.scale.value()
        if self.demand_source.currentData() == HISTORY and self.incidents is not None:
            incidents = list(self.incidents())
            now = self.clock()
            span = PERIODS[self.period.currentData()]
            if span is None:
                start = min((i.received_at for i in incidents), default=now - timedelta(hours=24))
            else:
                start = now - span
            found = history.from_incidents(
                incidents, start, now, fallback=scenarios.CALIBRATED_SERVICE
            )
            service = found.service
            if self.deployment is not None and not found.from_fallback:
                teams: dict[str, int] = {}
                for team in self.deployment.teams:
                    area = self.deployment.service_area_of(team.division)
                    if area:
                        teams[area] = teams.get(area, 0) + 1
                service = found.own_division(self.deployment.service_areas, teams)
            self.notes.append(
                tr("History: {calls} calls needing a team in {days} days").format(
                    calls=found.calls, days=QLocale().toString(found.days, "f", 1)
                )
            )
            self.notes.extend(found.notes)
            rates = {d: tuple(r * scale for r in v) for d, v in found.rates.items()}
            return scenarios.demand(areas, rates, service)
        rates = scenarios.scenario_rates(
            self.selected, pilot_calls_per_day=scenarios.PILOT_CALLS_PER_DAY * scale
        )
        return scenarios.demand(areas, rates, scenarios.CALIBRATED_SERVICE)

    def recompute(self) -> None:
        self._recompute_timer.stop()
        if not self.selected:
            self.plan, self.areas = None, ()
            self.summary.setText(tr("Choose at least one division (a set, or click the map)."))
            self.table.setRowCount(0)
            self.map.set_selection({})
            self._draw_chart()
            return
        areas = scenarios.service_areas(self.selected)
        self.map.set_selection({d: i for i, a in enumerate(areas) for d in a.divisions})
        self.areas = self.demand(areas)
        shifts = self.shift_plan()
        self.plan = solve(self.areas, shifts, self.target(), cost_per_team_hour=self.cost.value())
        self.chart_shift.blockSignals(True)
        current = self.chart_shift.currentIndex()
        self.chart_shift.clear()
        self.chart_shift.addItems([shifts.label(s) for s in range(len(shifts))])
        busiest = max(
            range(len(shifts)),
            key=lambda s: sum(
                c.result.calls_per_week for c in self.plan.cells if c.result.shift == s
            ),
        )
        self.chart_shift.setCurrentIndex(current if 0 <= current < len(shifts) else busiest)
        self.chart_shift.blockSignals(False)
        self._fill_table()
        self._show_summary()
        self._draw_chart()
        self.planned.emit(self.plan)

    # ---- showing ----------------------------------------------------------------
    def table_rows(self) -> list[list[str]]:
        """The table as text, header first, a total last (also the CSV)."""
        rows = [list(COLUMNS)]
        if self.plan is None:
            return rows
        divisions = {a.name: a.divisions for a in self.areas}
        for cell in self.plan.cells:
            r = cell.result
            rows.append(
                [
                    r.area,
                    "; ".join(divisions[r.area]),
                    r.label,
                    str(r.teams),
                    _num(r.calls_per_week / 7),
                    _pct(r.utilisation),
                    _pct(r.p_wait, 1) if r.has_calls else "",
                    _num(r.mean_wait_min),
                    _num(r.mean_response_min),
                    _num(r.p90_response_min, 0),
                    f"{r.team_hours_per_year * self.plan.cost_per_team_hour:.0f}",
                    cell.note or ("" if cell.reachable else tr("target missed")),
                ]
            )
        totals = self.plan.totals
        rows.append(
            [
                tr("All areas"),
                "; ".join(sorted(self.selected)),
                tr("all shifts"),
                # Teams on duty on average over the day, all areas together.
                f"{self.plan.mean_teams_on_duty:.1f}",
                _num(totals.get("calls_per_week", 0.0) / 7),
                _pct(totals.get("utilisation", math.nan)),
                _pct(totals.get("p_wait", math.nan), 1),
                _num(totals.get("mean_wait_min", math.nan)),
                _num(totals.get("mean_response_min", math.nan)),
                "",
                f"{self.plan.cost_per_year:.0f}",
                "" if self.plan.reachable else tr("target out of reach somewhere"),
            ]
        )
        return rows

    def _fill_table(self) -> None:
        rows = self.table_rows()[1:]
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                tip = ""
                if j == COL_COST and text:
                    text = _money(float(text))
                elif j == COL_DIVISIONS:
                    # The names are in the tooltip and the CSV; the table stays one line high.
                    tip, text = text.replace("; ", "\n"), str(len(text.split("; ")))
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if j >= COL_TEAMS and j != len(COLUMNS) - 1:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if i == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(i, j, item)
        for j, width in enumerate(WIDTHS):
            self.table.setColumnWidth(j, width)

    def _show_summary(self) -> None:
        plan = self.plan
        assert plan is not None
        calls = plan.totals.get("calls_per_week", 0.0) / 7
        source = (
            tr("this console's incidents")
            if self.demand_source.currentData() == HISTORY
            else tr("the pilot's calls per division")
        )
        if self.scale.value() != 1.0:
            source += f" × {self.scale.value():g}"
        versus = plan.cost_per_year / scenarios.CITY_ESTIMATE_PER_YEAR
        reach = (
            ""
            if plan.reachable
            else " <b style='color:#ff7b72'>" + tr("Target out of reach in some shifts.") + "</b>"
        )
        self.summary.setText(
            tr(
                "<b>{divisions} divisions</b> in {areas} service areas · "
                "{calls} calls a day needing a team ({source}) · target: {target}"
            ).format(
                divisions=len(self.selected),
                areas=len(self.areas),
                calls=f"{calls:.0f}",
                source=source,
                target=plan.target.describe(),
            )
            + "<br>"
            + tr(
                "<b>{teams} teams on duty</b> on average ({hours} team-hours a year) · "
                "<b>{cost} a year</b> at {rate} per team-hour "
                "({share} of the city's $40M citywide estimate)."
            ).format(
                teams=f"{plan.mean_teams_on_duty:.1f}",
                hours=f"{plan.team_hours_per_year:,.0f}",
                cost=_money(plan.cost_per_year),
                rate=f"${plan.cost_per_team_hour:,.0f}",
                share=f"{versus:.0%}",
            )
            + reach
        )
        self.status.setText(" · ".join(self.notes))

    def _draw_chart(self, *_args: object) -> None:
        for item in self.curves:
            self.chart.removeItem(item)
        self.curves = []
        self.legend.clear()
        plan = self.plan
        target = plan.target.mean_response_min if plan else None
        self.target_line.setVisible(target is not None)
        if target is not None:
            self.target_line.setValue(target)
        if plan is None or self.chart_shift.currentIndex() < 0:
            self.chosen_points.setData(x=[], y=[])
            return
        shift = self.chart_shift.currentIndex()
        chosen_x, chosen_y, brushes = [], [], []
        top = max(c.result.teams for c in plan.cells) + 4
        for i, area in enumerate(self.areas):
            points = curve(area, plan.shifts, shift, range(1, top + 1), lag=plan.lag)
            xs = np.array([p.teams for p in points], dtype=float)
            ys = np.array([p.mean_response_min for p in points], dtype=float)
            ys[~np.isfinite(ys)] = np.nan  # unstable: no point
            colour = AREA_COLOURS[i % len(AREA_COLOURS)]
            line = pg.PlotDataItem(
                xs,
                ys,
                connect="finite",
                pen=pg.mkPen(colour, width=3),
                symbol="o",
                symbolSize=6,
                symbolBrush=colour,
                name=area.name,
            )
            self.chart.addItem(line)
            self.curves.append(line)
            chosen = plan.cell(area.name, shift).result
            if math.isfinite(chosen.mean_response_min):
                chosen_x.append(chosen.teams)
                chosen_y.append(chosen.mean_response_min)
                brushes.append(pg.mkBrush(colour))
        self.chosen_points.setData(x=chosen_x, y=chosen_y, brush=brushes)
        self.chart.setTitle(
            tr("Mean response vs teams on duty, {shift} (big dots: the plan)").format(
                shift=plan.shifts.label(shift)
            )
        )
        self.chart.setXRange(0.5, top + 0.5, padding=0)

    # ---- export -----------------------------------------------------------------
    def export_csv(self) -> None:
        """Ask where to save, without blocking the event loop."""
        dialog = QFileDialog(
            self, tr("Export the plan as CSV"), "umcr-plan.csv", tr("CSV files (*.csv)")
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.save_csv)
        self.file_dialog = dialog
        dialog.open()

    def save_csv(self, path: str) -> bool:
        try:
            with Path(path).open("w", newline="", encoding="utf-8") as handle:
                csv.writer(handle).writerows(self.table_rows())
        except OSError as exc:
            self.status.setText(
                tr("Could not save {path}: {error}. Choose another place.").format(
                    path=path, error=exc.strerror or exc
                )
            )
            return False
        self.status.setText(tr("Saved {path}").format(path=path))
        self.csv_saved.emit(path)
        return True
