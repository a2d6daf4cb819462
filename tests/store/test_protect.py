"""Personal data on the workstation (issue 10, item 4): sealed in the file, its key
in the credential store or an owner-only file, purged after the window, and the
file readable by its owner only. Checked on the raw bytes of the file and its WAL."""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend

from umcr_console.domain import events as ev
from umcr_console.domain.enums import (
    CallType,
    Disposition,
    EventType,
    IncidentState,
    Priority,
    Source,
    TeamStatus,
)
from umcr_console.domain.ids import name_id
from umcr_console.domain.model import (
    Caller,
    FollowUp,
    Incident,
    IncidentTimes,
    Location,
    Note,
)
from umcr_console.domain.state import State
from umcr_console.store import LocalStore, StoreError, Workspace, schema
from umcr_console.store.db import NewRejection
from umcr_console.store.keys import KEYRING_SERVICE, key_file_of, keyring_user
from umcr_console.sync.traffic import Traffic

from .fakes import FakeServer

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
NAME = "Zebulon Quackenbush"
PHONE = "2135550187"
NARRATIVE = "marmalade tornado in the stairwell"
PERSON = "Ottoline Fairweather"
NOTE = "sitting with the mother at 12 Elm"


class MemoryKeyring(KeyringBackend):
    """A credential store that lives in the test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.secrets[(service, username)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(previous)


def file_bytes(path: Path) -> bytes:
    """The store file and whatever SQLite keeps beside it."""
    return b"".join(
        p.read_bytes()
        for p in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")))
        if p.exists()
    )


def assert_absent(path: Path, *secrets: str) -> None:
    raw = file_bytes(path)
    found = [s for s in secrets if s.encode() in raw]
    assert not found, f"in the bytes of {path.name}: {found}"


def intake(traffic: Traffic) -> ev.Event:
    event = traffic.create()
    payload = {
        **event.payload,
        "caller": {"name": NAME, "phone": PHONE},
        "narrative": NARRATIVE,
        "person": PERSON,
    }
    return event.model_copy(update={"payload": payload})


def note_on(incident_id: str, text: str, at: datetime = NOW) -> ev.Event:
    return ev.make_event(
        EventType.INCIDENT_NOTE_ADDED,
        incident_id,
        ev.NoteAdded(text=text),
        workstation_id="ws",
        occurred_at=at,
    )


# -- intake: never in clear --------------------------------------------------


def test_an_intake_never_reaches_the_file_in_clear_offline_or_online(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "store.sqlite3"
    server = FakeServer()
    traffic = Traffic(random.Random(3), "ws")
    secrets = (NAME, PHONE, NARRATIVE, PERSON, NOTE)
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws")
        created = intake(traffic)
        ws.submit(created)
        ws.submit(note_on(created.entity_id, NOTE))
        # Offline: both wait in the outbox.
        assert store.outbox_count() == 2
        assert_absent(path, *secrets)

        # Online: accepted, in the confirmed state and the event log.
        ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        ws.apply_server_events(server.after(ws.cursor))
        assert store.outbox_count() == 0
        # And a refused event with personal text: in the rejection table.
        ws.submit(note_on(name_id("nowhere", "1"), NOTE))
        ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        assert len(store.rejections()) == 1
        assert_absent(path, *secrets)
    assert_absent(path, *secrets)

    # The key is in the credential store, nowhere on disk; the data reads back.
    assert list(memory_keyring.secrets) == [(KEYRING_SERVICE, keyring_user(path))]
    assert not key_file_of(path).exists()
    with LocalStore(path) as store:
        incident = store.load_confirmed().incidents[created.entity_id]
        assert (incident.caller.name, incident.caller.phone) == (NAME, PHONE)
        assert (incident.narrative, incident.person) == (NARRATIVE, PERSON)
        assert [n.text for n in incident.notes] == [NOTE]
        assert store.log_events(created.entity_id)[0].payload["narrative"] == NARRATIVE
        assert store.rejections()[0].event.payload["text"] == NOTE


def test_non_personal_members_stay_readable_in_sql(tmp_path: Path, memory_keyring: object) -> None:
    path = tmp_path / "store.sqlite3"
    server = FakeServer()
    traffic = Traffic(random.Random(3), "ws")
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws")
        created = intake(traffic)
        ws.submit(created)
        ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        ws.apply_server_events(server.after(ws.cursor))
        expected_number = ws.view.incidents[created.entity_id].number
    db = sqlite3.connect(path)
    state, number, caller = db.execute(
        "SELECT json_extract(data, '$.state'), json_extract(data, '$.number'),"
        " json_extract(data, '$.caller.name') FROM confirmed_incident"
    ).fetchone()
    db.close()
    assert (state, number, caller) == ("pending", expected_number, "")


# -- the key -----------------------------------------------------------------


def test_without_a_credential_store_the_key_is_an_owner_only_file_and_a_warning(
    tmp_path: Path, no_keyring: None, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "store.sqlite3"
    with (
        caplog.at_level(logging.WARNING, logger="umcr_console.store.keys"),
        LocalStore(path) as store,
    ):
        store.enqueue(note_on(name_id("i", "1"), NOTE), enqueued_at=NOW)
    assert "protected by the file permissions only" in caplog.text
    key_file = key_file_of(path)
    assert key_file.exists()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert_absent(path, NOTE)
    caplog.clear()
    with (
        caplog.at_level(logging.WARNING, logger="umcr_console.store.keys"),
        LocalStore(path) as store,
    ):
        assert store.load_outbox()[0].event.payload["text"] == NOTE
    assert caplog.text == ""  # the existing file key is used, not a new one


def test_a_wrong_key_is_refused_when_the_store_opens(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    with LocalStore(path, keys=lambda _p, _c: b"\x01" * 32) as store:
        store.enqueue(note_on(name_id("i", "1"), NOTE), enqueued_at=NOW)
    with pytest.raises(StoreError, match="does not open"):
        LocalStore(path, keys=lambda _p, _c: b"\x02" * 32)
    with pytest.raises(StoreError, match="needs its key"):
        LocalStore(path, keys=None)
    # Refusing released the file: the right key still opens it.
    with LocalStore(path, keys=lambda _p, _c: b"\x01" * 32) as store:
        assert store.outbox_count() == 1


def test_a_lost_key_is_an_error_and_no_new_key_is_made(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "store.sqlite3"
    with LocalStore(path) as store:
        store.enqueue(note_on(name_id("i", "1"), NOTE), enqueued_at=NOW)
    memory_keyring.secrets.clear()
    with pytest.raises(StoreError, match="neither in the credential store"):
        LocalStore(path)
    assert memory_keyring.secrets == {}
    assert not key_file_of(path).exists()


def _sealed_member(path: Path, table: str) -> str:
    db = sqlite3.connect(path)
    [(sealed,)] = db.execute(f"SELECT json_extract(data, '$.sealed') FROM {table}").fetchall()
    db.close()
    return sealed


def _set_sealed(path: Path, table: str, value: str) -> None:
    db = sqlite3.connect(path)
    db.execute(f"UPDATE {table} SET data = json_set(data, '$.sealed', ?)", (value,))
    db.commit()
    db.close()


def test_a_changed_or_moved_ciphertext_is_a_store_error_not_a_wrong_value(
    tmp_path: Path, memory_keyring: object
) -> None:
    path = tmp_path / "store.sqlite3"
    with LocalStore(path) as store:
        store.enqueue(note_on(name_id("i", "1"), NOTE), enqueued_at=NOW)
    sealed = _sealed_member(path, "outbox")
    flipped = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    _set_sealed(path, "outbox", flipped)
    with LocalStore(path) as store, pytest.raises(StoreError, match="cannot be read"):
        store.load_outbox()

    # A sealed value is bound to its row: another event's does not open here.
    other = tmp_path / "other.sqlite3"
    with LocalStore(other) as store:
        store.enqueue(note_on(name_id("i", "2"), "another note"), enqueued_at=NOW)
        store.enqueue(note_on(name_id("i", "3"), "a third"), enqueued_at=NOW)
    db = sqlite3.connect(other)
    [(second,)] = db.execute(
        "SELECT json_extract(data, '$.sealed') FROM outbox WHERE local_seq = 2"
    )
    db.execute(
        "UPDATE outbox SET data = json_set(data, '$.sealed', ?) WHERE local_seq = 1", (second,)
    )
    db.commit()
    db.close()
    with LocalStore(other) as store, pytest.raises(StoreError, match="cannot be read"):
        store.load_outbox()


# -- upgrade -----------------------------------------------------------------


def test_a_clear_store_of_schema_1_is_sealed_in_place_and_keeps_its_outbox(
    tmp_path: Path, memory_keyring: object
) -> None:
    path = tmp_path / "store.sqlite3"
    traffic = Traffic(random.Random(5), "ws")
    created = intake(traffic)
    note = note_on(created.entity_id, NOTE)
    refused = note_on(name_id("nowhere", "2"), NOTE + " again")
    with LocalStore(path, migrations=schema.MIGRATIONS[:1], keys=None) as store:
        store.enqueue(created, enqueued_at=NOW)
        store.enqueue(note, enqueued_at=NOW)
        store.commit_results(
            accepted={created.event_id: 1},
            confirmed=(),
            rejected=[
                NewRejection(
                    event=refused,
                    code="unknown_incident",
                    detail="no such incident",
                    summary="note refused",
                    entity_kind="incident",
                    entity_id=refused.entity_id,
                    rejected_at=NOW,
                )
            ],
        )
        assert store.schema_version == 1
    assert NAME.encode() in file_bytes(path)  # the old file is in clear

    with LocalStore(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        outbox = store.load_outbox()
        assert [(r.event, r.accepted_seq) for r in outbox] == [(created, 1), (note, None)]
        assert store.rejections()[0].event == refused
    assert_absent(path, NAME, PHONE, NARRATIVE, PERSON, NOTE)


def test_the_shipped_schema_1_fixture_is_sealed_on_upgrade(
    tmp_path: Path, memory_keyring: object
) -> None:
    """tests/data/local_store_v1.sql, as umcr-console 0.1.0 wrote it: its outbox keeps the
    incident's street address, which leaves the file in clear."""
    path = tmp_path / "previous.sqlite3"
    fixture = Path(__file__).parents[1] / "data" / "local_store_v1.sql"
    db = sqlite3.connect(path)
    db.executescript(fixture.read_text(encoding="utf-8"))
    db.close()
    address = "200 N Spring St"
    assert address.encode() in file_bytes(path)
    with LocalStore(path) as store:
        created = store.load_outbox()[0].event
        assert created.payload["location"]["address"] == address
    assert_absent(path, address)


# -- file permissions ----------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows: the profile's ACL")
def test_the_store_its_wal_and_its_key_are_readable_by_the_owner_only(
    tmp_path: Path, no_keyring: None
) -> None:
    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "stores" / "store.sqlite3"
        with LocalStore(path) as store:
            store.enqueue(note_on(name_id("i", "1"), NOTE), enqueued_at=NOW)
            files = [path, path.with_name(path.name + "-wal"), key_file_of(path)]
            assert all(f.exists() for f in files)
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        assert modes == dict.fromkeys(modes, 0o600)
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

        # A file an older console left world-readable is narrowed when opened.
        os.chmod(path, 0o644)
        with LocalStore(path):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)


# -- purge ---------------------------------------------------------------------


def _closed(n: int, hours_ago: float) -> Incident:
    closed_at = NOW - timedelta(hours=hours_ago)
    return Incident(
        id=name_id("purge", str(n)),
        number=f"U{n:06d}",
        version=3,
        state=IncidentState.CLOSED,
        received_at=closed_at - timedelta(hours=1),
        priority=Priority.HIGH,
        call_type=CallType.WELFARE_CHECK,
        source=Source.LAPD_911,
        location=Location(address=f"{n} Quince Lane", lat=34.0123456, lon=-118.2345678),
        disposition=Disposition.RESOLVED_ON_SCENE,
        times=IncidentTimes(closed_at=closed_at),
        caller=Caller(name=f"{NAME} {n}", phone=f"{PHONE}{n}"),
        person=f"{PERSON} {n}",
        narrative=f"{NARRATIVE} {n}",
        notes=(Note(at=closed_at, author="d1", workstation_id="ws", text=f"{NOTE} {n}"),),
        # A follow-up still open keeps the incident in the local state past a day.
        follow_up=FollowUp(
            due_from=closed_at, due_by=closed_at + timedelta(days=7), scheduled_at=closed_at
        ),
    )


def _logged(seq: int, incident: Incident, hours_ago: float) -> ev.Event:
    return note_on(incident.id, f"logged {incident.notes[0].text}").model_copy(
        update={
            "seq": seq,
            "occurred_at": NOW - timedelta(hours=hours_ago),
            "recorded_at": NOW - timedelta(hours=hours_ago),
            "actor": "d1",
        }
    )


def test_personal_data_of_incidents_closed_past_the_window_leaves_the_file(
    tmp_path: Path, memory_keyring: object
) -> None:
    path = tmp_path / "store.sqlite3"
    old, recent = _closed(1, hours_ago=73), _closed(2, hours_ago=71)
    team_id = name_id("team", "1")
    radio = ev.make_event(
        EventType.TEAM_STATUS_CHANGED,
        team_id,
        ev.StatusChanged(status=TeamStatus.AVAILABLE, note="radio: sitting with Ottoline"),
        workstation_id="ws",
        occurred_at=NOW - timedelta(hours=80),
    ).model_copy(update={"seq": 3, "recorded_at": NOW - timedelta(hours=80), "actor": "d1"})
    refused = note_on(old.id, "refused note about Zebulon", at=NOW - timedelta(hours=74))
    with LocalStore(path) as store:
        store.replace_confirmed(
            State.of([old, recent], [], seq=0),
            cursor_event_id=None,
            forget_acceptance=False,
            clear_log=True,
        )
        old_logged, recent_logged = _logged(1, old, 74), _logged(2, recent, 72)
        store.commit_server_events([old_logged, recent_logged, radio], [old, recent], [])
        [rejection_id] = store.commit_results(
            accepted={},
            confirmed=(),
            rejected=[
                NewRejection(
                    event=refused,
                    code="closed",
                    detail="closed",
                    summary="note refused",
                    entity_kind="incident",
                    entity_id=old.id,
                    rejected_at=NOW - timedelta(hours=74),
                )
            ],
        )
        store.acknowledge(rejection_id, at=NOW - timedelta(hours=74))
        # What an attacker holding the key could open: the sealed members.
        db_rows = store.dump()
    sealed_of = {
        (table, row.get("id") or row.get("event_id")): _json_sealed(row["data"])
        for table in ("confirmed_incident", "event_log", "rejection")
        for row in db_rows[table]
    }
    old_sealed = [
        sealed_of[("confirmed_incident", old.id)],
        sealed_of[("event_log", old_logged.event_id)],
        sealed_of[("event_log", radio.event_id)],
        sealed_of[("rejection", rejection_id)],
    ]
    recent_sealed = sealed_of[("confirmed_incident", recent.id)]
    assert all(old_sealed) and recent_sealed
    assert all(s.encode() in file_bytes(path) for s in old_sealed)

    # Opening the console runs the purge (the app runs it hourly as well).
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws", clock=lambda: NOW)
        purged = ws.view.incidents[old.id]
        assert (purged.caller.name, purged.narrative, purged.notes) == ("", "", ())
        assert purged.follow_up is not None  # the work itself stays
        kept = ws.view.incidents[recent.id]
        assert kept == recent
        [old_log] = [e for e in store.log_events(old.id)]
        assert "text" not in old_log.payload
        # The team's event is past the recovery window too: it left the log.
        assert all("note" not in e.payload for e in store.log_events(team_id))
        assert store.rejections(include_acknowledged=True) == []
    raw = file_bytes(path)
    assert not [s for s in old_sealed if s.encode() in raw]
    assert recent_sealed.encode() in raw

    # The one closed 71 h ago still opens, after a restart too.
    with LocalStore(path) as store:
        reloaded = store.load_confirmed()
        assert reloaded.incidents[recent.id] == recent
        assert reloaded.incidents[old.id] == purged


def _json_sealed(data: str) -> str:
    return json.loads(data).get("sealed", "")


def test_a_forgotten_incident_leaves_no_ciphertext_in_the_file(
    tmp_path: Path, memory_keyring: object
) -> None:
    """secure_delete and the checkpoint: a row deleted is gone from the bytes, WAL included."""
    path = tmp_path / "store.sqlite3"
    done = _closed(3, hours_ago=30).model_copy(update={"follow_up": None})
    with LocalStore(path, keys=None) as store:  # clear, so the bytes can be searched
        store.replace_confirmed(
            State.of([done], [], seq=0),
            cursor_event_id=None,
            forget_acceptance=False,
            clear_log=True,
        )
        store.commit_server_events([_logged(1, done, 30)], [done], [])
        assert done.caller.name.encode() in file_bytes(path)
        # A recovery window of a day: past it, a forgotten incident's logged
        # events leave too (within it they stay, sealed, for a restored server).
        ws = Workspace(
            store,
            actor="d1",
            workstation_id="ws",
            clock=lambda: NOW,
            keep_events_for=timedelta(hours=24),
        )
        assert done.id not in ws.view.incidents
        assert_absent(path, done.caller.name, done.narrative, done.notes[0].text)


def test_the_purge_window_is_the_deployments_and_72_hours_by_default() -> None:
    from umcr_console.app import local_purge_window
    from umcr_console.config import load_deployment
    from umcr_console.domain.config import Deployment
    from umcr_console.store.retention import PURGE_PERSONAL_AFTER

    base = load_deployment("pilot")
    assert local_purge_window(base) == PURGE_PERSONAL_AFTER == timedelta(hours=72)
    week = Deployment.model_validate(
        {**base.model_dump(mode="json"), "security": {"local_purge_hours": 168}}
    )
    assert local_purge_window(week) == timedelta(days=7)
