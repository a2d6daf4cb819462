"""Geography: point to division on the real LAPD boundaries, neighbours, distance.

The pure functions are tested on small shapes first, then on the shipped
boundaries (loaded through umcr_console.geodata, as the console does).
"""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from umcr_console import geodata
from umcr_console.config import load_deployment
from umcr_console.domain.geography import (
    EARTH_RADIUS_KM,
    Division,
    Geography,
    LocalProjection,
    Polygon,
    Ring,
    division_name,
    divisions_from_geojson,
    haversine_km,
    lon_scale,
    shared_borders,
    simplify_ring,
    stations_from_rows,
)


def degrees_km(degrees: float) -> float:
    """Kilometres of ``degrees`` of a great circle."""
    return degrees * 2 * math.pi * EARTH_RADIUS_KM / 360


# --- names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("WEST LOS ANGELES", "West Los Angeles"),
        ("West LA", "West Los Angeles"),
        ("77TH STREET", "77th Street"),
        ("77th Street", "77th Street"),
        ("NORTH HOLLYWOOD", "North Hollywood"),
        ("N Hollywood", "North Hollywood"),
        ("  van   nuys ", "Van Nuys"),
        ("DEVONSHIRE", "Devonshire"),
    ],
)
def test_division_names_in_title_case_from_any_lapd_spelling(raw: str, name: str) -> None:
    assert division_name(raw) == name


# --- distance and projection ------------------------------------------------------


def test_haversine_known_distances() -> None:
    assert haversine_km(34.05, -118.25, 34.05, -118.25) == 0
    one_degree = 2 * math.pi * EARTH_RADIUS_KM / 360
    assert haversine_km(0, 0, 0, 1) == pytest.approx(one_degree, rel=1e-12)
    assert haversine_km(0, 0, 90, 0) == pytest.approx(one_degree * 90, rel=1e-12)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM, rel=1e-12)
    # A degree of longitude in L.A. is shorter by cos(latitude).
    assert haversine_km(34, -118, 34, -117) == pytest.approx(one_degree * lon_scale(34), rel=2e-3)
    # City Hall to the West LA station: about 19.2 km as the crow flies.
    assert haversine_km(34.0537, -118.2428, 34.0438, -118.4508) == pytest.approx(19.2, abs=0.2)


@given(
    st.floats(min_value=-80, max_value=80),
    st.floats(min_value=-179, max_value=179),
    st.floats(min_value=-80, max_value=80),
    st.floats(min_value=-179, max_value=179),
)
def test_haversine_is_symmetric_and_bounded(a: float, b: float, c: float, d: float) -> None:
    distance = haversine_km(a, b, c, d)
    assert distance == pytest.approx(haversine_km(c, d, a, b), abs=1e-9)
    assert 0 <= distance <= math.pi * EARTH_RADIUS_KM + 1e-6


def test_local_projection_round_trip_and_scale() -> None:
    projection = LocalProjection(34.05, -118.35)
    assert projection.to_xy(34.05, -118.35) == (0, 0)
    lat, lon = projection.to_latlon(*projection.to_xy(34.2, -118.6))
    assert (lat, lon) == (pytest.approx(34.2, abs=1e-12), pytest.approx(-118.6, abs=1e-12))
    # One projected km east or north is one km on the ground near the reference.
    east = projection.to_latlon(1.0, 0.0)
    north = projection.to_latlon(0.0, 1.0)
    assert haversine_km(34.05, -118.35, *east) == pytest.approx(1.0, rel=1e-3)
    assert haversine_km(34.05, -118.35, *north) == pytest.approx(1.0, rel=1e-3)
    # The drawing aspect: longitude scaled by cos(latitude).
    x, y = projection.to_xy(34.05, -117.35)
    assert x / degrees_km(1) == pytest.approx(lon_scale(34.05))
    assert y == 0


# --- point in polygon on small shapes --------------------------------------------------


def square(x0: float, y0: float, size: float) -> Ring:
    return ((x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0))


def test_polygon_with_a_hole() -> None:
    donut = Polygon(square(0, 0, 10), (square(4, 4, 2),))
    assert donut.contains(1, 1)
    assert donut.contains(3.9, 5)
    assert not donut.contains(5, 5)  # in the hole
    assert not donut.contains(11, 5)
    assert not donut.contains(-0.1, 5)
    assert donut.bbox == (0, 0, 10, 10)


def test_concave_shape_and_rays_through_vertices() -> None:
    # A "U": the ray from the notch passes exactly through vertices at y = 2.
    u_shape = Polygon(((0, 0), (6, 0), (6, 6), (4, 6), (4, 2), (2, 2), (2, 6), (0, 6), (0, 0)))
    assert u_shape.contains(1, 2)
    assert u_shape.contains(5, 2)
    assert not u_shape.contains(3, 2.5)  # in the notch
    assert u_shape.contains(3, 1.999)
    assert u_shape.contains(3, 2 - 1e-9)
    assert not u_shape.contains(7, 2)
    # Diamond: the horizontal through the side vertices.
    diamond = Polygon(((0, -1), (1, 0), (0, 1), (-1, 0), (0, -1)))
    assert diamond.contains(0, 0)
    assert diamond.contains(-0.99, 0)
    assert not diamond.contains(-1.01, 0)
    assert not diamond.contains(0.6, 0.6)


def test_open_rings_are_closed_and_shared_edges_belong_to_one_side() -> None:
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"APREC": "WEST", "PREC": 2},
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "East", "external_id": "1"},  # the LA Times layout
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]],
                },
            },
        ],
    }
    geo = Geography.from_geojson(data)
    assert geo.names == ("East", "West")  # by number
    # A point exactly on the shared edge is in exactly one division.
    on_border = [d.name for d in geo.divisions if d.contains(0.5, 1.0)]
    assert len(on_border) == 1
    assert geo.division_at(0.5, 0.999) == "West"
    assert geo.division_at(0.5, 1.001) == "East"
    assert geo.neighbours("East") == {"West"}
    assert geo.border_lengths_km[frozenset({"East", "West"})] == pytest.approx(
        degrees_km(1), rel=1e-2
    )


def naive_contains(rings: list[Ring], x: float, y: float) -> bool:
    """The same crossing rule as Polygon.contains, over every edge, with no index.

    Edges run from their lower end (ties on the boundary go one way only), and
    a ray towards +x crosses an edge when ya <= y < yb and x is left of it.
    """
    odd = False
    for ring in rings:
        for (xa, ya), (xb, yb) in pairwise(ring):
            if ya == yb:
                continue
            if ya > yb:
                xa, ya, xb, yb = xb, yb, xa, ya
            if ya <= y < yb and x < xa + (y - ya) * ((xb - xa) / (yb - ya)):
                odd = not odd
    return odd


@st.composite
def star_polygons(draw: st.DrawFn) -> Ring:
    """Random star-shaped (so simple) polygons around the origin."""
    count = draw(st.integers(min_value=3, max_value=60))
    radii = draw(st.lists(st.floats(0.1, 10), min_size=count, max_size=count))
    points = [
        (r * math.cos(2 * math.pi * i / count), r * math.sin(2 * math.pi * i / count))
        for i, r in enumerate(radii)
    ]
    return (*points, points[0])


@settings(max_examples=200, deadline=None)
@given(star_polygons(), st.lists(st.tuples(st.floats(-11, 11), st.floats(-11, 11)), max_size=40))
@pytest.mark.slow
def test_banded_index_agrees_with_plain_ray_casting(
    ring: Ring, points: list[tuple[float, float]]
) -> None:
    polygon = Polygon(ring)
    for x, y in [*points, *ring]:  # the vertices themselves are the hard cases
        assert polygon.contains(x, y) == naive_contains([ring], x, y), (x, y)


# --- simplification ----------------------------------------------------------------------


def test_simplify_drops_collinear_points_and_small_bumps() -> None:
    projection = LocalProjection(0.0, 0.0)
    step = 0.001  # ~111 m
    bottom = [(i * step, 0.0) for i in range(10)]
    bumpy = [*bottom[:5], (5 * step, 0.00002), *bottom[6:]]  # a 2 m bump
    ring = (*bumpy, (10 * step, 0.0), (10 * step, 10 * step), (0.0, 10 * step), (0.0, 0.0))
    simplified = simplify_ring(ring, 5.0, projection)
    assert simplified is not None
    assert set(simplified) == {
        (0.0, 0.0),
        (10 * step, 0.0),
        (10 * step, 10 * step),
        (0.0, 10 * step),
    }
    assert simplified[0] == simplified[-1]
    kept = simplify_ring(ring, 1.0, projection)  # a 1 m tolerance keeps the 2 m bump
    assert kept is not None and (5 * step, 0.00002) in kept


def test_simplify_drops_a_hole_smaller_than_the_tolerance() -> None:
    tiny = square(0, 0, 0.00001)  # about a metre across
    assert simplify_ring(tiny, 10.0, LocalProjection(0.0, 0.0)) is None


def test_bad_geojson_is_refused() -> None:
    with pytest.raises(ValueError, match="FeatureCollection"):
        divisions_from_geojson({"type": "Feature"})
    point = {"type": "Point", "coordinates": [0, 0]}
    feature = {"type": "Feature", "properties": {"APREC": "X", "PREC": 1}, "geometry": point}
    with pytest.raises(ValueError, match="Polygon"):
        divisions_from_geojson({"type": "FeatureCollection", "features": [feature]})
    twice = {"type": "Polygon", "coordinates": [square(0, 0, 1)]}
    features = [
        {"type": "Feature", "properties": {"APREC": "X", "PREC": n}, "geometry": twice}
        for n in (1, 2)
    ]
    with pytest.raises(ValueError, match="twice"):
        divisions_from_geojson({"type": "FeatureCollection", "features": features})


# --- the real boundaries ---------------------------------------------------------------------

LAPD_DIVISIONS = {
    "Central",
    "Rampart",
    "Southwest",
    "Hollenbeck",
    "Harbor",
    "Hollywood",
    "Wilshire",
    "West Los Angeles",
    "Van Nuys",
    "West Valley",
    "Northeast",
    "77th Street",
    "Newton",
    "Pacific",
    "North Hollywood",
    "Foothill",
    "Devonshire",
    "Southeast",
    "Mission",
    "Olympic",
    "Topanga",
}


@pytest.fixture(scope="module")
def geo() -> Geography:
    return geodata.geography()


def test_all_21_divisions_with_numbers_and_holes(geo: Geography) -> None:
    assert set(geo.names) == LAPD_DIVISIONS
    assert [d.number for d in geo.divisions] == list(range(1, 22))
    assert geo.division("WEST LOS ANGELES").number == 8
    assert geo.division("77th Street").number == 12
    assert sum(d.vertex_count for d in geo.divisions) == 19_058
    with_holes = {d.name for d in geo.divisions if any(p.holes for p in d.polygons)}
    assert with_holes == {"North Hollywood", "West Los Angeles", "Pacific", "Harbor"}
    assert "West LA" in geo and "Beverly Hills" not in geo
    with pytest.raises(KeyError, match="Beverly Hills"):
        geo.division("Beverly Hills")


def test_areas_agree_with_the_city_layer(geo: Geography) -> None:
    """Our projection and shoelace against the layer's own State Plane AREA (ft²)."""
    square_feet = {
        f["properties"]["PREC"]: f["properties"]["AREA"]
        for f in geodata.divisions_geojson()["features"]
    }
    for division in geo.divisions:
        expected = square_feet[division.number] * 0.3048**2 / 1e6
        assert division.area_km2() == pytest.approx(expected, rel=5e-4), division.name


def test_every_station_maps_to_its_own_division(geo: Geography) -> None:
    stations = geodata.stations()
    assert len(stations) == 21
    assert {s.division for s in stations} == LAPD_DIVISIONS
    for station in stations:
        assert geo.division(station.division).number == station.number
        assert geo.division_at(station.lat, station.lon) == station.division, station
    assert geodata.station_of("West LA").address == "1663 BUTLER AVE."


def test_station_rows_are_read_with_the_csv_spelling() -> None:
    rows = [
        {
            "X": "-118.45",
            "Y": "34.04",
            "DIVISION": "WEST LOS ANGELES",
            "LOCATION": " 1 A ST. ",
            "PREC": "8",
        }
    ]
    (station,) = stations_from_rows(rows)
    assert (station.division, station.number, station.address) == ("West Los Angeles", 8, "1 A ST.")
    assert (station.lat, station.lon) == (34.04, -118.45)


@pytest.mark.parametrize(
    ("place", "lat", "lon"),
    [
        ("Beverly Hills, a city the LAPD surrounds", 34.0736, -118.4004),
        ("Culver City", 34.0211, -118.3965),
        ("Santa Monica Pier", 34.0094, -118.4973),
        ("Burbank", 34.1808, -118.3090),
        ("San Fernando, inside the Valley", 34.2819, -118.4390),
        ("Inglewood", 33.9617, -118.3531),
        ("the Pacific Ocean", 33.90, -118.60),
        ("Pasadena", 34.1478, -118.1445),
        ("New York", 40.7128, -74.0060),
        ("lat and lon swapped", -118.2428, 34.0537),
    ],
)
def test_points_outside_the_city_say_so(geo: Geography, place: str, lat: float, lon: float) -> None:
    assert geo.division_at(lat, lon) is None, place


@pytest.mark.parametrize(
    ("place", "lat", "lon", "division"),
    [
        ("City Hall", 34.0537, -118.2428, "Central"),
        ("LAX", 33.9416, -118.4085, "Pacific"),
        ("Griffith Observatory", 34.1184, -118.3004, "Northeast"),
        ("Port of Los Angeles", 33.7405, -118.2775, "Harbor"),
        ("Van Nuys Civic Center", 34.1838, -118.4477, "Van Nuys"),
        ("UCLA", 34.0689, -118.4452, "West Los Angeles"),
    ],
)
def test_known_places(geo: Geography, place: str, lat: float, lon: float, division: str) -> None:
    assert geo.division_at(lat, lon) == division, place


def test_enclaves_in_holes_are_outside(geo: Geography) -> None:
    """Marina del Rey and Universal City sit in holes of Pacific and North Hollywood."""
    for name, lat, lon in (
        ("Pacific", 33.9803, -118.4517),  # Marina del Rey
        ("North Hollywood", 34.1381, -118.3534),  # Universal Studios
    ):
        division = geo.division(name)
        exterior_only = any(Polygon(p.exterior).contains(lon, lat) for p in division.polygons)
        assert exterior_only, "the point is inside the outer ring..."
        assert geo.division_at(lat, lon) is None, "...but in the hole"


def _offset_points(
    geo: Geography, a: tuple[float, float], b: tuple[float, float], metres: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lat, lon) of the points ``metres`` left and right of the middle of edge a-b."""
    (ax, ay), (bx, by) = (geo.projection.to_xy(lat, lon) for lon, lat in (a, b))
    length = math.hypot(bx - ax, by - ay)
    nx, ny = -(by - ay) / length, (bx - ax) / length  # left normal
    mx, my = (ax + bx) / 2, (ay + by) / 2
    d = metres / 1000
    return geo.projection.to_latlon(mx + nx * d, my + ny * d), geo.projection.to_latlon(
        mx - nx * d, my - ny * d
    )


def _signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise(ring)) / 2


def _border_edges(first: Division, second: Division) -> list[tuple[tuple[float, float], ...]]:
    """Edges of ``first``'s exterior that ``second``'s boundary has too (either way)."""
    theirs = {frozenset(edge) for ring in second.rings for edge in pairwise(ring)}
    edges = []
    for polygon in first.polygons:
        ring = polygon.exterior
        ccw = _signed_area(ring) > 0
        for a, b in pairwise(ring):
            if frozenset((a, b)) in theirs:
                edges.append((a, b) if ccw else (b, a))  # inside is on the left
    return edges


def test_points_just_inside_and_just_outside_every_shared_border(geo: Geography) -> None:
    checked = 0
    for pair in sorted(geo.border_lengths_km, key=sorted):
        first, second = (geo.division(name) for name in sorted(pair))
        edges = _border_edges(first, second)
        if not edges:
            continue  # this border has no edge drawn identically on both sides
        # The longest few shared edges of each border, so the offset stays clear of corners.
        for a, b in sorted(edges, key=lambda e: -haversine_km(e[0][1], e[0][0], e[1][1], e[1][0]))[
            :3
        ]:
            left, right = _offset_points(geo, a, b, 0.5)
            assert geo.division_at(*left) == first.name, (first.name, second.name, left)
            assert geo.division_at(*right) == second.name, (first.name, second.name, right)
            checked += 1
    assert checked >= 3 * 35  # nearly every border has such edges


def test_points_just_inside_and_just_outside_the_city_limit(geo: Geography) -> None:
    """Edges on the city limit: half a metre in is the division, half a metre out is None."""
    uses: dict[frozenset, int] = {}
    for division in geo.divisions:
        for ring in division.rings:
            for edge in pairwise(ring):
                uses[frozenset(edge)] = uses.get(frozenset(edge), 0) + 1
    outside_city = 0
    for division in geo.divisions:
        outer = division.polygons[0].exterior
        ccw = _signed_area(outer) > 0
        candidates = [
            (a, b) if ccw else (b, a)
            for a, b in pairwise(outer)
            if uses[frozenset((a, b))] == 1 and haversine_km(a[1], a[0], b[1], b[0]) > 0.2
        ]
        for a, b in candidates[:: max(1, len(candidates) // 3)][:3]:
            inside, outside = _offset_points(geo, a, b, 0.5)
            assert geo.division_at(*inside) == division.name
            neighbour = geo.division_at(*outside)
            # An edge no other division draws is the city limit, or a border
            # the neighbour draws with other vertices (then it is that neighbour).
            assert neighbour is None or neighbour in geo.neighbours(division.name)
            outside_city += neighbour is None
    assert outside_city >= 30


def test_adjacency_is_symmetric_and_sensible(geo: Geography) -> None:
    adjacency = geo.adjacency
    assert set(adjacency) == LAPD_DIVISIONS
    for name, others in adjacency.items():
        assert name not in others
        assert others, f"{name} has no neighbour"
        for other in others:
            assert name in adjacency[other]
    assert "Wilshire" in geo.neighbours("Olympic")
    assert geo.neighbours("Olympic") == {"Hollywood", "Rampart", "Southwest", "Wilshire"}
    assert geo.neighbours("Harbor") == {"Southeast"}  # by the Shoestring strip
    assert "Devonshire" not in geo.neighbours("Harbor")
    assert "Pacific" not in geo.neighbours("Southwest")  # Culver City lies between
    assert len(geo.border_lengths_km) == 43
    # Borders are real lengths, not corner touches.
    assert min(geo.border_lengths_km.values()) > 0.01
    assert geo.border_lengths_km[frozenset({"Devonshire", "Mission"})] == pytest.approx(
        14.0, abs=0.2
    )


def test_adjacency_does_not_depend_on_a_fine_tolerance(geo: Geography) -> None:
    coarse = shared_borders(geo.divisions, tolerance_m=20.0)
    assert set(coarse) == set(geo.border_lengths_km)


def test_label_points_are_inside(geo: Geography) -> None:
    for division in geo.divisions:
        assert geo.division_at(*division.label_point()) == division.name


# --- the simplified copy and the configuration ---------------------------------------------------


def test_the_simplified_outline_keeps_every_area(geo: Geography) -> None:
    drawing = geodata.drawing_geography()
    assert set(drawing.names) == LAPD_DIVISIONS
    total = sum(d.vertex_count for d in drawing.divisions)
    assert 2_000 <= total <= 4_000
    for division in geo.divisions:
        simple = drawing.division(division.name)
        assert simple.area_km2(geo.projection) == pytest.approx(
            division.area_km2(geo.projection), rel=0.01
        ), division.name
        assert simple.vertex_count < division.vertex_count
    # Stations still land in their own division on the drawing copy.
    for station in geodata.stations():
        assert drawing.division_at(station.lat, station.lon) == station.division


def test_the_pilot_divisions_exist_in_the_geography(geo: Geography) -> None:
    pilot = load_deployment("pilot")
    for name in pilot.divisions + tuple(t.division for t in pilot.teams):
        assert name in geo.names, name
