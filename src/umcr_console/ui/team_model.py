"""Teams as a Qt table model: status, time in status, incident, check-in.

Rows keep a stable order (service area, call sign) so a dispatcher's eye
finds a team in the same place all shift; a change repaints one row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from PySide6.QtCore import QLocale, QModelIndex, Qt
from PySide6.QtGui import QColor

from ..domain.config import Thresholds
from ..domain.enums import TeamStatus
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident, Team
from ..domain.timers import format_elapsed, team_overdue
from .i18n import tr
from .table_model import Index, TableModel
from .text import tooltip
from .theme import STATUS_COLOURS

COL_CALL_SIGN, COL_PROVIDER, COL_DIVISION, COL_STATUS = range(4)
COL_IN_STATUS, COL_INCIDENT, COL_CHECK_IN = range(4, 7)
HEADERS = (
    QT_TR_NOOP("Team"),
    QT_TR_NOOP("Provider"),
    QT_TR_NOOP("Division"),
    QT_TR_NOOP("Status"),
    QT_TR_NOOP("In status"),
    QT_TR_NOOP("Incident"),
    QT_TR_NOOP("Last check-in"),
)


def whole_columns(
    divisions: Iterable[str] = (), providers: Iterable[str] = ()
) -> dict[int, list[str]]:
    """The columns read whole at any text size (theme.rows_follow_font); the
    incident column may be elided ("reserved for ..."): its tool tip says it."""
    return {
        COL_CALL_SIGN: ["XX-00 ◔"],
        COL_PROVIDER: list(providers),
        COL_DIVISION: list(divisions),
        COL_STATUS: [tr(status.label) for status in TeamStatus],
        COL_IN_STATUS: ["00:00:00"],
        COL_CHECK_IN: ["00:00"],
    }


TEAM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_ROLE = Qt.ItemDataRole.UserRole + 3


class TeamTableModel(TableModel):
    HEADERS = HEADERS

    def __init__(
        self,
        thresholds: Thresholds,
        clock: Callable[[], datetime],
        order: Callable[[Team], tuple] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.thresholds = thresholds
        self.clock = clock
        self._order = order or (lambda team: (team.division, team.call_sign))
        self._teams: list[Team] = []
        self._row_of: dict[str, int] = {}
        self._numbers: dict[str, str] = {}  # incident id -> number, for the incident column
        self._pending: set[str] = set()
        self._now = clock()

    def row_count(self) -> int:
        return len(self._teams)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in _SERVED_ROLES:
            return None
        team = self._teams[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(team, column)
        if role == TEAM_ID_ROLE:
            return team.id
        if role == STATUS_ROLE:
            return team.status.value
        if role == OVERDUE_ROLE:
            overdue = team_overdue(team, self._now, self.thresholds)
            return overdue.reason if overdue else None
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_STATUS:
            return STATUS_COLOURS[team.status]
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return QColor("#ffffff")
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_IN_STATUS:
            overdue = team_overdue(team, self._now, self.thresholds)
            return QColor("#a31515") if overdue else None
        if role == Qt.ItemDataRole.ToolTipRole:
            overdue = team_overdue(team, self._now, self.thresholds)
            parts = [f"{team.call_sign} ({team.provider})", tr(team.status.label)]
            if team.status_note:
                parts.append(tr("Note: {note}").format(note=team.status_note))
            if overdue:
                parts.append(tr("OVERDUE: {reason}").format(reason=overdue.reason))
            if team.escalated_for is not None and team.alert_acknowledged_for != team.escalated_for:
                parts.append(tr("ESCALATED to the supervisors, not acknowledged"))
            if team.reservation is not None:
                parts.append(
                    tr("{reserved}; takes no other call from {time}").format(
                        reserved=self._reserved_text(team),
                        time=_hhmm(team.reservation.hold_from),
                    )
                )
            if team.id in self._pending:
                parts.append(tr("Not yet confirmed by the server"))
            return tooltip("\n".join(parts))  # the status note is typed text
        return None

    def _display(self, team: Team, column: int) -> str:
        if column == COL_CALL_SIGN:
            return team.call_sign + (" ◔" if team.id in self._pending else "")
        if column == COL_PROVIDER:
            return team.provider
        if column == COL_DIVISION:
            return team.division
        if column == COL_STATUS:
            return tr(team.status.label)
        if column == COL_IN_STATUS:
            return format_elapsed(self._now - team.status_since)
        if column == COL_INCIDENT:
            if team.incident_id:
                return self._numbers.get(team.incident_id, "")
            return self._reserved_text(team) if team.reservation is not None else ""
        if column == COL_CHECK_IN:
            return _hhmm(team.last_check_in) if team.last_check_in else ""
        return ""

    def _reserved_text(self, team: Team) -> str:
        """'reserved for U000123 at 14:00': a team held for a scheduled call."""
        held = team.reservation
        if held is None:
            return ""
        number = self._numbers.get(held.incident_id, tr("a scheduled call"))
        return tr("reserved for {number} at {time}").format(number=number, time=_hhmm(held.at))

    # ---- feeding ------------------------------------------------------------
    def reset(
        self, teams: Iterable[Team], incidents: Iterable[Incident], pending: set[str]
    ) -> None:
        self.beginResetModel()
        self._teams = sorted(teams, key=self._order)
        self._row_of = {t.id: r for r, t in enumerate(self._teams)}
        self._numbers = {i.id: i.number for i in incidents}
        self._pending = set(pending)
        self.endResetModel()

    def update_teams(self, teams: Iterable[Team], pending: set[str]) -> None:
        old_pending, self._pending = self._pending, set(pending)
        for team in teams:
            row = self._row_of.get(team.id)
            if row is None:
                target = sum(1 for t in self._teams if self._order(t) < self._order(team))
                self.beginInsertRows(QModelIndex(), target, target)
                self._teams.insert(target, team)
                self._row_of = {t.id: r for r, t in enumerate(self._teams)}
                self.endInsertRows()
            else:
                self._teams[row] = team
                self._row_changed(row)
        for team_id in old_pending ^ self._pending:
            if (row := self._row_of.get(team_id)) is not None:
                self._row_changed(row)

    def update_incident_numbers(self, incidents: Iterable[Incident]) -> None:
        for incident in incidents:
            if self._numbers.get(incident.id) != incident.number:
                self._numbers[incident.id] = incident.number
                for row, team in enumerate(self._teams):
                    held = team.reservation.incident_id if team.reservation else None
                    if incident.id in (team.incident_id, held):
                        self._row_changed(row)

    def _row_changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def tick(self) -> None:
        self._now = self.clock()
        if self._teams:
            self.dataChanged.emit(
                self.index(0, COL_STATUS),
                self.index(len(self._teams) - 1, COL_CHECK_IN),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, OVERDUE_ROLE],
            )

    def team_at(self, row: int) -> Team:
        return self._teams[row]

    def row_of(self, team_id: str) -> int | None:
        return self._row_of.get(team_id)

    def teams(self) -> list[Team]:
        return list(self._teams)


_SERVED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.ToolTipRole,
        TEAM_ID_ROLE,
        OVERDUE_ROLE,
        STATUS_ROLE,
    }
)


def _hhmm(moment: datetime) -> str:
    """A local time of day in the console's locale (hours and minutes)."""
    return QLocale().toString(moment.astimezone().time(), "HH:mm")
