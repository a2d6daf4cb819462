"""The shipped LAPD geography, loaded once per process.

``domain.geography`` is pure; this module reads the files in
``resources/geo/`` (through ``umcr_console.config.resource``, so a checkout, a
wheel and a PyInstaller bundle find them alike) and caches what it builds.

- ``geography()``: the full-resolution boundaries, for point-in-polygon and
  neighbours.
- ``drawing_geography()``: the simplified outlines (2,804 vertices), for the map.
- ``stations()``: the 21 LAPD stations, one per division.
- ``division_at(lat, lon)``: the division name, None outside the city.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache
from typing import Any

from .config import resource
from .domain.geography import Geography, Station, stations_from_rows

GEO_DIR = "geo"
FULL_FILE = "lapd_divisions.geojson"
SIMPLIFIED_FILE = "lapd_divisions_simplified.geojson"
STATIONS_FILE = "lapd_police_stations.csv"

ATTRIBUTION = (
    "LAPD division boundaries and police station locations: City of Los Angeles, "
    "Los Angeles Police Department, via the City's open data (LA GeoHub / data.lacity.org)."
)


def _json(name: str) -> dict[str, Any]:
    return json.loads(resource(GEO_DIR, name).read_text(encoding="utf-8"))


@cache
def divisions_geojson(*, simplified: bool = False) -> dict[str, Any]:
    """The parsed GeoJSON; shared, so do not modify it."""
    return _json(SIMPLIFIED_FILE if simplified else FULL_FILE)


@cache
def geography() -> Geography:
    return Geography.from_geojson(divisions_geojson())


@cache
def drawing_geography() -> Geography:
    return Geography.from_geojson(divisions_geojson(simplified=True))


@cache
def stations() -> tuple[Station, ...]:
    # The city's export starts with a UTF-8 byte order mark.
    text = resource(GEO_DIR, STATIONS_FILE).read_text(encoding="utf-8-sig")
    return stations_from_rows(csv.DictReader(io.StringIO(text)))


def station_of(division: str) -> Station | None:
    name = geography().division(division).name
    return next((s for s in stations() if s.division == name), None)


def division_at(lat: float, lon: float) -> str | None:
    """The LAPD division that holds the point, or None when it is outside the city."""
    return geography().division_at(lat, lon)
