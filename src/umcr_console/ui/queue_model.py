"""The call queue as a Qt table model.

The model keeps every incident it is given and shows the ones that pass the
filters, sorted by urgency then age (open before closed, priority 1 first,
oldest first). Changes arrive incident by incident and move, insert or remove
single rows (``beginMoveRows`` keeps the selection on its incident when rows
move); only a change of filter resets the layout. One 1 Hz ``tick`` repaints
the timer columns, and whole rows only where an aging colour changes (their
next change time is scheduled in a heap); elapsed times come from the
injected clock.

Filtering 100,000 incidents must stay interactive, so the model keeps every
incident's sort key in one sorted list and indexes by state, division and
creator: a filter change is a few set operations and one ordered pass.

While the dispatcher points at the queue or presses a row, ``hold()`` freezes
the order: changed rows show their new values in place, but moves, new rows
and removals wait until ``release()`` (or until the hold is older than
``HOLD_CAP_S`` and no button is down), so a click lands on the row that was
under the pointer. A row that moved or arrived is marked (``MOVED_ROLE``, an
arrow before its number, bold) for ``MOVED_MARK_S`` seconds of the model's
clock.
"""

from __future__ import annotations

import bisect
import functools
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ..domain.config import Thresholds
from ..domain.enums import CallType, IncidentState
from ..domain.marks import QT_TR_NOOP
from ..domain.model import Incident, Team
from ..domain.timers import (
    Level,
    format_elapsed,
    incident_age,
    incident_level,
    next_level_change,
    time_in_state,
)
from .i18n import tr
from .table_model import Index, TableModel
from .text import division_label, tooltip
from .theme import PENDING_MARK, aging_cue, level_colour

COL_NUMBER, COL_PRIORITY, COL_TYPE, COL_DIVISION, COL_LOCATION = range(5)
COL_STATE, COL_TEAM, COL_AGE, COL_IN_STATE = range(5, 9)
HEADERS = (
    QT_TR_NOOP("Number"),
    QT_TR_NOOP("P"),
    QT_TR_NOOP("Call type"),
    QT_TR_NOOP("Division"),
    QT_TR_NOOP("Location"),
    QT_TR_NOOP("State"),
    QT_TR_NOOP("Team"),
    QT_TR_NOOP("Age"),
    QT_TR_NOOP("In state"),
)
# The words of the State column (an incident's state, or how it was closed).
STATE_WORDS = (
    QT_TR_NOOP("pending"),
    QT_TR_NOOP("assigned"),
    QT_TR_NOOP("closed"),
    QT_TR_NOOP("resolved on scene"),
    QT_TR_NOOP("referral made"),
    QT_TR_NOOP("voluntary transport"),
    QT_TR_NOOP("warm handoff"),
    QT_TR_NOOP("declined services"),
    QT_TR_NOOP("unable to locate"),
    QT_TR_NOOP("redirected lapd"),
    QT_TR_NOOP("redirected lafd"),
    QT_TR_NOOP("cancelled"),
    QT_TR_NOOP("duplicate"),
)
TIMER_COLUMNS = (COL_AGE, COL_IN_STATE)


def whole_columns(divisions: Iterable[str] = ()) -> dict[int, list[str]]:
    """The columns a dispatcher must read whole, with their widest texts (theme.
    rows_follow_font widens them at any text size); the location may be elided:
    its tool tip is the address."""
    return {
        COL_NUMBER: [f"↑ U000000 {PENDING_MARK}"],
        COL_PRIORITY: ["9"],
        COL_TYPE: [tr(call_type.label) for call_type in CallType],
        COL_DIVISION: [division_label(d) for d in divisions],
        COL_STATE: [tr(word) for word in STATE_WORDS],
        COL_TEAM: [],
        COL_AGE: ["00:00:00 ■"],
        COL_IN_STATE: ["00:00:00"],
    }


FLASH_COLOUR = QColor("#ff1f3d")

INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
PENDING_ROLE = Qt.ItemDataRole.UserRole + 3
MOVED_ROLE = Qt.ItemDataRole.UserRole + 4  # "up", "down", "new" or None

HOLD_CAP_S = 10.0  # the longest the order waits for a pointer resting on the queue
MOVED_MARK_S = 5.0  # how long a moved row keeps its mark
MOVED_ARROWS = {"up": "↑", "down": "↓", "new": "+"}


@dataclass(frozen=True)
class QueueFilter:
    """Which incidents the queue shows. Empty sets and None mean "all"."""

    states: frozenset[IncidentState] = frozenset({IncidentState.PENDING, IncidentState.ASSIGNED})
    divisions: frozenset[str] = frozenset()
    provider: str | None = None
    mine_user: str | None = None  # show only incidents created by this user
    text: str = ""

    def accepts(self, incident: Incident, teams: dict[str, Team]) -> bool:
        if self.states and incident.state not in self.states:
            return False
        if self.divisions and incident.location.division not in self.divisions:
            return False
        if self.mine_user is not None and incident.created_by != self.mine_user:
            return False
        if self.provider is not None and not any(
            (team := teams.get(t)) is not None and team.provider == self.provider
            for t in incident.team_ids
        ):
            return False
        return not self.text or self.text.lower() in haystack(incident)


def haystack(incident: Incident) -> str:
    """What the queue's search box searches, lower-cased."""
    return f"{incident.number} {incident.location.address} {incident.call_type.label}".lower()


def sort_key(incident: Incident) -> tuple:
    return (not incident.is_open, int(incident.priority), incident.received_at, incident.id)


@dataclass
class _Rows:
    keys: list[tuple] = field(default_factory=list)  # sorted; row i shows keys[i][-1]
    row_of: dict[str, int] = field(default_factory=dict)

    def reindex(self, start: int = 0) -> None:
        for row in range(start, len(self.keys)):
            self.row_of[self.keys[row][-1]] = row


class IncidentQueueModel(TableModel):
    HEADERS = HEADERS

    # Incidents came, went or changed (shown or not): the hidden counts may differ.
    contents_changed = Signal()
    # A row is about to go (its incident id): a view clears its selection rather
    # than let Qt move it to the neighbouring call.
    row_leaving = Signal(str)

    def __init__(self, thresholds: Thresholds, clock: Callable[[], datetime], parent=None) -> None:
        super().__init__(parent)
        self.thresholds = thresholds
        self.clock = clock
        self._incidents: dict[str, Incident] = {}
        self._teams: dict[str, Team] = {}
        self._pending: set[str] = set()
        self._filter = QueueFilter()
        self._rows = _Rows()
        self._now = clock()
        # Indexes over all incidents, visible or not (see the module docstring).
        self._all_keys: list[tuple] = []
        self._key_of: dict[str, tuple] = {}
        self._by_state: dict[IncidentState, set[str]] = {s: set() for s in IncidentState}
        self._by_division: dict[str | None, set[str]] = {}
        self._by_creator: dict[str, set[str]] = {}
        self._haystack: dict[str, str] = {}
        self._level_due: list[tuple[datetime, str]] = []
        # Rows with an alert nobody acknowledged yet flash with the tick.
        self._flashing: set[str] = set()
        self._flash_on = False
        # The hold (see the module docstring): changes waiting for release().
        self._held_since: datetime | None = None
        self._pressed = False
        self._deferred: dict[str, Incident] = {}
        self._deferred_removals: set[str] = set()
        self._moved: dict[str, tuple[str, datetime]] = {}  # id -> (how, until)

    # ---- Qt model interface ----------------------------------------------
    def row_count(self) -> int:
        return len(self._rows.keys)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role not in _SERVED_ROLES:
            return None
        incident = self._incidents[self._rows.keys[index.row()][-1]]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(incident, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            if incident.id in self._flashing and self._flash_on:
                return FLASH_COLOUR
            return level_colour(incident_level(incident, self._now, self.thresholds))
        if role in _AGING_ROLES and column == COL_AGE:
            return aging_cue(
                role,
                incident_level(incident, self._now, self.thresholds),
                self._display(incident, column),
            )
        if role == INCIDENT_ID_ROLE:
            return incident.id
        if role == LEVEL_ROLE:
            return int(incident_level(incident, self._now, self.thresholds))
        if role == PENDING_ROLE:
            return incident.id in self._pending
        if role == MOVED_ROLE:
            return self._moved_how(incident.id)
        if role == Qt.ItemDataRole.FontRole:
            return _bold() if self._moved_how(incident.id) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if incident.id in self._pending:
                return tr("Not yet confirmed by the server")
            how = self._moved_how(incident.id)
            if how:
                return (
                    tr("New in the queue")
                    if how == "new"
                    else tr("Moved up in the queue")
                    if how == "up"
                    else tr("Moved down in the queue")
                )
            return tooltip(incident.location.address) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_PRIORITY, *TIMER_COLUMNS):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, incident: Incident, column: int) -> str:
        if column == COL_NUMBER:
            mark = f" {PENDING_MARK}" if incident.id in self._pending else ""
            how = self._moved_how(incident.id)
            arrow = f"{MOVED_ARROWS[how]} " if how else ""
            return arrow + incident.number + mark
        if column == COL_PRIORITY:
            return str(int(incident.priority))
        if column == COL_TYPE:
            return tr(incident.call_type.label)
        if column == COL_DIVISION:
            return division_label(incident.location.division)
        if column == COL_LOCATION:
            return incident.location.address
        if column == COL_STATE:
            if incident.disposition is not None:
                return tr(incident.disposition.value.replace("_", " "))
            return tr(incident.state.value)
        if column == COL_TEAM:
            return ", ".join(
                self._teams[t].call_sign if t in self._teams else "?" for t in incident.team_ids
            )
        if column == COL_AGE:
            return format_elapsed(incident_age(incident, self._now))
        if column == COL_IN_STATE:
            return format_elapsed(time_in_state(incident, self._now))
        return ""

    # ---- feeding the model ------------------------------------------------
    def reset(
        self, incidents: Iterable[Incident], teams: Iterable[Team], pending: set[str]
    ) -> None:
        self.beginResetModel()
        self._incidents = {}
        self._all_keys, self._key_of, self._haystack, self._level_due = [], {}, {}, []
        self._by_state = {s: set() for s in IncidentState}
        self._by_division, self._by_creator = {}, {}
        self._teams = {t.id: t for t in teams}
        self._pending = set(pending)
        self._deferred, self._deferred_removals = {}, set()
        for incident in incidents:
            self._index(incident, sort=False)
        self._all_keys.sort()
        self._rebuild_rows()
        self.endResetModel()
        self.contents_changed.emit()

    def set_filter(self, queue_filter: QueueFilter) -> None:
        if queue_filter == self._filter:
            return
        self.apply_waiting()  # a filter change is the dispatcher's own: it applies at once
        self.layoutAboutToBeChanged.emit()
        old_rows = self._rows
        persistent = self.persistentIndexList()
        ids = [
            old_rows.keys[p.row()][-1] if p.row() < len(old_rows.keys) else None for p in persistent
        ]
        self._filter = queue_filter
        self._rebuild_rows()
        for old, incident_id in zip(persistent, ids, strict=True):
            row = self._rows.row_of.get(incident_id) if incident_id else None
            new = QModelIndex() if row is None else self.index(row, old.column())
            self.changePersistentIndex(old, new)
        self.layoutChanged.emit()
        self.contents_changed.emit()

    @property
    def queue_filter(self) -> QueueFilter:
        return self._filter

    def _index(self, incident: Incident, *, sort: bool = True) -> None:
        """Record ``incident`` (new or changed) in every index."""
        old = self._incidents.get(incident.id)
        if old is not None:
            self._unindex(old)
        self._incidents[incident.id] = incident
        key = sort_key(incident)
        self._key_of[incident.id] = key
        if sort:
            bisect.insort(self._all_keys, key)
        else:
            self._all_keys.append(key)
        self._by_state[incident.state].add(incident.id)
        self._by_division.setdefault(incident.location.division, set()).add(incident.id)
        self._by_creator.setdefault(incident.created_by, set()).add(incident.id)
        self._haystack[incident.id] = haystack(incident)
        due = next_level_change(incident, self._now, self.thresholds)
        if due is not None:
            heapq.heappush(self._level_due, (due, incident.id))

    def _unindex(self, incident: Incident) -> None:
        key = self._key_of.pop(incident.id)
        del self._all_keys[bisect.bisect_left(self._all_keys, key)]
        self._by_state[incident.state].discard(incident.id)
        self._by_division.get(incident.location.division, set()).discard(incident.id)
        self._by_creator.get(incident.created_by, set()).discard(incident.id)
        self._haystack.pop(incident.id, None)

    def _rebuild_rows(self) -> None:
        f = self._filter
        candidates: set[str] | None = None
        for wanted in (
            set().union(*(self._by_state[s] for s in f.states)) if f.states else None,
            set().union(*(self._by_division.get(d, set()) for d in f.divisions))
            if f.divisions
            else None,
            self._by_creator.get(f.mine_user, set()) if f.mine_user is not None else None,
        ):
            if wanted is not None:
                candidates = wanted if candidates is None else candidates & wanted
        keys = (
            list(self._all_keys)
            if candidates is None
            else [k for k in self._all_keys if k[-1] in candidates]
        )
        if f.text:
            text = f.text.lower()
            keys = [k for k in keys if text in self._haystack[k[-1]]]
        if f.provider is not None:
            own = {t.id for t in self._teams.values() if t.provider == f.provider}
            keys = [k for k in keys if not own.isdisjoint(self._incidents[k[-1]].team_ids)]
        self._rows = _Rows(keys)
        self._rows.reindex()

    def update_incidents(self, incidents: Iterable[Incident], pending: set[str]) -> None:
        """New values for some incidents (created or changed); rows move one by one."""
        pending_changed = pending != self._pending
        old_pending = self._pending
        self._pending = set(pending)
        for incident in incidents:
            if self._held_since is not None:
                self._defer(incident)
            else:
                self._place(incident)
        if pending_changed:
            for incident_id in old_pending ^ self._pending:
                self._changed_row(incident_id)
        self.contents_changed.emit()

    def update_teams(self, teams: Iterable[Team]) -> None:
        changed = []
        for team in teams:
            old = self._teams.get(team.id)
            self._teams[team.id] = team
            if old is None or old.call_sign != team.call_sign or old.provider != team.provider:
                changed.append(team.id)
        if changed:
            for incident in self._incidents.values():
                if any(t in changed for t in incident.team_ids):
                    self._changed_row(incident.id)

    def remove_incidents(self, incident_ids: Iterable[str]) -> None:
        for incident_id in incident_ids:
            self._deferred.pop(incident_id, None)
            if self._held_since is not None and incident_id in self._rows.row_of:
                self._deferred_removals.add(incident_id)  # its row goes on release
                continue
            self._remove(incident_id)
        self.contents_changed.emit()

    def _remove(self, incident_id: str) -> None:
        self._deferred_removals.discard(incident_id)
        self._hide(incident_id)
        incident = self._incidents.pop(incident_id, None)
        if incident is not None:
            self._unindex(incident)

    def _changed_row(self, incident_id: str) -> None:
        row = self._rows.row_of.get(incident_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _hide(self, incident_id: str) -> None:
        row = self._rows.row_of.get(incident_id)
        if row is None:
            return
        self.row_leaving.emit(incident_id)
        del self._rows.row_of[incident_id]
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows.keys[row]
        self._rows.reindex(row)
        self.endRemoveRows()

    def _place(self, incident: Incident) -> None:
        self._index(incident)
        visible = self._filter.accepts(incident, self._teams)
        row = self._rows.row_of.get(incident.id)
        if not visible:
            self._hide(incident.id)
            return
        key = sort_key(incident)
        keys = self._rows.keys
        if row is None:
            target = bisect.bisect_left(keys, key)
            self.beginInsertRows(QModelIndex(), target, target)
            keys.insert(target, key)
            self._rows.reindex(target)
            self._mark(incident.id, "new")
            self.endInsertRows()
            return
        # Where the new key falls in the list that still holds the old one; that is
        # also Qt's destination, which is given in the coordinates before the move.
        target = bisect.bisect_left(keys, key)
        if target in (row, row + 1):
            keys[row] = key
            self._changed_row(incident.id)
            return
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target)
        del keys[row]
        new_row = target if target < row else target - 1
        keys.insert(new_row, key)
        self._rows.reindex(min(row, new_row))
        self._mark(incident.id, "up" if new_row < row else "down")
        self.endMoveRows()
        self._changed_row(incident.id)

    # ---- holding the order under the pointer -----------------------------------
    def hold(self, *, pressed: bool | None = None) -> None:
        """Freeze the order (pointer over the queue; ``pressed``: a button is down)."""
        if self._held_since is None:
            self._held_since = self.clock()
        if pressed is not None:
            self._pressed = pressed

    def release(self) -> None:
        """The pointer left: apply what waited, rows move one by one (marked)."""
        self._held_since = None
        self._pressed = False
        self.apply_waiting()

    @property
    def held(self) -> bool:
        return self._held_since is not None

    @property
    def waiting(self) -> int:
        """How many changes wait for the hold to end."""
        return len(self._deferred) + len(self._deferred_removals)

    def _defer(self, incident: Incident) -> None:
        """While held: a shown row takes its new values in place; its move, a new
        row and a removal wait. The indexes are up to date; only the rows wait."""
        self._deferred_removals.discard(incident.id)
        row = self._rows.row_of.get(incident.id)
        self._index(incident)
        self._deferred[incident.id] = incident
        if row is not None:
            self._changed_row(incident.id)

    def apply_waiting(self) -> None:
        """Apply what the hold kept back (the hold itself goes on)."""
        deferred, removals = self._deferred, self._deferred_removals
        self._deferred, self._deferred_removals = {}, set()
        for incident in deferred.values():
            self._place(incident)
        for incident_id in removals:
            self._remove(incident_id)
        if deferred or removals:
            self.contents_changed.emit()

    def _mark(self, incident_id: str, how: str) -> None:
        if len(self._rows.keys) <= 1 and how == "new":
            return  # the first row of an empty queue moved nothing
        self._moved[incident_id] = (how, self.clock() + timedelta(seconds=MOVED_MARK_S))

    def _moved_how(self, incident_id: str) -> str | None:
        moved = self._moved.get(incident_id)
        return moved[0] if moved is not None and moved[1] > self._now else None

    # ---- time -------------------------------------------------------------
    def tick(self, visible_rows: range | None = None) -> None:
        """Called once a second: timers move on; rows recolour when their level changes.

        ``visible_rows``: the rows a view shows. Their timer cells are signalled one
        by one, so the view repaints those cells only (a multi-cell range makes
        Qt repaint the whole viewport). Without it, all rows are signalled at once.
        """
        self._now = self.clock()
        if (
            self._held_since is not None
            and not self._pressed
            and (self._now - self._held_since).total_seconds() >= HOLD_CAP_S
        ):
            # A pointer resting on the queue never freezes it for long.
            self.apply_waiting()
            self._held_since = self._now
        for incident_id in [i for i, (_how, until) in self._moved.items() if until <= self._now]:
            del self._moved[incident_id]
            self._changed_row(incident_id)
        if not self._rows.keys:
            return
        last = len(self._rows.keys) - 1
        display = [Qt.ItemDataRole.DisplayRole]
        if visible_rows is None:
            self.dataChanged.emit(self.index(0, COL_AGE), self.index(last, COL_IN_STATE), display)
        else:
            for row in visible_rows:
                if 0 <= row <= last:
                    for column in TIMER_COLUMNS:
                        cell = self.index(row, column)
                        self.dataChanged.emit(cell, cell, display)
        if self._flashing:
            self._flash_on = not self._flash_on
            for incident_id in self._flashing:
                self._changed_row(incident_id)
        while self._level_due and self._level_due[0][0] <= self._now:
            _due, incident_id = heapq.heappop(self._level_due)
            incident = self._incidents.get(incident_id)
            if incident is None:
                continue
            self._changed_row(incident_id)
            upcoming = next_level_change(incident, self._now, self.thresholds)
            if upcoming is not None:
                heapq.heappush(self._level_due, (upcoming, incident_id))

    def set_flashing(self, incident_ids: set[str]) -> None:
        """Rows to flash (unacknowledged alerts); each tick toggles them."""
        changed = self._flashing ^ incident_ids
        self._flashing = set(incident_ids)
        for incident_id in changed:
            self._changed_row(incident_id)

    def incident_at(self, row: int) -> Incident:
        return self._incidents[self._rows.keys[row][-1]]

    def row_of(self, incident_id: str) -> int | None:
        return self._rows.row_of.get(incident_id)

    def hidden_counts(self) -> tuple[int, int]:
        """(open, closed) incidents the filter hides now."""
        shown_open = bisect.bisect_left(self._rows.keys, (True,))  # open rows sort first
        shown_closed = len(self._rows.keys) - shown_open
        total_closed = len(self._by_state[IncidentState.CLOSED])
        total_open = len(self._incidents) - total_closed
        # Calls waiting for a hold to end are coming, not hidden.
        for incident_id, incident in self._deferred.items():
            if incident_id not in self._rows.row_of and self._filter.accepts(incident, self._teams):
                if incident.is_open:
                    total_open -= 1
                else:
                    total_closed -= 1
        return max(total_open - shown_open, 0), max(total_closed - shown_closed, 0)

    def levels(self) -> dict[str, Level]:
        """Aging level of every visible incident (for alerts)."""
        return {
            key[-1]: incident_level(self._incidents[key[-1]], self._now, self.thresholds)
            for key in self._rows.keys
        }


@functools.cache
def _bold() -> QFont:
    """One bold font for marked rows (made on first use: a QFont wants a QGuiApplication)."""
    font = QFont()
    font.setBold(True)
    return font


# Aging told by a shape and in words as well as by colour (ui/theme.py aging_cue).
_AGING_ROLES = (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.AccessibleTextRole)
_SERVED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        *_AGING_ROLES,
        INCIDENT_ID_ROLE,
        LEVEL_ROLE,
        PENDING_ROLE,
        MOVED_ROLE,
    }
)
