"""Repeat locations (issue 22): the simulated floor calls some places again, and
leaves a few caution notes, so the demo's intake shows a place's history."""

from __future__ import annotations

import pytest

from umcr_console.domain.locations import Place, location_history
from umcr_console.simulator.calibration import Calibration
from umcr_console.simulator.calls import REPEAT_SHARE


@pytest.mark.slow
def test_a_realistic_share_of_calls_come_from_a_place_called_before(
    months: dict[int, Calibration],
) -> None:
    for seed, month in months.items():
        seen: set[tuple[float | None, float | None]] = set()
        repeats = 0
        for incident in sorted(month.incidents, key=lambda i: i.received_at):
            point = (incident.location.lat, incident.location.lon)
            repeats += point in seen
            seen.add(point)
        share = repeats / len(month.incidents)
        # Fewer than REPEAT_SHARE: a division's pool starts empty each run.
        assert REPEAT_SHARE * 0.5 <= share <= REPEAT_SHARE * 1.2, (seed, share)
        assert month.rejections == 0


def test_history_and_caution_notes_show_for_a_repeat_place(months: dict[int, Calibration]) -> None:
    month = months[1]
    assert month.stats.cautions >= 1
    noted = [i for i in month.incidents if i.cautions]
    assert len(noted) == month.stats.cautions
    latest = max(month.incidents, key=lambda i: i.received_at)
    busiest = max(
        month.incidents,
        key=lambda i: sum(
            (j.location.lat, j.location.lon) == (i.location.lat, i.location.lon)
            for j in month.incidents
        ),
    )
    place = Place(lat=busiest.location.lat, lon=busiest.location.lon)
    found = location_history(month.incidents, place, now=latest.received_at)
    assert len(found.entries) >= 3
