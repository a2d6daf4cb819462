"""Call locations: inside the real division outlines, spread over them."""

from __future__ import annotations

import random

import pytest

from umcr_console.simulator.places import DivisionPlaces, division_places


def test_the_shipped_outlines_hold_all_21_divisions(places: DivisionPlaces) -> None:
    assert len(places.names) == 21
    assert {
        "Devonshire",
        "West Valley",
        "West Los Angeles",
        "Wilshire",
        "Olympic",
        "Southeast",
    } <= set(places.names)
    assert division_places() is division_places()  # read once


@pytest.mark.parametrize("division", sorted(division_places().names))
def test_points_fall_in_their_division_and_cover_it(places: DivisionPlaces, division: str) -> None:
    rng = random.Random(division)
    points = [places.sample(division, rng) for _ in range(150)]
    for lat, lon in points:
        assert places.geography.division_at(lat, lon) == division
    # Spread over the division, not bunched in a corner of it.
    west, south, east, north = places.geography.division(division).bbox
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    assert (max(lats) - min(lats)) > 0.5 * (north - south)
    assert (max(lons) - min(lons)) > 0.5 * (east - west)


def test_sampling_is_repeatable_and_refuses_unknown_divisions(places: DivisionPlaces) -> None:
    first = [places.sample("Olympic", random.Random(3)) for _ in range(3)]
    assert first == [places.sample("Olympic", random.Random(3)) for _ in range(3)]
    with pytest.raises(KeyError):
        places.sample("Springfield", random.Random(1))
