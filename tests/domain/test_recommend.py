"""The team recommendation (domain/recommend.py): every ranking rule, with an injected clock.

A small made-up map keeps the geometry obvious: four 0.05-degree squares.
Alpha and Beta share a border (service area West), Gamma is in West too but
borders neither, Delta borders Alpha from the north but belongs to East.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from umcr_console.domain.config import Deployment, ServiceArea, TeamConfig
from umcr_console.domain.enums import CallType, IncidentState, Priority, Source, TeamStatus
from umcr_console.domain.geography import Division, Geography, Polygon, Station, haversine_km
from umcr_console.domain.model import Incident, IncidentTimes, Location, Reservation, Team
from umcr_console.domain.recommend import (
    DISTANCE_BAND_KM,
    Tier,
    calls_today,
    ranker,
    recommend,
)

from .world import World

NOW = datetime(2026, 3, 21, 14, 0, tzinfo=UTC)
LAT0, LON0, SIDE = 34.0, -118.40, 0.05


def square(name: str, number: int, col: int, row: int) -> Division:
    west, south = LON0 + col * SIDE, LAT0 + row * SIDE
    ring = ((west, south), (west + SIDE, south), (west + SIDE, south + SIDE), (west, south + SIDE))
    return Division(name, number, (Polygon((*ring, ring[0])),))


PLACES = (("Alpha", 1, 0, 0), ("Beta", 2, 1, 0), ("Gamma", 3, 3, 0), ("Delta", 4, 0, 1))
GEO = Geography([square(name, n, col, row) for name, n, col, row in PLACES])
DEPLOYMENT = Deployment(
    name="test",
    providers=("P",),
    service_areas=(
        ServiceArea(name="West", divisions=("Alpha", "Beta", "Gamma")),
        ServiceArea(name="East", divisions=("Delta",)),
    ),
    teams=(TeamConfig(call_sign="X-1", provider="P", division="Alpha"),),
    average_speed_kmh=30,
)


def centre(col: float, row: float) -> tuple[float, float]:
    return LAT0 + (row + 0.5) * SIDE, LON0 + (col + 0.5) * SIDE


STATIONS = [Station(name, n, f"{name} station", *centre(col, row)) for name, n, col, row in PLACES]


def incident(
    lat: float | None = None,
    lon: float | None = None,
    *,
    division: str | None = "Alpha",
    language: str = "",
    incident_id: str = "call",
    number: str = "U000100",
    **fields: object,
) -> Incident:
    fields.setdefault("state", IncidentState.PENDING)
    return Incident(
        id=incident_id,
        number=number,
        version=1,
        received_at=NOW - timedelta(minutes=3),
        priority=Priority.HIGH,
        call_type=CallType.WELFARE_CHECK,
        source=Source.LAPD_911,
        location=Location(lat=lat, lon=lon, division=division),
        language=language,
        **fields,  # type: ignore[arg-type]
    )


def team(
    call_sign: str,
    division: str,
    at: tuple[float, float] | None = None,
    *,
    status: TeamStatus = TeamStatus.AVAILABLE,
    languages: tuple[str, ...] = ("English",),
    **fields: object,
) -> Team:
    return Team(
        id=f"id-{call_sign}",
        call_sign=call_sign,
        provider="P",
        division=division,
        status=status,
        status_since=NOW - timedelta(hours=1),
        version=1,
        languages=languages,
        base_lat=at[0] if at else None,
        base_lon=at[1] if at else None,
        **fields,  # type: ignore[arg-type]
    )


def rank(call: Incident, teams: list[Team], others: list[Incident] | None = None, **kw):
    incidents = {i.id: i for i in [call, *(others or [])]}
    return recommend(
        call,
        teams,
        incidents,
        deployment=kw.pop("deployment", DEPLOYMENT),
        geography=GEO,
        stations=STATIONS,
        now=kw.pop("now", NOW),
        tz=UTC,
    )


def signs(result) -> list[str]:
    return [r.team.call_sign for r in result]


# A point in Alpha near its eastern border with Beta.
CALL_LAT, CALL_LON = centre(0.9, 0)


def east_of_call(km: float) -> tuple[float, float]:
    """A point ``km`` east of the call (along its parallel)."""
    return CALL_LAT, CALL_LON + km / (111.32 * 0.8290)


def test_the_map_is_what_the_tests_assume() -> None:
    assert GEO.neighbours("Alpha") == {"Beta", "Delta"}
    assert GEO.neighbours("Gamma") == frozenset()


def test_same_division_first_even_when_a_neighbour_is_nearer() -> None:
    call = incident(CALL_LAT, CALL_LON)
    near_neighbour = team("B-1", "Beta", east_of_call(0.5))
    far_own = team("A-1", "Alpha", centre(0, 0))  # about 4 km west
    result = rank(call, [near_neighbour, far_own])
    assert signs(result) == ["A-1", "B-1"]
    assert [r.tier for r in result] == [Tier.SAME_DIVISION, Tier.NEIGHBOUR]


def test_a_neighbour_of_the_same_service_area_before_nearer_teams_elsewhere() -> None:
    call = incident(*centre(0.5, 0.9))  # north edge of Alpha, next to Delta
    neighbour = team("B-1", "Beta", centre(1.5, 0))
    # Delta borders Alpha but belongs to another service area.
    across_area = team("D-1", "Delta", centre(0.5, 1.1))
    # Gamma is in the same area but borders nothing.
    same_area_far = team("G-1", "Gamma", centre(3.5, 0))
    result = rank(call, [across_area, same_area_far, neighbour])
    assert signs(result) == ["B-1", "D-1", "G-1"]
    assert [r.tier for r in result] == [Tier.NEIGHBOUR, Tier.OTHER, Tier.OTHER]
    assert result[0].reason.startswith("neighbouring division (Beta)")
    assert result[1].reason.startswith("other division (Delta, East)")


def test_distance_ranks_within_a_tier_by_bands() -> None:
    call = incident(CALL_LAT, CALL_LON)
    near = team("A-NEAR", "Alpha", east_of_call(0.3))
    far = team("A-FAR", "Alpha", east_of_call(DISTANCE_BAND_KM + 0.5))
    result = rank(call, [far, near])
    assert signs(result) == ["A-NEAR", "A-FAR"]
    assert result[0].distance_km == pytest.approx(0.3, abs=0.01)


def test_within_one_band_the_language_decides() -> None:
    call = incident(CALL_LAT, CALL_LON, language="Spanish")
    nearest = team("A-1", "Alpha", east_of_call(0.2))
    speaker = team("A-2", "Alpha", east_of_call(1.5), languages=("English", "spanish"))
    far_speaker = team("A-3", "Alpha", east_of_call(DISTANCE_BAND_KM + 0.2), languages=("Spanish",))
    result = rank(call, [nearest, far_speaker, speaker])
    assert signs(result) == ["A-2", "A-1", "A-3"]
    assert [r.language_match for r in result] == [True, False, True]
    assert "speaks Spanish" in result[0].reason and "no Spanish" in result[1].reason


def test_then_the_lighter_workload_then_the_exact_distance() -> None:
    call = incident(CALL_LAT, CALL_LON)
    busy = team("A-1", "Alpha", east_of_call(0.1))
    rested = team("A-2", "Alpha", east_of_call(1.0))
    also_rested = team("A-3", "Alpha", east_of_call(1.5))
    earlier = [
        incident(
            incident_id=f"old-{n}",
            number=f"U00000{n}",
            assigned_team_ids=("id-A-1",),
            times=IncidentTimes(dispatched_at=NOW - timedelta(hours=n)),
        )
        for n in (1, 2)
    ]
    result = rank(call, [busy, also_rested, rested], earlier)
    assert signs(result) == ["A-2", "A-3", "A-1"]
    assert [r.calls_today for r in result] == [0, 0, 2]
    assert result[2].reason.endswith("2 calls today")


def test_todays_workload_counts_from_local_midnight_with_the_injected_clock() -> None:
    crew = team("A-1", "Alpha")

    def sent(at: datetime, *teams: str) -> Incident:
        return incident(
            incident_id=at.isoformat(),
            assigned_team_ids=teams,
            times=IncidentTimes(dispatched_at=at),
        )

    midnight = NOW.replace(hour=0, minute=0)
    incidents = [
        sent(midnight - timedelta(minutes=1), "id-A-1"),  # yesterday
        sent(midnight, "id-A-1"),
        sent(NOW - timedelta(minutes=5), "id-A-1", "id-B-1"),
        sent(NOW - timedelta(minutes=6), "id-B-1"),  # another team's
    ]
    assert calls_today(crew, incidents, NOW, UTC) == 2
    # In Los Angeles (UTC-7 in March) the day began at 07:00 UTC: the two
    # dispatches around UTC midnight were yesterday afternoon there.
    assert calls_today(crew, incidents, NOW, timezone(timedelta(hours=-7))) == 1


def test_last_known_position_scene_then_base_then_station() -> None:
    call = incident(CALL_LAT, CALL_LON)
    scene = incident(
        *east_of_call(1.0), incident_id="scene", number="U000050", state=IncidentState.CLOSED
    )
    no_coordinates = incident(incident_id="vague", number="U000051")
    from_scene = team("A-1", "Alpha", centre(0, 0), last_scene_incident_id="scene")
    from_base = team("A-2", "Alpha", east_of_call(1.2), last_scene_incident_id="vague")
    from_station = team("A-3", "Alpha")
    result = {
        r.team.call_sign: r
        for r in rank(call, [from_scene, from_base, from_station], [scene, no_coordinates])
    }
    assert result["A-1"].position == "last scene"
    assert result["A-1"].distance_km == pytest.approx(1.0, abs=0.01)
    assert "1.0 km from last scene" in result["A-1"].reason
    assert result["A-2"].position == "base"
    assert result["A-3"].position == "station"
    station = STATIONS[0]
    assert result["A-3"].distance_km == pytest.approx(
        haversine_km(station.lat, station.lon, CALL_LAT, CALL_LON)
    )


def test_travel_time_follows_the_configured_average_speed() -> None:
    call = incident(CALL_LAT, CALL_LON)
    crew = team("A-1", "Alpha", east_of_call(3.0))
    (at_30,) = rank(call, [crew])
    assert at_30.travel_min == 6 and "~6 min" in at_30.reason
    fast = DEPLOYMENT.model_copy(update={"average_speed_kmh": 60})
    (at_60,) = rank(call, [crew], deployment=fast)
    assert at_60.travel_min == 3
    # Never "0 min": a team next door still has to get in the car.
    (next_door,) = rank(call, [team("A-2", "Alpha", (CALL_LAT, CALL_LON))])
    assert next_door.travel_min == 1


def test_the_reason_reads_like_the_dispatcher_would_say_it() -> None:
    call = incident(CALL_LAT, CALL_LON, language="Spanish")
    crew = team("A-1", "Alpha", east_of_call(3.2), languages=("English", "Spanish"))
    earlier = [
        incident(
            incident_id=f"old-{n}",
            assigned_team_ids=(crew.id,),
            times=IncidentTimes(dispatched_at=NOW - timedelta(hours=n)),
        )
        for n in (1, 2)
    ]
    (only,) = rank(call, [crew], earlier)
    assert only.reason == "same division · 3.2 km · ~7 min · speaks Spanish · 2 calls today"


def test_only_available_teams_and_none_held_for_another_call() -> None:
    call = incident(CALL_LAT, CALL_LON)
    scheduled = incident(incident_id="later", number="U000042")
    held_soon = Reservation(
        incident_id="later", at=NOW + timedelta(minutes=20), hold_from=NOW - timedelta(minutes=10)
    )
    held_later = Reservation(
        incident_id="later", at=NOW + timedelta(hours=3), hold_from=NOW + timedelta(hours=2)
    )
    teams = [
        team("A-BUSY", "Alpha", status=TeamStatus.ON_SCENE, incident_id="x"),
        team("A-OOS", "Alpha", status=TeamStatus.OUT_OF_SERVICE),
        team("A-HELD", "Alpha", east_of_call(0.1), reservation=held_soon),
        team("A-LATER", "Alpha", east_of_call(0.1), reservation=held_later),
        team("A-FREE", "Alpha", east_of_call(5.0)),
    ]
    result = rank(call, teams, [scheduled])
    # Held now: left out (the rules would refuse it). Held later: after the free ones.
    assert signs(result) == ["A-FREE", "A-LATER"]
    assert result[1].held_for == "U000042 at 17:00"
    assert result[1].reason.endswith("reserved for U000042 at 17:00")


def test_the_team_reserved_for_this_call_comes_first() -> None:
    call = incident(CALL_LAT, CALL_LON, reserved_team_id="id-B-9")
    reservation = Reservation(incident_id="call", at=NOW, hold_from=NOW - timedelta(minutes=30))
    reserved = team("B-9", "Beta", centre(1.9, 0), reservation=reservation)
    own = team("A-1", "Alpha", east_of_call(0.1))
    result = rank(call, [own, reserved])
    assert signs(result) == ["B-9", "A-1"]
    assert result[0].reason.startswith("reserved for this call")


def test_without_coordinates_the_division_stands_in_and_unknown_is_said() -> None:
    somewhere_in_beta = incident(division="Beta")
    crew = team("B-1", "Beta", centre(1.5, 0))
    (found,) = rank(somewhere_in_beta, [crew])
    assert found.distance_km is not None and found.distance_km < 3
    nowhere = incident(division=None)
    (unknown,) = rank(nowhere, [team("B-2", "Beta", at=None, languages=())])
    assert unknown.tier == Tier.OTHER
    assert unknown.distance_km is None and "distance unknown" in unknown.reason


def test_the_ranker_feeds_the_assign_dialog_pairs() -> None:
    call = incident(CALL_LAT, CALL_LON)
    crews = [team("B-1", "Beta", east_of_call(0.5)), team("A-1", "Alpha", east_of_call(2.5))]
    rank_for = ranker(
        {call.id: call}, deployment=DEPLOYMENT, geography=GEO, stations=STATIONS, now=NOW, tz=UTC
    )
    pairs = rank_for(call, crews)
    assert [(t.call_sign, why.split(" · ")[0]) for t, why in pairs] == [
        ("A-1", "same division"),
        ("B-1", "neighbouring division (Beta)"),
    ]


def test_the_rules_record_what_the_ranking_reads() -> None:
    """Through real events: the scene becomes the last position, each dispatch counts."""
    world = World()
    crew = world.create_team("EX-1", division="Wilshire")
    first = world.create_incident()
    world.accept(world.assign(first, crew))
    world.accept(world.status(crew, TeamStatus.ON_SCENE))
    world.accept(world.close(first))
    world.accept(world.status(crew, TeamStatus.AVAILABLE))
    team_now = world.state.teams[crew]
    assert team_now.last_scene_incident_id == first
    assert world.state.incidents[first].assigned_team_ids == (crew,)
    assert world.state.incidents[first].team_ids == ()
    second = world.create_incident()
    # The pilot's Wilshire is a real division; this map does not have it, so
    # the team is "other" and measured from the last scene.
    (only,) = recommend(
        world.state.incidents[second],
        [team_now],
        world.state.incidents,
        deployment=DEPLOYMENT,
        geography=GEO,
        stations=STATIONS,
        now=world.now,
        tz=UTC,
    )
    assert only.position == "last scene" and only.distance_km == pytest.approx(0.0)
    assert only.calls_today == 1
