"""Every EIDO the console exports validates against the official NENA schema.

The incidents come from real events through the shared rules (tests/domain
world), so they are exactly the kinds the domain can produce: pending,
assigned with a team in each status, closed with each disposition,
redirected to LAPD and to LAFD, reopened; each with and without personal
data and with and without coordinates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.domain.world import World
from tests.interop.schema import assert_valid, errors, needs_schema
from umcr_console.domain.enums import Agency, CallType, Disposition, EventType, TeamStatus
from umcr_console.domain.model import Incident, Team
from umcr_console.interop import EidoAgent, codes, incident_to_eido

pytestmark = needs_schema

AGENT = EidoAgent(username="dispatcher.ana", workstation_id="floor-ws-3")
PERSONAL = {
    "caller": {"name": "Maria Lopez", "phone": "+1-213-555-0100"},
    "person": "Adult man, about 50, calmer with his sister",
    "narrative": "Neighbour says the man in 4B has not eaten for days.",
}
NO_COORDS = {"location": {"address": "4861 Venice Blvd", "lat": None, "lon": None}}


@dataclass
class Case:
    name: str
    incident: Incident
    teams: list[Team]


def _incident(world: World, incident_id: str) -> Incident:
    return world.state.incidents[incident_id]


def _teams_of(world: World, *team_ids: str) -> list[Team]:
    return [world.state.teams[t] for t in team_ids]


def cases() -> Iterator[Case]:
    """One incident of every kind the rules can produce."""
    for coords in (True, False):
        extra = {} if coords else NO_COORDS
        suffix = "" if coords else "-no-coords"
        world = World()
        pending = world.create_incident(**extra)
        yield Case(f"pending{suffix}", _incident(world, pending), [])

        for status in (
            TeamStatus.DISPATCHED,
            TeamStatus.EN_ROUTE,
            TeamStatus.ON_SCENE,
            TeamStatus.TRANSPORTING,
            TeamStatus.FOLLOW_UP,
        ):
            world = World()
            team, incident = world.put_team_in(status)
            assert incident is not None
            if not coords:
                world.accept(
                    world.update(incident, _incident(world, incident).version, **NO_COORDS)
                )
            yield Case(
                f"assigned-{status}{suffix}", _incident(world, incident), _teams_of(world, team)
            )

        for disposition in Disposition:
            world = World()
            team, incident = world.put_team_in(TeamStatus.ON_SCENE)
            assert incident is not None
            world.accept(world.note(incident, "Sister arrived; <calm> & talking"))
            world.accept(world.close(incident, disposition.value))
            yield Case(
                f"closed-{disposition}{suffix}", _incident(world, incident), _teams_of(world, team)
            )

        for agency in Agency:
            world = World()
            team, incident = world.put_team_in(TeamStatus.EN_ROUTE)
            assert incident is not None
            world.accept(world.redirect(incident, agency.value, "a knife was seen"))
            yield Case(
                f"redirected-{agency}{suffix}", _incident(world, incident), _teams_of(world, team)
            )

        world = World()
        incident = world.create_incident(**extra)
        world.accept(world.close(incident, "unable_to_locate"))
        world.accept(world.reopen(incident, "caller rang back"))
        yield Case(f"reopened{suffix}", _incident(world, incident), [])

        world = World()
        flagged = world.create_incident(
            safety={"weapons": True, "violence": False, "medical": True, "crime": True},
            screen_override_reason="a kitchen knife, put away; the team knows him",
            **extra,
        )
        yield Case(f"safety-flags{suffix}", _incident(world, flagged), [])

    # The kinds issue 5 added: a follow-up (open, then done), a warm handoff
    # (open, then accepted) and a call scheduled for later with a reserved team.
    world = World()
    team, incident = world.put_team_in(TeamStatus.ON_SCENE)
    assert incident is not None
    world.accept(world.close(incident, "referral_made"))
    due = world.now + timedelta(hours=24)
    world.accept(
        world.event(
            EventType.INCIDENT_FOLLOW_UP_SCHEDULED,
            incident,
            {
                "due_from": due.isoformat(),
                "due_by": (due + timedelta(hours=48)).isoformat(),
                "note": "call the sister",
            },
        )
    )
    yield Case("follow-up-open", _incident(world, incident), _teams_of(world, team))
    world.accept(
        world.event(EventType.INCIDENT_FOLLOW_UP_DONE, incident, {"note": "reached by phone"})
    )
    yield Case("follow-up-done", _incident(world, incident), _teams_of(world, team))

    world = World()
    team, incident = world.put_team_in(TeamStatus.ON_SCENE)
    assert incident is not None
    world.accept(world.close(incident, "warm_handoff"))
    world.accept(
        world.event(EventType.INCIDENT_HANDOFF_REQUESTED, incident, {"provider": "DMH Urgent Care"})
    )
    yield Case("handoff-open", _incident(world, incident), _teams_of(world, team))
    world.accept(
        world.event(EventType.INCIDENT_HANDOFF_ACCEPTED, incident, {"accepted_by": "intake nurse"})
    )
    yield Case("handoff-accepted", _incident(world, incident), _teams_of(world, team))

    world = World()
    team = world.put_team_in(TeamStatus.AVAILABLE)[0]
    incident = world.create_incident()
    later = world.now + timedelta(hours=3)
    world.accept(
        world.event(
            EventType.INCIDENT_SCHEDULED,
            incident,
            {"scheduled_for": later.isoformat(), "team_id": team},
        )
    )
    yield Case("scheduled-with-reserved-team", _incident(world, incident), _teams_of(world, team))

    world = World()
    teams = [world.put_team_in(s)[0] for s in (TeamStatus.AVAILABLE, TeamStatus.OFF_DUTY)]
    teams.append(world.put_team_in(TeamStatus.OUT_OF_SERVICE)[0])
    followed, _ = world.put_team_in(TeamStatus.FOLLOW_UP, holding=False)
    incident = world.create_incident(caller={"name": "", "phone": ""}, person="", narrative="")
    yield Case(
        "teams-in-every-other-status",
        _incident(world, incident),
        _teams_of(world, *teams, followed),
    )


CASES = list(cases())


@pytest.mark.parametrize("personal", [False, True], ids=["minimal", "personal"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
@pytest.mark.slow
def test_every_exported_document_validates(case: Case, personal: bool) -> None:
    document = incident_to_eido(
        case.incident,
        case.teams,
        agent=AGENT,
        include_personal=personal,
        notes=case.incident.notes,
    )
    assert_valid(document)
    # What travels as JSON validates the same (no datetime or enum objects left).
    assert_valid(json.loads(json.dumps(document)))


def test_the_cases_cover_every_kind() -> None:
    names = {c.name for c in CASES}
    assert {f"closed-{d}" for d in Disposition} <= names
    assert {
        f"assigned-{s}" for s in ("dispatched", "en_route", "on_scene", "transporting")
    } <= names
    statuses = {t.status for c in CASES for t in c.teams}
    assert statuses == set(TeamStatus)
    assert any(c.incident.location.lat is None for c in CASES)
    assert {"follow-up-open", "follow-up-done", "handoff-open", "handoff-accepted"} <= names
    scheduled = next(c for c in CASES if c.name == "scheduled-with-reserved-team")
    assert scheduled.incident.scheduled_for is not None


def test_a_broken_document_fails_the_validator() -> None:
    """The validator used above is not a yes-machine."""
    world = World()
    document = incident_to_eido(
        _incident(world, world.create_incident()), [], agent=AGENT, include_personal=True
    )
    document["eidoVersion"] = "2.0"
    document["agentComponent"][0]["agentRoleRegistryText"] = []
    document["callComponent"][0]["callStartTimestamp"] = "yesterday"
    found = "\n".join(errors(document))
    assert "eidoVersion" in found
    assert "agentRoleRegistryText" in found  # the patched minItems: 1 is enforced
    assert "date-time" in found


def _text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_personal_data_only_when_chosen() -> None:
    world = World()
    team, incident = world.put_team_in(TeamStatus.ON_SCENE)
    assert incident is not None
    world.accept(world.update(incident, world.state.incidents[incident].version, **PERSONAL))
    world.accept(world.note(incident, "Mother says he takes lithium"))
    world.accept(world.redirect(incident, "LAPD", "brother Carlos has a gun"))
    redirected = _incident(world, incident)
    secrets = [
        "Maria Lopez",
        "213-555-0100",  # the caller's phone (the area code alone can occur inside a uuid)
        "Adult man",
        "not eaten",
        "lithium",
        "Carlos",
    ]

    minimal = _text(incident_to_eido(redirected, _teams_of(world, team), agent=AGENT))
    for secret in secrets:
        assert secret not in minimal, secret
    # What the receiving agency needs is there without personal data.
    for needed in ("4861 Venice Blvd", "Wilshire", "WELFARE", "Spanish", "Los Angeles Police"):
        assert needed in minimal, needed

    full = _text(
        incident_to_eido(
            redirected,
            _teams_of(world, team),
            agent=AGENT,
            include_personal=True,
            notes=redirected.notes,
        )
    )
    for secret in secrets:
        assert secret in full, secret


def test_only_the_chosen_notes_travel() -> None:
    world = World()
    incident = world.create_incident()
    world.accept(world.note(incident, "first: shared"))
    world.accept(world.note(incident, "second: private"))
    chosen = _incident(world, incident).notes[:1]
    document = incident_to_eido(
        _incident(world, incident), [], agent=AGENT, include_personal=True, notes=chosen
    )
    texts = [n["notesActionComments"] for n in document["notesComponent"]]
    assert "first: shared" in texts
    assert not any("private" in t for t in texts)


def test_the_mapped_fields() -> None:
    world = World()
    team, incident_id = world.put_team_in(TeamStatus.EN_ROUTE)
    assert incident_id is not None
    world.accept(world.redirect(incident_id, "LAFD", "chest pain"))
    incident = _incident(world, incident_id)
    document = incident_to_eido(incident, _teams_of(world, team), agent=AGENT)

    part = document["incidentComponent"]
    assert part["incidentTypeCommonRegistryText"] == "WELFARE"
    assert part["incidentTypeInternalCode"] == "welfare_check"
    assert part["beatOrDispatchGroupText"] == "Wilshire"
    assert part["internalIncidentId"] == incident.number
    assert part["dispositionComponent"][0]["dispositionCategoryText"] == "redirected_lafd"
    # LAFD owns the incident now; the UMCR agency dispatched it.
    owners = {
        json.loads(a["agencyJcard"])[1][1][3]: a["incidentOwningAgencyIndicator"]
        for a in document["agencyComponent"]
    }
    assert owners["Los Angeles Fire Department"] is True
    assert owners["Unarmed Model of Crisis Response (UMCR)"] is False
    assert owners["Exodus Recovery"] is False
    dispatcher = next(a for a in document["agentComponent"] if a["$id"].startswith("dispatcher"))
    assert dispatcher["agentWorkstationPositionIdentification"] == "floor-ws-3"
    (resource,) = document["emergencyResourceComponent"]
    # Redirect made the en-route team available again; it holds no incident.
    assert resource["unitStatusInternal"] == ["available"]
    assert resource["primaryUnitStatusRegistryText"] == "Available"
    assert "activeOnIncidentId" not in resource
    assert (
        "<gml:pos>34.046748 -118.34283</gml:pos>"
        in document["locationComponent"][0]["locationByValue"]
    )


def test_a_team_on_the_incident_is_active_on_it() -> None:
    world = World()
    team, incident_id = world.put_team_in(TeamStatus.ON_SCENE)
    assert incident_id is not None
    document = incident_to_eido(_incident(world, incident_id), _teams_of(world, team), agent=AGENT)
    (resource,) = document["emergencyResourceComponent"]
    assert resource["activeOnIncidentId"] == document["$id"]
    assert resource["secondaryUnitStatusRegistryText"] == ["OnScene"]
    (dispatch,) = document["dispatchComponent"]
    assert dispatch["emergencyResourceReference"] == [{"$ref": resource["$id"]}]


def test_the_same_incident_exports_the_same_ids() -> None:
    world = World()
    incident = _incident(world, world.create_incident())
    first = incident_to_eido(incident, [], agent=AGENT, include_personal=True)
    second = incident_to_eido(incident, [], agent=AGENT, include_personal=True)
    assert first == second


def test_every_vocabulary_is_mapped() -> None:
    assert set(codes.INCIDENT_TYPE) == set(CallType)
    assert set(codes.DISPOSITION) == set(Disposition)
    assert set(codes.DISPOSITION_LABELS) == set(Disposition)
    assert set(codes.UNIT_STATUS) == set(TeamStatus)
    assert set(codes.AGENCY_TYPES) == set(Agency)
    # Each call type has its own incident type code, so the mapping reads back.
    assert len(set(codes.INCIDENT_TYPE.values())) == len(CallType)
    for call_type, code in codes.INCIDENT_TYPE.items():
        assert codes.incident_type_of(code) == call_type


def test_incident_types_are_apco_codes_of_the_official_schema() -> None:
    import yaml

    from tests.interop.schema import SCHEMA_DIR

    apco = yaml.safe_load((SCHEMA_DIR / "NIEMComponents/apco.yaml").read_text())
    listed = set(apco["components"]["schemas"]["apcoIncidentCategoryCodeSimpleType"]["enum"])
    assert set(codes.INCIDENT_TYPE.values()) <= listed


_text_strategy = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    address=_text_strategy.filter(lambda s: s.strip()),
    narrative=_text_strategy,
    name=_text_strategy,
    person=_text_strategy,
    language=_text_strategy,
    lat=st.none() | st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
)
def test_any_text_exports_a_valid_document(
    address: str, narrative: str, name: str, person: str, language: str, lat, lon
) -> None:
    world = World()
    incident = world.create_incident(
        location={"address": address, "lat": lat, "lon": None if lat is None else lon},
        caller={"name": name, "phone": ""},
        narrative=narrative,
        person=person,
        language=language,
    )
    assert_valid(
        incident_to_eido(_incident(world, incident), [], agent=AGENT, include_personal=True)
    )


def test_the_outdated_2020_sample_fails_the_validator() -> None:
    """SOURCES.md: the 2020 draft sample has 18 errors; the validator must see them."""
    from tests.interop.schema import sample

    assert len(errors(sample("Sample_EIDO.json"))) == 18
    assert errors(sample("Sample call transfer EIDO.json")) == []
