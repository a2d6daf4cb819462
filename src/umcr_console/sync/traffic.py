"""Plausible dispatcher actions on a view: for the headless client, tests and benchmarks.

Each call to ``Traffic.next`` looks at the current view and makes one event a
dispatcher could make now: take a call, assign an available team, move a
team along its status machine, add a note, edit or close an incident. Two
consoles driven this way against one server produce the real conflicts of a
dispatch floor (the same team taken twice, stale edits).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from datetime import UTC, datetime

from ..domain.enums import (
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from ..domain.events import (
    CheckedIn,
    Closed,
    Event,
    IncidentCreated,
    IncidentUpdated,
    NoteAdded,
    StatusChanged,
    TeamAssigned,
    make_event,
)
from ..domain.ids import uuid7
from ..domain.model import Caller, Location
from ..domain.state import State

CREATE = "create"
ASSIGN = "assign"
STATUS = "status"
NOTE = "note"
UPDATE = "update"
CLOSE = "close"
CHECK_IN = "check_in"
ALL_KINDS = (CREATE, ASSIGN, STATUS, NOTE, UPDATE, CLOSE, CHECK_IN)

_WEIGHTS = {CREATE: 5, ASSIGN: 4, STATUS: 5, NOTE: 6, UPDATE: 2, CLOSE: 2, CHECK_IN: 1}

# The usual next status of a working team.
_NEXT_STATUS = {
    TeamStatus.DISPATCHED: TeamStatus.EN_ROUTE,
    TeamStatus.EN_ROUTE: TeamStatus.ON_SCENE,
    TeamStatus.ON_SCENE: TeamStatus.FOLLOW_UP,
    TeamStatus.TRANSPORTING: TeamStatus.FOLLOW_UP,
    TeamStatus.FOLLOW_UP: TeamStatus.AVAILABLE,
    TeamStatus.OUT_OF_SERVICE: TeamStatus.AVAILABLE,
    TeamStatus.OFF_DUTY: TeamStatus.AVAILABLE,
}

_STREETS = (
    "Main St",
    "Van Nuys Blvd",
    "Wilshire Blvd",
    "Olympic Blvd",
    "Central Ave",
    "Reseda Blvd",
)
_DIVISIONS = ("Devonshire", "West Valley", "West Los Angeles", "Wilshire", "Olympic", "Southeast")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Traffic:
    """A source of actions. ``kinds`` limits which actions it makes."""

    def __init__(
        self,
        rng: random.Random,
        workstation_id: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        kinds: Collection[str] = ALL_KINDS,
        max_open: int = 40,
    ) -> None:
        self.rng = rng
        self.workstation_id = workstation_id
        self.clock = clock
        self.kinds = tuple(k for k in ALL_KINDS if k in kinds)
        self.max_open = max_open

    def _event(
        self, event_type: EventType, entity_id: str, payload: object, version: int | None = None
    ) -> Event:
        return make_event(
            event_type,
            entity_id,
            payload,  # type: ignore[arg-type]
            workstation_id=self.workstation_id,
            occurred_at=self.clock(),
            expected_version=version,
        )

    def next(self, view: State) -> Event:
        """One action that the rules accept on ``view`` when possible."""
        open_incidents = [i for i in view.incidents.values() if i.is_open]
        kinds = list(self.kinds)
        weights = [_WEIGHTS[k] for k in kinds]
        for _ in range(20):
            kind = self.rng.choices(kinds, weights)[0]
            made = self._make(kind, view, open_incidents)
            if made is not None:
                return made
        return self.create() if CREATE in self.kinds else self.note_or_create(view, open_incidents)

    def note_or_create(self, view: State, open_incidents: list) -> Event:  # type: ignore[type-arg]
        if open_incidents:
            target = self.rng.choice(open_incidents)
            return self._event(
                EventType.INCIDENT_NOTE_ADDED, target.id, NoteAdded(text=self._words())
            )
        return self.create()

    def create(self) -> Event:
        now = self.clock()
        lat = 33.95 + self.rng.random() * 0.3
        lon = -118.55 + self.rng.random() * 0.35
        payload = IncidentCreated(
            received_at=now,
            source=self.rng.choice(list(Source)),
            call_type=self.rng.choice(list(CallType)),
            priority=self.rng.choice(list(Priority)),
            location=Location(
                address=f"{self.rng.randint(100, 19999)} {self.rng.choice(_STREETS)}",
                lat=round(lat, 5),
                lon=round(lon, 5),
                division=self.rng.choice(_DIVISIONS),
            ),
            caller=Caller(name="Caller", phone=f"213555{self.rng.randint(1000, 9999)}"),
            language=self.rng.choice(("English", "Spanish", "Korean")),
            narrative=self._words(),
        )
        return self._event(EventType.INCIDENT_CREATED, uuid7(), payload)

    def _words(self) -> str:
        words = ("calm", "agitated", "needs", "water", "shelter", "family", "called", "again", "ok")
        return " ".join(self.rng.choice(words) for _ in range(self.rng.randint(2, 8)))

    def _make(self, kind: str, view: State, open_incidents: list) -> Event | None:  # type: ignore[type-arg]
        rng = self.rng
        if kind == CREATE:
            return self.create() if len(open_incidents) < self.max_open else None
        if kind == ASSIGN:
            waiting = [i for i in open_incidents if i.state == IncidentState.PENDING]
            free = [
                t
                for t in view.teams.values()
                if t.status == TeamStatus.AVAILABLE and t.incident_id is None
            ]
            if not waiting or not free:
                return None
            incident = rng.choice(waiting)
            team = rng.choice(free)
            return self._event(
                EventType.INCIDENT_TEAM_ASSIGNED, incident.id, TeamAssigned(team_id=team.id)
            )
        if kind == STATUS:
            teams = [t for t in view.teams.values() if t.status in _NEXT_STATUS]
            if not teams:
                return None
            team = rng.choice(teams)
            return self._event(
                EventType.TEAM_STATUS_CHANGED,
                team.id,
                StatusChanged(status=_NEXT_STATUS[team.status], note=""),
            )
        if kind == CHECK_IN:
            on_scene = [t for t in view.teams.values() if t.status == TeamStatus.ON_SCENE]
            if not on_scene:
                return None
            team = rng.choice(on_scene)
            return self._event(EventType.TEAM_CHECKED_IN, team.id, CheckedIn(note="all fine"))
        if kind == NOTE:
            if not open_incidents:
                return None
            target = rng.choice(open_incidents)
            return self._event(
                EventType.INCIDENT_NOTE_ADDED, target.id, NoteAdded(text=self._words())
            )
        if kind == UPDATE:
            if not open_incidents:
                return None
            target = rng.choice(open_incidents)
            return self._event(
                EventType.INCIDENT_UPDATED,
                target.id,
                IncidentUpdated(priority=rng.choice(list(Priority))),
                version=target.version,
            )
        if kind == CLOSE:
            # Close what was worked, so teams come back and the floor keeps moving.
            worked = [i for i in open_incidents if i.state == IncidentState.ASSIGNED] or (
                open_incidents if len(open_incidents) > self.max_open // 2 else []
            )
            if not worked:
                return None
            target = rng.choice(worked)
            return self._event(
                EventType.INCIDENT_CLOSED,
                target.id,
                Closed(disposition=rng.choice(list(Disposition)[:6]), note="done"),
            )
        raise ValueError(f"unknown action kind {kind!r}")
