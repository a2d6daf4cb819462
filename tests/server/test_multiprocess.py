"""Several server processes on one PostgreSQL database: LISTEN/NOTIFY wakes every stream."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.server.helpers import SseParser, created
from tests.support.server import ServerProcess
from umcr_console.config import load_deployment
from umcr_console.domain.events import Event
from umcr_console.server import eventlog
from umcr_console.server.db import make_engine
from umcr_console.server.eventlog import submit_batch, system_principal
from umcr_console.server.migrate import upgrade
from umcr_console.server.notify import PgListener

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

# The longest keep-alive the protocol allows: the safety-net re-read happens
# only this often, so a prompt delivery can only come from the notification.
KEEPALIVE = 5.0
PROMPT = 1.0


def test_an_event_posted_to_one_process_reaches_a_stream_on_another_at_once(
    postgres_url: str, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = ServerProcess(tmp_path / "a", database_url=postgres_url, keepalive=KEEPALIVE)
    second = ServerProcess(tmp_path / "b", database_url=postgres_url, keepalive=KEEPALIVE)
    with first, second:
        arrived: dict[int, float] = {}
        stop = threading.Event()
        start_seq = httpx.get(f"{second.url}/api/v1/health").json()["seq"]

        def follow() -> None:
            parser = SseParser()
            with (
                second.client("wall", timeout=httpx.Timeout(30.0)) as client,
                client.stream("GET", "/api/v1/events/stream", params={"after": start_seq}) as r,
            ):
                for chunk in r.iter_text():
                    parser.feed(chunk)
                    for message in parser.events:
                        arrived.setdefault(int(message.id or 0), time.monotonic())
                    if stop.is_set():
                        return

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        delays = []
        with first.client("dispatcher1") as client:
            for _ in range(5):
                sent = time.monotonic()
                answer = client.post("/api/v1/events", json={"events": [created()]})
                seq = answer.json()["results"][0]["seq"]
                while seq not in arrived and time.monotonic() - sent < 2 * KEEPALIVE:
                    time.sleep(0.005)
                assert seq in arrived, "the event never reached the other process's stream"
                delays.append(arrived[seq] - sent)
                time.sleep(0.3)  # let the stream go quiet again between events
        stop.set()
        assert max(delays) < PROMPT, delays


@pytest.fixture
def engines(postgres_url: str):
    listener_engine, writer_engine = make_engine(postgres_url), make_engine(postgres_url)
    upgrade(writer_engine)
    eventlog.seed_roster(writer_engine, load_deployment("pilot"), now=datetime.now(UTC))
    yield listener_engine, writer_engine
    listener_engine.dispose()
    writer_engine.dispose()


def test_the_listener_skips_its_own_origin_and_survives_a_lost_connection(engines) -> None:
    listener_engine, writer = engines
    woken = threading.Event()
    listener = PgListener(listener_engine, woken.set, origin="me")
    listener.start()
    try:
        assert listener.listening.wait(10)
        assert woken.wait(5), "no wake after connecting (something may have been missed)"

        def post(origin: str) -> None:
            batch = [Event.model_validate(created())]
            submit_batch(writer, system_principal(), batch, origin=origin)

        woken.clear()
        post("me")
        assert not woken.wait(1.0), "woken by its own notification"
        post("someone-else")
        assert woken.wait(2.0)

        # The database drops the listening connection: it reconnects by itself.
        old_pid = listener.backend_pid
        with writer.connect() as conn:
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": old_pid})
        deadline = time.monotonic() + 10
        while listener.backend_pid == old_pid and time.monotonic() < deadline:
            time.sleep(0.05)
        assert listener.backend_pid != old_pid
        woken.clear()
        time.sleep(0.3)
        woken.clear()
        post("someone-else")
        assert woken.wait(2.0)
    finally:
        listener.stop()
