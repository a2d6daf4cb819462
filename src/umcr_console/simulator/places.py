"""Points inside the division polygons: where simulated calls happen.

Uniform over a division's area by rejection sampling: a point drawn in the
division's bounding box is kept if the shared geography (``domain.geography``,
exact point-in-polygon, holes included) puts it inside. The outlines are the
real LAPD division boundaries shipped in ``resources/geo`` and loaded by
``umcr_console.geodata``, never invented coordinates.
"""

from __future__ import annotations

import random
from functools import cache

from .. import geodata
from ..domain.geography import Geography

_MAX_TRIES = 10_000


class DivisionPlaces:
    """Draws (lat, lon) uniformly inside named divisions."""

    def __init__(self, geography: Geography) -> None:
        self.geography = geography

    @property
    def names(self) -> tuple[str, ...]:
        return self.geography.names

    def contains(self, division: str, lat: float, lon: float) -> bool:
        return self.geography.division(division).contains(lat, lon)

    def sample(self, division: str, rng: random.Random) -> tuple[float, float]:
        found = self.geography.division(division)
        west, south, east, north = found.bbox
        for _ in range(_MAX_TRIES):
            # 5 decimals: about 1 m, as precise as an address point; rounded
            # before the test, so the point stored is the point tested.
            lat = round(rng.uniform(south, north), 5)
            lon = round(rng.uniform(west, east), 5)
            # division_at as well: on a shared border the point belongs to one only.
            if found.contains(lat, lon) and self.geography.division_at(lat, lon) == found.name:
                return lat, lon
        raise RuntimeError(f"could not draw a point inside {division!r}")


@cache
def division_places() -> DivisionPlaces:
    """The LAPD divisions shipped with the console, at full resolution: a call
    must be inside the division the console's geography says."""
    return DivisionPlaces(geodata.geography())
