"""A real ``umcr-server serve`` process for tests, and the users it knows.

Shared by the server, sync and integration tests: keep this API stable.

    with ServerProcess(tmp_path) as server:
        token = server.token("dispatcher1")
        httpx.get(f"{server.url}/api/v1/snapshot", headers={"Authorization": f"Bearer {token}"})
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import sqlalchemy as sa
from argon2 import PasswordHasher

from umcr_console.config import load_deployment
from umcr_console.server import auth
from umcr_console.server.db import make_engine
from umcr_console.server.migrate import upgrade
from umcr_console.server.settings import KEEPALIVE_ENV

API = "/api/v1"

# username -> (role, password)
DEFAULT_USERS: dict[str, tuple[str, str]] = {
    "dispatcher1": ("dispatcher", "dispatch-one-secret"),
    "dispatcher2": ("dispatcher", "dispatch-two-secret"),
    "supervisor": ("supervisor", "supervise-secret"),
    "wall": ("wall", "wall-display-secret"),
    "admin": ("admin", "admin-secret"),
    "field1": ("field", "field-one-secret"),
}
# The team of each field user of DEFAULT_USERS.
FIELD_TEAMS: dict[str, str] = {"field1": "PL-1"}

# A ceiling, not a measure: on the shared 2-CPU machine at a load of 10 a
# restarted server once took over 30 s to import and print its first line.
START_TIMEOUT = 60.0
SIGN_IN_TRIES = 10
STOP_TIMEOUT = 30.0  # a ceiling too: a SIGTERM with ten streams open took over 15 s at load 19


# Test users get Argon2id hashes with small parameters: the server verifies any
# Argon2 hash by the parameters stored in it, and the production cost (64 MiB,
# about 0.15 s per sign-in) would dominate the test run. Users made by
# `umcr-server user add` always get the full-strength default.
_test_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@functools.cache
def _password_hash(password: str) -> str:
    return _test_hasher.hash(password)


def _team_provider(call_sign: str) -> str:
    """The provider of a team of the pilot deployment (a field user works for it)."""
    return next(t.provider for t in load_deployment("pilot").teams if t.call_sign == call_sign)


def prepare_database(
    database_url: str,
    users: Mapping[str, tuple[str, str]] = DEFAULT_USERS,
    providers: Mapping[str, str] | None = None,
) -> None:
    """Create or migrate the schema and add ``users`` (fast: through the Python API).

    ``providers``: user name -> provider, for users scoped to one provider
    (docs/security.md); field users get their team's.
    """
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        for name, (role, password) in users.items():
            auth.add_user(
                engine,
                name,
                role,
                password,
                team_call_sign=FIELD_TEAMS.get(name) if role == "field" else None,
                provider=(
                    _team_provider(FIELD_TEAMS[name])
                    if role == "field"
                    else (providers or {}).get(name)
                ),
                password_hash=_password_hash(password),
            )
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_schema_url(base_url: str) -> Iterator[str]:
    """A URL of ``base_url``'s database whose search_path is a fresh, empty schema.

    Each test gets its own schema, so tests never see each other's rows; the
    schema is dropped afterwards.
    """
    schema = f"t_{uuid.uuid4().hex[:16]}"
    url = sa.make_url(base_url)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        try:
            scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
            yield scoped.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


class ServerProcess:
    """``python -m umcr_console.server.cli serve`` on loopback, with a prepared database."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        database_url: str | None = None,
        port: int | None = None,
        users: Mapping[str, tuple[str, str]] = DEFAULT_USERS,
        providers: Mapping[str, str] | None = None,
        keepalive: float = 1.0,
        extra_env: dict[str, str] | None = None,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.tmp_path = Path(tmp_path)
        self.database_url = database_url or f"sqlite:///{self.tmp_path / 'server.sqlite3'}"
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.users = dict(users)
        self.providers = dict(providers or {})  # user -> provider, for scoped users
        self.keepalive = keepalive
        self.extra_env = dict(extra_env or {})
        # More `serve` options, e.g. ("--deployment", "citywide").
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen[bytes] | None = None
        self.returncode: int | None = None
        self._prepared = False
        self._tokens: dict[str, str] = {}
        self._starts = 0
        self.log_path = self.tmp_path / f"server-{self.port}.log"

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> ServerProcess:
        if self.running:
            raise RuntimeError("the server is running already")
        if not self._prepared:
            prepare_database(self.database_url, self.users, self.providers)
            self._prepared = True
        self._starts += 1
        env = {**os.environ, KEEPALIVE_ENV: str(self.keepalive), **self.extra_env}
        command = [
            sys.executable,
            "-m",
            "umcr_console.server.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--database",
            self.database_url,
            *self.extra_args,
        ]
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self._starts}\n".encode())
            log.flush()
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        self.returncode = None
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(base_url=self.url, timeout=2.0) as client:
            while True:
                if self.process.poll() is not None:
                    self.returncode = self.process.returncode
                    self.process = None
                    raise RuntimeError(
                        f"the server exited with {self.returncode} while starting:\n{self.log_text()}"
                    )
                try:
                    if client.get(f"{API}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"the server did not answer in time:\n{self.log_text()}")
                time.sleep(0.05)

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        """SIGTERM (or ``sig``), then wait for a clean exit; the exit status."""
        if self.process is None:
            return self.returncode
        self.process.send_signal(sig)
        try:
            self.returncode = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise RuntimeError(f"the server ignored SIGTERM:\n{self.log_text()}") from None
        finally:
            self.process = None
        return self.returncode

    def kill(self) -> None:
        """SIGKILL: no shutdown at all, as in a power cut of the process."""
        if self.process is None:
            return
        self.process.kill()
        self.returncode = self.process.wait()
        self.process = None

    def restart(self) -> ServerProcess:
        """Start again on the same port and database (stopping it first if it runs)."""
        self.stop()
        return self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.running:
            self.stop()
        else:
            self.kill()

    # -- clients -------------------------------------------------------------

    def token(self, username: str) -> str:
        """A bearer token of ``username`` (signed in once, then reused)."""
        if username not in self._tokens:
            _role, password = self.users[username]
            for _attempt in range(SIGN_IN_TRIES):
                answer = httpx.post(
                    f"{self.url}{API}/auth/token",
                    json={"username": username, "password": password},
                    # A ceiling: at a load of 19 on two CPUs a sign-in once took over 10 s.
                    timeout=30.0,
                )
                if answer.status_code != 429:
                    break
                # The server admits a few sign-ins from one address at a time (many
                # consoles of a test reconnecting at once are more): wait as it says.
                time.sleep(min(5.0, float(answer.headers.get("Retry-After", "1"))))
            answer.raise_for_status()
            self._tokens[username] = answer.json()["access_token"]
        return self._tokens[username]

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def client(self, username: str | None = None, **kwargs: Any) -> httpx.Client:
        """An httpx client on the server's base URL, signed in as ``username`` if given."""
        headers = self.headers(username) if username else {}
        return httpx.Client(
            base_url=self.url, headers=headers, timeout=kwargs.pop("timeout", 10.0), **kwargs
        )
