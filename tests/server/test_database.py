"""The database layer: migrations match the schema, the writer lock holds, snapshots agree."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.server.conftest import DATABASES
from tests.server.helpers import created
from umcr_console.domain.events import Event
from umcr_console.domain.rules import Changes, Rejection, decide
from umcr_console.domain.state import State
from umcr_console.server import eventlog
from umcr_console.server.db import (
    events,
    is_sqlite,
    last_seq,
    make_engine,
    metadata,
    read_transaction,
    write_transaction,
)
from umcr_console.server.migrate import alembic_config, current_revision, head_revision, upgrade

on_both_databases = pytest.mark.parametrize("database_url", DATABASES, indirect=True)


@pytest.fixture
def engines(database_url: str):
    """Two engines on one database: as good as two server processes."""
    first, second = make_engine(database_url), make_engine(database_url)
    upgrade(first)
    yield first, second
    first.dispose()
    second.dispose()


@on_both_databases
def test_the_migrations_build_exactly_the_declared_schema(engines) -> None:
    engine, _ = engines
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    upgrade(engine)  # a second run changes nothing
    assert current_revision(engine) == head_revision()


@on_both_databases
def test_downgrade_and_upgrade_again(engines) -> None:
    engine, _ = engines
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert sa.inspect(engine).get_table_names() in ([], ["alembic_version"])
    upgrade(engine)
    assert current_revision(engine) == head_revision()


def test_sqlite_runs_in_wal_with_full_sync(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    try:
        assert is_sqlite(engine)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


@on_both_databases
def test_one_writer_at_a_time_across_engines(engines) -> None:
    first, second = engines
    first_in = threading.Event()
    release = threading.Event()
    second_in = threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with write_transaction(first) as conn:
                last_seq(conn)
                first_in.set()
                assert release.wait(10)
        except BaseException as exc:
            errors.append(exc)

    def follow() -> None:
        try:
            with write_transaction(second) as conn:
                second_in.set()
                last_seq(conn)
        except BaseException as exc:
            errors.append(exc)

    holder = threading.Thread(target=hold)
    holder.start()
    assert first_in.wait(10)
    follower = threading.Thread(target=follow)
    follower.start()
    # While the first writer holds the lock, the second must wait.
    assert not second_in.wait(0.5)
    release.set()
    assert second_in.wait(10)
    holder.join(10)
    follower.join(10)
    assert not errors


@on_both_databases
def test_a_read_transaction_sees_one_snapshot(engines) -> None:
    reader_engine, writer_engine = engines
    principal = eventlog.system_principal()
    eventlog.submit_batch(writer_engine, principal, [Event.model_validate(created())])
    with read_transaction(reader_engine) as conn:
        seq = last_seq(conn)
        # Another process commits in between ...
        outcome = eventlog.submit_batch(
            writer_engine, principal, [Event.model_validate(created()) for _ in range(3)]
        )
        assert [r.seq for r in outcome.results] == [seq + 1, seq + 2, seq + 3]
        # ... and this transaction still sees the state of its seq.
        count = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        assert count == seq
    assert eventlog.read_last_seq(reader_engine) == seq + 3


@on_both_databases
def test_utc_columns_round_trip(engines) -> None:
    engine, _ = engines
    eventlog.submit_batch(
        engine,
        eventlog.system_principal(),
        [Event.model_validate({**created(), "occurred_at": "2024-05-01T10:00:00-07:00"})],
    )
    found, _ = eventlog.read_events(engine, 0, 10)
    assert found[0].occurred_at == datetime(2024, 5, 1, 17, 0, tzinfo=UTC)
    assert found[0].occurred_at.utcoffset().total_seconds() == 0


def test_an_accepted_change_that_could_not_be_read_back_is_refused() -> None:
    """model_copy does not validate: the server checks what it is about to store."""
    event = Event.model_validate(created())
    changes = decide(State(), event, now=datetime.now(UTC), seq=1)
    assert isinstance(changes, Changes)
    incident = changes.incidents[event.entity_id]
    assert eventlog._checked(changes) is None
    broken = Changes(incidents={incident.id: incident.model_copy(update={"priority": 7})})
    refused = eventlog._checked(broken)
    assert isinstance(refused, Rejection) and refused.code == "invalid_payload"
