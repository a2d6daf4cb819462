"""Reports: a generated year with known figures gives exactly those figures."""

import statistics
from datetime import UTC, datetime, timedelta

import pytest

from umcr_console.domain import events as ev
from umcr_console.domain.config import Costs
from umcr_console.domain.enums import (
    Agency,
    CallType,
    Disposition,
    EventType,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import name_id
from umcr_console.domain.model import Location
from umcr_console.domain.reports import csv_rows, figures, percentile, report
from umcr_console.domain.state import State

YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
DIVISIONS = ("Devonshire", "Wilshire")
# Response minutes cycle through these; their mean is 27, median 27.5.
RESPONSES = (12, 18, 22, 27, 28, 33, 36, 40)
ON_SCENE = 25
# Calls n with n % 10 in these get a follow-up (1,340 of 6,700); n % 20 in them, done (670).
FOLLOW_UP = (1, 2)


def build_year(calls: int = 6700, redirect_every: int = 25) -> State:
    """One call every ~78 minutes; every 25th redirected at intake (4%)."""
    state = State()
    seq = 0
    now = YEAR_START

    def apply(kind: EventType, entity: str, payload: ev.Payload, at: datetime) -> None:
        nonlocal seq
        seq += 1
        event = ev.make_event(kind, entity, payload, workstation_id="gen", occurred_at=at)
        outcome = state.apply(event.model_copy(update={"actor": "gen"}), now=at, seq=seq)
        assert not hasattr(outcome, "code"), outcome

    team = name_id("team", "GEN-1")
    apply(
        EventType.TEAM_CREATED,
        team,
        ev.TeamCreated(call_sign="GEN-1", provider="P", division="Devonshire"),
        now,
    )
    step = timedelta(days=365) / calls
    for n in range(calls):
        received = YEAR_START + n * step
        incident = name_id("incident", str(n))
        apply(
            EventType.INCIDENT_CREATED,
            incident,
            ev.IncidentCreated(
                received_at=received,
                source=Source.LAPD_911,
                call_type=CallType.MENTAL_HEALTH if n % 2 else CallType.WELFARE_CHECK,
                priority=Priority.HIGH,
                location=Location(address="x", division=DIVISIONS[n % 2]),
            ),
            received,
        )
        if n % redirect_every == 0:
            apply(
                EventType.INCIDENT_REDIRECTED,
                incident,
                ev.Redirected(agency=Agency.LAPD, reason="weapon"),
                received + timedelta(minutes=1),
            )
            continue
        response = RESPONSES[n % len(RESPONSES)]
        apply(
            EventType.INCIDENT_TEAM_ASSIGNED,
            incident,
            ev.TeamAssigned(team_id=team),
            received + timedelta(minutes=2),
        )
        on_scene = received + timedelta(minutes=response)
        apply(
            EventType.TEAM_STATUS_CHANGED,
            team,
            ev.StatusChanged(status=TeamStatus.ON_SCENE),
            on_scene,
        )
        apply(
            EventType.INCIDENT_CLOSED,
            incident,
            ev.Closed(disposition=Disposition.RESOLVED_ON_SCENE),
            on_scene + timedelta(minutes=ON_SCENE),
        )
        apply(
            EventType.TEAM_STATUS_CHANGED,
            team,
            ev.StatusChanged(status=TeamStatus.AVAILABLE),
            on_scene + timedelta(minutes=ON_SCENE + 1),
        )
        closed_at = on_scene + timedelta(minutes=ON_SCENE)
        if n % 10 in FOLLOW_UP:  # never a redirected call (those are multiples of 25)
            apply(
                EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
                incident,
                ev.FollowUpScheduled(
                    due_from=closed_at + timedelta(days=1), due_by=closed_at + timedelta(days=3)
                ),
                closed_at + timedelta(minutes=2),
            )
            if n % 20 in FOLLOW_UP:
                apply(
                    EventType.INCIDENT_FOLLOW_UP_DONE,
                    incident,
                    ev.FollowUpDone(),
                    closed_at + timedelta(minutes=3),
                )
    return state


@pytest.fixture(scope="module")
def year() -> State:
    return build_year()


@pytest.mark.slow
def test_a_generated_year_gives_exactly_its_figures(year: State) -> None:
    rep = report(year.incidents.values(), YEAR_START, YEAR_START + timedelta(days=365))
    total = rep.total
    assert total.calls == 6700
    assert total.handled == 6700
    assert total.redirected == 268  # every 25th call: 4.0 %
    assert total.redirect_rate == pytest.approx(0.04)
    reached = 6700 - 268
    assert total.interventions == reached
    # Each response value occurs for the non-redirected calls in the cycle.
    expected = [RESPONSES[n % len(RESPONSES)] for n in range(6700) if n % 25]
    assert total.response.count == reached
    assert total.response.mean_min == pytest.approx(sum(expected) / len(expected))
    assert total.response.median_min == pytest.approx(statistics.median(expected))
    assert total.response.p90_min == pytest.approx(percentile([float(v) for v in expected], 0.9))
    assert total.on_scene.mean_min == pytest.approx(ON_SCENE)
    assert total.cost_unarmed == reached * 35
    assert total.cost_police == reached * 85
    assert total.cost_avoided == reached * 50
    assert total.dispositions == {"redirected_lapd": 268, "resolved_on_scene": reached}
    assert set(rep.by_division) == set(DIVISIONS)
    assert sum(f.calls for f in rep.by_division.values()) == 6700


def test_a_generated_year_gives_exactly_its_follow_ups(year: State) -> None:
    rep = report(year.incidents.values(), YEAR_START, YEAR_START + timedelta(days=365))
    assert (rep.total.follow_ups_scheduled, rep.total.follow_ups_done) == (1340, 670)
    # n % 10 == 1 is odd (Wilshire), n % 10 == 2 even (Devonshire): half each.
    for division in DIVISIONS:
        got = rep.by_division[division]
        assert (got.follow_ups_scheduled, got.follow_ups_done) == (670, 335), division
    # A shorter period counts the follow-ups of its own calls only.
    january = report(year.incidents.values(), YEAR_START, YEAR_START + timedelta(days=31))
    expected = [n for n in range(6700) if january.start <= _received(n) < january.end]
    assert january.total.follow_ups_scheduled == sum(1 for n in expected if n % 10 in FOLLOW_UP)
    assert january.total.follow_ups_done == sum(1 for n in expected if n % 20 in FOLLOW_UP)
    rows = csv_rows(rep)
    assert rows[0][-2:] == ["follow_ups_scheduled", "follow_ups_done"]
    assert rows[0][:3] == ["group", "name", "calls"]  # the earlier columns keep their places
    assert rows[1][-2:] == ["1340", "670"]


def _received(n: int, calls: int = 6700) -> datetime:
    return YEAR_START + n * (timedelta(days=365) / calls)


def test_periods_split_exactly(year: State) -> None:
    incidents = year.incidents.values()
    halves = [
        report(incidents, YEAR_START, YEAR_START + timedelta(days=182)).total.calls,
        report(
            incidents, YEAR_START + timedelta(days=182), YEAR_START + timedelta(days=365)
        ).total.calls,
    ]
    assert sum(halves) == 6700
    assert report(incidents, YEAR_START - timedelta(days=1), YEAR_START).total.calls == 0


def test_configurable_costs_and_csv(year: State) -> None:
    rep = report(
        year.incidents.values(),
        YEAR_START,
        YEAR_START + timedelta(days=31),
        costs=Costs(unarmed_per_intervention=40, police_per_intervention=100),
    )
    f = rep.total
    assert f.cost_avoided == f.interventions * 60
    rows = csv_rows(rep)
    assert rows[0][0] == "group" and rows[1][:3] == ["total", "all", str(f.calls)]
    assert {r[0] for r in rows[2:]} == {"division", "call_type"}


def test_cancelled_and_duplicates_are_not_handled_and_empty_is_safe() -> None:
    assert figures([]).redirect_rate is None
    assert figures([]).response.mean_min is None
    assert percentile([], 0.5) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
