"""The SQLite file: schema and migrations, settings, locking, and kill -9 at any moment."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from umcr_console.domain.enums import EventType
from umcr_console.domain.events import NoteAdded, make_event
from umcr_console.domain.ids import uuid7
from umcr_console.store import LocalStore, StoreError, StoreLocked, StoreTooNew, schema
from umcr_console.store.db import NewRejection

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def note(text: str = "hello") -> object:
    return make_event(
        EventType.INCIDENT_NOTE_ADDED,
        uuid7(),
        NoteAdded(text=text),
        workstation_id="w",
        occurred_at=NOW,
    )


def test_the_migrations_build_exactly_the_tables_the_queries_use(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "s.db") as store:
        assert store.schema_version == schema.SCHEMA_VERSION
    engine = create_engine(f"sqlite:///{tmp_path / 's.db'}")
    inspector = inspect(engine)
    assert set(inspector.get_table_names()) - {"sqlite_sequence"} == set(schema.metadata.tables)
    for table in schema.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        assert {i.name for i in table.indexes} <= indexes
    engine.dispose()


def test_the_file_runs_in_wal_with_full_sync_and_an_exclusive_lock(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "s.db") as store:
        conn = store._conn
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA locking_mode").scalar() == "exclusive"
        conn.rollback()
        with pytest.raises(StoreLocked, match="another console process"):
            LocalStore(tmp_path / "s.db")
    LocalStore(tmp_path / "s.db").close()  # free again once closed


def test_a_file_from_a_newer_console_is_refused(tmp_path: Path) -> None:
    LocalStore(tmp_path / "s.db").close()
    raw = sqlite3.connect(tmp_path / "s.db")
    raw.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreTooNew, match="newer console"):
        LocalStore(tmp_path / "s.db")


def test_an_upgrade_runs_the_new_migrations_and_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with LocalStore(path) as store:
        event = note()
        store.enqueue(event, enqueued_at=NOW)  # type: ignore[arg-type]
    v2 = "ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0"
    with LocalStore(path, migrations=(*schema.MIGRATIONS, v2)) as store:
        assert store.schema_version == schema.SCHEMA_VERSION + 1
        [row] = store.load_outbox()
        assert row.event == event
        attempts = store._conn.exec_driver_sql("SELECT attempts FROM outbox").scalar()
        store._conn.rollback()
        assert attempts == 0


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    LocalStore(path).close()
    broken = "ALTER TABLE outbox ADD COLUMN attempts INTEGER; ALTER TABLE nowhere ADD COLUMN x"
    with pytest.raises(StoreError, match="nowhere"):
        LocalStore(path, migrations=(*schema.MIGRATIONS, broken))
    with LocalStore(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        cols = [r[1] for r in store._conn.exec_driver_sql("PRAGMA table_info(outbox)").all()]
        store._conn.rollback()
        assert "attempts" not in cols


def test_results_move_rows_in_one_transaction(tmp_path: Path) -> None:
    with LocalStore(tmp_path / "s.db") as store:
        events = [note(str(i)) for i in range(4)]
        for event in events:
            store.enqueue(event, enqueued_at=NOW)  # type: ignore[arg-type]
        ids = store.commit_results(
            accepted={events[0].event_id: 10},  # type: ignore[attr-defined]
            confirmed=[events[1].event_id],  # type: ignore[attr-defined]
            rejected=[NewRejection(events[2], "forbidden", "no", "No.", "incident", "x", NOW)],  # type: ignore[arg-type]
        )
        rows = store.load_outbox()
        assert [(r.event, r.accepted_seq) for r in rows] == [(events[0], 10), (events[3], None)]
        [rejected] = store.rejections()
        assert (
            rejected.id == ids[0] and rejected.event == events[2] and rejected.code == "forbidden"
        )
        assert store.acknowledge(rejected.id, at=NOW)
        assert not store.acknowledge(rejected.id, at=NOW)


def _read_lines(proc: subprocess.Popen[str], deadline: float) -> list[str]:
    """Everything the child printed; the last line may be cut by the kill."""
    out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    lines = out.splitlines()
    if out and not out.endswith("\n"):
        lines = lines[:-1]
    return lines


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_no_committed_operation(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    rng = random.Random(20260301)
    enqueued: set[str] = set()
    moved_to_log: set[str] = set()
    rejected: set[str] = set()
    top_seq = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_no in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store.crash_child", str(path), str(round_no)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))  # a random moment: nothing to wait for here
        assert proc.poll() is None, "the child died by itself"
        proc.send_signal(signal.SIGKILL)
        for line in _read_lines(proc, time.monotonic() + 30):
            kind, *rest = line.split(" ")
            if kind == "enq":
                enqueued.add(rest[0])
            elif kind == "res":
                rejected |= set(rest[1].split(",")) - {"-"}
            elif kind == "srv":
                top_seq = max(top_seq, int(rest[0]))
                moved_to_log |= set(rest[1].split(","))

        with LocalStore(path) as store:
            assert store.integrity_check() == ["ok"]
            dump = store.dump()
            outbox = [r["event_id"] for r in dump["outbox"]]
            log = [r["event_id"] for r in dump["event_log"]]
            refused = [r["event_id"] for r in dump["rejection"]]
            # Nothing printed is lost; nothing is in two places.
            assert enqueued <= set(outbox) | set(log) | set(refused)
            assert moved_to_log <= set(log)
            assert rejected <= set(refused)
            assert not (set(outbox) & set(log)) and not (set(outbox) & set(refused))
            # The cursor moved with its events, in the same transaction.
            cursor, cursor_event = store.cursor()
            assert cursor >= top_seq
            assert cursor == (max(r["seq"] for r in dump["event_log"]) if log else 0)
            if log:
                assert cursor_event == next(
                    r["event_id"] for r in dump["event_log"] if r["seq"] == cursor
                )
            locals_ = [r["local_seq"] for r in dump["outbox"]]
            assert locals_ == sorted(locals_)
    assert len(enqueued) > 100 and moved_to_log and rejected


def test_only_the_confirmed_state_is_written_without_fsync(tmp_path: Path) -> None:
    """enqueue and answers commit at synchronous=FULL; server events at NORMAL."""
    statements: list[str] = []
    with LocalStore(tmp_path / "s.db") as store:
        store._dbapi.set_trace_callback(statements.append)
        event = note()
        store.enqueue(event, enqueued_at=NOW)  # type: ignore[arg-type]
        confirmed = event.model_copy(update={"seq": 1, "actor": "d"})  # type: ignore[attr-defined]
        store.commit_server_events([confirmed], [], [])
        store.enqueue(note(), enqueued_at=NOW)  # type: ignore[arg-type]
        store.commit_results(accepted={}, confirmed=[], rejected=[])

    def level_at(marker: str, nth: int = 0) -> str:
        """The synchronous level in force at the nth statement containing ``marker``."""
        level = "FULL"
        seen = 0
        for statement in statements:
            if statement.startswith("PRAGMA synchronous="):
                level = statement.split("=", 1)[1]
            elif marker in statement:
                if seen == nth:
                    return level
                seen += 1
        raise AssertionError(f"no statement with {marker!r}")

    assert level_at("INSERT INTO outbox", 0) == "FULL"
    assert level_at("INSERT OR IGNORE INTO event_log") == "NORMAL"
    assert level_at("INSERT INTO outbox", 1) == "FULL"
