"""The floor the simulator acts on: a server (http.py) or an in-memory state.

Both give the same two operations: submit events and get back one result per
event, and a current view of the state. ``LocalFloor`` judges the events with
the shared rules (``domain.rules.decide`` through ``State``) exactly as the
server does, so a simulated month runs in a second without a server.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from ..domain.config import Deployment
from ..domain.enums import EventType
from ..domain.events import Event, TeamCreated, make_event
from ..domain.ids import name_id
from ..domain.rules import Changes
from ..domain.state import State
from ..protocol import EventResult, ResultStatus


class Floor(Protocol):
    @property
    def state(self) -> State:
        """The current view: every incident and team the floor knows of."""
        ...

    @property
    def username(self) -> str:
        """Who the dispatcher's events are recorded for (``Incident.created_by``)."""
        ...

    async def submit(
        self, events: Sequence[Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        """Post ``events`` as the dispatcher, or as the field user of ``team_id`` if known."""
        ...

    async def refresh(self) -> None:
        """Bring ``state`` up to date with changes made by others."""
        ...


class LocalFloor:
    """An in-memory floor judged by the shared rules; keeps every accepted event."""

    def __init__(self, state: State | None = None, *, username: str = "simulator") -> None:
        self._state = state or State()
        self._username = username
        self.events: list[Event] = []

    @classmethod
    def with_roster(cls, deployment: Deployment, at: datetime) -> LocalFloor:
        """A floor whose teams are the deployment's, as the server seeds them."""
        floor = cls()
        for team in deployment.teams:
            event = make_event(
                EventType.TEAM_CREATED,
                name_id("team", team.call_sign),
                TeamCreated(
                    call_sign=team.call_sign,
                    provider=team.provider,
                    division=team.division,
                    languages=team.languages,
                ),
                workstation_id="roster",
                occurred_at=at,
            )
            floor._apply(event, actor="system")
        return floor

    @property
    def state(self) -> State:
        return self._state

    @property
    def username(self) -> str:
        return self._username

    async def submit(
        self, events: Sequence[Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        return [self._apply(event, actor=self._username) for event in events]

    async def refresh(self) -> None:
        return None

    def _apply(self, event: Event, *, actor: str) -> EventResult:
        seq = self._state.seq + 1
        # The judge's clock is the event's own time: simulated time never runs ahead.
        event = event.model_copy(update={"actor": actor})
        outcome = self._state.apply(event, now=event.occurred_at, seq=seq)
        if isinstance(outcome, Changes):
            self.events.append(
                event.model_copy(update={"seq": seq, "recorded_at": event.occurred_at})
            )
            return EventResult(event_id=event.event_id, status=ResultStatus.ACCEPTED, seq=seq)
        return EventResult(
            event_id=event.event_id,
            status=ResultStatus.REJECTED,
            code=outcome.code,
            detail=outcome.detail,
        )
