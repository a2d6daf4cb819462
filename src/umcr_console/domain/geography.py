"""Geography of the LAPD divisions: point to division, neighbours, distance.

Pure: everything here works on already-parsed GeoJSON dicts and coordinate
lists, so the server, the console and the tests share it without I/O.
``umcr_console.geodata`` loads the shipped files once and builds these.

Coordinates follow GeoJSON: a position is ``(lon, lat)`` in WGS84 degrees.
Public functions take ``lat, lon`` in that order, as people say them.

Point-in-polygon is exact on the full-resolution boundaries (even-odd ray
casting over every ring, holes included). Speed comes from a bounding-box
prefilter per polygon and a per-ring index of edges in horizontal bands, so a
lookup tests a handful of edges instead of thousands.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180  # one degree of latitude, ~111.2 km

LonLat = tuple[float, float]
Ring = tuple[LonLat, ...]
BBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat

# Spellings of division names in other LAPD data (the calls-for-service
# extract says "West LA" and "N Hollywood"), keyed by their upper-case form.
_NAME_ALIASES = {
    "WEST LA": "WEST LOS ANGELES",
    "W LOS ANGELES": "WEST LOS ANGELES",
    "WLA": "WEST LOS ANGELES",
    "N HOLLYWOOD": "NORTH HOLLYWOOD",
    "NO HOLLYWOOD": "NORTH HOLLYWOOD",
    "77TH": "77TH STREET",
    "77TH ST": "77TH STREET",
}


def division_name(raw: str) -> str:
    """The display name of a division from any LAPD spelling.

    ``"WEST LOS ANGELES"`` and ``"West LA"`` give ``"West Los Angeles"``;
    ``"77TH STREET"`` gives ``"77th Street"`` (``str.title`` would say "77Th").
    """
    key = " ".join(raw.replace(".", " ").split()).upper()
    key = _NAME_ALIASES.get(key, key)
    return " ".join(w.capitalize() if w[0].isalpha() else w.lower() for w in key.split())


# --- distance and projection ----------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (spherical Earth, error < 0.5%)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlam = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def lon_scale(lat: float) -> float:
    """How much shorter a degree of longitude is than one of latitude at ``lat``."""
    return math.cos(math.radians(lat))


@dataclass(frozen=True)
class LocalProjection:
    """Kilometres east and north of a reference point (equirectangular).

    Longitude is scaled by cos(reference latitude), which keeps shapes true
    to within 0.3% across a city the size of Los Angeles; the map draws in
    these units so that its aspect is correct, and a click maps back with
    ``to_latlon``.
    """

    lat0: float
    lon0: float

    @cached_property
    def _kx(self) -> float:
        return KM_PER_DEGREE * lon_scale(self.lat0)

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self._kx, (lat - self.lat0) * KM_PER_DEGREE

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 + y / KM_PER_DEGREE, self.lon0 + x / self._kx

    @classmethod
    def around(cls, bbox: BBox) -> LocalProjection:
        min_lon, min_lat, max_lon, max_lat = bbox
        return cls((min_lat + max_lat) / 2, (min_lon + max_lon) / 2)


# --- polygons -------------------------------------------------------------------


def _closed(ring: Sequence[Sequence[float]]) -> Ring:
    points = tuple((float(p[0]), float(p[1])) for p in ring)
    if len(points) < 3:
        raise ValueError(f"a ring needs at least 3 positions, got {len(points)}")
    return points if points[0] == points[-1] else (*points, points[0])


def _bbox(points: Iterable[LonLat]) -> BBox:
    xs, ys = zip(*points, strict=True)
    return min(xs), min(ys), max(xs), max(ys)


class _EdgeBands:
    """The edges of one ring, sorted into horizontal bands for fast ray casting.

    A ray from (x, y) towards +x can only cross edges whose latitude span holds
    y, and all of those are in y's band, so testing that band is exact. Edges
    are stored lower end first, so two divisions sharing an edge compute the
    same crossing and a border point belongs to exactly one of them.
    """

    __slots__ = ("_bands", "_scale", "_y0", "_y1")

    def __init__(self, ring: Ring) -> None:
        edges = []
        for (xa, ya), (xb, yb) in pairwise(ring):
            if ya == yb:
                continue  # a horizontal edge never crosses a horizontal ray
            if ya > yb:
                xa, ya, xb, yb = xb, yb, xa, ya
            edges.append((ya, yb, xa, (xb - xa) / (yb - ya)))
        ys = [p[1] for p in ring]
        self._y0, self._y1 = min(ys), max(ys)
        count = max(1, len(edges) // 4)
        span = self._y1 - self._y0
        self._scale = count / span if span > 0 else 0.0
        self._bands: list[list[tuple[float, float, float, float]]] = [[] for _ in range(count)]
        last = count - 1
        for edge in edges:
            # Same arithmetic as the query: monotonic, so no edge is missed.
            first_band = min(last, int((edge[0] - self._y0) * self._scale))
            last_band = min(last, int((edge[1] - self._y0) * self._scale))
            for band in range(first_band, last_band + 1):
                self._bands[band].append(edge)

    def crossings_odd(self, x: float, y: float) -> bool:
        if y < self._y0 or y >= self._y1:
            return False
        band = self._bands[min(len(self._bands) - 1, int((y - self._y0) * self._scale))]
        odd = False
        for ya, yb, xa, slope in band:
            if ya <= y < yb and x < xa + (y - ya) * slope:
                odd = not odd
        return odd


@dataclass(frozen=True, eq=False)
class Polygon:
    """One polygon: an exterior ring and its holes, each closed, (lon, lat)."""

    exterior: Ring
    holes: tuple[Ring, ...] = ()
    bbox: BBox = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "bbox", _bbox(self.exterior))

    @property
    def rings(self) -> tuple[Ring, ...]:
        return (self.exterior, *self.holes)

    @cached_property
    def _index(self) -> tuple[_EdgeBands, ...]:
        return tuple(_EdgeBands(ring) for ring in self.rings)

    def contains(self, lon: float, lat: float) -> bool:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        # Even-odd over all rings: inside the exterior and in no hole.
        odd = False
        for bands in self._index:
            if bands.crossings_odd(lon, lat):
                odd = not odd
        return odd


@dataclass(frozen=True, eq=False)
class Division:
    """An LAPD division (geographic area): its name, number and boundary."""

    name: str
    number: int
    polygons: tuple[Polygon, ...]
    bbox: BBox = field(init=False)

    def __post_init__(self) -> None:
        corners = [(p.bbox[0], p.bbox[1]) for p in self.polygons]
        corners += [(p.bbox[2], p.bbox[3]) for p in self.polygons]
        object.__setattr__(self, "bbox", _bbox(corners))

    def __repr__(self) -> str:
        return f"Division({self.name!r}, {self.number}, {self.vertex_count} vertices)"

    @property
    def rings(self) -> tuple[Ring, ...]:
        """Every ring, exteriors and holes, for drawing outlines."""
        return tuple(ring for polygon in self.polygons for ring in polygon.rings)

    @property
    def vertex_count(self) -> int:
        return sum(len(ring) - 1 for ring in self.rings)

    def contains(self, lat: float, lon: float) -> bool:
        return any(polygon.contains(lon, lat) for polygon in self.polygons)

    def area_km2(self, projection: LocalProjection | None = None) -> float:
        projection = projection or LocalProjection.around(self.bbox)
        total = 0.0
        for polygon in self.polygons:
            total += abs(_ring_area(polygon.exterior, projection))
            total -= sum(abs(_ring_area(hole, projection)) for hole in polygon.holes)
        return total

    def label_point(self) -> tuple[float, float]:
        """(lat, lon) inside the division for its name: the middle of the
        widest inside stretch of the parallel through the area's middle."""
        largest = max(self.polygons, key=lambda p: abs(_ring_area(p.exterior, _UNIT)))
        min_lon, min_lat, max_lon, max_lat = largest.bbox
        best: tuple[float, float, float] = (-1.0, (min_lat + max_lat) / 2, (min_lon + max_lon) / 2)
        for fraction in (0.5, 0.4, 0.6, 0.3, 0.7):
            lat = min_lat + (max_lat - min_lat) * fraction
            xs = sorted(_crossings_at(largest, lat))
            for west, east in zip(xs[::2], xs[1::2], strict=False):
                if east - west > best[0]:
                    best = (east - west, lat, (west + east) / 2)
            if best[0] > 0:
                break
        return best[1], best[2]


_UNIT = LocalProjection(0.0, 0.0)


def _ring_area(ring: Ring, projection: LocalProjection) -> float:
    """Signed area (shoelace) in km² of the projected ring."""
    points = [projection.to_xy(lat, lon) for lon, lat in ring]
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(points))


def _crossings_at(polygon: Polygon, lat: float) -> list[float]:
    xs = []
    for ring in polygon.rings:
        for (xa, ya), (xb, yb) in pairwise(ring):
            if (ya <= lat < yb) or (yb <= lat < ya):
                xs.append(xa + (lat - ya) * (xb - xa) / (yb - ya))
    return xs


# --- reading GeoJSON -------------------------------------------------------------


def _polygons(geometry: Mapping[str, Any]) -> tuple[Polygon, ...]:
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        if coordinates is None:
            raise ValueError("a Polygon without coordinates")
        parts = [coordinates]
    elif kind == "MultiPolygon":
        parts = list(coordinates or [])
    else:
        raise ValueError(f"a division must be a Polygon or MultiPolygon, not {kind!r}")
    polygons = []
    for rings in parts:
        closed = [_closed(ring) for ring in rings]
        polygons.append(Polygon(closed[0], tuple(closed[1:])))
    return tuple(polygons)


def divisions_from_geojson(data: Mapping[str, Any]) -> tuple[Division, ...]:
    """The divisions of a FeatureCollection, ordered by number.

    Reads the city layer's fields (``APREC`` name, ``PREC`` number) and also
    the LA Times set's (``name``, ``external_id``), so either file works.
    """
    if data.get("type") != "FeatureCollection":
        raise ValueError("expected a GeoJSON FeatureCollection")
    divisions = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        raw_name = props.get("APREC") or props.get("name")
        raw_number = props.get("PREC", props.get("external_id"))
        if not raw_name or raw_number is None:
            raise ValueError(f"a feature without a division name or number: {props}")
        divisions.append(
            Division(division_name(raw_name), int(raw_number), _polygons(feature["geometry"]))
        )
    names = [d.name for d in divisions]
    if len(set(names)) != len(names):
        raise ValueError("a division appears twice")
    return tuple(sorted(divisions, key=lambda d: d.number))


# --- stations --------------------------------------------------------------------


@dataclass(frozen=True)
class Station:
    """An LAPD community police station: where a division's teams often start."""

    division: str
    number: int
    address: str
    lat: float
    lon: float


def stations_from_rows(rows: Iterable[Mapping[str, str]]) -> tuple[Station, ...]:
    """Stations from the rows of the city's "LAPD Police Stations" CSV export.

    Its ``DIVISION`` column is upper case ("WEST LOS ANGELES"), like the
    boundaries' ``APREC``; both go through ``division_name``.
    """
    stations = [
        Station(
            division=division_name(row["DIVISION"]),
            number=int(row["PREC"]),
            address=" ".join(row["LOCATION"].split()),
            lat=float(row["Y"]),
            lon=float(row["X"]),
        )
        for row in rows
    ]
    return tuple(sorted(stations, key=lambda s: s.number))


# --- simplification (for drawing) ------------------------------------------------


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from point p to the segment a-b (planar)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[int]:
    """Indices of ``points`` (an open polyline) kept by Douglas-Peucker."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        worst, worst_at = -1.0, -1
        for i in range(first + 1, last):
            dist = _segment_distance(*points[i], ax, ay, bx, by)
            if dist > worst:
                worst, worst_at = dist, i
        if worst > tolerance:
            keep.add(worst_at)
            stack.extend(((first, worst_at), (worst_at, last)))
    return sorted(keep)


def simplify_ring(ring: Ring, tolerance_m: float, projection: LocalProjection) -> Ring | None:
    """A closed ring simplified by Douglas-Peucker, measured in metres.

    The ring is split at its first vertex and the vertex farthest from it, and
    each half is simplified with both ends kept. None when the ring shrinks to
    less than a triangle (a hole smaller than the tolerance).
    """
    points = [projection.to_xy(lat, lon) for lon, lat in ring[:-1]]
    if len(points) <= 3:
        return ring
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    tolerance = tolerance_m / 1000
    first_half = _douglas_peucker(points[: far + 1], tolerance)
    second_half = _douglas_peucker([*points[far:], points[0]], tolerance)
    kept = first_half + [far + i for i in second_half[1:-1]]
    if len(kept) < 3:
        return None
    return (*(ring[i] for i in kept), ring[0])


def simplify_geojson(data: Mapping[str, Any], tolerance_m: float) -> dict[str, Any]:
    """A copy of a division FeatureCollection with every ring simplified.

    Rings are simplified one by one, so neighbouring outlines may part by up to
    the tolerance along a shared border: invisible at map scale, and the full
    boundaries stay the reference for point-in-polygon.
    """
    divisions = divisions_from_geojson(data)
    projection = LocalProjection.around(_bbox([c for d in divisions for c in _corners(d.bbox)]))
    features = []
    for feature in data["features"]:
        polygons = []
        for polygon in _polygons(feature["geometry"]):
            exterior = simplify_ring(polygon.exterior, tolerance_m, projection) or polygon.exterior
            holes = [simplify_ring(hole, tolerance_m, projection) for hole in polygon.holes]
            rings = [exterior, *(hole for hole in holes if hole is not None)]
            polygons.append([[[_round(lon), _round(lat)] for lon, lat in ring] for ring in rings])
        features.append(
            {
                "type": "Feature",
                "properties": dict(feature.get("properties") or {}),
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    result: dict[str, Any] = {"type": "FeatureCollection"}
    for key in ("name", "crs"):
        if key in data:
            result[key] = data[key]
    result["features"] = features
    return result


def _round(value: float) -> float:
    return round(value, 6)  # ~0.1 m: far below the simplification tolerance


def _corners(bbox: BBox) -> tuple[LonLat, LonLat]:
    return (bbox[0], bbox[1]), (bbox[2], bbox[3])


# --- neighbours ------------------------------------------------------------------


def shared_borders(
    divisions: Sequence[Division], tolerance_m: float = 1.0
) -> dict[frozenset[str], float]:
    """Length in km of the border each pair of divisions shares.

    An edge of one division counts as shared with another when both its ends
    and its middle lie within ``tolerance_m`` of the other's boundary. Vertex
    positions need not match (shared borders in the city layer have vertices
    on one side only in places), and a corner-only touch shares no length.
    Each border is measured from both sides; the result is the mean.
    """
    if not divisions:
        return {}
    projection = LocalProjection.around(_bbox([c for d in divisions for c in _corners(d.bbox)]))
    tolerance = tolerance_m / 1000
    cell = 0.2  # km; a cell holds a few dozen segments
    grid: dict[tuple[int, int], list[tuple[int, float, float, float, float]]] = {}
    projected = [
        [[projection.to_xy(lat, lon) for lon, lat in ring] for ring in division.rings]
        for division in divisions
    ]
    for owner, rings in enumerate(projected):
        for ring in rings:
            for (ax, ay), (bx, by) in pairwise(ring):
                # Insert into every cell within the tolerance of the segment's box,
                # so a query needs to look in its own cell only.
                for i in range(
                    math.floor((min(ax, bx) - tolerance) / cell),
                    math.floor((max(ax, bx) + tolerance) / cell) + 1,
                ):
                    for j in range(
                        math.floor((min(ay, by) - tolerance) / cell),
                        math.floor((max(ay, by) + tolerance) / cell) + 1,
                    ):
                        grid.setdefault((i, j), []).append((owner, ax, ay, bx, by))

    def near(x: float, y: float, me: int) -> set[int]:
        found = set()
        for owner, ax, ay, bx, by in grid.get((math.floor(x / cell), math.floor(y / cell)), ()):
            if owner == me or owner in found:
                continue
            if _segment_distance(x, y, ax, ay, bx, by) <= tolerance:
                found.add(owner)
        return found

    lengths: dict[frozenset[str], float] = {}
    for me, rings in enumerate(projected):
        for ring in rings:
            near_vertex = [near(x, y, me) for x, y in ring]
            for k in range(len(ring) - 1):
                common = near_vertex[k] & near_vertex[k + 1]
                if not common:
                    continue
                (ax, ay), (bx, by) = ring[k], ring[k + 1]
                common &= near((ax + bx) / 2, (ay + by) / 2, me)
                for other in common:
                    pair = frozenset((divisions[me].name, divisions[other].name))
                    lengths[pair] = lengths.get(pair, 0.0) + math.hypot(bx - ax, by - ay) / 2
    return lengths


# --- the whole map ---------------------------------------------------------------


class Geography:
    """All divisions of a boundary set, with lookups by name and by point."""

    def __init__(self, divisions: Iterable[Division], *, border_tolerance_m: float = 1.0) -> None:
        self.divisions: tuple[Division, ...] = tuple(divisions)
        self._by_name = {d.name: d for d in self.divisions}
        self._border_tolerance_m = border_tolerance_m
        self.bbox: BBox = _bbox([c for d in self.divisions for c in _corners(d.bbox)])
        self.projection = LocalProjection.around(self.bbox)

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any]) -> Geography:
        return cls(divisions_from_geojson(data))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.divisions)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and division_name(name) in self._by_name

    def division(self, name: str) -> Division:
        """A division by any spelling of its name; KeyError if there is none."""
        try:
            return self._by_name[division_name(name)]
        except KeyError:
            raise KeyError(f"no division named {name!r}") from None

    def division_at(self, lat: float, lon: float) -> str | None:
        """The name of the division that holds the point; None outside the city.

        None also for the enclaves the city surrounds (Beverly Hills, Culver
        City, ...) and the ocean: the point is not in any LAPD division.
        """
        for division in self.divisions:
            min_lon, min_lat, max_lon, max_lat = division.bbox
            if (
                min_lon <= lon <= max_lon
                and min_lat <= lat <= max_lat
                and division.contains(lat, lon)
            ):
                return division.name
        return None

    @cached_property
    def border_lengths_km(self) -> dict[frozenset[str], float]:
        # Computed on first use (about a second on the full boundaries).
        return shared_borders(self.divisions, self._border_tolerance_m)

    @cached_property
    def adjacency(self) -> dict[str, frozenset[str]]:
        neighbours: dict[str, set[str]] = {name: set() for name in self.names}
        for pair in self.border_lengths_km:
            first, second = tuple(pair)
            neighbours[first].add(second)
            neighbours[second].add(first)
        return {name: frozenset(others) for name, others in neighbours.items()}

    def neighbours(self, name: str) -> frozenset[str]:
        return self.adjacency[self.division(name).name]
