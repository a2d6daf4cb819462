"""A hypothesis state machine: random actions and network faults on two consoles.

After the faults stop, every console shows the server's state, and every
action is on the server exactly once or was refused and shown, never both
and never neither. Bounded (a few examples of a dozen steps, a short
keep-alive) so it runs in well under a minute.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.support.faultproxy import FaultProxy
from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.domain.events import Event
from umcr_console.sync.traffic import Traffic

from .harness import Console, assert_matches_server, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

KEEPALIVE = 0.5
USERS = ("dispatcher1", "dispatcher2")
FAULTS = ("cut_off", "blackhole", "reset", "cut", "delay", "throttle")


@pytest.mark.slow
def test_consoles_converge_to_the_server_after_random_faults(tmp_path: Path) -> None:
    (tmp_path / "server").mkdir()
    with ServerProcess(tmp_path / "server", keepalive=KEEPALIVE) as server:
        proxies = [FaultProxy(server.port).start() for _ in USERS]
        token = server.token("supervisor")
        examples = iter(range(1_000_000))
        try:

            class Floor(RuleBasedStateMachine):
                def __init__(self) -> None:
                    super().__init__()
                    self.example = next(examples)
                    self.consoles: list[Console] = []
                    self.submitted: list[Event] = []
                    self.traffic: list[Traffic] = []
                    self.faulty = [False for _ in USERS]

                def _open(self, i: int) -> Console:
                    return Console(
                        tmp_path,
                        f"e{self.example}-c{i}",
                        proxies[i].url,
                        USERS[i],
                        DEFAULT_USERS[USERS[i]][1],
                        keepalive=KEEPALIVE,
                        request_timeout=2.0,
                        backoff_cap=0.5,
                        check_view=True,
                    ).start()

                @initialize(seed=st.integers(0, 2**32 - 1))
                def open_consoles(self, seed: int) -> None:
                    for i, _user in enumerate(USERS):
                        proxies[i].pass_through()
                        self.consoles.append(self._open(i))
                        self.traffic.append(
                            Traffic(random.Random(seed + i), f"e{self.example}-c{i}", max_open=12)
                        )

                @rule(i=st.sampled_from(range(len(USERS))), n=st.integers(1, 12))
                def act(self, i: int, n: int) -> None:
                    self.submitted += self.consoles[i].act(self.traffic[i], n)

                @rule(i=st.sampled_from(range(len(USERS))), fault=st.sampled_from(FAULTS))
                def fault(self, i: int, fault: str) -> None:
                    proxy = proxies[i]
                    self.faulty[i] = True
                    if fault == "cut_off":
                        proxy.drop()
                        proxy.reset()
                    elif fault == "blackhole":
                        proxy.blackhole()
                    elif fault == "reset":
                        proxy.reset()
                    elif fault == "cut":
                        proxy.cut(30, marker=b"data:")
                    elif fault == "delay":
                        proxy.delay(150)
                    else:
                        proxy.throttle(20_000)

                @precondition(lambda self: any(self.faulty))
                @rule(i=st.sampled_from(range(len(USERS))))
                def heal(self, i: int) -> None:
                    proxies[i].pass_through()
                    self.faulty[i] = False

                @rule(i=st.sampled_from(range(len(USERS))))
                def restart(self, i: int) -> None:
                    """The console is closed and opened again on the same store."""
                    self.consoles[i].stop()
                    self.consoles[i] = self._open(i)

                @rule()
                def let_time_pass(self) -> None:
                    time.sleep(0.3)  # a random moment for the faults to bite

                @invariant()
                def the_view_is_what_a_full_recompute_gives(self) -> None:
                    # Checked on the console's thread after every change of its view.
                    for console in self.consoles:
                        assert console.view_errors == [], console.view_errors[:3]

                def teardown(self) -> None:
                    try:
                        if not self.consoles:
                            return
                        for proxy in proxies:
                            proxy.pass_through()
                        for console in self.consoles:
                            console.wait_drained(timeout=60)
                        for console in self.consoles:
                            assert_matches_server(console, server.url, token)
                        assert self.consoles[0].view_dump() == self.consoles[1].view_dump()
                        counts = Counter(e.event_id for e in server_log(server.url, token))
                        refused: Counter[str] = Counter()
                        for console in self.consoles:
                            rows = console.call(
                                lambda c=console: c.workspace.store.rejections(
                                    include_acknowledged=True
                                )
                            )
                            refused.update(r.event.event_id for r in rows)
                        for event in self.submitted:
                            fate = (counts[event.event_id], refused[event.event_id])
                            assert fate in ((1, 0), (0, 1)), (event.type, fate)
                    finally:
                        for console in self.consoles:
                            console.stop()

            run_state_machine_as_test(
                Floor,
                settings=settings(
                    max_examples=8,
                    stateful_step_count=15,
                    deadline=None,
                    suppress_health_check=[HealthCheck.too_slow],
                ),
            )
        finally:
            for proxy in proxies:
                proxy.stop()
