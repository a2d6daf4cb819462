"""The whole team status table: every (from, to) pair, allowed or refused.

The table is written out here by hand, not derived from ``rules.TRANSITIONS``,
so a change to the machine has to change this test too.
"""

from __future__ import annotations

import pytest

from umcr_console.domain.enums import IncidentState, RejectCode, TeamStatus
from umcr_console.domain.rules import TRANSITIONS

from .world import World

AVL, DSP, ENR, ONS, TRN, FUP, OOS, OFF = (
    TeamStatus.AVAILABLE,
    TeamStatus.DISPATCHED,
    TeamStatus.EN_ROUTE,
    TeamStatus.ON_SCENE,
    TeamStatus.TRANSPORTING,
    TeamStatus.FOLLOW_UP,
    TeamStatus.OUT_OF_SERVICE,
    TeamStatus.OFF_DUTY,
)

# (start, holds an incident) -> the statuses a status change may go to.
# Dispatched is never reachable by a status change: only an assignment dispatches.
ALLOWED: dict[tuple[TeamStatus, bool], set[TeamStatus]] = {
    (AVL, False): {OOS, OFF},
    (DSP, True): {ENR, ONS, AVL},
    (ENR, True): {ONS, AVL},
    (ONS, True): {TRN, FUP, AVL},
    (TRN, True): {ONS, FUP, AVL},
    (FUP, True): {AVL, OOS, OFF, ONS},
    (FUP, False): {AVL, OOS, OFF},  # back on scene only with an incident to be on
    (OOS, False): {AVL, OFF},
    (OFF, False): {AVL, OOS},
}

CASES = [
    pytest.param(
        start,
        holding,
        target,
        target in allowed,
        id=f"{start}{'+inc' if holding else ''}->{target}",
    )
    for (start, holding), allowed in ALLOWED.items()
    for target in TeamStatus
]


def test_the_table_covers_every_status_and_the_rules_agree() -> None:
    assert {start for start, _ in ALLOWED} == set(TeamStatus)
    for status in TeamStatus:
        allowed = set().union(*(v for (s, _), v in ALLOWED.items() if s == status))
        assert allowed == set(TRANSITIONS[status]), status
    assert len(CASES) == len(ALLOWED) * len(TeamStatus)


@pytest.mark.parametrize(("start", "holding", "target", "allowed"), CASES)
def test_transition(start: TeamStatus, holding: bool, target: TeamStatus, allowed: bool) -> None:
    world = World()
    team_id, incident_id = world.put_team_in(start, holding=holding)
    assert world.state.teams[team_id].status == start
    assert (incident_id is not None) == holding
    world.tick(7)
    event = world.status(team_id, target, note="radio")
    if not allowed:
        rejection = world.reject(event, RejectCode.INVALID_TRANSITION)
        if target == DSP and start != DSP:
            assert "assign" in rejection.detail
        return
    world.accept(event)
    team = world.state.teams[team_id]
    assert team.status == target
    assert team.status_since == world.now
    assert team.status_note == "radio"
    clears = target in (AVL, OOS, OFF)
    if incident_id is None:
        assert team.incident_id is None
        return
    incident = world.state.incidents[incident_id]
    if clears:
        assert team.incident_id is None
        assert team_id not in incident.team_ids
        assert incident.state == IncidentState.PENDING
    else:
        assert team.incident_id == incident_id
        assert incident.team_ids == (team_id,)
        assert incident.state == IncidentState.ASSIGNED


def test_every_status_has_its_own_label() -> None:
    labels = [status.label for status in TeamStatus]
    assert len(set(labels)) == len(labels) and all(labels)
