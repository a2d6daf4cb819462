"""The call profile derived from the LAPD sample (resources/calls/), as weights.

``tools/derive_call_profile.py`` made the counts; this module turns them into
the weights the simulator draws from. Only counts are read here: the mapping
from LAPD codes is documented in resources/calls/SOURCES.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from ..config import resource
from ..domain.enums import CallType

PROFILE_FILE = ("calls", "lapd_2020_profile.json")
# The sample's times are LAPD's local time.
TIMEZONE = "America/Los_Angeles"
# Circular [1, 2, 1] smoothing of the hourly counts: 191 calls in 24 bins are
# noisy (an hour holds 3 to 20 calls); the smoothed curve keeps the shape
# (Pearson r 0.91 with the raw counts, 0.77 with all 998 calls' hours).
_KERNEL = (1.0, 2.0, 1.0)


def smooth_circular(counts: Sequence[float], kernel: Sequence[float] = _KERNEL) -> list[float]:
    n, half = len(counts), len(kernel) // 2
    total = sum(kernel)
    return [
        sum(k * counts[(i + j - half) % n] for j, k in enumerate(kernel)) / total for i in range(n)
    ]


def normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("weights must have a positive sum")
    return {key: value / total for key, value in weights.items()}


@dataclass(frozen=True)
class CallProfile:
    """Counts from the LAPD sample: call types, hours, divisions, refused codes."""

    call_types: Mapping[CallType, int]
    hour_counts: tuple[int, ...]
    hour_counts_all_codes: tuple[int, ...]
    calls_by_division: Mapping[str, int]
    screen_flags: Mapping[str, int]
    mapped_rows: int

    @property
    def hour_weights(self) -> tuple[float, ...]:
        """Share of the day's calls in each local hour (sums to 1), smoothed."""
        smoothed = smooth_circular(self.hour_counts)
        total = sum(smoothed)
        return tuple(v / total for v in smoothed)

    def division_weights(self, divisions: Sequence[str]) -> dict[str, float]:
        """Share of calls per served division, from the sample's calls per division.

        A division the sample does not name gets the mean of the others, so
        another deployment's divisions still get calls.
        """
        known = [self.calls_by_division[d] for d in divisions if d in self.calls_by_division]
        fallback = sum(known) / len(known) if known else 1.0
        return normalised({d: float(self.calls_by_division.get(d, fallback)) for d in divisions})

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CallProfile:
        call_types = data["call_types"]
        hours = data["hour_of_day"]
        hours_all = data["hour_of_day_all_codes"]
        divisions = data["calls_by_division"]
        flags = data["screen_flags"]
        assert isinstance(call_types, dict) and isinstance(divisions, dict)
        assert isinstance(hours, list) and isinstance(hours_all, list) and isinstance(flags, dict)
        if len(hours) != 24 or len(hours_all) != 24:
            raise ValueError("hour_of_day needs 24 counts")
        return cls(
            call_types={CallType(k): int(v) for k, v in call_types.items()},
            hour_counts=tuple(int(v) for v in hours),
            hour_counts_all_codes=tuple(int(v) for v in hours_all),
            calls_by_division={str(k): int(v) for k, v in divisions.items()},
            screen_flags={str(k): int(v) for k, v in flags.items()},
            mapped_rows=int(str(data["mapped_rows"])),
        )


@cache
def load_profile() -> CallProfile:
    """The shipped profile (read once)."""
    text = resource(*PROFILE_FILE).read_text(encoding="utf-8")
    return CallProfile.from_json(json.loads(text))
