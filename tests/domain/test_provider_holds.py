"""Which provider holds an incident (issue 17, item 10): a team released from an
open call gives its provider no hold; one on the call at its close keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

from umcr_console.domain.enums import CallType, IncidentState, Priority, Source
from umcr_console.domain.model import Incident, Location
from umcr_console.domain.permissions import provider_holds

PROVIDERS = {"pl1": "Penny Lane Centers", "ex1": "Exodus Recovery"}


def _incident(**fields: object) -> Incident:
    fields.setdefault("state", IncidentState.PENDING)
    return Incident(
        id="i",
        number="U000001",
        version=1,
        received_at=datetime(2026, 11, 29, 8, 0, tzinfo=UTC),
        priority=Priority.HIGH,
        call_type=CallType.MENTAL_HEALTH,
        source=Source.LAPD_911,
        location=Location(),
        **fields,
    )


def _holds(incident: Incident, provider: str) -> bool:
    return provider_holds(incident, provider, PROVIDERS.get, None)


def test_a_team_on_the_call_or_that_worked_it_to_the_close_gives_a_hold() -> None:
    assert _holds(_incident(team_ids=("pl1",), assigned_team_ids=("pl1",)), "Penny Lane Centers")
    closed = _incident(state=IncidentState.CLOSED, assigned_team_ids=("pl1",))
    assert _holds(closed, "Penny Lane Centers")


def test_a_released_team_gives_no_hold_unless_another_rule_does() -> None:
    released = _incident(assigned_team_ids=("pl1",), released_team_ids=("pl1",))
    assert not _holds(released, "Penny Lane Centers")
    # Another of its teams still on it, or its user took the call: still held.
    both = _incident(
        team_ids=("pl2",), assigned_team_ids=("pl1", "pl2"), released_team_ids=("pl1",)
    )
    assert provider_holds(both, "Penny Lane Centers", {"pl2": "Penny Lane Centers"}.get, None)
    taken = released.model_copy(update={"created_by": "penny"})
    assert provider_holds(taken, "Penny Lane Centers", PROVIDERS.get, "Penny Lane Centers")
    # Another provider's release changes nothing for the provider still on it.
    mixed = _incident(
        team_ids=("ex1",), assigned_team_ids=("pl1", "ex1"), released_team_ids=("pl1",)
    )
    assert _holds(mixed, "Exodus Recovery") and not _holds(mixed, "Penny Lane Centers")
