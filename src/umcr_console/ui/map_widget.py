"""The division map: LAPD divisions, teams by status, incidents by priority and age.

Drawn with pyqtgraph in kilometres east/north of the city's middle
(``LocalProjection``: longitude scaled by cos(latitude)) with a locked aspect,
so shapes are true. Every item is made once and updated in place with
``setData`` / ``setBrush``: all outlines are one curve, all teams one scatter,
all incidents one scatter, so an update costs a few array copies whatever the
number of events.

Labels never overlap and are never cut at the edge: after the view moves, the
window resizes or teams move, ``declutter`` keeps team labels first, then the
names of the served divisions, then the others (larger first), shifts a name
that would cross the edge back inside, and hides a name that would cover one
already placed (its division stays readable by hovering or zooming in). Teams
at the same spot share one label. The wall passes a larger ``label_pixels``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem, QToolButton, QVBoxLayout, QWidget

from ..domain.config import Deployment
from ..domain.coverage import coverage
from ..domain.enums import Priority, TeamStatus
from ..domain.geography import Geography, LocalProjection, Station
from ..domain.model import Incident, Team
from ..domain.timers import Level, incident_level
from ..protocol import TeamPosition
from .i18n import tr
from .map_keys import MapKeyboard
from .text import division_label, tooltip
from .theme import STATUS_COLOURS, STATUS_SYMBOLS, current_theme, plot_style, scaled_px

AREA_COLOURS = ("#1f6feb", "#8957e5", "#3fb950", "#d29922", "#db61a2", "#39c5cf")
PRIORITY_SYMBOLS = {Priority.URGENT: "t", Priority.HIGH: "s", Priority.ROUTINE: "o"}
LEVEL_COLOURS = {Level.NORMAL: "#e6edf3", Level.WARNING: "#f2cc60", Level.ALARM: "#ff4d4d"}
# Teams working a call are shown where the call is; others at their station.
AT_INCIDENT = frozenset({TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING})
# Statuses in which a team's reported position (the field page, issue 24) is drawn.
ON_A_CALL = frozenset(
    {TeamStatus.DISPATCHED, TeamStatus.EN_ROUTE, TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING}
)


WALL_LABEL_PIXELS = 24

# Made once: brushes and pens are shared by every marker of a kind.
_STATUS_BRUSHES = {status: pg.mkBrush(colour) for status, colour in STATUS_COLOURS.items()}
_LEVEL_BRUSHES = {level: pg.mkBrush(colour) for level, colour in LEVEL_COLOURS.items()}


def add_divisions(
    plot: pg.PlotWidget, drawing: Geography, projection: LocalProjection
) -> tuple[dict[str, QGraphicsPathItem], pg.PlotDataItem]:
    """Add every division to ``plot``: a fill item per division (no pen, behind
    everything, brush set by the caller) and all outlines as one curve, with
    NaN breaking the line between rings. Returns (fills by name, outlines)."""
    fills: dict[str, QGraphicsPathItem] = {}
    xs: list[float] = []
    ys: list[float] = []
    for division in drawing.divisions:
        path = QPainterPath()
        for ring in division.rings:
            points = [projection.to_xy(lat, lon) for lon, lat in ring]
            path.moveTo(QPointF(*points[0]))
            for point in points[1:]:
                path.lineTo(QPointF(*point))
            path.closeSubpath()
            xs.extend([p[0] for p in points] + [np.nan])
            ys.extend([p[1] for p in points] + [np.nan])
        item = QGraphicsPathItem(path)
        item.setPen(QPen(Qt.PenStyle.NoPen))
        item.setZValue(-10)
        plot.addItem(item)
        fills[division.name] = item
    outlines = pg.PlotDataItem(
        np.array(xs), np.array(ys), connect="finite", pen=pg.mkPen("#8b949e", width=1)
    )
    plot.addItem(outlines)
    return fills, outlines


class DivisionMapWidget(QWidget):
    team_clicked = Signal(str)
    incident_clicked = Signal(str)
    location_picked = Signal(float, float)  # lat, lon of a click on the map itself

    def __init__(
        self,
        drawing: Geography,
        stations: Iterable[Station],
        deployment: Deployment,
        *,
        clock: Callable[[], datetime],
        read_only: bool = False,
        label_pixels: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("DivisionMap")
        # A read-only map is the wall's: read from across the room.
        self._label_pixels = label_pixels or (WALL_LABEL_PIXELS if read_only else 13)
        self.label_font = QFont()
        self.label_font.setPixelSize(scaled_px(self._label_pixels))
        self._marker_pen = pg.mkPen(plot_style()["marker_pen"])
        self.deployment = deployment
        self.clock = clock
        self.read_only = read_only
        self.stations = {s.division: s for s in stations}
        self.projection: LocalProjection = drawing.projection
        self._teams: dict[str, Team] = {}
        self._incidents: dict[str, Incident] = {}
        self._reported: dict[str, TeamPosition] = {}  # field teams' own reports (issue 24)
        self._team_ids: list[str] = []
        self._incident_ids: list[str] = []
        self._selected: tuple[str, str] | None = None  # ("team" | "incident", id)

        self.plot = pg.PlotWidget(background=plot_style()["background"])
        self.plot.setAspectLocked(True)
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMenuEnabled(False)
        self.view_box = self.plot.getViewBox()

        self._area_of = {
            d: i for i, area in enumerate(deployment.service_areas) for d in area.divisions
        }
        self._division_bbox: dict[str, tuple[float, float, float, float]] = {}
        self._fills, self.outlines = add_divisions(self.plot, drawing, self.projection)
        self.division_labels: dict[str, pg.TextItem] = {}
        self._label_home: dict[str, tuple[float, float]] = {}
        for division in drawing.divisions:
            self._division_bbox[division.name] = division.bbox
            lat, lon = division.label_point()
            label = pg.TextItem(division.name, color=plot_style()["text"], anchor=(0.5, 0.5))
            label.setFont(self.label_font)
            label.setPos(*self._xy(lat, lon))
            label.setZValue(-5)
            label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.plot.addItem(label)
            self.division_labels[division.name] = label
            self._label_home[division.name] = self._xy(lat, lon)
        served = set(deployment.divisions)

        def size(name: str) -> float:
            min_lon, min_lat, max_lon, max_lat = self._division_bbox[name]
            return (max_lon - min_lon) * (max_lat - min_lat)

        # Who keeps its name when two would overlap: served divisions, then larger.
        self._label_order = sorted(
            self.division_labels, key=lambda n: (n not in served, -size(n), n)
        )
        self._declutter_timer = QTimer(self, singleShot=True, interval=0)
        self._declutter_timer.timeout.connect(self.declutter)

        self.incident_scatter = pg.ScatterPlotItem(size=14, hoverable=True, tip=None)
        self.team_scatter = pg.ScatterPlotItem(size=18, hoverable=True, tip=None, symbol="o")
        self.highlight = pg.ScatterPlotItem(
            size=30, symbol="o", brush=None, pen=pg.mkPen("#ffffff", width=3)
        )
        for item in (self.incident_scatter, self.team_scatter, self.highlight):
            self.plot.addItem(item)
        # The selection ring must not swallow clicks meant for the marker under it.
        self.highlight.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.team_labels: dict[str, pg.TextItem] = {}
        self._label_state: dict[str, tuple[str, float, float]] = {}
        self.team_scatter.sigClicked.connect(self._team_clicked)
        self.incident_scatter.sigClicked.connect(self._incident_clicked)
        self.team_scatter.sigHovered.connect(self._hovered)
        self.incident_scatter.sigHovered.connect(self._hovered)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)

        self.fit_button = QToolButton(text=tr("Fit served area"), objectName="map_fit")
        self.fit_button.clicked.connect(self.fit_served_area)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.fit_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.fit_button.setVisible(not read_only)  # nobody clicks a wall
        # Keyboard: choose a division or a team without the mouse (ui/map_keys.py).
        self.keys = MapKeyboard(sorted(self.division_labels), lambda: list(self._teams.values()))
        self.keys.division_chosen.connect(self.zoom_to_division)
        self.keys.team_chosen.connect(self.choose_team)
        layout.addWidget(self.keys)
        self.keys.setVisible(not read_only)
        self.restyle()
        self.fit_served_area()
        self.view_box.sigRangeChanged.connect(self._declutter_timer.start)
        self.view_box.sigResized.connect(self._declutter_timer.start)

    # ---- theme and text size ----------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        """The theme (high contrast) and the text size apply at once, no restart."""
        kind = event.type()
        if kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.restyle()
        elif kind in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self.rescale_text()
        super().changeEvent(event)

    def restyle(self) -> None:
        """Background, outlines, names and marker rims in the theme's colours."""
        style = plot_style()
        self.plot.setBackground(style["background"])
        width = 2 if current_theme() == "high-contrast" else 1
        self.outlines.setPen(pg.mkPen(style["outline"], width=width))
        for label in self.division_labels.values():
            label.setColor(style["text"])
        self._marker_pen = pg.mkPen(style["marker_pen"])
        self.refresh()

    def rescale_text(self) -> None:
        """Division and team names at the text size chosen now."""
        pixels = scaled_px(self._label_pixels)
        if self.label_font.pixelSize() == pixels:
            return
        self.label_font.setPixelSize(pixels)
        for label in [*self.division_labels.values(), *self.team_labels.values()]:
            label.setFont(self.label_font)
        self._declutter_timer.start()

    # ---- geometry -----------------------------------------------------------
    def _xy(self, lat: float, lon: float) -> tuple[float, float]:
        return self.projection.to_xy(lat, lon)

    def fit_served_area(self) -> None:
        boxes = [
            self._division_bbox[d] for d in self.deployment.divisions if d in self._division_bbox
        ]
        if not boxes:
            return
        min_lon, min_lat, max_lon, max_lat = _union(boxes)
        x0, y0 = self._xy(min_lat, min_lon)
        x1, y1 = self._xy(max_lat, max_lon)
        self.view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.05)

    def set_reported_positions(self, positions: Iterable[TeamPosition]) -> None:
        """Where field teams last reported themselves (issue 24): shown, with their
        age, for teams on a call. Never given to the wall's map."""
        self._reported = {p.team_id: p for p in positions}
        self.refresh_teams()
        self._refresh_highlight()

    def reported_age(self, team: Team) -> str | None:
        """ "4 min" for a team drawn at its reported position, else None."""
        report = self._reported.get(team.id)
        if report is None or team.status not in ON_A_CALL:
            return None
        minutes = max(0, int((self.clock() - report.at).total_seconds() // 60))
        return (
            tr("{minutes} min").format(minutes=minutes)
            if minutes < 120
            else tr("{hours} h").format(hours=minutes // 60)
        )

    def team_position(self, team: Team) -> tuple[float, float] | None:
        """(lat, lon): where it reported itself while on a call (issue 24), else at its
        call while there, else at its base or its division's station."""
        report = self._reported.get(team.id)
        if report is not None and team.status in ON_A_CALL:
            return report.lat, report.lon
        if team.status in AT_INCIDENT and team.incident_id in self._incidents:
            location = self._incidents[team.incident_id].location
            if location.lat is not None and location.lon is not None:
                return location.lat, location.lon
        if team.base_lat is not None and team.base_lon is not None:
            return team.base_lat, team.base_lon
        station = self.stations.get(team.division)
        return (station.lat, station.lon) if station else None

    # ---- data ---------------------------------------------------------------
    def set_state(self, incidents: Iterable[Incident], teams: Iterable[Team]) -> None:
        self._incidents = {i.id: i for i in incidents if i.is_open}
        self._teams = {t.id: t for t in teams}
        self.refresh()

    def update_incidents(self, incidents: Iterable[Incident]) -> None:
        for incident in incidents:
            if incident.is_open:
                self._incidents[incident.id] = incident
            else:
                self._incidents.pop(incident.id, None)
        self.refresh()

    def remove_incidents(self, incident_ids: Iterable[str]) -> None:
        for incident_id in incident_ids:
            self._incidents.pop(incident_id, None)
        self.refresh()

    def update_teams(self, teams: Iterable[Team]) -> None:
        for team in teams:
            self._teams[team.id] = team
        self.refresh_teams()
        self.refresh_fills()
        self._refresh_highlight()

    def refresh(self) -> None:
        self.refresh_teams()
        self.refresh_incidents()
        self.refresh_fills()
        self._refresh_highlight()

    def refresh_teams(self) -> None:
        """Recolour and move every team marker with one ``setData``."""
        ids, xs, ys, brushes = [], [], [], []
        symbols: list[str] = []
        at_station: dict[tuple[float, float], int] = {}
        # One label per spot: the first team there names them all.
        names: dict[tuple[float, float], list[str]] = {}
        first_at: dict[str, tuple[float, float]] = {}
        for team in sorted(self._teams.values(), key=lambda t: t.call_sign):
            position = self.team_position(team)
            if position is None:
                continue
            x, y = self._xy(*position)
            # Teams at the same spot fan out so each stays clickable.
            n = at_station.get((x, y), 0)
            at_station[(x, y)] = n + 1
            age = self.reported_age(team)
            names.setdefault((x, y), []).append(
                team.call_sign
                if age is None
                else tr("{team} ({age} ago)").format(team=team.call_sign, age=age)
            )
            if n == 0:
                first_at[team.id] = (x, y)
            ids.append(team.id)
            xs.append(x + 0.45 * n)
            ys.append(y - 0.35 * n)
            brushes.append(_STATUS_BRUSHES[team.status])
            symbols.append(STATUS_SYMBOLS[team.status])  # a shape too, not colour alone
        self._team_ids = ids
        self.team_scatter.setData(
            x=np.array(xs),
            y=np.array(ys),
            brush=brushes,
            data=ids,
            pen=self._marker_pen,
            symbol=symbols,
        )
        for team_id in list(self.team_labels):
            if team_id not in first_at:
                self.plot.removeItem(self.team_labels.pop(team_id))
                self._label_state.pop(team_id, None)
        for team_id, (x, y) in first_at.items():
            label = self.team_labels.get(team_id)
            if label is None:
                label = pg.TextItem(color="#ffffff", anchor=(-0.15, 0.5))
                label.setFont(self.label_font)
                # Labels are read, not clicked: a click goes to the marker beneath.
                label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
                self.plot.addItem(label)
                self.team_labels[team_id] = label
            # Touch a label only when it changes: 500 setText/setPos per update cost
            # more than the markers themselves. The label starts right of the fan.
            group = names[(x, y)]
            placed = (" ".join(group), x + 0.45 * (len(group) - 1), y)
            if self._label_state.get(team_id) != placed:
                label.setText(placed[0])
                label.setPos(placed[1], placed[2])
                self._label_state[team_id] = placed
        self._declutter_timer.start()

    def declutter(self) -> None:
        """Show only labels that fit: whole inside the map, none over another."""
        # A pixel inside the frame: a label flush with the edge counts as cut.
        area = self.view_box.sceneBoundingRect().adjusted(2, 2, -2, -2)
        if area.width() < 1 or area.height() < 1:
            return
        placed: list[QRectF] = []
        for label in self.team_labels.values():
            rect = self.label_rect(label)
            inside = area.contains(rect)
            label.setVisible(inside)
            if inside:
                placed.append(rect)
        for name in self._label_order:
            label = self.division_labels[name]
            home = self._label_home[name]
            label.setPos(*home)
            rect = self.label_rect(label)
            centre = self.view_box.mapViewToScene(QPointF(*home))
            if not area.contains(centre):
                label.hide()
                continue
            # Near the edge: slide back inside rather than be cut.
            dx = max(area.left() - rect.left(), 0) - max(rect.right() - area.right(), 0)
            dy = max(area.top() - rect.top(), 0) - max(rect.bottom() - area.bottom(), 0)
            # Over another label: try just above, then just below, before giving up.
            for shift in (0.0, -rect.height(), rect.height()):
                candidate = rect.translated(dx, dy + shift)
                if area.contains(candidate) and not any(
                    candidate.intersects(other) for other in placed
                ):
                    break
            else:
                label.hide()
                continue
            if dx or dy or shift:
                moved = self.view_box.mapSceneToView(centre + QPointF(dx, dy + shift))
                label.setPos(moved.x(), moved.y())
            label.show()
            placed.append(candidate)

    def label_rect(self, label: pg.TextItem) -> QRectF:
        """Where ``label`` is drawn, in scene pixels (its text does not scale with zoom)."""
        size = label.textItem.boundingRect()
        point = self.view_box.mapViewToScene(label.pos())
        ax, ay = label.anchor.x(), label.anchor.y()
        rect = QRectF(
            point.x() - ax * size.width(),
            point.y() - ay * size.height(),
            size.width(),
            size.height(),
        )
        # The text's own box, without the empty margin around it.
        margin = max(label.textItem.document().documentMargin() - 1, 0)
        return rect.adjusted(margin, margin, -margin, -margin)

    def visible_labels(self) -> list[pg.TextItem]:
        """Labels shown now (tests and screenshots check they neither overlap nor cut)."""
        return [
            label
            for label in (*self.team_labels.values(), *self.division_labels.values())
            if label.isVisible()
        ]

    def refresh_incidents(self) -> None:
        now = self.clock()
        thresholds = self.deployment.thresholds
        ids, xs, ys, brushes, symbols = [], [], [], [], []
        for incident in self._incidents.values():
            lat, lon = incident.location.lat, incident.location.lon
            if lat is None or lon is None:
                continue
            x, y = self._xy(lat, lon)
            ids.append(incident.id)
            xs.append(x)
            ys.append(y)
            brushes.append(_LEVEL_BRUSHES[incident_level(incident, now, thresholds)])
            symbols.append(PRIORITY_SYMBOLS[incident.priority])
        self._incident_ids = ids
        self.incident_scatter.setData(
            x=np.array(xs),
            y=np.array(ys),
            brush=brushes,
            symbol=symbols,
            data=ids,
            pen=self._marker_pen,
        )

    def refresh_fills(self) -> None:
        """Served divisions tinted by service area; those without a free team hatched red."""
        result = coverage(self._teams.values(), self.deployment)
        uncovered = set(result.uncovered)
        for name, item in self._fills.items():
            if name in uncovered:
                brush = QBrush(QColor(255, 60, 60, 110), Qt.BrushStyle.BDiagPattern)
            elif name in self._area_of:
                colour = QColor(AREA_COLOURS[self._area_of[name] % len(AREA_COLOURS)])
                colour.setAlpha(70)
                brush = QBrush(colour)
            else:
                brush = QBrush(QColor(255, 255, 255, 12))
            item.setBrush(brush)
        self.uncovered = uncovered

    def tick(self) -> None:
        """Incident colours age with time."""
        self.refresh_incidents()

    # ---- selection ------------------------------------------------------------
    def select(self, kind: str, entity_id: str | None) -> None:
        self._selected = (kind, entity_id) if entity_id else None
        self._refresh_highlight()

    def _refresh_highlight(self) -> None:
        point = None
        if self._selected is not None:
            kind, entity_id = self._selected
            scatter, ids = (
                (self.team_scatter, self._team_ids)
                if kind == "team"
                else (self.incident_scatter, self._incident_ids)
            )
            if entity_id in ids:
                x, y = scatter.getData()
                i = ids.index(entity_id)
                point = (x[i], y[i])
        if point is None:
            self.highlight.setData(x=[], y=[])
        else:
            self.highlight.setData(x=[point[0]], y=[point[1]])

    def zoom_to_division(self, name: str) -> None:
        """Show one division whole (the keyboard's way to look at a place)."""
        min_lon, min_lat, max_lon, max_lat = self._division_bbox[name]
        x0, y0 = self._xy(min_lat, min_lon)
        x1, y1 = self._xy(max_lat, max_lon)
        self.view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.1)

    def choose_team(self, team_id: str) -> None:
        """Select a team as a click on its marker does."""
        self.select("team", team_id)
        self.team_clicked.emit(team_id)

    def _team_clicked(self, _scatter, points, *_args) -> None:
        if len(points):
            team_id = points[0].data()
            self.select("team", team_id)
            self.team_clicked.emit(team_id)

    def _incident_clicked(self, _scatter, points, *_args) -> None:
        if len(points):
            incident_id = points[0].data()
            self.select("incident", incident_id)
            self.incident_clicked.emit(incident_id)

    def _scene_clicked(self, event) -> None:
        if event.isAccepted() or self.read_only or event.button() != Qt.MouseButton.LeftButton:
            return
        if self.team_scatter.pointsAt(self.view_box.mapSceneToView(event.scenePos())).size:
            return
        point = self.view_box.mapSceneToView(event.scenePos())
        lat, lon = self.projection.to_latlon(point.x(), point.y())
        self.location_picked.emit(lat, lon)

    def _hovered(self, _scatter, points, *_args) -> None:
        if not len(points):
            self.plot.setToolTip("")
            return
        entity_id = points[0].data()
        if entity_id in self._teams:
            team = self._teams[entity_id]
            text = f"{team.call_sign} ({team.provider})\n{tr(team.status.label)} · {team.division}"
        else:
            incident = self._incidents[entity_id]
            text = (
                f"{incident.number} P{int(incident.priority)} {tr(incident.call_type.label)}\n"
                f"{tr(incident.state.value)} · {division_label(incident.location.division)}"
            )
        self.plot.setToolTip(tooltip(text))

    # ---- wiring ----------------------------------------------------------------
    @classmethod
    def for_workspace(
        cls,
        workspace,
        deployment: Deployment,
        *,
        clock: Callable[[], datetime],
        read_only: bool = False,
    ) -> DivisionMapWidget:
        """A map that follows a Workspace by itself (the wall uses this)."""
        from .. import geodata
        from .bridge import WorkspaceBridge

        widget = cls(
            geodata.drawing_geography(),
            geodata.stations(),
            deployment,
            clock=clock,
            read_only=read_only,
        )
        bridge = WorkspaceBridge(workspace, widget)

        def reload(*_args: object) -> None:
            view = workspace.view
            widget.set_state(view.incidents.values(), view.teams.values())

        for signal in (bridge.incidents_changed, bridge.teams_changed, bridge.reloaded):
            signal.connect(reload)
        reload()
        return widget


def _union(boxes: Iterable[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
