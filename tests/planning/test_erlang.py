"""The queueing formulas against published values and independent computations."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from umcr_console.planning.erlang import erlang_b, erlang_c, mgc, mmc


def erlang_c_exact(servers: int, load: Fraction) -> Fraction:
    """Erlang C from its textbook definition, in exact rational arithmetic."""
    term = Fraction(1)
    below = Fraction(0)
    for k in range(servers):
        below += term
        term = term * load / (k + 1)
    top = term * servers / (servers - load)  # a^c / c! * c / (c - a)
    return top / (below + top)


def test_two_teams_one_erlang_wait_a_third_of_the_time() -> None:
    # c = 2, A = 1: C = (1/2 * 2) / (1 + 1 + 1) = 1/3 (any Erlang C table).
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-12)


def test_hillier_lieberman_county_hospital() -> None:
    """Hillier & Lieberman, Introduction to Operations Research, the County Hospital
    emergency room (M/M/s, lambda = 2/h, mu = 3/h): one doctor, Wq = 2/3 h and
    P(wait) = rho = 2/3; two doctors, Lq = 1/12 and Wq = 1/24 h."""
    one = mmc(1, 2 / 3, 1 / 3)
    assert one.p_wait == pytest.approx(2 / 3)
    assert one.mean_wait == pytest.approx(2 / 3)
    two = mmc(2, 2 / 3, 1 / 3)
    assert two.mean_wait == pytest.approx(1 / 24)
    assert 2 * two.mean_wait == pytest.approx(1 / 12)  # Lq = lambda Wq (Little)


def test_call_centre_helper_worked_example() -> None:
    """Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked
    Example": 100 calls in 30 min, 180 s handling (A = 10 erlangs), 11 agents:
    P(wait) 68.21%, average speed of answer 122.8 s, 39% answered within 20 s."""
    q = mmc(11, 10.0, 180.0)
    assert q.p_wait == pytest.approx(0.6821, abs=5e-5)
    assert q.mean_wait == pytest.approx(122.8, abs=0.05)
    assert 1 - q.p_wait_longer(20.0) == pytest.approx(0.39, abs=0.005)


@pytest.mark.parametrize(
    ("servers", "load", "blocking"),
    [
        # Erlang B table (e.g. ITU-T / Cisco traffic tables): 10 circuits carry
        # 4.461 erlangs at 1% blocking and 5.084 erlangs at 2%.
        (10, 4.461, 0.01),
        (10, 5.084, 0.02),
        # B(5, 2) = (32/120) / (1 + 2 + 2 + 4/3 + 2/3 + 4/15) = 4/109.
        (5, 2.0, 4 / 109),
    ],
)
def test_erlang_b_table_values(servers: int, load: float, blocking: float) -> None:
    assert erlang_b(servers, load) == pytest.approx(blocking, rel=2e-3)


def test_erlang_c_matches_the_exact_definition() -> None:
    for servers, load in (
        (1, Fraction(1, 2)),
        (3, Fraction(2)),
        (30, Fraction(25)),
        (55, Fraction(48)),
    ):
        exact = erlang_c_exact(servers, load)
        assert erlang_c(servers, float(load)) == pytest.approx(float(exact), rel=1e-12)


def test_a_thousand_teams_without_overflow() -> None:
    """The recursion needs no factorials: c = 1000 (1000! overflows a float) is fine."""
    with pytest.raises(OverflowError):
        float(math.factorial(1000))
    value = erlang_c(1000, 950.0)
    assert 0 < value < 1
    # Independent: log-space sums of a^k / k!.
    logs = [k * math.log(950.0) - math.lgamma(k + 1) for k in range(1000)]
    top_log = 1000 * math.log(950.0) - math.lgamma(1001) + math.log(1000 / 50)
    peak = max([*logs, top_log])
    below = sum(math.exp(x - peak) for x in logs)
    top = math.exp(top_log - peak)
    assert value == pytest.approx(top / (below + top), rel=1e-9)


def test_mg1_is_pollaczek_khinchine() -> None:
    """Allen-Cunneen is exact for one server: M/D/1 at rho 0.5, E[S] = 1 gives
    Wq = rho E[S] (1 + cs^2) / (2 (1 - rho)) = 0.5 (Gross & Harris, M/G/1)."""
    assert mgc(1, 0.5, 1.0, 0.0).mean_wait == pytest.approx(0.5)
    assert mgc(1, 0.5, 1.0, 1.0).mean_wait == pytest.approx(1.0)  # M/M/1: rho/(mu - lambda)
    assert mgc(1, 0.8, 10.0, 2.0).mean_wait == pytest.approx(0.8 * 10 * 5 / (2 * 0.2))


def test_allen_cunneen_scales_the_mmc_wait() -> None:
    base = mmc(4, 3.0, 60.0)
    shaped = mgc(4, 3.0, 60.0, 0.48)
    assert shaped.p_wait == base.p_wait
    assert shaped.mean_wait == pytest.approx(base.mean_wait * (1 + 0.48**2) / 2)


def test_unstable_is_said_not_rounded() -> None:
    for servers, load in ((2, 2.0), (2, 3.5), (0, 0.1)):
        q = mgc(servers, load, 70.0, 0.5)
        assert not q.stable
        assert q.p_wait == 1.0
        assert q.mean_wait == math.inf
        assert q.wait_quantile(0.9) == math.inf
    assert erlang_c(3, 3.0) == 1.0
    assert mgc(0, 0.0, 70.0).stable  # no calls, no teams: nothing waits


def test_wait_distribution() -> None:
    q = mmc(3, 2.0, 60.0)
    theta = (3 - 2.0) / 60.0  # M/M/c: P(W > t) = C exp(-(c mu - lambda) t)
    assert q.p_wait_longer(30.0) == pytest.approx(q.p_wait * math.exp(-theta * 30.0))
    t90 = q.wait_quantile(0.9)
    assert q.p_wait_longer(t90) == pytest.approx(0.1)
    assert mmc(5, 1.0, 60.0).wait_quantile(0.9) == 0.0  # fewer than 10% wait at all
    assert q.mean_wait_capped(1e9) == pytest.approx(q.mean_wait)
    assert q.mean_wait_capped(10.0) < q.mean_wait
    # E[min(W, L)] = integral_0^L P(W > t) dt
    steps = 10_000
    integral = sum(q.p_wait_longer((i + 0.5) * 10.0 / steps) for i in range(steps)) * 10.0 / steps
    assert q.mean_wait_capped(10.0) == pytest.approx(integral, rel=1e-6)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        erlang_c(2, -0.5)
    with pytest.raises(ValueError):
        mgc(2, 1.0, 0.0)
    with pytest.raises(ValueError):
        mgc(2, 1.0, 10.0, -1.0)


@given(st.integers(1, 300), st.floats(0.01, 0.999))
def test_probabilities_are_ordered(servers: int, rho: float) -> None:
    load = servers * rho
    b, c = erlang_b(servers, load), erlang_c(servers, load)
    # (Far below the load's share of teams both underflow to 0.0: no call waits.)
    assert 0 <= b <= c <= 1
    # One more team never makes a call more likely to wait.
    more = erlang_c(servers + 1, load)
    assert more < c if c > 1e-200 else more <= c
