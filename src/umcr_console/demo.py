"""A live demo floor on this machine: a local server, demo users and the simulator.

    with DemoServer() as demo:          # or demo = DemoServer(); demo.start(); ...; demo.stop()
        log in to demo.url as demo.username / demo.password

``start()`` makes a temporary folder with its own SQLite file, creates the
demo users, starts the central server as a child process on a free loopback
port, waits for ``/api/v1/health`` and starts the simulator in a thread of its
own. ``stop()`` ends the simulator, then the server (SIGTERM, then SIGKILL if
it does not exit), and removes the folder. Nothing of Qt here: the console's
``--demo`` (app.py) calls this.

No process is left behind, however the console ends: ``stop()`` on a normal
exit, an ``atexit`` hook if the owner forgot, and for a crash or SIGKILL of
the console the server child watches its stdin, a pipe only the parent holds:
when the parent is gone the pipe closes and the child shuts itself down.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

import httpx

from .config import load_deployment
from .protocol import API_PREFIX

log = logging.getLogger(__name__)

DEMO_USER = "demo"
SIMULATOR_USER = "simulator"
DEPLOYMENT = "pilot"
# The argument that makes a frozen (PyInstaller) console run the server child;
# the bundle's entry point, packaging/umcr_console_entry.py, calls
# run_child_if_requested() before anything else (see below).
CHILD_FLAG = "--umcr-demo-server"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
PORT_ATTEMPTS = 3
# Calls in the first simulated minutes, so the floor has incidents within seconds.
WARMUP_CALLS = 6
# Real seconds spent replaying the demo's backdated history.
HISTORY_REPLAY_SECONDS = 4.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_command(port: int, database_url: str) -> list[str]:
    """The command line of the server child."""
    if getattr(sys, "frozen", False):
        head = [sys.executable, CHILD_FLAG]
    else:
        head = [sys.executable, "-m", "umcr_console.demo", CHILD_FLAG]
    return [
        *head,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database",
        database_url,
        "--deployment",
        DEPLOYMENT,
    ]


class DemoServer:
    """A local server with demo users, driven by the simulator; see the module doc."""

    def __init__(
        self,
        speed: float = 60.0,
        rate_per_day: float = 18 * 20,
        seed: int | None = None,
        *,
        warmup_calls: int = WARMUP_CALLS,
        history_hours: float = 0.0,
    ) -> None:
        self.speed = speed
        # Hours of past floor to replay first (backdated), so figures and charts
        # have a real day behind them instead of starting empty.
        self.history_hours = history_hours
        self.rate_per_day = rate_per_day
        self.seed = seed
        self.warmup_calls = warmup_calls
        self.url = ""
        self.username = DEMO_USER
        # A fresh password per demo: the server listens on loopback only, but
        # other users of this machine could reach it.
        self.password = secrets.token_urlsafe(12)
        # Extra roles to try the wall display and the supervisor's view.
        self.users: dict[str, str] = {
            DEMO_USER: "dispatcher",
            "demo-supervisor": "supervisor",
            "demo-wall": "wall",
        }
        self.temp_dir: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None
        self._simulator: object | None = None  # runner.SimulatorThread, imported lazily
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self.temp_dir is not None:
                raise RuntimeError("the demo server was started already")
            self.temp_dir = Path(tempfile.mkdtemp(prefix="umcr-demo-"))
            atexit.register(self.stop)
        try:
            database_url = f"sqlite:///{self.temp_dir / 'server.sqlite3'}"
            simulator_password = secrets.token_urlsafe(16)
            field_users = self._create_users(database_url, simulator_password)
            self._start_server(database_url)
            # Rate 0 (the console's --self-test): a still floor, no simulator at all.
            if self.rate_per_day > 0:
                if self.history_hours > 0:
                    self._replay_history(simulator_password, field_users)
                self._start_simulator(simulator_password, field_users)
        except BaseException:
            self.stop()
            raise
        log.info("demo server at %s (user %s)", self.url, self.username)

    def stop(self) -> None:
        """Stop the simulator, then the server, and remove the temporary folder."""
        with self._lock:
            simulator, self._simulator = self._simulator, None
            process, self.process = self.process, None
            temp_dir, self.temp_dir = self.temp_dir, None
            log_file, self._log_file = self._log_file, None
        if simulator is not None:
            from .simulator.runner import SimulatorThread

            assert isinstance(simulator, SimulatorThread)
            if not simulator.stop(STOP_TIMEOUT):
                log.warning("the simulator thread did not end in time")
        if process is not None:
            _end_process(process)
        if log_file is not None:
            log_file.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)
        atexit.unregister(self.stop)

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self) -> int | None:
        """The server child's process id."""
        return self.process.pid if self.process is not None else None

    @property
    def simulator_error(self) -> BaseException | None:
        """Why the simulator stopped early, if it did."""
        from .simulator.runner import SimulatorThread

        simulator = self._simulator
        return simulator.error if isinstance(simulator, SimulatorThread) else None

    @property
    def log_path(self) -> Path | None:
        return self.temp_dir / "server.log" if self.temp_dir else None

    def log_text(self) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return ""
        return path.read_text(errors="replace")

    # -- steps ---------------------------------------------------------------

    def _create_users(self, database_url: str, simulator_password: str) -> list[str]:
        """The demo's users, written straight into the new database; the field users' names."""
        # The server's own functions, imported only here: the demo owns this
        # database file, and one process is faster than a CLI call per user.
        from .server import auth
        from .server.db import make_engine
        from .server.migrate import upgrade

        engine = make_engine(database_url)
        try:
            upgrade(engine)
            demo_hash = _quick_hash(self.password)
            for name, role in self.users.items():
                auth.add_user(engine, name, role, self.password, password_hash=demo_hash)
            simulator_hash = _quick_hash(simulator_password)
            auth.add_user(
                engine,
                SIMULATOR_USER,
                "dispatcher",
                simulator_password,
                password_hash=simulator_hash,
            )
            field_users = []
            for team in load_deployment(DEPLOYMENT).teams:
                name = f"sim-{team.call_sign}"
                auth.add_user(
                    engine,
                    name,
                    "field",
                    simulator_password,
                    team_call_sign=team.call_sign,
                    provider=team.provider,
                    password_hash=simulator_hash,
                )
                field_users.append(name)
        finally:
            engine.dispose()
        return field_users

    def _start_server(self, database_url: str) -> None:
        assert self.temp_dir is not None
        self._log_file = (self.temp_dir / "server.log").open("ab")
        env = {**os.environ, "UMCR_DATA_DIR": str(self.temp_dir)}
        for attempt in range(1, PORT_ATTEMPTS + 1):
            port = free_port()
            self.url = f"http://127.0.0.1:{port}"
            self.process = subprocess.Popen(
                child_command(port, database_url),
                stdin=subprocess.PIPE,  # the lifeline: closed when this process ends
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                env=env,
                # Its own process group: a Ctrl+C in the terminal reaches the
                # console, which stops the simulator before the server.
                **_new_group(),
            )
            if self._wait_healthy():
                return
            # Another program took the port between our probe and the bind.
            log.warning("demo server did not start on port %d (attempt %d)", port, attempt)
        raise RuntimeError(f"the demo server did not start:\n{self.log_text()[-4000:]}")

    def _wait_healthy(self) -> bool:
        """True once /health answers; False if the child exited (it is then reaped)."""
        process = self.process
        assert process is not None
        deadline = time.monotonic() + START_TIMEOUT
        with httpx.Client(base_url=self.url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    self.process = None
                    return False
                try:
                    if client.get(f"{API_PREFIX}/health").status_code == 200:
                        return True
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
        _end_process(process)
        self.process = None
        raise RuntimeError(f"the demo server did not answer in time:\n{self.log_text()[-4000:]}")

    def _replay_history(self, password: str, field_users: Sequence[str]) -> None:
        """Simulate the last ``history_hours`` with backdated times, compressed into seconds."""
        import asyncio

        from .simulator.http import Credentials
        from .simulator.pacing import ClockMode
        from .simulator.runner import simulate

        asyncio.run(
            simulate(
                self.url,
                Credentials(SIMULATOR_USER, password),
                field_users=[Credentials(name, password) for name in field_users],
                rate=self.rate_per_day,
                speed=self.history_hours * 3600 / HISTORY_REPLAY_SECONDS,
                duration=HISTORY_REPLAY_SECONDS,
                seed=self.seed,
                clock=ClockMode.BACKDATED,
            )
        )

    def _start_simulator(self, password: str, field_users: Sequence[str]) -> None:
        from .simulator.http import Credentials
        from .simulator.runner import SimulatorThread

        simulator = SimulatorThread(
            self.url,
            Credentials(SIMULATOR_USER, password),
            field_users=[Credentials(name, password) for name in field_users],
            rate=self.rate_per_day,
            speed=self.speed,
            seed=self.seed,
            warmup_calls=self.warmup_calls,
        )
        self._simulator = simulator
        simulator.start()


def _quick_hash(password: str) -> str:
    """An Argon2id hash that takes milliseconds to check, for the demo's throwaway users.

    The server checks a hash with the parameters stored in it. The full cost
    (64 MiB, about 0.15 s or more per sign-in) guards real passwords against
    a stolen users table; these passwords are random 96-bit tokens in a
    database deleted at stop(), and seven users sign in at start.
    """
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(password)


def _new_group() -> dict[str, object]:
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _end_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait; SIGKILL if it does not end in time. Always reaped."""
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("demo server %d ignored SIGTERM: killing it", process.pid)
            process.kill()
            process.wait()


# -- the server child ----------------------------------------------------------


def _exit_with_parent() -> None:
    """Block on stdin; at EOF (the parent ended or closed it) shut this server down."""
    with contextlib.suppress(OSError, ValueError):
        while sys.stdin.buffer.read(4096):
            pass
    os.kill(os.getpid(), signal.SIGTERM)


def run_child_if_requested(argv: Sequence[str] | None = None) -> int | None:
    """If ``argv`` asks for the demo's server child, run it and return its exit status.

    For a frozen console, whose executable cannot run ``-m``: the bundle's
    entry point (packaging/umcr_console_entry.py) calls this first and exits
    with the status when it is not None.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] != CHILD_FLAG:
        return None
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()
    from .server.cli import main

    return main(["serve", *args[1:]])


if __name__ == "__main__":
    status = run_child_if_requested()
    sys.exit(2 if status is None else status)
