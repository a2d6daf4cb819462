"""The supervisor wall display: large, read-only, no personal data.

Logged in with the ``wall`` role, for which the server strips personal data
before anything leaves it; this window shows only numbers, divisions, call
types, teams and ages anyway. The team board and the pending queue are always
on screen (right half); the left half rotates between the map and the charts
(or not), and the supervisor can pin one with P. A red banner
says "stale since hh:mm" as soon as the data stops being live, and everything
updates in place so it can run for days. Text is at least ``WALL_MIN_PX``
pixels high, to be read across a room.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.alerts import escalations, help_alerts
from ..domain.config import Deployment
from ..domain.enums import IncidentState, TeamStatus
from ..domain.marks import QT_TR_NOOP
from ..domain.reports import figures, in_period, response_minutes
from ..store.workspace import Workspace
from ..sync.engine import SyncEngine, SyncStatus
from .bridge import WorkspaceBridge
from .i18n import tr
from .queue_model import (
    COL_AGE,
    COL_DIVISION,
    COL_NUMBER,
    COL_PRIORITY,
    COL_TYPE,
    HEADERS,
    IncidentQueueModel,
    QueueFilter,
)
from .tasks import Tasks
from .team_model import TeamTableModel
from .team_tiles import TeamTilesWidget
from .theme import current_theme, font_scale, plot_style, rows_follow_font, scaled_px

STALE_AFTER_S = 12.0  # a little more than two keep-alive intervals
WALL_MIN_PX = 24  # the smallest text on the wall (labels, ticks, table)
WALL_COLUMNS = (COL_NUMBER, COL_PRIORITY, COL_TYPE, COL_DIVISION, COL_AGE)


def _pixels_font(pixels: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(scaled_px(pixels))
    font.setBold(bold)
    return font


def _big(widget: QWidget, pixels: int, bold: bool = False) -> None:
    """``widget``'s text ``pixels`` high at 1x; kept so that a change of the text
    size re-applies it (``WallWindow.rescale_text``)."""
    widget.setProperty("umcr_wall_px", (pixels, bold))
    font = QFont(widget.font())
    font.setPixelSize(scaled_px(pixels))
    font.setBold(bold)
    widget.setFont(font)


class FigureTile(QLabel):
    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._shown: tuple[str, str, bool] = ("–", "", False)
        self.restyle()

    def restyle(self) -> None:
        """The tile again in the theme's colours and at the text size chosen now."""
        style = plot_style()
        frame = "border: 2px solid #ffffff;" if current_theme() == "high-contrast" else ""
        self.setStyleSheet(
            f"background: {style['tile']}; border-radius: 8px; padding: 6px; {frame}"
        )
        self.set_value(*self._shown)

    def set_value(self, value: str, note: str = "", alarm: bool = False) -> None:
        self._shown = (value, note, alarm)
        style = plot_style()
        colour = style["target"] if alarm else style["title"]
        self.setText(
            f"<div style='font-size:{scaled_px(22)}px;color:{style['muted']}'>{self.title}</div>"
            f"<div style='font-size:{scaled_px(64)}px;font-weight:bold;color:{colour}'>"
            f"{value}</div>"
            f"<div style='font-size:{scaled_px(20)}px;color:{style['muted']}'>{note}</div>"
        )


class WallWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        workspace: Workspace,
        deployment: Deployment,
        *,
        clock: Callable[[], datetime],
        map_widget: QWidget | None = None,
        rotate_seconds: float = 0,
    ) -> None:
        super().__init__()
        self.setWindowTitle(tr("UMCR wall — {name}").format(name=deployment.name))
        self.setObjectName("WallWindow")
        self.workspace = workspace
        self.deployment = deployment
        self.clock = clock
        # This month's redirect rate from the server's report (set_month_figures);
        # until it arrives, the last 24 h the console holds.
        self.month_redirect_rate: float | None = None
        self._last_live: datetime | None = None
        self._live = False
        self.bridge = WorkspaceBridge(workspace, self)
        self.bridge.sync_status_changed.connect(self.show_sync_status)
        # The wall's background work (this month's figures); no notices here:
        # a failure goes to the crash handler (ui/tasks.py).
        self.tasks = Tasks(self)

        self.queue_model = IncidentQueueModel(deployment.thresholds, clock, self)
        self.queue_model.set_filter(QueueFilter(states=frozenset({IncidentState.PENDING})))
        self.team_model = TeamTableModel(deployment.thresholds, clock, parent=self)

        self.banner = QLabel(objectName="stale_banner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setStyleSheet("background: #a31515; color: white; padding: 8px;")
        _big(self.banner, 36, bold=True)
        self.banner.hide()
        # Overdue team alerts nobody acknowledged: for the supervisors in the room.
        self.escalation_banner = QLabel(objectName="wall_escalations", wordWrap=True)
        self.escalation_banner.setStyleSheet("background: #d29922; color: black; padding: 8px;")
        _big(self.escalation_banner, 30, bold=True)
        self.escalation_banner.hide()
        # A field team's "help now" (issue 24): the room sees the team, its
        # division and its call, never the worker's position (privacy.redact_team).
        self.help_banner = QLabel(objectName="wall_help", wordWrap=True)
        self.help_banner.setStyleSheet("background: #ff4040; color: white; padding: 8px;")
        _big(self.help_banner, 34, bold=True)
        self.help_banner.hide()
        self.clock_label = QLabel(objectName="wall_clock")
        _big(self.clock_label, 28, bold=True)

        self.tiles = TeamTilesWidget(self.team_model, min_tile_width=260)
        self.pending_view = QTableView(objectName="wall_pending")
        self.pending_view.setModel(self.queue_model)
        for column in range(len(HEADERS)):
            self.pending_view.setColumnHidden(column, column not in WALL_COLUMNS)
        _big(self.pending_view, 26)
        self.pending_view.verticalHeader().setVisible(False)
        header = self.pending_view.horizontalHeader()
        _big(header, WALL_MIN_PX, bold=True)
        # Every column as wide as its longest text; the call type takes the rest
        # and wraps onto a second line when that is too narrow (at 1.5x text a
        # long call type would be cut): the room reads it whole. Rows are as
        # tall as their text (a pending queue is short: measuring it is cheap).
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_TYPE, QHeaderView.ResizeMode.Stretch)
        self.pending_view.setWordWrap(True)
        rows_follow_font(self.pending_view)
        self.pending_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.pending_view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.pending_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.figures = {
            name: FigureTile(title)
            for name, title in (
                ("calls_today", tr("Calls today")),
                ("pending", tr("Pending now")),
                ("response", tr("Response today (mean / median)")),
                ("redirected", tr("Redirected to police, this month")),
                ("free", tr("Teams free now")),
            )
        }
        figure_row = QGridLayout()
        for column, tile in enumerate(self.figures.values()):
            figure_row.addWidget(tile, 0, column)

        pg.setConfigOptions(antialias=True)
        self.hourly_plot = pg.PlotWidget()
        self.hourly_bars = pg.BarGraphItem(x=np.arange(24), height=np.zeros(24), width=0.8)
        self.hourly_plot.addItem(self.hourly_bars)
        self.response_plot = pg.PlotWidget()
        self.response_bars = pg.BarGraphItem(
            x=np.arange(0, 90, 5) + 2.5, height=np.zeros(18), width=4.5
        )
        self.response_plot.addItem(self.response_bars)
        self.target_line = pg.InfiniteLine(
            pos=deployment.thresholds.response_target_min,
            angle=90,
            label=tr("target"),
            labelOpts={"position": 0.9},
        )
        self.response_plot.addItem(self.target_line)
        for plot in (self.hourly_plot, self.response_plot):
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.setLimits(yMin=0)
        self.style_charts()

        # Left: the map and the charts take turns. Right: the team board and the
        # pending queue, always there (a rotating page never hides them).
        self.pages = QStackedWidget(objectName="wall_pages")
        self.map_widget = map_widget
        if map_widget is not None:
            self.pages.addWidget(map_widget)
        charts = QWidget(objectName="wall_charts")
        charts_layout = QVBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.addWidget(self.hourly_plot)
        charts_layout.addWidget(self.response_plot)
        self.pages.addWidget(charts)
        self.pinned = False
        self.pin_label = QLabel(objectName="wall_pin")
        _big(self.pin_label, WALL_MIN_PX)
        body = QGridLayout()
        body.addWidget(self.pages, 0, 0, 2, 1)
        body.addWidget(self.tiles, 0, 1)
        body.addWidget(self.pending_view, 1, 1)
        # The right half gets more: the queue's call types must fit whole.
        body.setColumnStretch(0, 2)
        body.setColumnStretch(1, 3)
        body.setRowStretch(0, 1)  # tiles scale their text with their size: half each
        body.setRowStretch(1, 1)

        central = QWidget()
        layout = QVBoxLayout(central)
        header = QGridLayout()
        title = QLabel(deployment.name)
        _big(title, 28, bold=True)
        header.addWidget(title, 0, 0)
        header.addWidget(self.pin_label, 0, 1, Qt.AlignmentFlag.AlignCenter)
        header.addWidget(self.clock_label, 0, 2, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.banner)
        layout.addWidget(self.help_banner)
        layout.addWidget(self.escalation_banner)
        layout.addLayout(header)
        layout.addLayout(figure_row)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self._styled_for = (current_theme(), font_scale())
        self.restyle()

        self.bridge.incidents_changed.connect(lambda _ids: self.reload())
        self.bridge.teams_changed.connect(lambda _ids: self.reload())
        self.bridge.reloaded.connect(lambda _seq: self.reload())
        self.reload()

        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.rotator = QTimer(self)
        self.rotator.timeout.connect(self.next_page)
        if rotate_seconds > 0:
            self.rotator.start(int(rotate_seconds * 1000))
        self._show_pin()

    # ---- theme and text size ---------------------------------------------------
    def style_charts(self) -> None:
        """The charts in the theme's colours, their text at the text size chosen now."""
        style = plot_style()
        tick_font = _pixels_font(WALL_MIN_PX)
        axis_style = {"color": style["text"]}
        self.hourly_bars.setOpts(brush=style["hourly"], pen=pg.mkPen(style["background"]))
        self.response_bars.setOpts(brush=style["response"], pen=pg.mkPen(style["background"]))
        self.target_line.setPen(pg.mkPen(style["target"], width=3))
        self.target_line.label.setColor(style["target"])
        self.target_line.label.setFont(_pixels_font(WALL_MIN_PX, bold=True))
        self.hourly_plot.setLabel("bottom", tr("hour of day (right: this hour)"), **axis_style)
        self.response_plot.setLabel("bottom", tr("minutes, received to on scene"), **axis_style)
        for plot, title in (
            (self.hourly_plot, tr("Calls per hour, last 24 h")),
            (self.response_plot, tr("Response time today")),
        ):
            plot.setBackground(style["background"])
            plot.setTitle(title, size=f"{scaled_px(WALL_MIN_PX + 6)}px", color=style["title"])
            for axis in ("bottom", "left"):
                plot.getAxis(axis).setStyle(tickFont=tick_font, tickTextOffset=8)
                plot.getAxis(axis).setTextPen(style["text"])
                plot.getAxis(axis).setPen(style["text"])
            plot.getAxis("left").setWidth(scaled_px(WALL_MIN_PX) * 3)
            plot.getAxis("bottom").label.setFont(tick_font)

    def restyle(self) -> None:
        """Backgrounds, figure tiles and charts in the theme's colours (high contrast
        applies at once, as on the console)."""
        style = plot_style()
        self.setStyleSheet(f"QMainWindow {{ background: {style['background']}; }}")
        self.pin_label.setStyleSheet(f"color: {style['muted']};")
        for tile in self.figures.values():
            tile.restyle()
        self.style_charts()

    def rescale_text(self) -> None:
        """Every text of the wall at the text size chosen now (View > Text size):
        no restart; the layouts follow (rows and columns measure their text)."""
        self._styled_for = (current_theme(), font_scale())
        for widget in [self, *self.findChildren(QWidget)]:
            sized = widget.property("umcr_wall_px")
            if sized is not None:
                pixels, bold = sized
                _big(widget, int(pixels), bool(bold))
        self.restyle()

    def showEvent(self, event) -> None:
        # Qt's style-sheet style (the high-contrast theme has one) gives a table
        # header the application's font when it first polishes it, after our
        # sizes were set: set them again once everything is polished.
        super().showEvent(event)
        self.rescale_text()

    def changeEvent(self, event: QEvent) -> None:
        styled_for = getattr(self, "_styled_for", None)  # None while being built
        if (
            event.type()
            in (
                QEvent.Type.FontChange,
                QEvent.Type.ApplicationFontChange,
                QEvent.Type.PaletteChange,
                QEvent.Type.ApplicationPaletteChange,
            )
            and styled_for is not None
            and styled_for != (current_theme(), font_scale())
        ):
            # Once, after the application has told every widget.
            self._styled_for = None
            QTimer.singleShot(0, self, self.rescale_text)
        super().changeEvent(event)

    # ---- data ---------------------------------------------------------------
    def reload(self) -> None:
        view = self.workspace.view
        self.queue_model.reset(view.incidents.values(), view.teams.values(), set())
        self.team_model.reset(view.teams.values(), view.incidents.values(), set())
        self.update_escalations()
        self.update_figures()

    def update_escalations(self) -> None:
        self.update_help()
        found = escalations(self.workspace.view.teams.values())
        if not found:
            self.escalation_banner.hide()
            return
        self.escalation_banner.setText(
            tr("ESCALATED TO SUPERVISORS — ")
            + "  ·  ".join(e.text.split(": ", 1)[1] for e in found)
        )
        self.escalation_banner.show()

    def update_help(self) -> None:
        view = self.workspace.view
        calls = help_alerts(view.teams.values(), view.incidents)
        if not calls:
            self.help_banner.hide()
            return
        self.help_banner.setText("  ·  ".join(c.text for c in calls))
        self.help_banner.show()

    def update_figures(self) -> None:
        now = self.clock()
        local_now = now.astimezone()
        midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
        incidents = list(self.workspace.view.incidents.values())
        today = in_period(incidents, midnight, now + timedelta(seconds=1))
        today_figures = figures(today, self.deployment.costs)
        target = self.deployment.thresholds.response_target_min
        self.figures["calls_today"].set_value(str(today_figures.calls))
        pending = sum(1 for i in incidents if i.state == IncidentState.PENDING)
        self.figures["pending"].set_value(
            str(pending), alarm=pending > 0 and self._free_teams() == 0
        )
        response = today_figures.response
        if response.count:
            self.figures["response"].set_value(
                f"{response.mean_min:.0f} / {response.median_min:.0f}",
                tr("min · target {target} · {count} calls").format(
                    target=f"{target:.0f}", count=QLocale().toString(response.count)
                ),
                alarm=(response.mean_min or 0) > target,
            )
        else:
            self.figures["response"].set_value(
                "–", tr("target {target} min").format(target=f"{target:.0f}")
            )
        rate = self.month_redirect_rate
        if rate is None:
            # Without the server's monthly report, the last 24 h the console holds.
            rate = figures(
                in_period(incidents, now - timedelta(hours=24), now), self.deployment.costs
            ).redirect_rate
            note = tr("last 24 h")
        else:
            note = tr("this month")
        self.figures["redirected"].set_value(
            "–" if rate is None else QLocale().toString(rate * 100, "f", 1) + "%", note
        )
        self.figures["free"].set_value(
            str(self._free_teams()), tr("of {count}").format(count=len(self.workspace.view.teams))
        )

        # 24 bars, oldest hour left, this hour right, labelled with the clock hour.
        this_hour = local_now.replace(minute=0, second=0, microsecond=0)
        hours = np.zeros(24)
        first_hour = this_hour - timedelta(hours=23)
        for incident in incidents:
            slot = int((incident.received_at - first_hour).total_seconds() // 3600)
            if 0 <= slot < 24:
                hours[slot] += 1
        self.hourly_bars.setOpts(height=hours)
        labels = [(x, f"{(this_hour - timedelta(hours=23 - x)).hour:02d}") for x in range(0, 24, 3)]
        self.hourly_plot.getAxis("bottom").setTicks([labels])
        minutes = response_minutes(today)
        counts, _edges = (
            np.histogram(minutes, bins=np.arange(0, 95, 5)) if minutes else (np.zeros(18), None)
        )
        self.response_bars.setOpts(height=counts)

    def set_month_redirect_rate(self, rate: float | None) -> None:
        self.month_redirect_rate = rate
        self.update_figures()

    def _free_teams(self) -> int:
        return sum(
            1 for t in self.workspace.view.teams.values() if t.status == TeamStatus.AVAILABLE
        )

    # ---- liveness -------------------------------------------------------------
    def attach_sync(self, engine: SyncEngine) -> None:
        """Stale or live as the engine's link is (through the bridge)."""
        self.bridge.attach_sync(engine)

    def show_sync_status(self, status: SyncStatus) -> None:
        self._live = str(status.link) == "online" and not status.login_required
        if status.last_sync is not None:
            self._last_live = status.last_sync
        self._update_banner()

    def _update_banner(self) -> None:
        now = self.clock()
        fresh = (
            self._live
            and self._last_live is not None
            and (now - self._last_live).total_seconds() <= STALE_AFTER_S
        )
        if fresh:
            self.banner.hide()
            return
        since = (
            QLocale().toString(self._last_live.astimezone().time(), "HH:mm")
            if self._last_live
            else tr("start")
        )
        self.banner.setText(tr("STALE since {since} — not live, reconnecting").format(since=since))
        self.banner.show()

    @property
    def is_stale(self) -> bool:
        return not self.banner.isHidden()

    def tick(self) -> None:
        self.clock_label.setText(
            QLocale().toString(self.clock().astimezone(), "ddd dd MMM  HH:mm:ss")
        )
        self.queue_model.tick()
        self.team_model.tick()
        self._update_banner()
        if self.clock().second % 10 == 0:
            self.update_figures()

    def closeEvent(self, event) -> None:
        self.ticker.stop()
        self.rotator.stop()
        self.closed.emit()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:
        # Read-only: the only keys a wall knows are page turning, pinning and
        # leaving full screen.
        if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Space):
            self.next_page(by_hand=True)
        elif event.key() == Qt.Key.Key_P:
            self.pin(not self.pinned)
        elif event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
        else:
            super().keyPressEvent(event)

    def next_page(self, by_hand: bool = False) -> None:
        if self.pinned and not by_hand:
            return  # the supervisor pinned this page: rotation waits
        self.pages.setCurrentIndex((self.pages.currentIndex() + 1) % self.pages.count())
        self._show_pin()

    def pin(self, on: bool) -> None:
        """Keep the page shown now (True) or let the pages rotate again (False)."""
        self.pinned = on
        self._show_pin()

    def _show_pin(self) -> None:
        page = (
            QT_TR_NOOP("map")
            if self.pages.currentWidget() is self.map_widget
            else QT_TR_NOOP("charts")
        )
        if self.pinned:
            self.pin_label.setText(tr("📌 {page} pinned (P to rotate)").format(page=tr(page)))
        elif self.rotator.isActive() and self.pages.count() > 1:
            self.pin_label.setText(tr("{page} · P pins it").format(page=tr(page)))
        else:
            self.pin_label.clear()
