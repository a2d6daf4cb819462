"""Location history (issue 22): address keys, the radius and the window, caution notes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from umcr_console.domain.enums import CautionCategory, EventType, IncidentState, RejectCode
from umcr_console.domain.locations import (
    Place,
    bounding_box,
    distance_m,
    location_history,
    merge,
    normalise_address,
)
from umcr_console.domain.model import Caution, Incident, Location
from umcr_console.domain.privacy import redact_event, redact_incident

from .world import ACTOR, T0, World

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)

# Spellings of one place as Los Angeles call-takers type them: each group is one key.
SAME_PLACE = [
    ("123 W. 1st St.", "123 West First Street", "123 W 1st St", "123 west 1ST street"),
    ("200 N Spring St", "200 North Spring Street", "200 N. Spring St., Los Angeles, CA 90012"),
    (
        "6801 Hollywood Blvd",
        "6801 Hollywood Boulevard",
        "6801 HOLLYWOOD BL",
        "6801 Hollywood Blvd, Hollywood, CA 90028",
    ),
    ("1111 S Figueroa St", "1111 South Figueroa Street", "1111 S. Figueroa St Suite 100"),
    ("4000 S Main St", "4000 South Main Street"),
    ("3800 W Martin Luther King Jr Blvd", "3800 West Martin Luther King Jr. Boulevard"),
    ("5500 Wilshire Blvd Apt 4", "5500 Wilshire Boulevard #12"),
    ("1000 E 7th St", "1000 East Seventh Street", "1000 e 7th st."),
    ("11000 Ventura Blvd", "11000 VENTURA BOULEVARD"),
    ("2100 Sunset Plaza Dr", "2100 Sunset Plaza Drive"),
    ("700 Avenue 54", "700 Ave 54"),
]
DIFFERENT = [
    ("123 W 1st St", "123 E 1st St"),
    ("123 W 1st St", "125 W 1st St"),
    ("123 W 1st St", "123 W 1st Ave"),
    ("4000 S Main St", "4000 N Main St"),
    ("6801 Hollywood Blvd", "6801 Hollywood Way"),
]


@pytest.mark.parametrize("spellings", SAME_PLACE, ids=lambda s: s[0])
def test_spellings_of_one_place_have_one_key(spellings: tuple[str, ...]) -> None:
    keys = {normalise_address(s) for s in spellings}
    assert len(keys) == 1, keys
    assert keys != {""}


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_places_have_different_keys(a: str, b: str) -> None:
    assert normalise_address(a) != normalise_address(b)


def test_key_is_the_canonical_spelling() -> None:
    assert normalise_address("123 West First Street") == "123 W 1ST ST"
    assert normalise_address("1000 East Seventh Street") == "1000 E 7TH ST"


@pytest.mark.parametrize("text", ["", "   ", "Echo Park Lake", "5th and Main", "near the bridge"])
def test_no_street_address_no_key(text: str) -> None:
    # Matched by its point only: an empty key must never match every keyless incident.
    assert normalise_address(text) == ""


def test_distance_and_box() -> None:
    assert distance_m(34.05, -118.25, 34.05, -118.25) == 0
    # One thousandth of a degree of latitude is about 111 m.
    assert distance_m(34.05, -118.25, 34.051, -118.25) == pytest.approx(111.2, abs=0.5)
    lo_lat, hi_lat, lo_lon, hi_lon = bounding_box(34.05, -118.25, 50)
    for lat, lon in [(34.05 + 0.000449, -118.25), (34.05, -118.25 - 0.000542)]:
        assert distance_m(34.05, -118.25, lat, lon) <= 50.2
        assert lo_lat <= lat <= hi_lat and lo_lon <= lon <= hi_lon


def incident(
    n: int,
    *,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    days_ago: float = 10,
    cautions: tuple[Caution, ...] = (),
) -> Incident:
    received = NOW - timedelta(days=days_ago)
    return Incident(
        id=f"00000000-0000-7000-8000-{n:012d}",
        number=f"U{n:06d}",
        version=1,
        state=IncidentState.CLOSED,
        received_at=received,
        priority=2,
        call_type="welfare_check",
        source="lapd_911",
        location=Location(address=address, lat=lat, lon=lon),
        cautions=cautions,
    )


def test_address_match_and_radius_match() -> None:
    here = Place(address="123 West First Street", lat=34.05, lon=-118.25)
    found = location_history(
        [
            incident(1, address="123 W. 1st St."),  # same address, no point
            incident(2, address="elsewhere", lat=34.05 + 0.0004, lon=-118.25),  # ~44 m
            incident(3, address="elsewhere", lat=34.05 + 0.0006, lon=-118.25),  # ~67 m
            incident(4, address="125 W 1st St"),  # the next door, no point
        ],
        here,
        now=NOW,
    )
    by_id = {e.number: e for e in found.entries}
    assert set(by_id) == {"U000001", "U000002"}
    assert by_id["U000001"].same_address and by_id["U000001"].distance_m is None
    assert not by_id["U000002"].same_address
    assert by_id["U000002"].distance_m == pytest.approx(44.5, abs=0.5)
    wider = location_history(
        [incident(3, address="x", lat=34.05 + 0.0006, lon=-118.25)],
        here.model_copy(update={"radius_m": 100}),
        now=NOW,
    )
    assert [e.number for e in wider.entries] == ["U000003"]


def test_window_and_newest_first() -> None:
    here = Place(address="123 W 1st St")
    found = location_history(
        [
            incident(1, address="123 W 1st St", days_ago=30),
            incident(2, address="123 W 1st St", days_ago=5),
            incident(3, address="123 W 1st St", days_ago=800),  # older than 24 months
        ],
        here,
        now=NOW,
    )
    assert [e.number for e in found.entries] == ["U000002", "U000001"]
    longer = location_history(
        [incident(3, address="123 W 1st St", days_ago=800)],
        here.model_copy(update={"months": 36}),
        now=NOW,
    )
    assert [e.number for e in longer.entries] == ["U000003"]


def test_the_call_being_taken_is_not_its_own_history_but_its_notes_show() -> None:
    here = Place(address="123 W 1st St")
    own = incident(
        1, address="123 W 1st St", cautions=(caution(CautionCategory.ACCESS, days_ago=1),)
    )
    found = location_history([own], here, now=NOW, exclude=own.id)
    assert found.entries == ()
    assert [c.category for c in found.cautions] == [CautionCategory.ACCESS]


def caution(category: CautionCategory, *, days_ago: float, lasts_days: float = 365) -> Caution:
    at = NOW - timedelta(days=days_ago)
    return Caution(
        at=at,
        author="disp1",
        category=category,
        text=f"{category} note",
        expires_at=at + timedelta(days=lasts_days),
    )


def test_expired_cautions_are_not_shown_and_safety_ones_come_first() -> None:
    notes = (
        caution(CautionCategory.ANIMAL, days_ago=2),
        caution(CautionCategory.WEAPON_SEEN, days_ago=20),
        caution(CautionCategory.VIOLENCE, days_ago=400),  # expired after 365 days
    )
    found = location_history(
        [incident(1, address="123 W 1st St", cautions=notes)],
        Place(address="123 W 1st St"),
        now=NOW,
    )
    assert [c.category for c in found.cautions] == [
        CautionCategory.WEAPON_SEEN,
        CautionCategory.ANIMAL,
    ]
    assert [c.category for c in found.safety_cautions] == [CautionCategory.WEAPON_SEEN]


def test_merge_keeps_local_only_calls() -> None:
    here = Place(address="123 W 1st St")
    local = location_history(
        [incident(1, address="123 W 1st St"), incident(2, address="123 W 1st St", days_ago=1)],
        here,
        now=NOW,
    )
    remote = location_history([incident(1, address="123 W 1st St")], here, now=NOW)
    assert [e.number for e in merge(local, remote).entries] == ["U000002", "U000001"]


# -- the caution note event, judged by decide() -------------------------------


def test_caution_note_is_added_with_a_default_expiry() -> None:
    world = World()
    incident_id = world.create_incident()
    world.close(incident_id)
    # On a closed incident too: the team learns of the dog on scene.
    world.accept(
        world.event(
            EventType.INCIDENT_CAUTION_ADDED,
            incident_id,
            {"category": "animal", "text": "Large dog loose in the yard"},
        )
    )
    saved = world.state.incidents[incident_id]
    (note,) = saved.cautions
    assert note.category == CautionCategory.ANIMAL
    assert note.author == ACTOR
    assert note.expires_at - note.at == timedelta(days=365)


def test_caution_note_refusals() -> None:
    world = World()
    incident_id = world.create_incident()
    world.reject(
        world.event(
            EventType.INCIDENT_CAUTION_ADDED, incident_id, {"category": "dragon", "text": "x"}
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        world.event(
            EventType.INCIDENT_CAUTION_ADDED, incident_id, {"category": "animal", "text": " "}
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        world.event(
            EventType.INCIDENT_CAUTION_ADDED,
            incident_id,
            {
                "category": "animal",
                "text": "dog",
                "expires_at": (T0 - timedelta(days=1)).isoformat(),
            },
        ),
        RejectCode.INVALID_PAYLOAD,
    )
    world.reject(
        world.event(
            EventType.INCIDENT_CAUTION_ADDED,
            "00000000-0000-7000-8000-000000000999",
            {"category": "animal", "text": "dog"},
        ),
        RejectCode.UNKNOWN_ENTITY,
    )


def test_the_wall_never_sees_a_caution_note() -> None:
    world = World()
    incident_id = world.create_incident()
    event = world.event(
        EventType.INCIDENT_CAUTION_ADDED,
        incident_id,
        {
            "category": "weapon_seen",
            "text": "Knife seen in March",
            "expires_at": (T0 + timedelta(days=30)).isoformat(),
        },
    )
    world.accept(event)
    assert redact_event(event).payload == {}
    assert redact_incident(world.state.incidents[incident_id]).cautions == ()
