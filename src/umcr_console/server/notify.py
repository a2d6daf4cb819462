"""Cross-process wake-up on PostgreSQL: NOTIFY at commit, LISTEN in every server process.

Several ``umcr-server`` processes may share one PostgreSQL database. A writer
sends ``pg_notify`` inside its write transaction, so PostgreSQL delivers the
notification at commit and only if the commit happens. Each process runs one
``PgListener`` thread on a dedicated connection that wakes the process's
``Broadcaster``; its streams then read the log after their own cursors, as
they do for a commit of their own process. A notification carries no event,
so a lost one costs latency, never data: every stream also re-reads the log
at each keep-alive (the safety net), and the listener wakes every stream
after it (re)connects, in case something was committed while it was away.

The channel is derived from the connection's schema, so test schemas (or two
deployments) sharing one database do not wake each other.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from .logsafe import describe

log = logging.getLogger(__name__)

# An identifier (at most 63 bytes) that depends on the schema the tables live in.
_CHANNEL_SQL = "'umcr_events_' || left(md5(coalesce(current_schema(), '')), 16)"
# Seconds the listener waits for a notification before it checks whether to stop.
POLL_SECONDS = 0.25
RETRY_MIN_SECONDS = 0.5
RETRY_MAX_SECONDS = 5.0


def notify_statement(payload: str) -> sa.TextClause:
    """The NOTIFY a write transaction sends; ``payload`` is ``"<origin>:<seq>"``."""
    return sa.text(f"SELECT pg_notify({_CHANNEL_SQL}, :payload)").bindparams(payload=payload)


class PgListener:
    """A daemon thread that calls ``wake()`` for each notification of another origin."""

    def __init__(self, engine: Engine, wake: Callable[[], None], *, origin: str) -> None:
        self._engine = engine
        self._wake = wake
        self._own_prefix = f"{origin}:"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Set once the first LISTEN is in place (tests wait on it).
        self.listening = threading.Event()
        # The PostgreSQL backend of the current listening connection.
        self.backend_pid: int | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="umcr-pg-listener", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _connect(self) -> Any:
        """A psycopg connection of the engine's URL and options, outside its pool."""
        proxied = self._engine.raw_connection()
        conn = proxied.driver_connection
        # Detached: the pool neither counts nor recycles it; we close it ourselves.
        proxied.detach()
        conn.rollback()  # leave any transaction the pool's pre-ping opened
        conn.autocommit = True
        channel = conn.execute(f"SELECT {_CHANNEL_SQL}").fetchone()[0]
        conn.execute(f'LISTEN "{channel}"')
        self.backend_pid = conn.info.backend_pid
        return conn

    def _run(self) -> None:
        delay = RETRY_MIN_SECONDS
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._connect()
                self.listening.set()
                delay = RETRY_MIN_SECONDS
                # Anything committed while we were not listening: look now.
                self._wake()
                while not self._stop.is_set():
                    # Yields each notification as it arrives; returns after
                    # POLL_SECONDS so that stop() is seen.
                    for note in conn.notifies(timeout=POLL_SECONDS):
                        if not note.payload.startswith(self._own_prefix):
                            self._wake()
            except Exception as exc:  # the database went away; the keep-alive re-read covers us
                if self._stop.is_set():
                    break
                log.warning("PostgreSQL listener: %s; retrying in %.1f s", describe(exc), delay)
                self._stop.wait(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
            finally:
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:  # closing a broken connection may fail too
                        log.debug("closing the listener connection failed", exc_info=True)
