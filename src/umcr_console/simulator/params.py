"""The simulator's parameters, each with where its number comes from.

Figures from docs/domain.md (the L.A. pilot's first year, Denver STAR) are
the calibration targets; the rest are stated assumptions, kept small and
documented in docs/simulator.md. Durations are minutes of simulated time.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..domain.enums import CallType, Disposition, Priority, Source


@dataclass(frozen=True)
class LogNormal:
    """A long-tailed duration given by its mean (not its median) and shape.

    ``sigma`` is the standard deviation of the log; the mean stays ``mean``
    whatever the shape, which keeps the calibration readable. Draws are
    clamped to [low, high]: nobody is on scene for a day, nothing takes 0 s.
    """

    mean: float
    sigma: float
    low: float = 0.0
    high: float = math.inf

    @property
    def mu(self) -> float:
        return math.log(self.mean) - self.sigma**2 / 2

    def draw(self, rng: random.Random) -> float:
        return min(self.high, max(self.low, rng.lognormvariate(self.mu, self.sigma)))


# Denver STAR (domain.md): 42% from 911 call-takers, 35% police requests,
# 23% team-initiated. Scheduled follow-ups come with the follow-up call type.
STAR_SOURCES: Mapping[Source, float] = {
    Source.LAPD_911: 0.42,
    Source.POLICE_REQUEST: 0.35,
    Source.TEAM_INITIATED: 0.23,
}

# Assumption (no public figures): how a call that a team reached ends.
DISPOSITIONS: Mapping[Disposition, float] = {
    Disposition.RESOLVED_ON_SCENE: 0.38,
    Disposition.REFERRAL_MADE: 0.22,
    Disposition.WARM_HANDOFF: 0.12,
    Disposition.DECLINED_SERVICES: 0.12,
    Disposition.VOLUNTARY_TRANSPORT: 0.08,
    Disposition.UNABLE_TO_LOCATE: 0.08,
}

# Assumption: clinical urgency by call type (1 most urgent).
PRIORITIES: Mapping[CallType, tuple[float, float, float]] = {
    CallType.SUICIDAL_IDEATION: (0.6, 0.4, 0.0),
    CallType.MENTAL_HEALTH: (0.3, 0.5, 0.2),
    CallType.SUBSTANCE_USE: (0.2, 0.5, 0.3),
    CallType.CONFLICT: (0.2, 0.5, 0.3),
    CallType.WELFARE_CHECK: (0.1, 0.4, 0.5),
    CallType.PERSON_IN_DISTRESS: (0.1, 0.4, 0.5),
    CallType.TRESPASS: (0.0, 0.3, 0.7),
    CallType.SYRINGE_DISPOSAL: (0.0, 0.1, 0.9),
    CallType.FOLLOW_UP_VISIT: (0.0, 0.0, 1.0),
}

# Assumption: language needed, for L.A. (the pilot's teams speak Spanish and Korean).
LANGUAGES: Mapping[str, float] = {"": 0.80, "Spanish": 0.16, "Korean": 0.04}


def priority_of(call_type: CallType, rng: random.Random) -> Priority:
    weights = PRIORITIES[call_type]
    return Priority(rng.choices((1, 2, 3), weights=weights)[0])


@dataclass(frozen=True)
class Parameters:
    """Everything the model draws from. Defaults are the calibrated pilot."""

    # domain.md: more than 6,700 calls in the first year, about 18 a day.
    calls_per_day: float = 18.0
    # domain.md: under 4% redirected to LAPD (headline metric).
    redirect_share: float = 0.04
    # Assumption: medical emergencies (LAFD/EMS) among redirects; the other
    # flags come in the LAPD sample's mix (profile.screen_flags).
    medical_share_of_redirects: float = 0.25
    sources: Mapping[Source, float] = field(default_factory=lambda: dict(STAR_SOURCES))
    # Assumption: call types the LAPD data cannot show (the program makes them).
    follow_up_share: float = 0.05
    syringe_share: float = 0.02
    dispositions: Mapping[Disposition, float] = field(default_factory=lambda: dict(DISPOSITIONS))
    # Received -> incident entered, and entered -> dispatch decision (screening).
    intake: LogNormal = LogNormal(1.5, 0.4, low=0.3, high=10)
    decision: LogNormal = LogNormal(1.0, 0.5, low=0.2, high=10)
    # Dispatched -> en route.
    turnout: LogNormal = LogNormal(2.0, 0.5, low=0.3, high=15)
    # En route -> on scene in the team's own division. Calibrated so the mean
    # response (received -> on scene, reports.py) is about 27 min, the pilot's
    # figure; team-initiated calls (on scene at once) count at 0 min.
    travel: LogNormal = LogNormal(25.7, 0.45, low=4, high=120)
    # Added when a team of another division of the service area goes.
    cross_division_extra: LogNormal = LogNormal(8.0, 0.5, low=1, high=60)
    # On scene -> leaving (closed, or transporting). domain.md: about 25 min on
    # average, some calls hours long (a family for nearly three hours): a long
    # tail, capped at 4 h. The mean is a little under 25 because reports.py
    # counts on scene -> closed, which includes the transports.
    scene: LogNormal = LogNormal(23.6, 0.9, low=3, high=240)
    transport: LogNormal = LogNormal(20.0, 0.4, low=5, high=90)
    # Closed -> available again: documentation and follow-up (domain.md: teams
    # spend more time on follow-up than police can).
    follow_up: LogNormal = LogNormal(20.0, 0.5, low=3, high=120)
    # Safety check-in while on scene: about every 15 min (the alert is at 20).
    check_in_min: float = 12.0
    check_in_max: float = 18.0
    # Assumption: the caller cancels while the team drives (call not handled).
    cancel_en_route_share: float = 0.02
    # Assumption: a call no team could take for 2 h is closed as cancelled
    # (LAPD or the caller resolved it); only matters when the floor is overloaded.
    max_wait_min: float = 120.0
    # Calls arriving in the first simulated minutes, so a demo floor fills at once.
    warmup_calls: int = 0

    def with_rate(self, calls_per_day: float) -> Parameters:
        """The same model at another rate; 0: no calls, the teams only answer
        what people at consoles dispatch them to."""
        from dataclasses import replace

        if not calls_per_day >= 0 or calls_per_day == float("inf"):
            raise ValueError("the rate must be 0 or more calls a day")
        return replace(self, calls_per_day=calls_per_day)
