"""Points inside the division polygons: where simulated calls happen.

Uniform over a division's area by rejection sampling: a point drawn in the
division's bounding box is kept if it falls inside the polygon. The polygons
are the real LAPD division boundaries shipped in resources (never invented
coordinates).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# GeoJSON MultiPolygon coordinates: polygons -> rings (outer, holes) -> [lon, lat].
Ring = Sequence[Sequence[float]]
MultiPolygon = Sequence[Sequence[Ring]]

_MAX_TRIES = 10_000


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    """Even-odd rule (ray casting towards +lon)."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(shape: MultiPolygon, lon: float, lat: float) -> bool:
    """Whether (lon, lat) is inside the multipolygon (holes excluded)."""
    for polygon in shape:
        if (
            polygon
            and _in_ring(lon, lat, polygon[0])
            and not any(_in_ring(lon, lat, hole) for hole in polygon[1:])
        ):
            return True
    return False


@dataclass(frozen=True)
class _Division:
    shape: MultiPolygon
    west: float
    south: float
    east: float
    north: float


class PolygonPlaces:
    """Draws (lat, lon) uniformly inside named division polygons."""

    def __init__(self, shapes: Mapping[str, MultiPolygon]) -> None:
        self._divisions: dict[str, _Division] = {}
        for name, shape in shapes.items():
            points = [p for polygon in shape for p in polygon[0]]
            if not points:
                raise ValueError(f"division {name!r} has no outline")
            lons = [p[0] for p in points]
            lats = [p[1] for p in points]
            self._divisions[name] = _Division(shape, min(lons), min(lats), max(lons), max(lats))

    @property
    def names(self) -> list[str]:
        return sorted(self._divisions)

    def contains(self, division: str, lat: float, lon: float) -> bool:
        return contains(self._divisions[division].shape, lon, lat)

    def sample(self, division: str, rng: random.Random) -> tuple[float, float]:
        try:
            d = self._divisions[division]
        except KeyError:
            raise KeyError(f"no outline for division {division!r}") from None
        for _ in range(_MAX_TRIES):
            lon = rng.uniform(d.west, d.east)
            lat = rng.uniform(d.south, d.north)
            if contains(d.shape, lon, lat):
                # 5 decimals: about 1 m, as precise as an address point.
                return round(lat, 5), round(lon, 5)
        raise RuntimeError(f"could not draw a point inside {division!r}")


def division_places() -> PolygonPlaces:
    """The real LAPD division outlines shipped with the console (``umcr_console.geodata``)."""
    from .. import geodata

    return PolygonPlaces({d.name: d.coordinates for d in geodata.load_divisions()})
