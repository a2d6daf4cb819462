"""Property tests: any sequence of events keeps the invariants of dispatch.

A hypothesis state machine sends creations, assignments, releases, status
changes, check-ins, notes, updates with right and wrong expected versions,
closes, redirects, reopens and plainly bad events (unknown type, from the
future, unknown entity, duplicate id) at the pure rules. After every step:

- a team is on at most one incident;
- an incident's team_ids and each team's incident_id agree both ways;
- a closed incident holds no team;
- a team in dispatched / en route / on scene / transporting holds an incident,
  and a team that holds one is in one of those or in follow-up;
- a team moves only along the status table or by the automatic moves of
  assignment, release and close; only an available team is sent;
- an event with an expected_version is accepted only at that version;
- an accepted event raises the version of each entity it touched by exactly
  one (new entities start at 1) and leaves every other entity alone;
- a rejected event changes nothing;
- ``decide`` is deterministic, and replaying the accepted events on an empty
  state rebuilds the same state (what a console does from the event log);
- (issue 5) a reservation and its scheduled call point at each other, and only
  an open call holds a team; an escalated or acknowledged alert names an
  episode of the team's current status; a follow-up call and the incident it
  follows link both ways; every team on a call is in its assigned_team_ids.

Runs in a few seconds with the default profile "domain-ci". For a long run:

    UMCR_HYPOTHESIS_PROFILE=domain-long .venv/bin/python -m pytest tests/domain/test_properties.py

("domain-long": 2,000 sequences of up to 100 steps, about 2 minutes on 2 cores;
the default runs 300 sequences of up to 50 steps in about 6 s.)
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from umcr_console.domain.config import Thresholds
from umcr_console.domain.enums import (
    INCIDENT_BOUND_STATUSES,
    Agency,
    Disposition,
    EventType,
    IncidentState,
    TeamStatus,
)
from umcr_console.domain.events import MAX_TEXT, Event
from umcr_console.domain.ids import uuid7
from umcr_console.domain.rules import (
    MAX_FUTURE_SKEW,
    TRANSITIONS,
    Changes,
    Outcome,
    Rejection,
    decide,
)
from umcr_console.domain.state import State
from umcr_console.domain.timers import team_overdue

from .world import T0, incident_payload

settings.register_profile(
    "domain-ci",
    max_examples=300,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "domain-long",
    max_examples=2000,
    stateful_step_count=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = os.environ.get("UMCR_HYPOTHESIS_PROFILE", "domain-ci")

# How a client sets expected_version: not at all, right, or stale/ahead. Weighted
# towards plausible clients so that sequences get deep enough to matter.
VERSIONING = st.sampled_from(["none", "none", "right", "right", "stale", "ahead"])
OVERSIZE = st.integers(min_value=1, max_value=3).map(lambda n: "x" * (MAX_TEXT + n))
TEXT = st.one_of(st.text(min_size=1, max_size=30), st.text(max_size=3), OVERSIZE)


ALLOWED_MOVES = (
    {(old, new) for old, targets in TRANSITIONS.items() for new in targets}
    | {(TeamStatus.AVAILABLE, TeamStatus.DISPATCHED)}
    | {(status, TeamStatus.AVAILABLE) for status in INCIDENT_BOUND_STATUSES}
    | {(TeamStatus.ON_SCENE, TeamStatus.FOLLOW_UP), (TeamStatus.TRANSPORTING, TeamStatus.FOLLOW_UP)}
)


AVL, ENR, ONS, TRN, FUP = (
    TeamStatus.AVAILABLE,
    TeamStatus.EN_ROUTE,
    TeamStatus.ON_SCENE,
    TeamStatus.TRANSPORTING,
    TeamStatus.FOLLOW_UP,
)


def working_path(start: TeamStatus, goal: TeamStatus) -> list[TeamStatus]:
    """The shortest run of allowed moves from ``start`` to ``goal`` that keeps the call."""
    keeps = INCIDENT_BOUND_STATUSES | {TeamStatus.FOLLOW_UP}
    paths: dict[TeamStatus, list[TeamStatus]] = {start: []}
    queue = [start]
    for status in queue:
        for nxt in sorted(TRANSITIONS[status] & keeps):
            if nxt not in paths:
                paths[nxt] = [*paths[status], nxt]
                queue.append(nxt)
    return paths.get(goal, [])


def expected(how: str, current: int) -> int | None:
    return {"none": None, "right": current, "stale": max(current - 1, 0), "ahead": current + 1}[how]


class DispatchMachine(RuleBasedStateMachine):
    incidents = Bundle("incidents")
    teams = Bundle("teams")

    def __init__(self) -> None:
        super().__init__()
        self.state = State()
        self.now: datetime = T0
        self.log: list[tuple[Event, datetime, int]] = []

    # --- judging ---------------------------------------------------------------

    def judge(
        self,
        event_type: EventType | str,
        entity_id: str,
        payload: dict[str, Any],
        *,
        version: int | None = None,
        occurred_at: datetime | None = None,
    ) -> Outcome:
        event = Event(
            event_id=uuid7(),
            type=str(event_type),
            entity_id=entity_id,
            occurred_at=occurred_at or self.now,
            workstation_id="ws-prop",
            expected_version=version,
            payload=payload,
            actor="prop",
        )
        before = self.state.copy()
        seq = before.seq + 1
        outcome = self.state.apply(event, now=self.now, seq=seq)
        # The same inputs give the same verdict: server and console agree.
        assert decide(before, event, now=self.now, seq=seq) == outcome
        if isinstance(outcome, Rejection):
            note_event(f"{event.type} rejected: {outcome.code}")
            assert self.state.incidents == before.incidents
            assert self.state.teams == before.teams
            assert self.state.seq == before.seq
            return outcome
        note_event(f"{event.type} accepted")
        self.log.append((event, self.now, seq))
        assert self.state.seq == seq
        assert outcome.incidents or outcome.teams, "an accepted event touches something"
        for kind, new_values, old_values in (
            ("incident", self.state.incidents, before.incidents),
            ("team", self.state.teams, before.teams),
        ):
            touched = outcome.incidents if kind == "incident" else outcome.teams
            for entity_id_, value in new_values.items():
                old = old_values.get(entity_id_)
                if entity_id_ in touched:
                    assert value.version == (old.version + 1 if old else 1), (kind, event.type)
                else:
                    assert value == old, f"{event.type} changed an untouched {kind}"
        self.check_transition(event, before)
        return outcome

    def check_transition(self, event: Event, before: State) -> None:
        """What an accepted event may do, beyond the invariants of any one state."""
        if event.expected_version is not None:
            # Optimistic locking: accepted only against the version the client saw.
            kind = event.type.split(".", 1)[0]
            old = (before.incidents if kind == "incident" else before.teams)[event.entity_id]
            assert old.version == event.expected_version, f"{event.type} ignored a stale version"
        for team_id, team in self.state.teams.items():
            old_team = before.teams.get(team_id)
            if old_team is None or old_team.status == team.status:
                continue
            move = (old_team.status, team.status)
            # A team moves along the table, or by the automatic moves of
            # assignment (available -> dispatched), release (-> available)
            # and close (on scene / transporting -> follow-up).
            assert move in ALLOWED_MOVES, f"{event.type} moved a team {move}"
            if team.status == TeamStatus.DISPATCHED:
                assert event.type == EventType.INCIDENT_TEAM_ASSIGNED
            if team.incident_id is not None and old_team.incident_id is None:
                assert old_team.status == TeamStatus.AVAILABLE, "an unavailable team was sent"

    # --- the roster and the clock ----------------------------------------------

    @initialize(target=teams, count=st.integers(min_value=1, max_value=4))
    def roster(self, count: int) -> Any:
        made = []
        for n in range(count):
            team_id = uuid7()
            outcome = self.judge(
                EventType.TEAM_CREATED,
                team_id,
                {"call_sign": f"T-{n}", "provider": "Exodus Recovery", "division": "Olympic"},
            )
            assert isinstance(outcome, Changes)
            made.append(team_id)
        return multiple(*made)

    @initialize(target=incidents, count=st.integers(min_value=1, max_value=3))
    def queue(self, count: int) -> Any:
        # Start with calls waiting, so that short runs already dispatch.
        made = []
        for _ in range(count):
            incident_id = uuid7()
            outcome = self.judge(EventType.INCIDENT_CREATED, incident_id, incident_payload())
            assert isinstance(outcome, Changes)
            made.append(incident_id)
        return multiple(*made)

    @rule(minutes=st.integers(min_value=0, max_value=90))
    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    # --- incidents -------------------------------------------------------------

    @rule(
        target=incidents,
        priority=st.integers(min_value=0, max_value=4),
        flags=st.sampled_from([{}, {}, {}, {"weapons": True}, {"medical": True}]),
        override=st.sampled_from(["", "", "known to the team, knife put away"]),
    )
    def create(self, priority: int, flags: dict[str, bool], override: str) -> Any:
        incident_id = uuid7()
        outcome = self.judge(
            EventType.INCIDENT_CREATED,
            incident_id,
            incident_payload(priority=priority, safety=flags, screen_override_reason=override),
        )
        return incident_id if isinstance(outcome, Changes) else multiple()

    @rule(incident=incidents, how=VERSIONING, data=st.data())
    def update(self, incident: str, how: str, data: st.DataObject) -> None:
        fields = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "priority": st.integers(min_value=1, max_value=3) | st.none(),
                    "narrative": TEXT,
                    "call_type": st.sampled_from(["mental_health", "trespass"]),
                },
            )
        )
        self.judge(
            EventType.INCIDENT_UPDATED,
            incident,
            fields,
            version=expected(how, self.state.incidents[incident].version),
        )

    @rule(incident=incidents, text=TEXT, how=VERSIONING)
    def note(self, incident: str, text: str, how: str) -> None:
        version = expected(how, self.state.incidents[incident].version)
        self.judge(EventType.INCIDENT_NOTE_ADDED, incident, {"text": text}, version=version)

    @rule(incident=incidents, team=teams, how=VERSIONING, data=st.data())
    def assign(self, incident: str, team: str, how: str, data: st.DataObject) -> None:
        free = sorted(t.id for t in self.state.teams.values() if t.status == TeamStatus.AVAILABLE)
        if free and data.draw(st.sampled_from([True, True, False])):
            team = data.draw(st.sampled_from(free))  # often a team that can go
        waiting = sorted(i.id for i in self.state.incidents.values() if i.is_open)
        if waiting and data.draw(st.sampled_from([True, True, False])):
            incident = data.draw(st.sampled_from(waiting))  # often a call that is open
        version = expected(how, self.state.incidents[incident].version)
        self.judge(EventType.INCIDENT_TEAM_ASSIGNED, incident, {"team_id": team}, version=version)

    @rule(incident=incidents, team=teams, data=st.data())
    def release(self, incident: str, team: str, data: st.DataObject) -> None:
        on_it = self.state.incidents[incident].team_ids
        if on_it and data.draw(st.booleans()):
            team = data.draw(st.sampled_from(on_it))  # mostly a team that is on it
        self.judge(EventType.INCIDENT_TEAM_RELEASED, incident, {"team_id": team})

    def staffed(self, incident: str, data: st.DataObject) -> str:
        """Often an incident that holds teams: closing those is where rules bite."""
        busy = sorted(i.id for i in self.state.incidents.values() if i.team_ids)
        if busy and data.draw(st.booleans()):
            return data.draw(st.sampled_from(busy))
        return incident

    @rule(
        incident=incidents,
        disposition=st.sampled_from(Disposition),
        how=VERSIONING,
        data=st.data(),
    )
    def close(self, incident: str, disposition: Disposition, how: str, data: st.DataObject) -> None:
        incident = self.staffed(incident, data)
        version = expected(how, self.state.incidents[incident].version)
        self.judge(
            EventType.INCIDENT_CLOSED,
            incident,
            {"disposition": str(disposition), "note": "done"},
            version=version,
        )

    @rule(incident=incidents, agency=st.sampled_from(Agency), data=st.data())
    def redirect(self, incident: str, agency: Agency, data: st.DataObject) -> None:
        incident = self.staffed(incident, data)
        self.judge(
            EventType.INCIDENT_REDIRECTED, incident, {"agency": str(agency), "reason": "screen"}
        )

    @rule(incident=incidents, how=VERSIONING)
    def reopen(self, incident: str, how: str) -> None:
        version = expected(how, self.state.incidents[incident].version)
        self.judge(EventType.INCIDENT_REOPENED, incident, {"reason": "again"}, version=version)

    # --- teams -----------------------------------------------------------------

    @rule(team=teams, how=VERSIONING, data=st.data())
    def status(self, team: str, how: str, data: st.DataObject) -> None:
        working = sorted(t.id for t in self.state.teams.values() if t.status != AVL)
        if working and data.draw(st.booleans()):
            team = data.draw(st.sampled_from(working))  # often a team that is not idle
        current = self.state.teams[team].status
        # Mostly a move the table allows, else any status at all.
        allowed = data.draw(st.sampled_from([True, True, False]))
        choices = sorted(TRANSITIONS[current]) if allowed else list(TeamStatus)
        status = data.draw(st.sampled_from(choices))
        version = expected(how, self.state.teams[team].version)
        self.judge(
            EventType.TEAM_STATUS_CHANGED,
            team,
            {"status": str(status), "note": ""},
            version=version,
        )

    @rule(team=teams, how=VERSIONING)
    def check_in(self, team: str, how: str) -> None:
        version = expected(how, self.state.teams[team].version)
        self.judge(EventType.TEAM_CHECKED_IN, team, {"note": "ok"}, version=version)

    def busy_teams(self) -> list[str]:
        return sorted(t.id for t in self.state.teams.values() if t.incident_id is not None)

    @precondition(lambda self: bool(self.busy_teams()))
    @rule(data=st.data(), goal=st.sampled_from([ENR, ONS, TRN, FUP, FUP]))
    def advance(self, data: st.DataObject, goal: TeamStatus) -> None:
        """A busy team works its call up to ``goal``, reporting each step.

        Random single moves rarely get a team deep into a call; this walks the
        shortest path of the table that keeps the incident, so closes, releases
        and clears meet teams on scene, transporting and in follow-up often.
        """
        team_id = data.draw(st.sampled_from(self.busy_teams()))
        for status in working_path(self.state.teams[team_id].status, goal):
            outcome = self.judge(
                EventType.TEAM_STATUS_CHANGED, team_id, {"status": str(status), "note": ""}
            )
            assert isinstance(outcome, Changes), outcome

    # --- alerts, follow-ups, handoffs, scheduled calls (issue 5) ----------------

    @rule(team=teams, acknowledge=st.booleans(), data=st.data())
    def alert(self, team: str, acknowledge: bool, data: st.DataObject) -> None:
        """Escalate or acknowledge the team's overdue alert, or a made-up episode."""
        current = self.state.teams[team]
        overdue = team_overdue(current, self.now, Thresholds())
        if overdue is not None and data.draw(st.sampled_from([True, True, False])):
            since = overdue.since
        else:
            # Mostly a moment the team has lived through in this status.
            elapsed = int((self.now - current.status_since).total_seconds() // 60)
            minutes = data.draw(st.integers(-5, max(elapsed, 0) + 5))
            since = current.status_since + timedelta(minutes=minutes)
        if acknowledge:
            self.judge(
                EventType.TEAM_ALERT_ACKNOWLEDGED, team, {"overdue_since": since.isoformat()}
            )
        else:
            status = data.draw(st.sampled_from([current.status, *TeamStatus]))
            self.judge(
                EventType.TEAM_ALERT_ESCALATED,
                team,
                {"status": str(status), "overdue_since": since.isoformat(), "reason": "x"},
            )

    @rule(
        incident=incidents,
        team=teams,
        hours=st.integers(min_value=-1, max_value=6),
        with_team=st.booleans(),
        lead=st.integers(min_value=0, max_value=90),
        data=st.data(),
    )
    def schedule(
        self,
        incident: str,
        team: str,
        hours: int,
        with_team: bool,
        lead: int,
        data: st.DataObject,
    ) -> None:
        pending = sorted(i.id for i in self.state.incidents.values() if not i.team_ids)
        if pending and data.draw(st.booleans()):
            incident = data.draw(st.sampled_from(pending))
        if hours == 0 and data.draw(st.booleans()):
            payload: dict[str, Any] = {"scheduled_for": None}  # back to an ordinary call
        else:
            at = self.now + timedelta(hours=hours, minutes=1)
            payload = {
                "scheduled_for": at.isoformat(),
                "hold_from": (at - timedelta(minutes=lead)).isoformat(),
            }
            if with_team:
                payload["team_id"] = team
        self.judge(EventType.INCIDENT_SCHEDULED, incident, payload)

    @rule(incident=incidents, kind=st.sampled_from(["schedule", "done"]), hours=st.integers(-2, 72))
    def follow_up(self, incident: str, kind: str, hours: int) -> None:
        if kind == "schedule":
            payload = {
                "due_from": (self.now + timedelta(hours=hours)).isoformat(),
                "due_by": (self.now + timedelta(hours=hours + 48)).isoformat(),
            }
            self.judge(EventType.INCIDENT_FOLLOW_UP_SCHEDULED, incident, payload)
        else:
            self.judge(EventType.INCIDENT_FOLLOW_UP_DONE, incident, {"note": "seen"})

    @rule(target=incidents, incident=incidents)
    def follow_up_call(self, incident: str) -> Any:
        new_id = uuid7()
        outcome = self.judge(
            EventType.INCIDENT_CREATED,
            new_id,
            incident_payload(source="scheduled_follow_up", follows_up=incident),
        )
        return new_id if isinstance(outcome, Changes) else multiple()

    @rule(
        incident=incidents,
        provider=st.sampled_from(["Didi Hirsch", "SSG OTTP"]),
        accept=st.booleans(),
    )
    def handoff(self, incident: str, provider: str, accept: bool) -> None:
        if accept:
            self.judge(EventType.INCIDENT_HANDOFF_ACCEPTED, incident, {"accepted_by": "K."})
        else:
            self.judge(EventType.INCIDENT_HANDOFF_REQUESTED, incident, {"provider": provider})

    # --- plainly bad events ----------------------------------------------------

    @rule(
        team=teams,
        incident=incidents,
        kind=st.sampled_from(["future", "unknown_type", "unknown_entity", "duplicate"]),
    )
    def bad_event(self, team: str, incident: str, kind: str) -> None:
        if kind == "future":
            late = self.now + MAX_FUTURE_SKEW + timedelta(seconds=1)
            outcome = self.judge(EventType.TEAM_CHECKED_IN, team, {"note": ""}, occurred_at=late)
            code = "invalid_payload"
        elif kind == "unknown_type":
            outcome, code = self.judge("team.teleported", team, {}), "invalid_payload"
        elif kind == "unknown_entity":
            outcome = self.judge(EventType.INCIDENT_TEAM_ASSIGNED, uuid7(), {"team_id": team})
            code = "unknown_entity"
        else:
            outcome = self.judge(EventType.INCIDENT_CREATED, incident, incident_payload())
            code = "duplicate_entity"
        assert isinstance(outcome, Rejection) and outcome.code == code

    # --- invariants ------------------------------------------------------------

    @invariant()
    def teams_and_incidents_agree(self) -> None:
        holders: dict[str, list[str]] = {}
        for incident in self.state.incidents.values():
            assert len(set(incident.team_ids)) == len(incident.team_ids)
            for team_id in incident.team_ids:
                holders.setdefault(team_id, []).append(incident.id)
                assert self.state.teams[team_id].incident_id == incident.id
            if incident.state == IncidentState.CLOSED:
                assert incident.team_ids == ()
                assert incident.times.closed_at is not None
                assert incident.disposition is not None
            else:
                assert incident.times.closed_at is None
                assert incident.state == (
                    IncidentState.ASSIGNED if incident.team_ids else IncidentState.PENDING
                )
            assert incident.version >= 1
        for team in self.state.teams.values():
            assert len(holders.get(team.id, [])) <= 1, "a team on two incidents"
            if team.incident_id is not None:
                assert holders.get(team.id) == [team.incident_id]
            else:
                assert team.id not in holders
            if team.status in INCIDENT_BOUND_STATUSES:
                assert team.incident_id is not None, f"{team.status} without an incident"
            if team.incident_id is not None:
                # ...and the reverse: a team that cleared has left its call.
                assert team.status in INCIDENT_BOUND_STATUSES | {FUP}, f"{team.status} on a call"
            assert team.version >= 1

    @invariant()
    def issue_5_links_agree(self) -> None:
        incidents, teams = self.state.incidents, self.state.teams
        for team in teams.values():
            held = team.reservation
            if held is not None:
                call = incidents[held.incident_id]
                assert call.is_open, "a closed call holds a team"
                assert call.reserved_team_id == team.id
                assert call.scheduled_for == held.at and held.hold_from <= held.at
            for since in (team.escalated_for, team.alert_acknowledged_for):
                if since is not None:
                    # An alert names an episode of the team's current status.
                    assert since > team.status_since
            if team.last_scene_incident_id is not None:
                assert team.last_scene_incident_id in incidents
        for incident in incidents.values():
            if incident.reserved_team_id is not None:
                held = teams[incident.reserved_team_id].reservation
                assert held is not None and held.incident_id == incident.id
            assert set(incident.team_ids) <= set(incident.assigned_team_ids)
            if incident.follows_up is not None:
                assert incident.follows_up in incidents
            follow_up = incident.follow_up
            if follow_up is not None and follow_up.incident_id is not None:
                assert incidents[follow_up.incident_id].follows_up == incident.id
                assert not follow_up.is_open

    def teardown(self) -> None:
        # Rebuild from the accepted events alone, as a console does from the log.
        replayed = State()
        for event, now, seq in self.log:
            assert isinstance(replayed.apply(event, now=now, seq=seq), Changes)
        assert replayed.incidents == self.state.incidents
        assert replayed.teams == self.state.teams
        assert replayed.seq == self.state.seq


DispatchMachine.TestCase.settings = settings.get_profile(PROFILE)
TestDispatchRules = DispatchMachine.TestCase
TestDispatchRules.pytestmark = [pytest.mark.slow]  # out of the quick loop (README)
