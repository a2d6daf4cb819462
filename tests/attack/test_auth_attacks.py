"""Attacks on sign-in, played against a real ``umcr-server serve`` on loopback (issue 17).

Each test is an anonymous client on the network, or someone with the user
list, doing what the adversarial review did; each failed on the code before
the fix. Sources are told apart by binding the client to another loopback
address (127.0.0.0/8 is all this machine's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from tests.server.conftest import DATABASES
from tests.server.helpers import API, created
from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.protocol import (
    ACCOUNT_DISABLED_PROBLEM,
    REVOKED_CHALLENGE,
    TOO_MANY_SIGN_INS_PROBLEM,
    Lockouts,
)

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

FLOOD = 50  # concurrent bogus sign-ins, as in the review
FLOOD_ROUNDS = 3  # each flooding client tries this many times
ATTACKER = "127.0.0.2"


def _client(url: str, source: str | None = None, timeout: float = 30.0) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=source) if source else None
    return httpx.Client(base_url=url, transport=transport, timeout=timeout)


def _cli(database_url: str, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "UMCR_DATABASE_URL": database_url}
    if password is not None:
        env["UMCR_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "umcr_console.server.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _sign_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post(f"{API}/auth/token", json={"username": username, "password": password})


@pytest.fixture(params=DATABASES)
def server(request, tmp_path) -> Iterator[ServerProcess]:
    url = (
        request.getfixturevalue("postgres_url")
        if request.param == "postgres"
        else f"sqlite:///{tmp_path / 'server.sqlite3'}"
    )
    with ServerProcess(tmp_path, database_url=url, keepalive=0.5) as process:
        yield process


def _flood(url: str, sources: list[str | None]) -> tuple[Counter[int], list[httpx.Response]]:
    """FLOOD threads (one per source, round robin) each trying FLOOD_ROUNDS bogus sign-ins."""
    statuses: Counter[int] = Counter()
    refused: list[httpx.Response] = []
    lock = threading.Lock()
    start = threading.Barrier(FLOOD)

    def attacker(index: int) -> None:
        with _client(url, sources[index % len(sources)], timeout=60.0) as client:
            start.wait()
            for _ in range(FLOOD_ROUNDS):
                name = f"nobody-{uuid.uuid4().hex[:8]}"
                answer = _sign_in(client, name, "not-a-password-at-all")
                with lock:
                    statuses[answer.status_code] += 1
                    if answer.status_code == 429:
                        refused.append(answer)

    threads = [threading.Thread(target=attacker, args=(i,), daemon=True) for i in range(FLOOD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses, refused


@pytest.mark.parametrize("many_sources", [False, True], ids=["one-source", "many-sources"])
def test_a_sign_in_flood_is_refused_at_once_and_the_floor_is_answered(
    server: ServerProcess, many_sources: bool
) -> None:
    """50 concurrent bogus sign-ins: excess ones get 429 with Retry-After, without a
    hash, and a signed-in dispatcher's snapshot, health and event batches are answered."""
    bearer = server.headers("dispatcher1")
    sources: list[str | None] = (
        [f"127.0.0.{i}" for i in range(2, 2 + FLOOD)] if many_sources else [ATTACKER]
    )
    floor: Counter[str] = Counter()
    done = threading.Event()

    def dispatcher() -> None:
        # The floor keeps working through the flood; each request must succeed.
        with _client(server.url, timeout=30.0) as client:
            while not done.is_set():
                assert client.get(f"{API}/snapshot", headers=bearer).status_code == 200
                assert client.get(f"{API}/health").status_code == 200
                batch = {"events": [created()]}
                answer = client.post(f"{API}/events", json=batch, headers=bearer)
                assert answer.status_code == 200, answer.text
                floor["rounds"] += 1

    errors: list[BaseException] = []

    def run_floor() -> None:
        try:
            dispatcher()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    worker = threading.Thread(target=run_floor, daemon=True)
    worker.start()
    try:
        statuses, refused = _flood(server.url, sources)
    finally:
        done.set()
        worker.join(60)
    assert not errors, errors
    assert floor["rounds"] >= 1
    total = FLOOD * FLOOD_ROUNDS
    assert sum(statuses.values()) == total
    # Refused at once: most of the flood never reached a password hash.
    assert statuses[429] > total // 2, statuses
    assert set(statuses) <= {401, 423, 429}, statuses
    for answer in refused:
        assert int(answer.headers["Retry-After"]) >= 1
        assert answer.json()["type"] == TOO_MANY_SIGN_INS_PROBLEM
    # The dispatcher can still sign in afterwards (failures cost the attacker, not them).
    with _client(server.url) as client:
        assert _sign_in(client, "dispatcher2", DEFAULT_USERS["dispatcher2"][1]).status_code == 200


def test_one_address_cannot_lock_a_user_out_everywhere(server: ServerProcess) -> None:
    """Someone with the user list fails five times for a dispatcher from their own
    address: locked there (CJIS), but the dispatcher at their console signs in."""
    password = DEFAULT_USERS["dispatcher1"][1]
    with _client(server.url, ATTACKER) as attacker, _client(server.url) as console:
        answers = [
            _sign_in(attacker, "dispatcher1", "guess-number-x").status_code for _ in range(5)
        ]
        assert answers == [401, 401, 401, 401, 423]
        # Locked for the attacker's address, even with the right password ...
        assert _sign_in(attacker, "dispatcher1", password).status_code == 423
        # ... not for the dispatcher's.
        assert _sign_in(console, "dispatcher1", password).status_code == 200
        # A supervisor sees the lock (their console turns it into a notice).
        supervisor = server.headers("supervisor")
        locks = console.get(f"{API}/auth/lockouts", headers=supervisor)
        assert locks.status_code == 200, locks.text
        [lock] = locks.json()["locks"]
        assert (lock["username"], lock["source"], lock["failures"]) == ("dispatcher1", ATTACKER, 5)
        # A dispatcher may not read the list of locks.
        mine = console.get(f"{API}/auth/lockouts", headers=server.headers("dispatcher2"))
        assert mine.status_code == 403
        # An administrator ends the lock.
        done = _cli(server.database_url, "user", "unlock", "dispatcher1")
        assert done.returncode == 0, done.stderr
        assert "unlocked" in done.stderr
        assert _sign_in(attacker, "dispatcher1", password).status_code == 200
        assert console.get(f"{API}/auth/lockouts", headers=supervisor).json()["locks"] == []


def test_a_disabled_user_is_turned_off_everywhere(server: ServerProcess) -> None:
    """After `user revoke` the same user just signed in again; `user disable` ends
    their sessions and open streams, and the right password no longer works."""
    password = DEFAULT_USERS["dispatcher1"][1]
    bearer = server.headers("dispatcher1")
    opened, ended = threading.Event(), threading.Event()

    def read_stream() -> None:
        try:
            with (
                _client(server.url) as client,
                client.stream("GET", f"{API}/events/stream", headers=bearer) as answer,
            ):
                opened.set()
                for _ in answer.iter_lines():
                    pass
        except httpx.HTTPError:
            pass
        finally:
            ended.set()

    threading.Thread(target=read_stream, daemon=True).start()
    assert opened.wait(10)
    done = _cli(server.database_url, "user", "disable", "dispatcher1")
    assert done.returncode == 0, done.stderr
    assert "disabled" in done.stderr
    disabled_at = time.monotonic()
    with _client(server.url) as client:
        refused = client.get(f"{API}/me", headers=bearer)
        assert refused.status_code == 401
        # Old consoles see "revoked" and ask their user; new ones read the type.
        assert refused.headers["WWW-Authenticate"] == REVOKED_CHALLENGE
        assert refused.json()["type"] == ACCOUNT_DISABLED_PROBLEM
        again = _sign_in(client, "dispatcher1", password)
        assert again.status_code == 403
        assert again.json()["type"] == ACCOUNT_DISABLED_PROBLEM
        # A wrong password answers as before: the state is told only to its owner.
        assert _sign_in(client, "dispatcher1", "not-the-password-x").status_code == 401
        assert ended.wait(10), "the stream of a disabled user stayed open"
        assert time.monotonic() - disabled_at < 8
        listing = _cli(server.database_url, "user", "list")
        assert listing.returncode == 0, listing.stderr
        rows = {line.split("\t")[0]: line.split("\t") for line in listing.stdout.splitlines()}
        assert rows["dispatcher1"][4] == "disabled"
        assert rows["dispatcher2"][4] == "active" and rows["dispatcher2"][5] == "never"
        assert rows["dispatcher1"][5] != "never"  # signed in before
        enabled = _cli(server.database_url, "user", "enable", "dispatcher1")
        assert enabled.returncode == 0, enabled.stderr
        assert _sign_in(client, "dispatcher1", password).status_code == 200


def test_revoke_alone_still_lets_the_user_sign_in_again(server: ServerProcess) -> None:
    """Revoke ends sessions, it does not turn a person off: that is what disable is for."""
    done = _cli(server.database_url, "user", "revoke", "dispatcher1")
    assert done.returncode == 0, done.stderr
    with _client(server.url) as client:
        assert _sign_in(client, "dispatcher1", DEFAULT_USERS["dispatcher1"][1]).status_code == 200


def test_supervisors_consoles_are_told_when_accounts_are_locked(
    tmp_path, monkeypatch, server: ServerProcess
) -> None:
    """Locks are not silent: a supervisor's console shows each new one as a notice."""
    from tests.sync.harness import Console
    from umcr_console.sync import engine as sync_engine

    monkeypatch.setattr(sync_engine, "LOCKOUT_POLL_SECONDS", 0.2)
    _role, password = DEFAULT_USERS["supervisor"]
    with Console(tmp_path, "ws-supervisor", server.url, "supervisor", password) as console:
        console.wait_until(console.is_online, what="online")
        # Every answer the console reads from GET /auth/lockouts: what proves it looked again.
        looks: list[int] = []
        show = console.engine._show_new_locks

        def counted(found: Lockouts) -> None:
            looks.append(len(found.locks))
            show(found)

        monkeypatch.setattr(console.engine, "_show_new_locks", counted)
        with _client(server.url, ATTACKER) as attacker:
            for name in ("dispatcher1", "dispatcher2"):
                for _ in range(5):
                    _sign_in(attacker, name, "guess-number-x")

        def told(name: str) -> bool:
            return any(f"Sign-in lock: {name} " in n and ATTACKER in n for n in console.notices)

        console.wait_until(lambda: told("dispatcher1") and told("dispatcher2"), what="notices")
        # Each lock once, however often the console looks: two more looks that saw them.
        seen = len(looks)
        console.wait_until(lambda: len(looks) >= seen + 2, what="two more looks at the locks")
        assert looks[-1] >= 2
        assert sum("Sign-in lock: dispatcher1 " in n for n in console.notices) == 1
