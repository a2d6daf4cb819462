"""The simulator reacts to people on the same floor: rejections and take-overs.

A "human" acts on the in-memory floor at chosen moments, through the same
rules, as a dispatcher at a console would on the server.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from umcr_console.config import load_deployment
from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import name_id, uuid7
from umcr_console.domain.model import Location
from umcr_console.protocol import EventResult
from umcr_console.simulator.calibration import DEFAULT_START
from umcr_console.simulator.engine import Simulator, Stats
from umcr_console.simulator.floor import LocalFloor
from umcr_console.simulator.pacing import InstantPacer
from umcr_console.simulator.params import Parameters
from umcr_console.simulator.places import DivisionPlaces

HUMAN = "dispatcher.ana"
Hook = Callable[["HumanFloor", Sequence[ev.Event]], None]


class HumanFloor(LocalFloor):
    """A LocalFloor on which a person acts just before some of the simulator's batches."""

    def __init__(self, base: LocalFloor, hook: Hook) -> None:
        super().__init__(base.state)
        self.events = base.events
        self.hook = hook
        self.simulator_events: list[ev.Event] = []

    async def submit(
        self, events: Sequence[ev.Event], *, team_id: str | None = None
    ) -> list[EventResult]:
        self.hook(self, events)
        self.simulator_events.extend(events)
        return await super().submit(events, team_id=team_id)

    def human(
        self, event_type: EventType, entity_id: str, payload: ev.Payload, at: datetime
    ) -> None:
        event = ev.make_event(event_type, entity_id, payload, workstation_id="ws-1", occurred_at=at)
        result = self._apply(event, actor=HUMAN)
        assert result.status == "accepted", result


def run(
    places: DivisionPlaces, hook: Hook, days: float = 1, seed: int = 3
) -> tuple[HumanFloor, Stats]:
    deployment = load_deployment("pilot")
    floor = HumanFloor(LocalFloor.with_roster(deployment, DEFAULT_START), hook)
    sim = Simulator(floor, InstantPacer(DEFAULT_START), deployment, places, seed=seed)
    stats = asyncio.run(sim.run(until=DEFAULT_START + timedelta(days=days)))
    return floor, stats


def human_call(floor: HumanFloor, places: DivisionPlaces, division: str, at: datetime) -> str:
    lat, lon = places.sample(division, random.Random(1))
    incident_id = uuid7()
    floor.human(
        EventType.INCIDENT_CREATED,
        incident_id,
        ev.IncidentCreated(
            received_at=at,
            source=Source.DIRECT_LINE,
            call_type=CallType.WELFARE_CHECK,
            priority=Priority.HIGH,
            location=Location(address="taken by a person", lat=lat, lon=lon, division=division),
        ),
        at,
    )
    return incident_id


def test_a_team_taken_by_a_person_is_answered_with_another(places: DivisionPlaces) -> None:
    taken: dict[str, str] = {}

    def take_the_team_first(floor: HumanFloor, events: Sequence[ev.Event]) -> None:
        first = events[0]
        if taken or first.type != EventType.INCIDENT_TEAM_ASSIGNED or len(events) != 1:
            return
        team_id = str(first.payload["team_id"])
        team = floor.state.team(team_id)
        assert team is not None
        if team.division not in ("West Los Angeles", "Wilshire", "Olympic"):
            return  # a service area with other teams, so there is another to take
        incident_id = human_call(floor, places, team.division, first.occurred_at)
        floor.human(
            EventType.INCIDENT_TEAM_ASSIGNED,
            incident_id,
            ev.TeamAssigned(team_id=team_id),
            first.occurred_at,
        )
        taken.update(team=team_id, incident=incident_id, sim_incident=first.entity_id)

    floor, stats = run(places, take_the_team_first)
    assert stats.rejected == {"team_unavailable": 1}
    # The simulator's call still got a team and was worked to the end.
    sim_incident = floor.state.incident(taken["sim_incident"])
    assert sim_incident is not None and sim_incident.times.dispatched_at is not None
    assert sim_incident.state == IncidentState.CLOSED
    # The person's call: the team drove there and checks in, but only the person closes it.
    human_incident = floor.state.incident(taken["incident"])
    assert human_incident is not None and human_incident.is_open
    assert human_incident.times.on_scene_at is not None
    check_ins = [
        e
        for e in floor.simulator_events
        if e.type == EventType.TEAM_CHECKED_IN and e.entity_id == taken["team"]
    ]
    assert len(check_ins) > 10
    assert not any(
        e.type == EventType.INCIDENT_CLOSED and e.entity_id == taken["incident"]
        for e in floor.simulator_events
    )


def test_a_team_cleared_by_a_person_is_left_alone_and_the_call_redispatched(
    places: DivisionPlaces,
) -> None:
    done: dict[str, str] = {}

    def clear_the_first_team_on_scene(floor: HumanFloor, events: Sequence[ev.Event]) -> None:
        if done:
            return
        for team in floor.state.teams.values():
            # In a service area with other teams, so another can take the call.
            if (
                team.status == TeamStatus.ON_SCENE
                and team.incident_id
                and team.division == "Wilshire"
            ):
                at = events[0].occurred_at
                # The person clears the team from the call, then takes it out of service.
                for status in (TeamStatus.AVAILABLE, TeamStatus.OUT_OF_SERVICE):
                    floor.human(
                        EventType.TEAM_STATUS_CHANGED,
                        team.id,
                        ev.StatusChanged(status=status, note="radio: vehicle trouble"),
                        at,
                    )
                done.update(team=team.id, incident=team.incident_id)
                return

    floor, stats = run(places, clear_the_first_team_on_scene)
    assert done and stats.rejected == {}
    after = False
    for event in floor.simulator_events:
        if event.occurred_at > floor.state.team(done["team"]).status_since:  # type: ignore[union-attr]
            after = True
        # Nothing is sent for or to the out-of-service team once it is out of service.
        if after:
            assert event.entity_id != done["team"]
            assert event.payload.get("team_id") != done["team"]
    team = floor.state.team(done["team"])
    assert team is not None and team.status == TeamStatus.OUT_OF_SERVICE
    incident = floor.state.incident(done["incident"])
    assert incident is not None and incident.state == IncidentState.CLOSED
    # The call went back to the queue and was given to another team.
    teams = [
        e.payload["team_id"]
        for e in floor.events
        if e.type == EventType.INCIDENT_TEAM_ASSIGNED and e.entity_id == done["incident"]
    ]
    assert len(teams) == 2 and teams[0] == done["team"] and teams[1] != done["team"]
    assert incident.disposition != "cancelled"


def test_calls_wait_when_no_team_is_free_and_go_out_by_urgency(places: DivisionPlaces) -> None:
    """Every team out of service for two hours: calls queue, then go most urgent first."""
    deployment = load_deployment("pilot")
    back_at = DEFAULT_START + timedelta(hours=2)
    team_ids = [name_id("team", t.call_sign) for t in deployment.teams]
    back: list[datetime] = []

    def teams_come_back(floor: HumanFloor, events: Sequence[ev.Event]) -> None:
        at = events[0].occurred_at
        if not back and at >= back_at:
            for team_id in team_ids:
                floor.human(
                    EventType.TEAM_STATUS_CHANGED,
                    team_id,
                    ev.StatusChanged(status=TeamStatus.AVAILABLE),
                    at,
                )
            back.append(at)

    floor = HumanFloor(LocalFloor.with_roster(deployment, DEFAULT_START), teams_come_back)
    for team_id in team_ids:
        floor.human(
            EventType.TEAM_STATUS_CHANGED,
            team_id,
            ev.StatusChanged(status=TeamStatus.OUT_OF_SERVICE, note="training"),
            DEFAULT_START,
        )
    sim = Simulator(
        floor,
        InstantPacer(DEFAULT_START),
        deployment,
        places,
        # A busy day without redirects, so the queue holds several calls.
        params=replace(Parameters(), calls_per_day=200.0, redirect_share=0.0),
        seed=5,
    )
    stats = asyncio.run(sim.run(until=back_at + timedelta(hours=1)))
    assert back and stats.max_waiting >= 5 and stats.rejected == {}
    assigned = [
        e
        for e in floor.events
        if e.type == EventType.INCIDENT_TEAM_ASSIGNED and e.actor == "simulator"
    ]
    assert assigned and min(e.occurred_at for e in assigned) == back[0]
    # The first round, when the teams came back: most urgent first, then oldest.
    first_round = [e for e in assigned if e.occurred_at == back[0]]
    order = []
    for event in first_round:
        incident = floor.state.incident(event.entity_id)
        assert incident is not None
        order.append((incident.priority, incident.received_at))
    assert len(first_round) >= 2 and order == sorted(order)
