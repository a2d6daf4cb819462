"""The PostgreSQL failover scenario shared by tests/server/test_pg_failover.py and bench/pg_failover.py.

A primary and a hot standby (``PgPair``), two ``umcr-server`` processes on
one multi-host URL (``target_session_attrs=read-write``), headless consoles
split between them acting at a steady rate; mid-load the primary gets
SIGKILL (every process of it), the standby is promoted, and the consoles
go on until every action is made and every console shows the new
primary's state. ``run_failover`` returns what was seen; the caller asserts.

With ``synchronous=False`` the WAL sender is stopped (SIGSTOP) a moment
before the kill, so the standby is behind as an asynchronous standby is
under load: the events the old primary accepted in that window are the
loss the docs warn about. After the run the old primary is started alone
(crash recovery) and its log is compared with the new primary's, so the
loss is counted exactly, not guessed.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

from tests.support.headless import HeadlessConsole
from tests.support.pgcluster import PgPair
from tests.support.server import ServerProcess
from tests.support.waiting import wait_for
from umcr_console.domain.events import Event
from umcr_console.protocol import Snapshot
from umcr_console.sync.headless import digest_of

KEEPALIVE = 1.0
# The status bar of a console that is cut off with actions waiting.
OFFLINE_QUEUED = re.compile(r"^offline since \d\d:\d\d:\d\d, \d+ queued")


@dataclass
class FailoverRun:
    synchronous: bool
    consoles: int
    actions: int  # made in all (each console's acks)
    log: list[Event] = field(default_factory=list)  # the new primary's, at the end
    killed_at: float = 0.0  # the primary's every process gone (after the SIGKILLs)
    promote_asked_at: float = 0.0  # just before ``pg_ctl promote``
    promoted_at: float = 0.0  # the standby seen out of recovery (polled every 10 ms)
    first_write_after: float | None = None  # s from the kill to the first event accepted after
    # event id -> seq, of every server event any console was shown before the kill
    seen_before_kill: dict[str, int] = field(default_factory=dict)
    lost_seen: list[str] = field(default_factory=list)  # shown to a console, not on the new primary
    lost_acks: list[str] = field(default_factory=list)  # acked actions on neither side as refused
    old_primary_only: list[str] = field(default_factory=list)  # in the old log, not the new
    renumbered: list[str] = field(default_factory=list)  # shown at one seq, now at another
    duplicated: int = 0
    gap_free: bool = True
    rejected: Counter[str] = field(default_factory=Counter)  # code -> count
    refused_ids: set[str] = field(default_factory=set)  # our actions refused (and shown)
    converged: list[bool] = field(default_factory=list)  # per console, digest == server's
    offline_texts: list[str] = field(default_factory=list)  # status texts seen while cut off
    noticed: int = 0  # consoles told the server runs another database
    # Per console: it applied an event the new primary does not hold (async
    # loss), and it was told its server's log went back. One that saw none of
    # the lost events (it connected late, or its stream had not reached them)
    # has nothing to be told: its log is a prefix of the new primary's.
    saw_lost: list[bool] = field(default_factory=list)
    told: list[bool] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # Traceback / 500 lines
    answered_503: int = 0  # requests the servers answered 503 (database unreachable)
    converge_seconds: float = 0.0  # from the promotion to every console matching
    divergence: list[str] = field(default_factory=list)  # what differed, when a console did

    @property
    def kill_to_first_write(self) -> float | None:
        return self.first_write_after


def server_log(url: str, token: str) -> list[Event]:
    events: list[Event] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        while True:
            page = c.get("/api/v1/events", params={"after": len(events), "limit": 5000})
            page.raise_for_status()
            found = [Event.model_validate(e) for e in page.json()["events"]]
            if not found:
                return events
            events.extend(found)


def snapshot_digest(url: str, token: str) -> tuple[int, str]:
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as c:
        snap = Snapshot.model_validate(c.get("/api/v1/snapshot").json())
    incidents = {i.id: i.model_dump(mode="json") for i in snap.incidents}
    teams = {t.id: t.model_dump(mode="json") for t in snap.teams}
    return snap.seq, digest_of(incidents, teams)


def run_failover(
    workdir: Path,
    *,
    synchronous: bool,
    consoles: int = 6,
    actions: int = 30,
    rate: float = 2.0,
    kill_after: float = 0.4,
    promote_delay: float = 1.0,
    lag_events: int = 6,
    converge_timeout: float = 60.0,
) -> FailoverRun:
    """Run the scenario in ``workdir``; everything it started is stopped on return."""
    run = FailoverRun(synchronous=synchronous, consoles=consoles, actions=consoles * actions)
    pair = PgPair(synchronous=synchronous)
    servers: list[ServerProcess] = []
    fleet: list[HeadlessConsole] = []
    try:
        pair.start()
        for name in ("a", "b"):
            (workdir / name).mkdir()
            servers.append(
                ServerProcess(workdir / name, database_url=pair.url, keepalive=KEEPALIVE)
            )
        for server in servers:
            server.start()
        for i in range(consoles):
            fleet.append(
                HeadlessConsole(
                    workdir / f"console{i:02d}.db",
                    servers[i % 2].url,
                    ("dispatcher1", "dispatcher2")[i % 2],
                    actions=actions,
                    rate=rate,
                    seed=i,
                    keepalive=KEEPALIVE,
                    commands=True,
                    request_timeout=5.0,
                ).start()
            )
        for console in fleet:
            console.wait_ready()
        # Mid-load means with the consoles online, not only acking locally (an
        # ack needs no server): on the loaded machine consoles once came online
        # only after the kill, or after every action was made and sent. They
        # start acting together once each follows its server's stream.
        wait_for(
            lambda: all(any(r.get("link") == "online" for r in c.records) for c in fleet),
            180,
            "every console online",
            0.2,
        )
        for console in fleet:
            console.go()

        def acked() -> int:
            return sum(len(c.acks) for c in fleet)

        wait_for(lambda: acked() >= run.actions * kill_after, 120, "the load before the kill")
        if not synchronous:
            # The standby falls behind: what the primary accepts from now on
            # is on the primary only.
            pair.pause_replication()
            # Committed after the WAL sender stopped: on the primary only. (What
            # the consoles have seen lags behind the commits, so ask the primary.)
            at_pause = _max_seq(pair.single_url(pair.primary_port))
            wait_for(
                lambda: _max_seq(pair.single_url(pair.primary_port)) >= at_pause + lag_events,
                60,
                "events accepted while the standby is behind",
            )
        run.seen_before_kill = _seen(fleet)
        run.killed_at = pair.kill_primary()
        time.sleep(promote_delay)  # what a failover manager takes to decide, at the least
        run.promote_asked_at, run.promoted_at = pair.promote()

        wait_for(lambda: all(c.done_acting for c in fleet), 180, "every action made")
        token = servers[1].token("supervisor")
        for console in fleet:
            console.send("quiet")
        run.converged = _converge(fleet, servers[1].url, token, converge_timeout)
        run.converge_seconds = time.time() - run.promoted_at

        run.log = server_log(servers[1].url, token)
        _tally(run, fleet)
        with httpx.Client(base_url=servers[1].url, timeout=30) as client:
            snapshot = Snapshot.model_validate(
                client.get("/api/v1/snapshot", headers={"Authorization": f"Bearer {token}"}).json()
            )
        for console in fleet:
            console.terminate()
        if not all(run.converged):
            run.divergence = _differences(fleet, snapshot)
        for server in servers:
            server.stop()
        text = "".join(s.log_text() for s in servers)
        run.server_errors = [
            line for line in text.splitlines() if "Traceback" in line or '" 500' in line
        ]
        run.answered_503 = text.count('" 503')
        if not synchronous:
            pair.restart_old_primary()
            old = _event_ids(pair.single_url(pair.primary_port))
            on_new = {e.event_id for e in run.log}
            run.old_primary_only = sorted(old - on_new)
        lost = set(run.old_primary_only)
        run.saw_lost = [bool(lost & set(c.seen)) for c in fleet]
        return run
    finally:
        for console in fleet:
            console.kill()
        for server in servers:
            if server.running:
                server.kill()
        pair.stop()


def _seen(fleet: list[HeadlessConsole]) -> dict[str, int]:
    found: dict[str, int] = {}
    for console in fleet:
        with console._lock:
            found.update({k: v[0] for k, v in console.seen.items()})
    return found


def _max_seq(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(sa.text("SELECT coalesce(max(seq), 0) FROM events")).scalar_one()
            )
    finally:
        engine.dispose()


def _converge(fleet: list[HeadlessConsole], url: str, token: str, timeout: float) -> list[bool]:
    """Until every console has nothing pending and its cursor at the server's seq; digests equal."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=url, timeout=10.0) as client:
        while True:
            seq = client.get("/api/v1/health").json()["seq"]
            answers = [c.states for c in fleet]
            for console in fleet:
                console.send(f"state {seq}")
            wait_for(
                lambda answers=answers: all(
                    c.states > a for c, a in zip(fleet, answers, strict=True)
                ),
                20,
                "every console's state",
                0.01,
            )
            states = [c.state or {} for c in fleet]
            if all(s.get("digest") for s in states):
                snap_seq, expected = snapshot_digest(url, token)
                if snap_seq == seq:
                    return [s["digest"] == expected for s in states]
            if time.monotonic() > deadline:
                raise AssertionError(f"no convergence in {timeout} s: {states}")
            time.sleep(0.1)


def _tally(run: FailoverRun, fleet: list[HeadlessConsole]) -> None:
    log = run.log
    run.gap_free = [e.seq for e in log] == list(range(1, len(log) + 1))
    counts = Counter(e.event_id for e in log)
    run.duplicated = sum(n - 1 for n in counts.values())
    at = {e.event_id: e.seq for e in log}
    run.lost_seen = sorted(k for k in run.seen_before_kill if k not in at)
    run.renumbered = sorted(
        k for k, seq in run.seen_before_kill.items() if k in at and at[k] != seq
    )
    recorded = [
        e.recorded_at.timestamp()
        for e in log
        if e.recorded_at is not None and e.recorded_at.timestamp() > run.killed_at
    ]
    run.first_write_after = min(recorded) - run.killed_at if recorded else None
    for console in fleet:
        for code in console.rejected.values():
            run.rejected[code] += 1
        run.refused_ids |= set(console.rejected)
        run.lost_acks += [a for a in console.acks if a not in at and a not in console.rejected]
        texts = [r["offline"] for r in console.records if "offline" in r]
        texts += [r["text"] for r in console.records if r.get("link") == "offline"]
        run.offline_texts += texts
        told = any("notice" in r for r in console.records)
        run.told.append(told)
        run.noticed += told


def _differences(fleet: list[HeadlessConsole], snapshot: Snapshot) -> list[str]:
    """Per console, the incidents and teams whose confirmed copy differs from the server's."""
    from umcr_console.store import LocalStore

    server = {i.id: i.model_dump(mode="json") for i in snapshot.incidents}
    server.update({t.id: t.model_dump(mode="json") for t in snapshot.teams})
    found = []
    for console in fleet:
        with LocalStore(console.db) as store:
            state = store.load_confirmed()
        mine = {k: v.model_dump(mode="json") for k, v in state.incidents.items()}
        mine.update({k: v.model_dump(mode="json") for k, v in state.teams.items()})
        for key in sorted(set(server) | set(mine)):
            if server.get(key) != mine.get(key):
                a, b = mine.get(key) or {}, server.get(key) or {}
                fields = sorted(f for f in set(a) | set(b) if a.get(f) != b.get(f))
                found.append(
                    f"{console.db.name} {key}: "
                    + ", ".join(f"{f}: {a.get(f)!r} != {b.get(f)!r}" for f in fields)
                )
    return found


def _event_ids(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return set(conn.execute(sa.text("SELECT event_id FROM events")).scalars())
    finally:
        engine.dispose()
