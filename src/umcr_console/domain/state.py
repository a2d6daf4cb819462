"""An in-memory state that events are applied to with the shared rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .events import Event
from .model import Incident, Team
from .rules import Changes, Outcome, decide


@dataclass
class State:
    """Incidents and teams by id, and the seq of the last event applied."""

    incidents: dict[str, Incident] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    seq: int = 0

    def incident(self, incident_id: str) -> Incident | None:
        return self.incidents.get(incident_id)

    def team(self, team_id: str) -> Team | None:
        return self.teams.get(team_id)

    def apply(self, event: Event, *, now: datetime, seq: int | None = None) -> Outcome:
        """Judge and, if accepted, apply ``event``; the outcome either way."""
        outcome = decide(self, event, now=now, seq=seq)
        if isinstance(outcome, Changes):
            self.commit(outcome)
            if seq is not None:
                self.seq = seq
        return outcome

    def commit(self, changes: Changes) -> None:
        self.incidents.update(changes.incidents)
        self.teams.update(changes.teams)

    def copy(self) -> State:
        # Entities are frozen, so copying the dicts is a full, cheap copy.
        return State(dict(self.incidents), dict(self.teams), self.seq)

    @classmethod
    def of(cls, incidents: Iterable[Incident], teams: Iterable[Team], seq: int = 0) -> State:
        return cls({i.id: i for i in incidents}, {t.id: t for t in teams}, seq)
