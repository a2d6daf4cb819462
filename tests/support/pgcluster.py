"""A PostgreSQL primary and a hot standby on this machine, for failover tests and benches.

Two throw-away clusters (``initdb`` of the installed PostgreSQL, then
``pg_basebackup -R`` for the standby) on two free loopback ports, in a
temporary directory, streaming replication between them:

    with PgPair(synchronous=True) as pair:
        url = pair.url                      # multi-host, target_session_attrs=read-write
        ...
        pair.kill_primary()                 # SIGKILL every process of the primary
        pair.promote()                      # the standby takes writes

``synchronous=True`` names the standby in ``synchronous_standby_names``: a
commit returns only once the standby has flushed it. ``synchronous=False``
is plain asynchronous streaming.

PostgreSQL refuses to run as root, so when we are root every server command
runs as the ``postgres`` user (``runuser``) and the directory belongs to it.
Everything is stopped and deleted on ``stop()``, also after a failure.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa

from tests.support.server import free_port
from tests.support.waiting import wait_for

PG_BIN_ENV = "UMCR_PG_BIN"
DATABASE = "umcr"
STANDBY_NAME = "standby1"
START_TIMEOUT = 60.0


def pg_bin() -> Path | None:
    """The directory of ``initdb`` and ``pg_ctl`` (``$UMCR_PG_BIN``, else the newest installed)."""
    if os.environ.get(PG_BIN_ENV):
        return Path(os.environ[PG_BIN_ENV])
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgPair:
    def __init__(self, *, synchronous: bool = True, base: Path | None = None) -> None:
        bin_dir = pg_bin()
        if bin_dir is None:
            raise RuntimeError(f"no PostgreSQL binaries found (set {PG_BIN_ENV})")
        self.bin = bin_dir
        self.synchronous = synchronous
        self._as_postgres = os.geteuid() == 0
        # Not under pytest's tmp_path: that is private to root, and the
        # clusters run as postgres.
        self.base = Path(tempfile.mkdtemp(prefix="umcr-pg-", dir=base))
        if self._as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.base, user.pw_uid, user.pw_gid)
        self.primary_dir = self.base / "primary"
        self.standby_dir = self.base / "standby"
        self.primary_port = free_port()
        self.standby_port = free_port()
        self.log_dir = self.base
        self.primary_killed_at: float | None = None

    # -- commands ---------------------------------------------------------

    def _run(self, *command: str, timeout: float = START_TIMEOUT) -> str:
        argv = [str(self.bin / command[0]), *command[1:]]
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(
            argv,
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def _pg_ctl(self, data: Path, *args: str) -> None:
        log = self.base / f"{data.name}.log"
        try:
            self._run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", *args)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{self.logs()}") from None

    # -- lifecycle --------------------------------------------------------

    def start(self) -> PgPair:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._run(
            "initdb", "-D", str(self.primary_dir), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        # synchronous_standby_names is set once the standby streams: before,
        # every commit (CREATE DATABASE too) would wait for it.
        self._configure(self.primary_dir, self.primary_port, "synchronous_commit = on\n")
        with (self.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._pg_ctl(self.primary_dir, "start")
        self._execute(f'CREATE DATABASE "{DATABASE}"')
        self._run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.primary_port),
            "-U",
            "postgres",
            "-D",
            str(self.standby_dir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
        self._configure(self.standby_dir, self.standby_port, "")
        # -R wrote primary_conninfo into postgresql.auto.conf (read last, so it
        # wins): name the standby there, for synchronous_standby_names.
        with (self.standby_dir / "postgresql.auto.conf").open("a") as auto:
            auto.write(
                f"primary_conninfo = 'host=127.0.0.1 port={self.primary_port} user=postgres "
                f"application_name={STANDBY_NAME}'\n"
            )
        self._pg_ctl(self.standby_dir, "start")
        if self.synchronous:
            self._execute(f"ALTER SYSTEM SET synchronous_standby_names = '{STANDBY_NAME}'")
            self._execute("SELECT pg_reload_conf()")
        self.wait_streaming()

    def _execute(self, sql: str) -> None:
        engine = sa.create_engine(
            self.single_url(self.primary_port, "postgres"), isolation_level="AUTOCOMMIT"
        )
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(sql))
        finally:
            engine.dispose()

    def _configure(self, data: Path, port: int, extra: str) -> None:
        with (data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\n# umcr test cluster\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.base}'\n"
                "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                "max_connections = 100\nfsync = on\nshared_buffers = 32MB\n"
                "wal_keep_size = 64MB\n" + extra
            )

    def wait_streaming(self, timeout: float = START_TIMEOUT) -> None:
        """Until the primary sees its standby streaming (and as its sync standby if synchronous)."""
        want = "sync" if self.synchronous else "async"
        engine = sa.create_engine(self.single_url(self.primary_port, "postgres"))

        def streaming() -> bool:
            with engine.connect() as conn:
                row = conn.execute(
                    sa.text(
                        "SELECT state, sync_state FROM pg_stat_replication "
                        "WHERE application_name = :name"
                    ),
                    {"name": STANDBY_NAME},
                ).first()
            return row is not None and tuple(row) == ("streaming", want)

        try:
            wait_for(streaming, timeout, f"the standby streaming ({want})", step=0.1)
        except AssertionError as late:
            raise RuntimeError(f"{late}:\n{self.logs()}") from None
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop both clusters (immediate: their data is thrown away) and delete them."""
        for data in (self.primary_dir, self.standby_dir):
            pid = _postmaster_pid(data)
            if pid is not None:
                with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                    self._run(
                        "pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", timeout=30
                    )
                _kill_group(pid)  # whatever survived a failed stop
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> PgPair:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------

    def kill_primary(self) -> float:
        """SIGKILL the primary's postmaster and every backend (a host lost); the time it happened."""
        pid = _postmaster_pid(self.primary_dir)
        if pid is None:
            raise RuntimeError("the primary is not running")
        _kill_group(pid)
        self.primary_killed_at = time.time()
        return self.primary_killed_at

    def pause_replication(self) -> int:
        """SIGSTOP the primary's WAL sender: the standby falls behind (asynchronous loss)."""
        engine = sa.create_engine(self.single_url(self.primary_port, "postgres"))
        try:
            with engine.connect() as conn:
                pid = conn.execute(
                    sa.text("SELECT pid FROM pg_stat_replication WHERE application_name = :n"),
                    {"n": STANDBY_NAME},
                ).scalar_one()
        finally:
            engine.dispose()
        os.kill(pid, signal.SIGSTOP)
        return int(pid)

    def promote(self) -> tuple[float, float]:
        """Promote the standby; (when the promotion was asked, when it took writes).

        The first time is taken before ``pg_ctl promote`` is issued: from then
        on the standby may end recovery and accept a write at any instant.
        The second is the first moment a session on it sees
        ``pg_is_in_recovery()`` false, asked every 10 ms (``pg_ctl -w`` only
        looks every 100 ms, and the standby takes writes before it returns:
        a write was once recorded 20 ms before its return).
        """
        asked = time.time()
        self._run("pg_ctl", "-D", str(self.standby_dir), "promote", "-W")
        engine = sa.create_engine(self.single_url(self.standby_port, "postgres"))
        try:
            with engine.connect() as conn:

                def out_of_recovery() -> bool:
                    in_recovery = conn.execute(sa.text("SELECT pg_is_in_recovery()")).scalar_one()
                    conn.rollback()
                    return not in_recovery

                try:
                    wait_for(out_of_recovery, 60, "the standby to leave recovery", step=0.01)
                except AssertionError as late:
                    raise RuntimeError(f"{late}\n{self.logs()}") from None
                left = time.time()
        finally:
            engine.dispose()
        return asked, left

    def restart_old_primary(self) -> None:
        """Start the killed primary alone (crash recovery), to read what it had committed.

        It comes back as a primary of its own on its old port: keep it away
        from the servers (they hold the multi-host URL) by asking through
        ``single_url`` only, and stop it with ``stop``.
        """
        # Never follow or feed the new primary: no standby settings, no sync wait.
        auto = self.primary_dir / "postgresql.auto.conf"
        auto.write_text(auto.read_text().replace("synchronous_standby_names", "#"))
        self._pg_ctl(self.primary_dir, "start")

    # -- addresses --------------------------------------------------------

    @property
    def url(self) -> str:
        """Both clusters in one URL; libpq picks the one that takes writes."""
        return (
            f"postgresql+psycopg://postgres@/{DATABASE}"
            f"?host=127.0.0.1:{self.primary_port}&host=127.0.0.1:{self.standby_port}"
            "&target_session_attrs=read-write&connect_timeout=2"
        )

    def single_url(self, port: int, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"

    def logs(self) -> str:
        texts = []
        for name in ("primary.log", "standby.log"):
            with contextlib.suppress(OSError):
                texts.append(f"--- {name}\n" + (self.base / name).read_text()[-4000:])
        return "\n".join(texts)


def _postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _kill_group(pid: int) -> None:
    """SIGKILL the postmaster ``pid`` and every child of it, at once, as a lost host.

    Each backend is a process group of its own (PostgreSQL calls setsid), so
    the postmaster is stopped first (it forks no more), then all are killed.
    """
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGSTOP)
    for child in _children(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)

    # Wait for the postmaster to go (its children go with it).
    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False

    with contextlib.suppress(AssertionError):  # a zombie still answers: it is dead enough
        wait_for(gone, 10, f"postmaster {pid} to go", step=0.02)
