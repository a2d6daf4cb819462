"""Multi-server queue formulas: Erlang B, Erlang C, M/M/c and M/G/c.

Notation: ``servers`` c (teams on duty), ``load`` a = lambda x E[S] in
erlangs (the mean number of teams the calls would keep busy if none ever
waited), ``utilisation`` rho = a / c.

Numerics. Erlang B comes from its recursion
``B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))``, which stays in (0, 1] at every
step: no factorials and no powers, so c = 1,000 teams is as exact as c = 2.
Erlang C follows from it by the standard identity ``C = c B / (c - a (1 - B))``.

Service times that are not exponential (a crisis team's time per call has a
coefficient of variation of about 0.4, an exponential one 1.0) are handled
with the Allen-Cunneen approximation for M/G/c (Allen, *Probability,
Statistics and Queueing Theory*, 2nd ed., 1990, section 6.3; Gross & Harris,
*Fundamentals of Queueing Theory*): the probability of waiting stays Erlang C,
the mean wait is the M/M/c one times ``(c_a^2 + c_s^2) / 2``, with c_a = 1 for
Poisson arrivals. For one server this is the exact Pollaczek-Khinchine
formula. The wait of a call that waits is taken as exponential with that
mean, which gives the wait percentiles.

rho >= 1 is not a number to round: the queue grows without bound, so the
result says ``stable=False`` with P(wait) = 1 and an infinite mean wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of an M/M/c/c system (Erlang's loss formula)."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be >= 0")
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that a call waits in an M/M/c queue; 1.0 when load >= servers."""
    if servers < 0 or load < 0:
        raise ValueError("servers and load must be >= 0")
    if load == 0:
        return 0.0
    if load >= servers:
        return 1.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1.0 - b))


@dataclass(frozen=True)
class Queue:
    """Steady-state figures of one M/G/c queue (times in the unit of ``mean_service``)."""

    servers: int
    load: float
    mean_service: float
    service_cv: float
    p_wait: float
    mean_wait: float  # over all calls, including those that do not wait
    stable: bool

    @property
    def utilisation(self) -> float:
        """Share of team time busy; above 1 the queue is unstable (shown as it is)."""
        if self.servers == 0:
            return INF if self.load > 0 else 0.0
        return self.load / self.servers

    @property
    def wait_rate(self) -> float:
        """Rate of the exponential wait of a call that waits (theta = p_wait / mean_wait)."""
        if not self.stable:
            return 0.0
        if self.mean_wait <= 0:
            return INF
        return self.p_wait / self.mean_wait

    def p_wait_longer(self, t: float) -> float:
        """P(wait > t)."""
        if not self.stable:
            return 1.0
        if self.p_wait == 0:
            return 0.0
        return self.p_wait * math.exp(-self.wait_rate * t)

    def mean_wait_capped(self, limit: float) -> float:
        """E[min(wait, limit)]: the mean wait where calls are given up after ``limit``."""
        if not self.stable:
            return limit
        if self.p_wait == 0:
            return 0.0
        theta = self.wait_rate
        return self.p_wait * -math.expm1(-theta * limit) / theta

    def wait_quantile(self, q: float) -> float:
        """The wait that a share ``q`` of the calls do not exceed (0 if they do not wait)."""
        if not 0 < q < 1:
            raise ValueError("q must be in (0, 1)")
        if not self.stable:
            return INF
        if self.p_wait <= 1 - q:
            return 0.0
        return math.log(self.p_wait / (1 - q)) / self.wait_rate


def mgc(servers: int, load: float, mean_service: float, service_cv: float = 1.0) -> Queue:
    """M/G/c by Allen-Cunneen (exact M/M/c for ``service_cv`` = 1, exact M/G/1 for c = 1)."""
    if mean_service <= 0:
        raise ValueError("mean_service must be > 0")
    if service_cv < 0:
        raise ValueError("service_cv must be >= 0")
    if load == 0:
        return Queue(servers, 0.0, mean_service, service_cv, 0.0, 0.0, True)
    if load >= servers:
        return Queue(servers, load, mean_service, service_cv, 1.0, INF, False)
    c = erlang_c(servers, load)
    mmc_wait = c * mean_service / (servers - load)
    factor = (1.0 + service_cv**2) / 2.0
    return Queue(servers, load, mean_service, service_cv, c, mmc_wait * factor, True)


def mmc(servers: int, load: float, mean_service: float) -> Queue:
    """M/M/c (Erlang C): exponential service."""
    return mgc(servers, load, mean_service, 1.0)
