"""Location history and caution notes: which earlier incidents were at a place.

Pure: the console runs it over its local store (offline), the server over the
rows its spatial index found (docs/locations.md). A place is a normalised
address, a point with a radius, or both; an incident matches when either does,
within the window.

Addresses are parsed by ``usaddress`` (a maintained CRF tagger for US
addresses); on top of its tags a small table gives directionals, ordinals and
street suffixes one spelling, so "123 W. 1st St." and "123 West First Street"
have the same key. Units, city, state and ZIP are left out of the key: the
history of a building is what a team needs.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

import usaddress
from pydantic import BaseModel, ConfigDict, Field

from .enums import Agency, CallType, CautionCategory, Disposition, IncidentState
from .model import Incident, Safety

DEFAULT_RADIUS_M = 50.0
DEFAULT_MONTHS = 24
MAX_RADIUS_M = 1000.0
MAX_MONTHS = 120
# Entries a lookup returns at most, newest first (a panel, not a report).
MAX_ENTRIES = 100
EARTH_RADIUS_M = 6_371_008.8
_DAYS_PER_MONTH = 30.44

_DIRECTIONALS = {
    "N": "N", "NORTH": "N", "S": "S", "SOUTH": "S", "E": "E", "EAST": "E",
    "W": "W", "WEST": "W", "NE": "NE", "NORTHEAST": "NE", "NW": "NW", "NORTHWEST": "NW",
    "SE": "SE", "SOUTHEAST": "SE", "SW": "SW", "SOUTHWEST": "SW",
}  # fmt: skip
# USPS Publication 28, appendix C1, the suffixes found in Los Angeles.
_SUFFIXES = {
    "ST": "ST", "STREET": "ST", "STR": "ST", "AVE": "AVE", "AV": "AVE", "AVENUE": "AVE",
    "AVN": "AVE", "BLVD": "BLVD", "BOULEVARD": "BLVD", "BL": "BLVD", "DR": "DR",
    "DRIVE": "DR", "RD": "RD", "ROAD": "RD", "PL": "PL", "PLACE": "PL", "CT": "CT",
    "COURT": "CT", "LN": "LN", "LANE": "LN", "WAY": "WAY", "WY": "WAY", "TER": "TER",
    "TERRACE": "TER", "PKWY": "PKWY", "PARKWAY": "PKWY", "HWY": "HWY", "HIGHWAY": "HWY",
    "CIR": "CIR", "CIRCLE": "CIR", "SQ": "SQ", "SQUARE": "SQ", "TRL": "TRL", "TRAIL": "TRL",
    "ALY": "ALY", "ALLEY": "ALY", "PLZ": "PLZ", "PLAZA": "PLZ", "WALK": "WALK",
    "MALL": "MALL", "FWY": "FWY", "FREEWAY": "FWY", "CYN": "CYN", "CANYON": "CYN",
    "CRES": "CRES", "CRESCENT": "CRES", "LOOP": "LOOP", "ROW": "ROW", "PATH": "PATH",
}  # fmt: skip
_ORDINAL_WORDS = {
    "FIRST": 1, "SECOND": 2, "THIRD": 3, "FOURTH": 4, "FIFTH": 5, "SIXTH": 6, "SEVENTH": 7,
    "EIGHTH": 8, "NINTH": 9, "TENTH": 10, "ELEVENTH": 11, "TWELFTH": 12, "THIRTEENTH": 13,
    "FOURTEENTH": 14, "FIFTEENTH": 15, "SIXTEENTH": 16, "SEVENTEENTH": 17,
    "EIGHTEENTH": 18, "NINETEENTH": 19, "TWENTIETH": 20,
}  # fmt: skip
# Whole street names people say two ways in Los Angeles.
_NAMES = {
    "MLK": "MARTIN LUTHER KING JR",
    "M L K": "MARTIN LUTHER KING JR",
    "MARTIN LUTHER KING": "MARTIN LUTHER KING JR",
    "MARTIN LUTHER KING JUNIOR": "MARTIN LUTHER KING JR",
    "MT": "MOUNT",
}
# The tags of the street itself; the rest (unit, city, ZIP) is not the place.
_STREET_TAGS = (
    "StreetNamePreModifier",
    "StreetNamePreDirectional",
    "StreetNamePreType",
    "StreetName",
    "StreetNamePostType",
    "StreetNamePostDirectional",
)
_ORDINAL_NUMBER = re.compile(r"^(\d+)(ST|ND|RD|TH)$")


def _ordinal(n: int) -> str:
    suffix = "TH" if 10 <= n % 100 <= 20 else {1: "ST", 2: "ND", 3: "RD"}.get(n % 10, "TH")
    return f"{n}{suffix}"


def _word(token: str) -> str:
    return token.upper().strip(".,#")


def _street_name(words: list[str]) -> str:
    out = []
    for word in words:
        if word in _ORDINAL_WORDS:
            word = _ordinal(_ORDINAL_WORDS[word])
        elif match := _ORDINAL_NUMBER.match(word):
            word = _ordinal(int(match.group(1)))
        out.append(word)
    name = " ".join(out)
    return _NAMES.get(name, name)


@functools.lru_cache(maxsize=65_536)
def normalise_address(text: str) -> str:
    """The key of an address: "123 W 1ST ST"; "" when it names no street number and street.

    A cross street ("5th and Main") or a landmark has no key: such a place is
    matched by its point only.
    """
    if not text or not text.strip():
        return ""
    try:
        tagged, kind = usaddress.tag(text[:200])
    except usaddress.RepeatedLabelError:
        return ""
    if kind != "Street Address" or "AddressNumber" not in tagged:
        return ""
    number = _word(tagged["AddressNumber"])
    parts: dict[str, list[str]] = {}
    for tag in _STREET_TAGS:
        if tag in tagged:
            parts[tag] = [_word(w) for w in tagged[tag].split() if _word(w)]
    if not parts.get("StreetName"):
        return ""
    pre_dir = [_DIRECTIONALS.get(w, w) for w in parts.get("StreetNamePreDirectional", [])]
    post_dir = [_DIRECTIONALS.get(w, w) for w in parts.get("StreetNamePostDirectional", [])]
    # "Avenue 54": a street type before the name, abbreviated as after it.
    pre_type = [_SUFFIXES.get(w, w) for w in parts.get("StreetNamePreType", [])]
    name = _street_name(parts.get("StreetNamePreModifier", []) + pre_type + parts["StreetName"])
    post_type = [_SUFFIXES.get(w, w) for w in parts.get("StreetNamePostType", [])]
    return " ".join([number, *pre_dir, name, *post_type, *post_dir])


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within ``radius_m``."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    # Slightly wider than exact, so rounding never drops a point on the circle.
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat * 1.001, lat + dlat * 1.001, lon - dlon * 1.001, lon + dlon * 1.001


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Place(_Value):
    """What a lookup is about: an address, a point, or both."""

    address: str = Field(default="", max_length=200)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    radius_m: float = Field(default=DEFAULT_RADIUS_M, gt=0, le=MAX_RADIUS_M)
    months: int = Field(default=DEFAULT_MONTHS, ge=1, le=MAX_MONTHS)

    @property
    def key(self) -> str:
        return normalise_address(self.address)

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None

    def since(self, now: datetime) -> datetime:
        return now - timedelta(days=self.months * _DAYS_PER_MONTH)


class HistoryEntry(_Value):
    """One earlier incident at the place: what happened, not who was there."""

    incident_id: str
    number: str
    received_at: datetime
    call_type: CallType
    state: IncidentState
    disposition: Disposition | None = None
    redirected_to: Agency | None = None
    safety: Safety = Safety()
    address: str = ""
    same_address: bool = False
    distance_m: float | None = None


class CautionEntry(_Value):
    """A caution note in force at the place."""

    incident_id: str
    number: str
    at: datetime
    author: str
    category: CautionCategory
    text: str
    expires_at: datetime
    address: str = ""

    @property
    def is_safety(self) -> bool:
        return self.category.is_safety


class LocationHistory(_Value):
    """The answer of a lookup (GET /api/v1/locations/history, or the local store)."""

    address_key: str = ""
    radius_m: float = DEFAULT_RADIUS_M
    months: int = DEFAULT_MONTHS
    entries: tuple[HistoryEntry, ...] = ()
    cautions: tuple[CautionEntry, ...] = ()
    # Whether there were more matches than MAX_ENTRIES (the oldest were left out).
    truncated: bool = False

    @property
    def safety_cautions(self) -> tuple[CautionEntry, ...]:
        return tuple(c for c in self.cautions if c.is_safety)


def same_address(address: str, key: str) -> bool:
    """Whether ``address`` has the address key ``key``."""
    if not key:
        return False
    # The house number is kept as typed, so an address without it cannot have
    # the key: this skips the tagger for nearly every incident of a store.
    if key.split(" ", 1)[0] not in address.upper():
        return False
    return normalise_address(address) == key


def match(
    incident: Incident,
    place: Place,
    key: str,
    box: tuple[float, float, float, float] | None = None,
) -> tuple[bool, bool, float | None]:
    """Whether ``incident`` was at ``place`` (``key``: its address key, ``box``: its
    bounding box), whether at the same address, and how far away (None: not
    measured, no point or outside the box)."""
    loc = incident.location
    same = same_address(loc.address, key)
    dist = None
    if place.has_point and loc.lat is not None and loc.lon is not None:
        assert place.lat is not None and place.lon is not None
        box = box or bounding_box(place.lat, place.lon, place.radius_m)
        if box[0] <= loc.lat <= box[1] and box[2] <= loc.lon <= box[3]:
            dist = distance_m(place.lat, place.lon, loc.lat, loc.lon)
    return same or (dist is not None and dist <= place.radius_m), same, dist


def location_history(
    incidents: Iterable[Incident],
    place: Place,
    *,
    now: datetime,
    exclude: str | None = None,
    limit: int = MAX_ENTRIES,
) -> LocationHistory:
    """The incidents of ``incidents`` at ``place`` within its window, newest first,
    and the caution notes still in force on them (``exclude``: the call being taken)."""
    key = place.key
    since = place.since(now)
    box = None
    if place.lat is not None and place.lon is not None:
        box = bounding_box(place.lat, place.lon, place.radius_m)
    found: list[tuple[Incident, bool, float | None]] = []
    cautions: list[CautionEntry] = []
    for incident in incidents:
        if incident.id == exclude:
            # Not its own history, but its own notes are notes on the place.
            cautions.extend(_cautions(incident, now))
            continue
        if incident.received_at < since:
            continue
        hit, same, dist = match(incident, place, key, box)
        if hit:
            found.append((incident, same, dist))
    found.sort(key=lambda f: f[0].received_at, reverse=True)
    entries = []
    for incident, same, dist in found[:limit]:
        entries.append(
            HistoryEntry(
                incident_id=incident.id,
                number=incident.number,
                received_at=incident.received_at,
                call_type=incident.call_type,
                state=incident.state,
                disposition=incident.disposition,
                redirected_to=incident.redirected_to,
                safety=incident.safety,
                address=incident.location.address,
                same_address=same,
                distance_m=None if dist is None else round(dist, 1),
            )
        )
        cautions.extend(_cautions(incident, now))
    # Safety categories first, then the newest.
    cautions.sort(key=lambda c: (not c.is_safety, -c.at.timestamp()))
    return LocationHistory(
        address_key=key,
        radius_m=place.radius_m,
        months=place.months,
        entries=tuple(entries),
        cautions=tuple(cautions),
        truncated=len(found) > limit,
    )


def _cautions(incident: Incident, now: datetime) -> list[CautionEntry]:
    return [
        CautionEntry(
            incident_id=incident.id,
            number=incident.number,
            at=c.at,
            author=c.author,
            category=c.category,
            text=c.text,
            expires_at=c.expires_at,
            address=incident.location.address,
        )
        for c in incident.cautions
        if c.active(now)
    ]


def merge(local: LocationHistory, remote: LocationHistory) -> LocationHistory:
    """The server's answer plus what only the local store has (pending, offline calls)."""
    seen = {e.incident_id for e in remote.entries}
    entries = sorted(
        (*remote.entries, *(e for e in local.entries if e.incident_id not in seen)),
        key=lambda e: e.received_at,
        reverse=True,
    )
    noted = {(c.incident_id, c.at) for c in remote.cautions}
    cautions = sorted(
        (*remote.cautions, *(c for c in local.cautions if (c.incident_id, c.at) not in noted)),
        key=lambda c: (not c.is_safety, -c.at.timestamp()),
    )
    return remote.model_copy(update={"entries": tuple(entries), "cautions": tuple(cautions)})


# -- frequent locations (the outreach teams' list) -----------------------------

# A place without an address key is grouped by a grid cell of about 55 m.
_CELL_DEG = 0.0005


class PlaceCall(NamedTuple):
    """One call of a period, as the frequent-locations report needs it: nothing personal."""

    incident_id: str
    received_at: datetime
    address_key: str
    lat: float | None
    lon: float | None
    division: str | None
    redirected_to: str | None
    providers: tuple[str, ...] = ()


class FrequentLocation(_Value):
    place: str  # the address key, or "near LAT, LON" for a point without one
    division: str = ""
    calls: int
    redirected_police: int
    providers: tuple[str, ...] = ()
    last_call: datetime
    lat: float | None = None
    lon: float | None = None


def place_of(call: PlaceCall) -> str | None:
    """The group of a call: its address key, else its grid cell; None when neither."""
    if call.address_key:
        return call.address_key
    if call.lat is None or call.lon is None:
        return None
    lat = round(call.lat / _CELL_DEG) * _CELL_DEG
    lon = round(call.lon / _CELL_DEG) * _CELL_DEG
    return f"near {lat:.4f}, {lon:.4f}"


def frequent_locations(
    calls: Iterable[PlaceCall],
    *,
    division: str | None = None,
    provider: str | None = None,
    min_calls: int = 2,
    limit: int = 100,
) -> list[FrequentLocation]:
    """The places with the most calls, most first (ties: the latest call first)."""
    groups: dict[tuple[str, str], list[PlaceCall]] = {}
    for call in calls:
        if division is not None and call.division != division:
            continue
        if provider is not None and provider not in call.providers:
            continue
        place = place_of(call)
        if place is not None:
            groups.setdefault((place, call.division or ""), []).append(call)
    out = []
    for (place, div), found in groups.items():
        if len(found) < min_calls:
            continue
        points = [(c.lat, c.lon) for c in found if c.lat is not None and c.lon is not None]
        out.append(
            FrequentLocation(
                place=place,
                division=div,
                calls=len(found),
                redirected_police=sum(c.redirected_to == Agency.LAPD for c in found),
                providers=tuple(sorted({p for c in found for p in c.providers})),
                last_call=max(c.received_at for c in found),
                lat=round(sum(p[0] for p in points) / len(points), 5) if points else None,
                lon=round(sum(p[1] for p in points) / len(points), 5) if points else None,
            )
        )
    out.sort(key=lambda f: (-f.calls, -f.last_call.timestamp()))
    return out[:limit]


FREQUENT_CSV_HEADER = (
    "place", "division", "calls", "redirected_police", "providers", "last_call", "lat", "lon",
)  # fmt: skip


def frequent_csv_rows(rows: Iterable[FrequentLocation]) -> list[list[str]]:
    out = [list(FREQUENT_CSV_HEADER)]
    for f in rows:
        out.append(
            [
                f.place,
                f.division,
                str(f.calls),
                str(f.redirected_police),
                "; ".join(f.providers),
                f.last_call.isoformat(),
                "" if f.lat is None else f"{f.lat:.5f}",
                "" if f.lon is None else f"{f.lon:.5f}",
            ]
        )
    return out
