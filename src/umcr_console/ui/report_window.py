"""The supervisor's report window: program figures for any period.

The figures come from the server's report endpoint, which computes them with
the one reports module (``domain.reports``) over the whole history, so this
window, the wall and any export agree. A long period shows progress while the
server works; the table and the CSV carry the same columns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.config import Deployment
from ..domain.marks import QT_TR_NOOP
from ..logsafe import brief
from ..protocol import ProgramReport, ReportFigures
from .i18n import tr
from .tasks import Tasks

log = logging.getLogger(__name__)

# fetch(start, end, cost_unarmed, cost_police, fmt) -> ProgramReport (json) or CSV text
ReportFetcher = Callable[[datetime, datetime, float, float, str], Awaitable[ProgramReport | str]]

PERIODS = (
    QT_TR_NOOP("Today"),
    QT_TR_NOOP("Last 7 days"),
    QT_TR_NOOP("This month"),
    QT_TR_NOOP("Last 30 days"),
    QT_TR_NOOP("This year"),
    QT_TR_NOOP("Last 365 days"),
    QT_TR_NOOP("Custom"),
)
COLUMNS = (
    QT_TR_NOOP("Group"),
    QT_TR_NOOP("Name"),
    QT_TR_NOOP("Calls"),
    QT_TR_NOOP("Handled"),
    QT_TR_NOOP("Redirected"),
    QT_TR_NOOP("Redirect %"),
    QT_TR_NOOP("Response mean"),
    QT_TR_NOOP("median"),
    QT_TR_NOOP("p90"),
    QT_TR_NOOP("On scene mean"),
    QT_TR_NOOP("Interventions"),
    QT_TR_NOOP("Cost avoided $"),
    QT_TR_NOOP("Follow-ups"),
    QT_TR_NOOP("done"),
)


def period_bounds(
    name: str, now: datetime, custom: tuple[QDate, QDate]
) -> tuple[datetime, datetime]:
    """[start, end) in UTC for a named period, in the local calendar."""
    local = now.astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if name == "Today":
        start = midnight
    elif name == "Last 7 days":
        start = local - timedelta(days=7)
    elif name == "This month":
        start = midnight.replace(day=1)
    elif name == "Last 30 days":
        start = local - timedelta(days=30)
    elif name == "This year":
        start = midnight.replace(month=1, day=1)
    elif name == "Last 365 days":
        start = local - timedelta(days=365)
    else:
        first, last = custom
        start = datetime(first.year(), first.month(), first.day()).astimezone()
        end = datetime(last.year(), last.month(), last.day()).astimezone() + timedelta(days=1)
        return start.astimezone(UTC), end.astimezone(UTC)
    return start.astimezone(UTC), now.astimezone(UTC)


def _minutes(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def figure_row(group: str, name: str, f: ReportFigures) -> list[str]:
    rate = "" if f.redirect_rate is None else f"{f.redirect_rate * 100:.1f}"
    return [
        group,
        name,
        str(f.calls),
        str(f.handled),
        str(f.redirected),
        rate,
        _minutes(f.response.mean_min),
        _minutes(f.response.median_min),
        _minutes(f.response.p90_min),
        _minutes(f.on_scene.mean_min),
        str(f.interventions),
        f"{f.cost_avoided:,.0f}",
        str(f.follow_ups_scheduled),
        str(f.follow_ups_done),
    ]


class ReportWindow(QMainWindow):
    report_shown = Signal(object)  # ProgramReport

    def __init__(
        self,
        deployment: Deployment,
        fetch: ReportFetcher,
        *,
        clock: Callable[[], datetime],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Program report"))
        self.setObjectName("ReportWindow")
        self.deployment = deployment
        self.fetch = fetch
        self.clock = clock
        self.report: ProgramReport | None = None
        self.tasks = Tasks(self)
        self._task: asyncio.Future[None] | None = None
        self._started = 0.0

        self.period = QComboBox(objectName="report_period")
        for period in PERIODS:
            self.period.addItem(tr(period), period)
        self.period.setCurrentIndex(self.period.findData("This month"))
        today = QDate.currentDate()
        self.first = QDateEdit(today.addDays(-30), calendarPopup=True)
        self.last = QDateEdit(today, calendarPopup=True)
        self.cost_unarmed = QDoubleSpinBox(
            prefix="$", maximum=1e6, value=deployment.costs.unarmed_per_intervention
        )
        self.cost_police = QDoubleSpinBox(
            prefix="$", maximum=1e6, value=deployment.costs.police_per_intervention
        )
        self.run_button = QPushButton(tr("Run report"), objectName="report_run")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton(tr("Export CSV…"), objectName="report_export")
        self.export_button.clicked.connect(self.export_csv)
        self.export_button.setEnabled(False)
        self.progress = QProgressBar(objectName="report_progress")
        self.progress.setRange(0, 0)  # the server does not report steps: busy indicator
        self.progress.hide()
        self.status = QLabel(objectName="report_status")
        self.summary = QLabel(objectName="report_summary", wordWrap=True)
        self.summary.setStyleSheet("font-size: 14pt;")

        self.table = QTableWidget(0, len(COLUMNS), objectName="report_table")
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.verticalHeader().setVisible(False)
        self.calls_plot = pg.PlotWidget(title=tr("Calls by division"))
        self.calls_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush="#3a86ff")
        self.calls_plot.addItem(self.calls_bars)
        self.response_plot = pg.PlotWidget(title=tr("Mean response by division (min)"))
        self.response_bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush="#2e9e44")
        self.response_plot.addItem(self.response_bars)
        self.response_plot.addItem(
            pg.InfiniteLine(
                pos=deployment.thresholds.response_target_min,
                angle=0,
                pen=pg.mkPen("#ff7b72", width=2),
            )
        )

        controls = QFormLayout()
        period_row = QHBoxLayout()
        for widget in (self.period, self.first, self.last):
            period_row.addWidget(widget)
        controls.addRow(tr("Period"), period_row)
        costs_row = QHBoxLayout()
        for text, spin, name in (
            (tr("unarmed"), self.cost_unarmed, tr("Cost per intervention, unarmed")),
            (tr("police"), self.cost_police, tr("Cost per intervention, police")),
        ):
            label = QLabel(text)
            label.setBuddy(spin)
            spin.setAccessibleName(name)  # "unarmed" alone says too little when read
            costs_row.addWidget(label)
            costs_row.addWidget(spin)
        controls.addRow(tr("Cost per intervention"), costs_row)
        buttons = QHBoxLayout()
        for widget in (self.run_button, self.export_button, self.progress, self.status):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        charts = QSplitter()
        charts.addWidget(self.calls_plot)
        charts.addWidget(self.response_plot)
        # self.body: the main window adds the frequent-locations list to it (issue 22).
        self.body = body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(self.table)
        body.addWidget(charts)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)
        self.resize(1200, 800)
        self.period.currentTextChanged.connect(self._period_changed)
        self._period_changed(self.period.currentText())
        self._elapsed = QTimer(self)
        self._elapsed.timeout.connect(self._show_elapsed)

    def _period_changed(self, name: str) -> None:
        custom = self.period.currentData() == "Custom"
        self.first.setVisible(custom)
        self.last.setVisible(custom)

    def bounds(self) -> tuple[datetime, datetime]:
        return period_bounds(
            self.period.currentData(), self.clock(), (self.first.date(), self.last.date())
        )

    # ---- running --------------------------------------------------------------
    def run(self) -> asyncio.Future[None]:
        """Ask the server for the report; the window stays usable meanwhile."""
        start, end = self.bounds()
        if end <= start:
            self.status.setText(tr("The period ends before it starts."))
            done: asyncio.Future[None] = asyncio.get_event_loop().create_future()
            done.set_result(None)
            return done
        if self._task is not None and not self._task.done():
            return self._task  # one report at a time (a double click runs it once)
        self._task = self.tasks.run(self._run(start, end), what=tr("The program report"))
        return self._task

    async def _run(self, start: datetime, end: datetime) -> None:
        # Busy inside the try: a task cancelled before it starts leaves nothing busy.
        try:
            self._busy(True)
            report = await self.fetch(
                start, end, self.cost_unarmed.value(), self.cost_police.value(), "json"
            )
        except Exception as exc:  # offline or refused: say so, keep the last report
            log.info("report failed: %s", brief(exc))
            self.status.setText(tr("Could not get the report: {error}").format(error=exc))
            return
        finally:
            self._busy(False)
        assert isinstance(report, ProgramReport)
        self.show_report(report)
        self.status.setText(
            tr("Done in {seconds} s (as of event {seq}).").format(
                seconds=QLocale().toString(time.monotonic() - self._started, "f", 1), seq=report.seq
            )
        )

    def _busy(self, busy: bool) -> None:
        self.run_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        if busy:
            self._started = time.monotonic()
            self._elapsed.start(250)
        else:
            self._elapsed.stop()

    def _show_elapsed(self) -> None:
        self.status.setText(
            tr("Computing… {seconds} s").format(
                seconds=QLocale().toString(time.monotonic() - self._started, "f", 1)
            )
        )

    def show_report(self, report: ProgramReport) -> None:
        self.report = report
        total = report.total
        rate = "–" if total.redirect_rate is None else f"{total.redirect_rate * 100:.1f}%"
        mean = _minutes(total.response.mean_min) or "–"
        self.summary.setText(
            tr(
                "{calls} calls, {handled} handled, "
                "{rate} redirected to police or fire · mean response {mean} min "
                "(target {target}) · "
                "{interventions} interventions: {unarmed} instead of "
                "{police}, {avoided} avoided · "
                "follow-ups {done} done of "
                "{scheduled} scheduled"
            ).format(
                calls=_bold(total.calls),
                handled=_bold(total.handled),
                rate=_bold(rate),
                mean=_bold(mean),
                target=f"{self.deployment.thresholds.response_target_min:.0f}",
                interventions=_bold(total.interventions),
                unarmed=f"${total.cost_unarmed:,.0f}",
                police=f"${total.cost_police:,.0f}",
                avoided=_bold(f"${total.cost_avoided:,.0f}"),
                done=_bold(total.follow_ups_done),
                scheduled=_bold(total.follow_ups_scheduled),
            )
        )
        rows = [figure_row(tr("total"), tr("all"), total)]
        for group, table in (
            (tr("division"), report.by_division),
            (tr("provider"), report.by_provider),
            (tr("call type"), report.by_call_type),
        ):
            rows.extend(figure_row(group, name, f) for name, f in table.items())
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        names = list(report.by_division)
        x = np.arange(len(names))
        self.calls_bars.setOpts(x=x, height=[report.by_division[n].calls for n in names])
        self.response_bars.setOpts(
            x=x, height=[report.by_division[n].response.mean_min or 0 for n in names]
        )
        ticks = [list(zip(x.tolist(), names, strict=True))]
        self.calls_plot.getAxis("bottom").setTicks(ticks)
        self.response_plot.getAxis("bottom").setTicks(ticks)
        self.export_button.setEnabled(True)
        self.report_shown.emit(report)

    # ---- export -----------------------------------------------------------------
    def export_csv(self) -> None:
        dialog = QFileDialog(
            self, tr("Export report as CSV"), "umcr-report.csv", tr("CSV files (*.csv)")
        )
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.fileSelected.connect(
            lambda path: self.tasks.run(self.save_csv(path), what=tr("The report's CSV export"))
        )
        dialog.open()
        self._export_dialog = dialog

    async def save_csv(self, path: str) -> None:
        """The server's CSV of the same period and costs (domain.reports.csv_rows)."""
        start, end = self.bounds()
        try:
            text = await self.fetch(
                start, end, self.cost_unarmed.value(), self.cost_police.value(), "csv"
            )
        except Exception as exc:
            self.status.setText(tr("Could not export: {error}").format(error=exc))
            return
        assert isinstance(text, str)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        self.status.setText(tr("Saved {path}").format(path=path))


def _bold(value: object) -> str:
    return f"<b>{value}</b>"
