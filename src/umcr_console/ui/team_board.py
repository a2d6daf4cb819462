"""The team board: tiles (or the table) of every team, filters, and coverage."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..domain.config import Deployment
from ..domain.coverage import coverage
from ..domain.model import Team
from .i18n import tr
from .team_model import TeamTableModel
from .team_tiles import TeamTilesWidget


class TeamBoardWidget(QWidget):
    team_selected = Signal(str)

    def __init__(
        self,
        model: TeamTableModel,
        table: QTableView,
        deployment: Deployment,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("TeamBoard")
        self.model = model
        self.deployment = deployment
        self.tiles = TeamTilesWidget(model)
        self.tiles.team_clicked.connect(self.team_selected.emit)
        self.table = table
        self.provider = QComboBox(objectName="board_provider")
        self.provider.addItem(tr("All providers"), None)
        for provider in deployment.providers:
            self.provider.addItem(provider, provider)
        self.area = QComboBox(objectName="board_area")
        self.area.addItem(tr("All service areas"), None)
        for area in deployment.service_areas:
            self.area.addItem(area.name, area.name)
        self.provider.currentIndexChanged.connect(self._apply_filter)
        self.area.currentIndexChanged.connect(self._apply_filter)
        self.toggle = QToolButton(text=tr("Table"), checkable=True, objectName="board_toggle")
        self.toggle.toggled.connect(self._show_table)
        self.coverage = QLabel(objectName="board_coverage", wordWrap=True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tiles)
        self.stack.addWidget(table)
        # F4 focuses the table; while the tiles show, it gives the focus to them.
        table.setFocusProxy(self.tiles)
        top = QHBoxLayout()
        top.addWidget(self.provider)
        top.addWidget(self.area)
        top.addWidget(self.toggle)
        top.addWidget(self.coverage, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        for signal in (model.dataChanged, model.modelReset, model.rowsInserted):
            signal.connect(self.update_coverage)
        self.update_coverage()

    def shown(self, team: Team) -> bool:
        provider, area = self.provider.currentData(), self.area.currentData()
        if provider is not None and team.provider != provider:
            return False
        return area is None or self.deployment.service_area_of(team.division) == area

    def _apply_filter(self) -> None:
        self.tiles.set_filter(self.shown)
        for row in range(self.model.rowCount()):
            self.table.setRowHidden(row, not self.shown(self.model.team_at(row)))

    def _show_table(self, on: bool) -> None:
        self.stack.setCurrentIndex(1 if on else 0)
        self.table.setFocusProxy(None if on else self.tiles)

    def update_coverage(self, *_args: object) -> None:
        result = coverage(self.model.teams(), self.deployment)
        self.coverage.setText(result.text)
        self.coverage.setStyleSheet(
            "color: #ff7b72; font-weight: bold;" if result.uncovered else "color: #8b949e;"
        )
        self.last_coverage = result
