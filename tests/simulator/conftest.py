"""Shared fixtures: the division outlines and simulated months (pure path)."""

from __future__ import annotations

import pytest

from umcr_console.simulator.calibration import Calibration, calibrate
from umcr_console.simulator.places import DivisionPlaces, division_places

# The seeds of the calibration months: each must be within the tolerances.
MONTH_SEEDS = (1, 2, 3)


@pytest.fixture(scope="session")
def places() -> DivisionPlaces:
    return division_places()


@pytest.fixture(scope="session")
def months(places: DivisionPlaces) -> dict[int, Calibration]:
    """A simulated 30-day month per seed (about a second each)."""
    return {seed: calibrate(places, days=30, seed=seed) for seed in MONTH_SEEDS}
