"""Importing an EIDO as a new incident: the official sample, the round trip, bad documents."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.domain.world import World
from tests.interop.schema import assert_valid, needs_schema, sample
from umcr_console.domain.enums import CallType, EventType, Priority, Source, TeamStatus
from umcr_console.domain.events import IncidentCreated, make_event
from umcr_console.domain.rules import Changes, decide
from umcr_console.domain.state import State
from umcr_console.interop import (
    EidoAgent,
    EidoImportError,
    eido_to_incident_created,
    incident_to_eido,
)

AGENT = EidoAgent(username="dispatcher.ana", workstation_id="floor-ws-3")
TRANSFER = "Sample call transfer EIDO.json"


def _export(world: World, incident_id: str, **kw) -> dict:
    incident = world.state.incidents[incident_id]
    return incident_to_eido(incident, [], agent=AGENT, **kw)


@needs_schema
def test_the_official_call_transfer_sample_imports() -> None:
    document = sample(TRANSFER)
    assert_valid(document)  # the sample itself is valid, so the import must take it

    result = eido_to_incident_created(document)

    payload = result.payload
    assert payload.received_at == datetime(
        2021, 4, 30, 14, 40, tzinfo=timezone(timedelta(hours=-4))
    )
    assert payload.location.address == "42 W Cellular Street, Wilmington, DE"
    assert payload.location.lat is None
    assert payload.caller.phone == "8195551212"
    assert payload.narrative == "This is an example text."
    # A call transfer has no incident yet: defaults the dispatcher must confirm.
    assert payload.call_type == CallType.WELFARE_CHECK
    assert payload.priority == Priority.HIGH
    assert payload.source == Source.LAPD_911
    assert any("incident type" in w for w in result.warnings)
    assert any("priority" in w for w in result.warnings)
    assert result.source_incident_id == "urn:emergency:uid:incidentid:a56e556d871:bcf.state.pa.us"


@needs_schema
def test_the_imported_sample_is_accepted_by_the_rules() -> None:
    payload = eido_to_incident_created(sample(TRANSFER)).payload
    event = make_event(
        EventType.INCIDENT_CREATED,
        "0190f0a0-0000-7000-8000-000000000001",
        payload,
        workstation_id="floor-ws-3",
        occurred_at=datetime(2021, 4, 30, 19, 0, tzinfo=UTC),
    )
    outcome = decide(State(), event, now=datetime(2021, 4, 30, 19, 0, tzinfo=UTC), seq=1)
    assert isinstance(outcome, Changes), outcome


def _created_of(world: World, incident_id: str) -> IncidentCreated:
    incident = world.state.incidents[incident_id]
    return IncidentCreated(
        received_at=incident.received_at,
        source=incident.source,
        call_type=incident.call_type,
        priority=incident.priority,
        location=incident.location,
        caller=incident.caller.model_copy(update={"phone": "".join(incident.caller.phone.split())}),
        language=incident.language,
        safety=incident.safety,
        narrative=incident.narrative,
        person=incident.person,
    )


ROUND_TRIPS = [
    pytest.param({}, id="default"),
    pytest.param({"location": {"address": "5th & Main", "lat": None, "lon": None}}, id="no-coords"),
    pytest.param(
        {"location": {"address": "", "lat": 34.0407, "lon": -118.2468, "division": "Central"}},
        id="coords-only",
    ),
    pytest.param(
        {
            "call_type": "suicidal_ideation",
            "priority": 1,
            "source": "988_transfer",
            "narrative": 'Says "I <can\'t> go on" & hung up\nthen called back',
            "caller": {"name": "Zoë O'Brien", "phone": "+1-323-555-0199"},
            "language": "Tagalog",
        },
        id="urgent-988-markup",
    ),
    pytest.param(
        {
            "safety": {"weapons": True, "violence": False, "medical": False, "crime": False},
            "screen_override_reason": "a kitchen knife, put away",
        },
        id="safety-flags",
    ),
    *[pytest.param({"call_type": c.value, "priority": 3}, id=f"type-{c.value}") for c in CallType],
    *[pytest.param({"source": s.value}, id=f"source-{s.value}") for s in Source],
]


@pytest.mark.parametrize("overrides", ROUND_TRIPS)
def test_export_then_import_keeps_every_field_that_maps(overrides: dict) -> None:
    world = World()
    incident_id = world.create_incident(**overrides)
    document = _export(world, incident_id, include_personal=True)

    result = eido_to_incident_created(json.dumps(document))

    assert result.payload == _created_of(world, incident_id)
    assert result.source_incident_id == document["$id"]


def test_without_personal_data_the_import_has_none() -> None:
    world = World()
    incident_id = world.create_incident()
    payload = eido_to_incident_created(_export(world, incident_id)).payload
    assert payload.caller.name == "" and payload.caller.phone == ""
    assert payload.person == "" and payload.narrative == ""
    expected = _created_of(world, incident_id)
    # Everything else still maps.
    assert payload.model_dump(exclude={"caller", "person", "narrative"}) == expected.model_dump(
        exclude={"caller", "person", "narrative"}
    )


def test_notes_come_back_as_notes_not_narrative() -> None:
    world = World()
    team, incident_id = world.put_team_in(TeamStatus.ON_SCENE)
    assert incident_id is not None
    world.accept(world.note(incident_id, "Sister on the way <10 min>"))
    incident = world.state.incidents[incident_id]
    document = incident_to_eido(
        incident,
        [world.state.teams[team]],
        agent=AGENT,
        include_personal=True,
        notes=incident.notes,
    )
    result = eido_to_incident_created(document)
    assert result.notes == ["Sister on the way <10 min>"]
    assert result.payload.narrative == incident.narrative


def test_mntl_and_other_aliases_map() -> None:
    world = World()
    document = _export(world, world.create_incident())
    part = document["incidentComponent"]
    del part["incidentTypeInternalCode"]  # as another system would send it
    part["incidentTypeCommonRegistryText"] = "MNTL"
    assert eido_to_incident_created(document).payload.call_type == CallType.MENTAL_HEALTH
    part["incidentTypeCommonRegistryText"] = "edp"
    assert eido_to_incident_created(document).payload.call_type == CallType.MENTAL_HEALTH


@needs_schema
def test_a_foreign_point_and_priority_map() -> None:
    """A carrier's circle (RFC 5491) gives its centre; a call priority maps to triage."""
    document = sample(TRANSFER)
    circle = (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gs="http://www.opengis.net/pidflo/1.0" xmlns:gml="http://www.opengis.net/gml" '
        'entity="pres:x@example.com"><gp:geopriv><gp:location-info>'
        '<gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>34.05 -118.25</gml:pos>'
        '<gs:radius uom="urn:ogc:def:uom:EPSG::9001">30</gs:radius></gs:Circle>'
        "</gp:location-info></gp:geopriv></presence>"
    )
    document["locationComponent"][0]["locationByValue"] = circle
    document["callComponent"][0]["priorityIdentifier"] = "highest"
    payload = eido_to_incident_created(document).payload
    assert (payload.location.lat, payload.location.lon) == (34.05, -118.25)
    assert payload.priority == Priority.URGENT


# ---- documents that must not import ------------------------------------------------


def _valid_document() -> dict:
    world = World()
    return _export(world, world.create_incident(), include_personal=True)


def _problems(document) -> list[str]:
    with pytest.raises(EidoImportError) as caught:
        eido_to_incident_created(document)
    assert caught.value.problems, "an import error must list its problems"
    assert str(caught.value).startswith("the EIDO cannot be imported")
    return caught.value.problems


def test_not_json() -> None:
    (problem,) = _problems("{this is not json")
    assert problem.startswith("not JSON")
    (problem,) = _problems(b"\xff\xfe\x00garbage")
    assert "UTF-8" in problem
    (problem,) = _problems("[1, 2, 3]")
    assert "not a JSON object" in problem


def test_wrong_version() -> None:
    document = _valid_document()
    document["eidoVersion"] = "2.0"
    problems = _problems(document)
    assert any("eidoVersion is '2.0'" in p for p in problems)


def test_missing_location() -> None:
    document = _valid_document()
    del document["locationComponent"]
    problems = _problems(document)
    assert any(p.startswith("missing location") for p in problems)


def test_a_location_that_is_not_pidf() -> None:
    document = _valid_document()
    document["locationComponent"][0]["locationByValue"] = "<presence><unclosed></presence>"
    assert any("not well-formed XML" in p for p in _problems(document))
    entity = '<!DOCTYPE x [<!ENTITY a "aaaa">]><presence>&a;</presence>'
    document["locationComponent"][0]["locationByValue"] = entity
    assert any("DOCTYPE" in p for p in _problems(document))


def test_unknown_incident_type() -> None:
    document = _valid_document()
    part = document["incidentComponent"]
    del part["incidentTypeInternalCode"]
    part["incidentTypeCommonRegistryText"] = "ROBBERY"  # an APCO code, not for an unarmed team
    problems = _problems(document)
    assert any("unknown incident type 'ROBBERY'" in p for p in problems)


def test_every_problem_is_listed_at_once() -> None:
    document = _valid_document()
    document["eidoVersion"] = "0.9"
    del document["agencyComponent"]
    document["notesComponent"] = [{"notesActionComments": "no prologue"}]
    document["callComponent"][0]["lastUpdateTimeStamp"] = "yesterday"
    problems = _problems(document)
    joined = "\n".join(problems)
    assert "eidoVersion" in joined
    assert "agencyComponent is missing" in joined
    assert "notesComponent[0]: $id is missing" in joined
    assert "callComponent[0]: lastUpdateTimeStamp is not a date-time" in joined


@needs_schema
def test_the_outdated_2020_sample_is_refused() -> None:
    """The 2020 draft sample does not validate (SOURCES.md); its import says why."""
    problems = _problems(sample("Sample_EIDO.json"))
    assert any("eidoVersion" in p for p in problems)
    assert any("incidentComponent must be an object" in p for p in problems)


def test_values_the_incident_cannot_hold_are_errors_not_crashes() -> None:
    document = _valid_document()
    too_long = copy.deepcopy(document)
    narrative_id = too_long["callComponent"][0]["notesReference"][0]["$ref"]
    for note in too_long["notesComponent"]:
        if note["$id"] == narrative_id:
            note["notesActionComments"] = "x" * 20_000
    problems = _problems(too_long)
    assert any(p.startswith("narrative") for p in problems)
