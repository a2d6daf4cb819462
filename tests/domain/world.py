"""A small test harness around the pure rules: a State, an injected clock, a seq.

Every rule test drives ``decide`` through ``World`` so that accepted events get
consecutive seqs (as on the server) and a rejected event is checked to leave
the state exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from umcr_console.domain.enums import EventType, RejectCode, TeamStatus
from umcr_console.domain.events import Event
from umcr_console.domain.ids import uuid7
from umcr_console.domain.rules import Changes, Outcome, Rejection
from umcr_console.domain.state import State

T0 = datetime(2026, 3, 21, 14, 0, tzinfo=UTC)
WORKSTATION = "floor-ws-3"
ACTOR = "dispatcher.ana"


def incident_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "received_at": T0.isoformat(),
        "source": "lapd_911",
        "call_type": "welfare_check",
        "priority": 2,
        "location": {
            "address": "4861 Venice Blvd",
            "lat": 34.046748,
            "lon": -118.342830,
            "division": "Wilshire",
        },
        "caller": {"name": "Maria Lopez", "phone": "+1 213 555 0100"},
        "language": "Spanish",
        "narrative": "Neighbour says the man in 4B has not eaten for days.",
        "person": "Adult man, about 50",
    }
    payload.update(overrides)
    return payload


@dataclass
class World:
    """The state under test plus the judge's clock and the next seq."""

    state: State = field(default_factory=State)
    now: datetime = T0
    next_seq: int = 1

    def event(
        self,
        event_type: EventType | str,
        entity_id: str,
        payload: dict[str, Any] | None = None,
        *,
        expected_version: int | None = None,
        occurred_at: datetime | None = None,
        actor: str | None = ACTOR,
        workstation_id: str = WORKSTATION,
    ) -> Event:
        # The server sets the actor; a client cannot choose it. The type stays a
        # plain string so that tests can send unknown ones.
        return Event(
            event_id=uuid7(),
            type=str(event_type),
            entity_id=entity_id,
            occurred_at=occurred_at or self.now,
            workstation_id=workstation_id,
            expected_version=expected_version,
            payload=payload or {},
            actor=actor,
        )

    def apply(self, event: Event) -> Outcome:
        before = self.state.copy()
        outcome = self.state.apply(event, now=self.now, seq=self.next_seq)
        if isinstance(outcome, Changes):
            self.next_seq += 1
        else:
            assert self.state.incidents == before.incidents, "a rejection changed incidents"
            assert self.state.teams == before.teams, "a rejection changed teams"
            assert self.state.seq == before.seq
        return outcome

    def accept(self, event: Event) -> Changes:
        outcome = self.apply(event)
        assert isinstance(outcome, Changes), f"rejected: {outcome}"
        return outcome

    def reject(self, event: Event, code: RejectCode) -> Rejection:
        outcome = self.apply(event)
        assert isinstance(outcome, Rejection), f"accepted: {outcome}"
        assert outcome.code == code, outcome
        assert outcome.detail, "a rejection must say why"
        return outcome

    def tick(self, minutes: float) -> datetime:
        self.now += timedelta(minutes=minutes)
        return self.now

    # Shortcuts for the common events; each returns what the rules returned.

    def create_team(
        self, call_sign: str = "EX-1", *, division: str = "Olympic", team_id: str | None = None
    ) -> str:
        team_id = team_id or uuid7()
        self.accept(
            self.event(
                EventType.TEAM_CREATED,
                team_id,
                {"call_sign": call_sign, "provider": "Exodus Recovery", "division": division},
            )
        )
        return team_id

    def create_incident(self, incident_id: str | None = None, **overrides: Any) -> str:
        incident_id = incident_id or uuid7()
        self.accept(
            self.event(EventType.INCIDENT_CREATED, incident_id, incident_payload(**overrides))
        )
        return incident_id

    def assign(self, incident_id: str, team_id: str, **kw: Any) -> Event:
        return self.event(EventType.INCIDENT_TEAM_ASSIGNED, incident_id, {"team_id": team_id}, **kw)

    def release(self, incident_id: str, team_id: str, **kw: Any) -> Event:
        return self.event(EventType.INCIDENT_TEAM_RELEASED, incident_id, {"team_id": team_id}, **kw)

    def status(self, team_id: str, status: TeamStatus | str, note: str = "", **kw: Any) -> Event:
        return self.event(
            EventType.TEAM_STATUS_CHANGED, team_id, {"status": str(status), "note": note}, **kw
        )

    def close(self, incident_id: str, disposition: str = "resolved_on_scene", **kw: Any) -> Event:
        return self.event(
            EventType.INCIDENT_CLOSED, incident_id, {"disposition": disposition, "note": ""}, **kw
        )

    def redirect(
        self, incident_id: str, agency: str = "LAPD", reason: str = "weapon seen"
    ) -> Event:
        return self.event(
            EventType.INCIDENT_REDIRECTED, incident_id, {"agency": agency, "reason": reason}
        )

    def reopen(self, incident_id: str, reason: str = "caller rang back", **kw: Any) -> Event:
        return self.event(EventType.INCIDENT_REOPENED, incident_id, {"reason": reason}, **kw)

    def note(self, incident_id: str, text: str, **kw: Any) -> Event:
        return self.event(EventType.INCIDENT_NOTE_ADDED, incident_id, {"text": text}, **kw)

    def update(self, incident_id: str, expected_version: int | None, **fields: Any) -> Event:
        return self.event(
            EventType.INCIDENT_UPDATED, incident_id, fields, expected_version=expected_version
        )

    def check_in(self, team_id: str, note: str = "", **kw: Any) -> Event:
        return self.event(EventType.TEAM_CHECKED_IN, team_id, {"note": note}, **kw)

    def put_team_in(self, status: TeamStatus, *, holding: bool = True) -> tuple[str, str | None]:
        """A new team brought to ``status`` by real events; its incident, if any.

        ``holding`` matters for follow-up only: on scene -> follow-up keeps the
        incident, closing the incident leaves the team in follow-up without one.
        """
        team = self.create_team(f"T-{self.next_seq}")
        if status == TeamStatus.AVAILABLE:
            return team, None
        if status in (TeamStatus.OUT_OF_SERVICE, TeamStatus.OFF_DUTY):
            self.accept(self.status(team, status))
            return team, None
        incident = self.create_incident()
        self.accept(self.assign(incident, team))
        path = {
            TeamStatus.DISPATCHED: [],
            TeamStatus.EN_ROUTE: [TeamStatus.EN_ROUTE],
            TeamStatus.ON_SCENE: [TeamStatus.ON_SCENE],
            TeamStatus.TRANSPORTING: [TeamStatus.ON_SCENE, TeamStatus.TRANSPORTING],
            TeamStatus.FOLLOW_UP: [TeamStatus.ON_SCENE]
            + ([TeamStatus.FOLLOW_UP] if holding else []),
        }[status]
        for step in path:
            self.accept(self.status(team, step))
        if status == TeamStatus.FOLLOW_UP and not holding:
            self.accept(self.close(incident))
            assert self.state.teams[team].status == TeamStatus.FOLLOW_UP
            return team, None
        return team, incident
