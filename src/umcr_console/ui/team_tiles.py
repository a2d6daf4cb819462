"""Team tiles: one coloured tile per team, readable with 6 teams and with 60.

One widget paints every tile itself (no child widget per team), so a board
of 60 teams costs one paint per second. The tiles read the ``TeamTableModel``
(the same data as the table), flash while a team is overdue, and scale their
font to the space: large on a wall, compact on a console.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..domain.model import Team
from .i18n import tr
from .team_model import (
    COL_IN_STATUS,
    COL_INCIDENT,
    OVERDUE_ROLE,
    TeamTableModel,
)
from .theme import STATUS_COLOURS

TILE_ASPECT = 2.2  # width / height


class TeamTilesWidget(QWidget):
    team_clicked = Signal(str)  # team id

    def __init__(
        self, model: TeamTableModel, *, min_tile_width: int = 150, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TeamTiles")
        self.model = model
        self.min_tile_width = min_tile_width
        self.selected_team_id: str | None = None
        self._flash_on = False
        self._rects: list[tuple[QRectF, str]] = []
        self._shown: Callable[[Team], bool] = lambda _team: True
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # arrow keys choose (keyPressEvent)
        for signal in (model.dataChanged, model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.update)
        model.dataChanged.connect(self._data_changed)

    def _data_changed(self, top: QModelIndex, *_args: object) -> None:
        # The 1 Hz tick touches the timer column: the flash phase follows it.
        if top.column() <= COL_IN_STATUS:
            self._flash_on = not self._flash_on

    def sizeHint(self) -> QSize:
        return QSize(4 * self.min_tile_width, 2 * int(self.min_tile_width / TILE_ASPECT))

    def set_filter(self, shown: Callable[[Team], bool]) -> None:
        """Show only the teams for which ``shown(team)`` is true."""
        self._shown = shown
        self.update()

    def _visible_rows(self) -> list[int]:
        return [r for r in range(self.model.rowCount()) if self._shown(self.model.team_at(r))]

    def _grid(self) -> tuple[int, int, float, float]:
        """(columns, rows, tile width, tile height): the layout with the tallest tiles."""
        count = max(len(self._visible_rows()), 1)
        width, height = max(self.width(), 1), max(self.height(), 1)
        best = (1, count, float(width), 0.0)
        for columns in range(1, count + 1):
            rows = math.ceil(count / columns)
            tile_w = width / columns
            tile_h = min(tile_w / TILE_ASPECT, height / rows)
            if tile_h > best[3]:
                best = (columns, rows, tile_w, tile_h)
        return best

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        columns, _rows, tile_w, tile_h = self._grid()
        self._rects = []
        big = QFont(self.font())
        big.setBold(True)
        big.setPixelSize(max(int(tile_h * 0.26), 9))
        small = QFont(self.font())
        small.setPixelSize(max(int(tile_h * 0.15), 8))
        for position, row in enumerate(self._visible_rows()):
            team = self.model.team_at(row)
            rect = QRectF(
                (position % columns) * tile_w + 3,
                (position // columns) * tile_h + 3,
                tile_w - 6,
                tile_h - 6,
            )
            self._rects.append((rect, team.id))
            overdue = self.model.index(row, 0).data(OVERDUE_ROLE)
            colour = QColor(STATUS_COLOURS[team.status])
            if overdue and self._flash_on:
                colour = QColor("#ff1f3d")
            painter.setBrush(colour)
            outline = QColor("#ffffff") if team.id == self.selected_team_id else colour.darker(150)
            painter.setPen(QPen(outline, 3 if team.id == self.selected_team_id else 1))
            painter.drawRoundedRect(rect, 6, 6)
            self._paint_text(painter, rect, team, row, big, small, bool(overdue))
        painter.end()

    def _paint_text(
        self,
        painter: QPainter,
        rect: QRectF,
        team: Team,
        row: int,
        big: QFont,
        small: QFont,
        overdue: bool,
    ) -> None:
        painter.setPen(QColor("#ffffff"))
        pad = rect.height() * 0.08
        inner = rect.adjusted(pad, pad, -pad, -pad)
        painter.setFont(big)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, team.call_sign
        )
        painter.drawText(
            inner,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
            self.model.index(row, COL_IN_STATUS).data() or "",
        )
        painter.setFont(small)
        metrics = QFontMetrics(small)
        incident = self.model.index(row, COL_INCIDENT).data() or ""
        status = tr(team.status.label) + (tr(" — OVERDUE") if overdue else "")
        if team.escalated_for is not None and team.alert_acknowledged_for != team.escalated_for:
            status += tr(" — ESCALATED")
        for text, align in (
            (f"{status}  {incident}".strip(), Qt.AlignmentFlag.AlignVCenter),
            (f"{team.division} · {team.provider}", Qt.AlignmentFlag.AlignBottom),
        ):
            elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(inner.width()))
            painter.drawText(inner, Qt.AlignmentFlag.AlignLeft | align, elided)

    def team_at(self, x: float, y: float) -> str | None:
        for rect, team_id in self._rects:
            if rect.contains(x, y):
                return team_id
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        team_id = self.team_at(event.position().x(), event.position().y())
        if team_id is not None:
            self.select(team_id)
            self.team_clicked.emit(team_id)
        super().mousePressEvent(event)

    def select(self, team_id: str | None) -> None:
        self.selected_team_id = team_id
        self._describe()
        self.update()

    def _describe(self) -> None:
        """What a screen reader says of the selected tile (call sign, status…)."""
        row = self.model.row_of(self.selected_team_id) if self.selected_team_id else None
        text = self.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) if row is not None else ""
        self.setAccessibleDescription(text or tr("Arrow keys choose a team"))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Arrow keys, Home and End move the selection over the tiles, row by row."""
        order = [team_id for _rect, team_id in self._rects]
        columns = self._grid()[0] if order else 1
        steps = {
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Down: columns,
            Qt.Key.Key_Up: -columns,
        }
        key = event.key()
        if not order or (key not in steps and key not in (Qt.Key.Key_Home, Qt.Key.Key_End)):
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Home:
            index = 0
        elif key == Qt.Key.Key_End:
            index = len(order) - 1
        elif self.selected_team_id in order:
            index = min(max(order.index(self.selected_team_id) + steps[key], 0), len(order) - 1)
        else:
            index = 0
        self.select(order[index])
        self.team_clicked.emit(order[index])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        team_id = self.team_at(event.position().x(), event.position().y())
        if team_id is None:
            self.setToolTip("")
            return
        row = self.model.row_of(team_id)
        self.setToolTip(self.model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) or "")
