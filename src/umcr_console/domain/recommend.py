"""Which team to send: the available teams ranked for one incident, each with its reason.

Pure: the state, the deployment, the boundaries (a ``Geography``) and the
stations come in, a ranked list goes out, so the assign dialog and the tests
read the same ranking.

The ranking, most important first:

1. the team reserved for this very call (a scheduled call), then teams of the
   incident's division, then teams of a *neighbouring* division of the same
   service area (divisions that share a border in the boundary data), then
   every other team;
2. a team held for another scheduled call goes after the free ones (it may
   still take the call until its hold starts, which the rules enforce);
3. straight-line distance from the team's last known position: the scene of
   the incident where it was last on scene if that has coordinates, else its
   base, else its division's station. Distances within the same
   ``DISTANCE_BAND_KM`` band count as equally near, so that
4. a team that speaks the incident's language, and then
5. the team with fewer calls today, win between teams about as near;
6. then the exact distance and the call sign, so the order is total.

The travel time is the distance at the deployment's ``average_speed_kmh``:
a straight line, so an estimate to compare teams, not a promise.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import IntEnum

from .config import Deployment
from .enums import TeamStatus
from .geography import Geography, Station, haversine_km
from .marks import tr
from .model import Incident, Team

# Teams nearer to each other than this are "about as near": language and
# workload decide between them (2 km is about 4 minutes at 30 km/h).
DISTANCE_BAND_KM = 2.0

LatLon = tuple[float, float]


class Tier(IntEnum):
    RESERVED_HERE = 0
    SAME_DIVISION = 1
    NEIGHBOUR = 2
    OTHER = 3


@dataclass(frozen=True)
class Recommendation:
    team: Team
    tier: Tier
    distance_km: float | None
    travel_min: int | None
    position: str  # "last scene", "base", "station" or "" (unknown)
    language_match: bool | None  # None: no language asked for, or the team's unknown
    calls_today: int
    held_for: str | None  # "U000123 at 14:00": reserved for another call
    reason: str


def incident_point(incident: Incident, geography: Geography) -> LatLon | None:
    """The incident's coordinates, else a point inside its division."""
    location = incident.location
    if location.lat is not None and location.lon is not None:
        return location.lat, location.lon
    if location.division and location.division in geography:
        return geography.division(location.division).label_point()
    return None


def team_position(
    team: Team, incidents: Mapping[str, Incident], stations: Mapping[str, Station]
) -> tuple[LatLon | None, str]:
    """Where the team is believed to be, and what that belief rests on."""
    scene = incidents.get(team.last_scene_incident_id) if team.last_scene_incident_id else None
    if scene is not None and scene.location.lat is not None and scene.location.lon is not None:
        return (scene.location.lat, scene.location.lon), "last scene"
    if team.base_lat is not None and team.base_lon is not None:
        return (team.base_lat, team.base_lon), "base"
    station = stations.get(team.division)
    if station is not None:
        return (station.lat, station.lon), "station"
    return None, ""


def workload_today(
    incidents: Iterable[Incident], now: datetime, tz: tzinfo | None = None
) -> Counter[str]:
    """Incidents each team was sent to since local midnight (``tz``; None: this machine's)."""
    midnight = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    counts: Counter[str] = Counter()
    for incident in incidents:
        # An incident keeps no per-team assignment time; its first dispatch is close.
        at = incident.times.dispatched_at or incident.received_at
        if incident.assigned_team_ids and at >= midnight:
            counts.update(incident.assigned_team_ids)
    return counts


def calls_today(
    team: Team, incidents: Iterable[Incident], now: datetime, tz: tzinfo | None = None
) -> int:
    """Incidents ``team`` was sent to since local midnight."""
    return workload_today(incidents, now, tz)[team.id]


def _speaks(team: Team, language: str) -> bool | None:
    if not language.strip() or not team.languages:
        return None
    wanted = language.strip().casefold()
    return any(spoken.strip().casefold() == wanted for spoken in team.languages)


def _tier(incident: Incident, team: Team, deployment: Deployment, geography: Geography) -> Tier:
    if incident.reserved_team_id == team.id:
        return Tier.RESERVED_HERE
    division = incident.location.division
    if not division:
        return Tier.OTHER
    if team.division == division:
        return Tier.SAME_DIVISION
    area = deployment.service_area_of(division)
    if (
        area is not None
        and deployment.service_area_of(team.division) == area
        and division in geography
        and team.division in geography
        and geography.division(team.division).name in geography.neighbours(division)
    ):
        return Tier.NEIGHBOUR
    return Tier.OTHER


def _tier_text(tier: Tier, team: Team, deployment: Deployment) -> str:
    if tier == Tier.RESERVED_HERE:
        return tr("reserved for this call")
    if tier == Tier.SAME_DIVISION:
        return tr("same division")
    if tier == Tier.NEIGHBOUR:
        return tr("neighbouring division ({division})").format(division=team.division)
    area = deployment.service_area_of(team.division)
    where = f"{team.division}, {area}" if area else team.division
    return tr("other division ({division})").format(division=where)


def _clock(value: datetime, tz: tzinfo | None) -> str:
    return f"{value.astimezone(tz):%H:%M}"


def recommend(
    incident: Incident,
    teams: Iterable[Team],
    incidents: Mapping[str, Incident],
    *,
    deployment: Deployment,
    geography: Geography,
    stations: Iterable[Station],
    now: datetime,
    tz: tzinfo | None = None,
) -> list[Recommendation]:
    """The teams that can take ``incident`` now, best first, each with its reason.

    ``incidents`` is every incident the console holds (for last positions,
    today's workload and the numbers of reserved calls).
    """
    by_division = {station.division: station for station in stations}
    target = incident_point(incident, geography)
    speed = deployment.average_speed_kmh
    today = workload_today(incidents.values(), now, tz)  # one pass, not one per team
    ranked: list[tuple[tuple[object, ...], Recommendation]] = []
    for team in teams:
        if team.status != TeamStatus.AVAILABLE or team.incident_id is not None:
            continue
        held_for = None
        reservation = team.reservation
        if reservation is not None and reservation.incident_id != incident.id:
            if now >= reservation.hold_from:
                continue  # held for its scheduled call: the rules would refuse it
            other = incidents.get(reservation.incident_id)
            number = other.number if other is not None else tr("a scheduled call")
            held_for = tr("{number} at {time}").format(
                number=number, time=_clock(reservation.at, tz)
            )
        tier = _tier(incident, team, deployment, geography)
        point, position = team_position(team, incidents, by_division)
        distance = (
            haversine_km(point[0], point[1], target[0], target[1])
            if point is not None and target is not None
            else None
        )
        travel = None if distance is None else max(1, math.ceil(distance / speed * 60))
        language = _speaks(team, incident.language)
        workload = today[team.id]

        parts = [_tier_text(tier, team, deployment)]
        if distance is not None:
            parts.append(
                f"{distance:.1f} km" + (tr(" from last scene") if position == "last scene" else "")
            )
            parts.append(f"~{travel} min")
        else:
            parts.append(tr("distance unknown"))
        if language is True:
            parts.append(tr("speaks {language}").format(language=incident.language.strip()))
        elif language is False:
            parts.append(tr("no {language}").format(language=incident.language.strip()))
        parts.append(
            tr("1 call today")
            if workload == 1
            else tr("{count} calls today").format(count=workload)
        )
        if held_for is not None:
            parts.append(tr("reserved for {call}").format(call=held_for))
        recommendation = Recommendation(
            team=team,
            tier=tier,
            distance_km=distance,
            travel_min=travel,
            position=position,
            language_match=language,
            calls_today=workload,
            held_for=held_for,
            reason=" · ".join(parts),
        )
        band = math.inf if distance is None else math.floor(distance / DISTANCE_BAND_KM)
        key = (
            int(tier),
            held_for is not None,
            band,
            language is not True,
            workload,
            math.inf if distance is None else distance,
            team.call_sign,
        )
        ranked.append((key, recommendation))
    ranked.sort(key=lambda pair: pair[0])
    return [recommendation for _key, recommendation in ranked]


Ranker = Callable[[Incident, Sequence[Team]], list[tuple[Team, str]]]


def ranker(
    incidents: Mapping[str, Incident],
    *,
    deployment: Deployment,
    geography: Geography,
    stations: Iterable[Station],
    now: datetime,
    tz: tzinfo | None = None,
) -> Ranker:
    """The ``rank`` callable of the assign dialog: (team, reason) pairs, best first."""
    stations = tuple(stations)

    def rank(incident: Incident, teams: Sequence[Team]) -> list[tuple[Team, str]]:
        return [
            (r.team, r.reason)
            for r in recommend(
                incident,
                teams,
                incidents,
                deployment=deployment,
                geography=geography,
                stations=stations,
                now=now,
                tz=tz,
            )
        ]

    return rank
