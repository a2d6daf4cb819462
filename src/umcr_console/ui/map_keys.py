"""The map without a mouse: choose a division or a team from the keyboard.

Two combo boxes under the map (Tab reaches them; arrow keys or typing the
first letters choose): a division zooms the map to it, a team selects it as a
click on its marker does (the main window then selects it on the board).
Alt+S and Alt+M jump to them from anywhere in the map dock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ..domain.model import Team
from .i18n import tr


class TeamCombo(QComboBox):
    """A combo box of the teams on the map, refilled each time it takes the focus
    or opens (teams come and go; the map knows them)."""

    def __init__(self, teams: Callable[[], list[Team]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._teams = teams
        self.refill()

    def refill(self) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem(tr("— team —"), None)
        for team in sorted(self._teams(), key=lambda t: t.call_sign):
            self.addItem(f"{team.call_sign} — {team.status.label}", team.id)
        index = self.findData(current)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def focusInEvent(self, event) -> None:
        self.refill()
        super().focusInEvent(event)

    def showPopup(self) -> None:
        self.refill()
        super().showPopup()


class MapKeyboard(QWidget):
    """The row of keyboard choosers under an interactive map."""

    division_chosen = Signal(str)
    team_chosen = Signal(str)

    def __init__(
        self,
        divisions: list[str],
        teams: Callable[[], list[Team]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.divisions = QComboBox(objectName="map_divisions")
        self.divisions.addItem(tr("— division —"), None)
        for name in divisions:
            self.divisions.addItem(name, name)
        self.teams = TeamCombo(teams)
        self.teams.setObjectName("map_teams")
        self.divisions.currentIndexChanged.connect(self._division)
        self.teams.currentIndexChanged.connect(self._team)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(tr("Divi&sion"), buddy=self.divisions))
        layout.addWidget(self.divisions, 1)
        layout.addWidget(QLabel(tr("Tea&m"), buddy=self.teams))
        layout.addWidget(self.teams, 1)

    def _division(self, _index: int) -> None:
        name = self.divisions.currentData()
        if name:
            self.division_chosen.emit(name)

    def _team(self, _index: int) -> None:
        team_id = self.teams.currentData()
        if team_id:
            self.team_chosen.emit(team_id)
