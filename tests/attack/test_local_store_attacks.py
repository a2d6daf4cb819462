"""A malicious workstation user (or a stolen laptop) with the console's files.

Issue 17, items 5 and 11: what such a user can read in clear, put back, or
widen, and what the console does about it. Every check reads the raw bytes
of the files, as the attacker would.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sqlite3
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from tests.store.fakes import FakeServer
from tests.store.test_protect import MemoryKeyring, assert_absent, file_bytes, intake, note_on
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Incident
from umcr_console.store import LocalStore, StoreError, Workspace, schema
from umcr_console.store.keys import key_file_of
from umcr_console.sync.traffic import Traffic

ADDRESS = "4417 Quimby Marmalade Ave"
NAME, PHONE = "Zebulon Quackenbush", "2135550187"
NARRATIVE, PERSON = "marmalade tornado in the stairwell", "Ottoline Fairweather"
KEY = bytes(range(32))  # the key of tests/data/local_store_v2.sql


def fixed_key(_path: Path, _create: bool) -> bytes:
    return KEY


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _accepted_intake(ws: Workspace, server: FakeServer) -> str:
    created = intake(Traffic(random.Random(7), "ws"))
    location = {**created.payload["location"], "address": ADDRESS}
    created = created.model_copy(update={"payload": {**created.payload, "location": location}})
    ws.submit(created)
    ws.handle_results(server.post(ws.unsent(10), actor="d1"))
    ws.apply_server_events(server.after(ws.cursor))
    return created.entity_id


# -- item 5: a rejected new call keeps its address sealed ---------------------


def test_a_rejected_new_incident_leaves_its_address_nowhere_in_clear(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    path = tmp_path / "store.sqlite3"
    server = FakeServer()
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws")
        incident_id = _accepted_intake(ws, server)
        # The same call entered twice: the server refuses the second create, and the
        # notice names the call by its address ("The new incident (..., 4417 ...)").
        [created] = store.log_events(incident_id)
        ws.submit(created.model_copy(update={"event_id": uuid7(), "seq": None}))
        [notice] = ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        assert ADDRESS in notice.summary
        assert_absent(path, ADDRESS, NAME, PHONE, NARRATIVE, PERSON)
    assert_absent(path, ADDRESS, NAME, PHONE, NARRATIVE, PERSON)
    # The dispatcher still reads the whole notice after a restart.
    with LocalStore(path) as store:
        [stored] = store.rejections()
        assert stored.summary == notice.summary and stored.detail == notice.detail


# -- item 11a: an older sealed value put back is refused ----------------------


def _sealed(store: LocalStore, incident_id: str) -> str:
    [row] = [r for r in store.dump()["confirmed_incident"] if r["id"] == incident_id]
    return json.loads(row["data"])["sealed"]


def _tamper(path: Path, sql: str, *params: object) -> None:
    db = sqlite3.connect(path)
    db.execute(sql, params)
    db.commit()
    db.close()


def test_an_older_sealed_value_put_back_under_its_row_is_refused_loudly(
    tmp_path: Path, memory_keyring: MemoryKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    """The attacker keeps the sealed value from before a note was added and puts it back:
    the console must not show the incident without its newest note as if nothing happened."""
    path = tmp_path / "store.sqlite3"
    server = FakeServer()
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws")
        incident_id = _accepted_intake(ws, server)
        before = _sealed(store, incident_id)
        ws.submit(note_on(incident_id, "weapon seen: a knife in his left pocket"))
        ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        ws.apply_server_events(server.after(ws.cursor))
        assert _sealed(store, incident_id) != before
    _tamper(
        path,
        "UPDATE confirmed_incident SET data = json_set(data, '$.sealed', ?) WHERE id = ?",
        before,
        incident_id,
    )
    with LocalStore(path) as store, pytest.raises(StoreError, match="put back outside"):
        Workspace(store, actor="d1", workstation_id="ws")


def test_a_clear_member_of_a_sealed_row_changed_by_hand_is_refused(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """Lowering a call's priority (a clear member) in the file is caught by the seal."""
    path = tmp_path / "store.sqlite3"
    with LocalStore(path) as store:
        incident_id = _accepted_intake(Workspace(store, actor="d1"), FakeServer())
        priority = store.load_confirmed().incidents[incident_id].priority
    _tamper(
        path,
        "UPDATE confirmed_incident SET data = json_set(data, '$.priority', ?) WHERE id = ?",
        int(priority) % 3 + 1,
        incident_id,
    )
    with LocalStore(path) as store, pytest.raises(StoreError, match="cannot be read"):
        store.load_confirmed()


def _load_fixture(path: Path, name: str) -> None:
    db = sqlite3.connect(path)
    db.executescript((Path(__file__).parents[1] / "data" / name).read_text(encoding="utf-8"))
    db.close()


def test_a_schema_2_store_is_sealed_again_and_its_old_values_no_longer_open(
    tmp_path: Path,
) -> None:
    """tests/data/local_store_v2.sql, as the console before issue 17 wrote it: values bound
    to the row only, and the rejection's summary with the address in clear."""
    path = tmp_path / "previous.sqlite3"
    _load_fixture(path, "local_store_v2.sql")
    address, name, note = "1418 Wedgwood Pl", "Philippa Grimsditch", "sister on her way"
    assert address.encode() in file_bytes(path)
    old = sqlite3.connect(path)
    [(incident_id, old_sealed)] = old.execute(
        "SELECT id, json_extract(data, '$.sealed') FROM confirmed_incident"
    ).fetchall()
    old.close()
    assert old_sealed.startswith("v1.")

    with LocalStore(path, keys=fixed_key) as store:
        assert store.schema_version == schema.SCHEMA_VERSION == 3
        incident = store.load_confirmed().incidents[incident_id]
        assert (incident.location.address, incident.caller.name) == (address, name)
        assert [r.event.payload["text"] for r in store.load_outbox()][-1].startswith(note)
        [rejected] = store.rejections()
        assert address in rejected.summary
    assert_absent(path, address, name, note, "Ambrose Quillfeather")

    # A schema-2 value put back (a downgrade) opens no more.
    _tamper(
        path,
        "UPDATE confirmed_incident SET data = json_set(data, '$.sealed', ?)",
        old_sealed,
    )
    with LocalStore(path, keys=fixed_key) as store, pytest.raises(StoreError, match="version"):
        store.load_confirmed()


# -- item 11b: a key file left wide open is narrowed -------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows: the profile's ACL")
def test_a_key_file_and_folder_left_readable_by_others_are_narrowed_on_every_open(
    tmp_path: Path,
) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())  # the key falls back to a file
    try:
        folder = tmp_path / "stores"
        path = folder / "store.sqlite3"
        with LocalStore(path) as store:
            store.enqueue(note_on(uuid7(), "a note"), enqueued_at=datetime.now(UTC))
        key_file = key_file_of(path)
        # Restored from a backup, copied by hand, or widened by another program.
        os.chmod(key_file, 0o644)
        os.chmod(folder, 0o755)
        with LocalStore(path) as store:
            assert store.outbox_count() == 1
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        keyring.set_keyring(previous)


# -- item 11c: the log keeps the frames, never the values ----------------------------


def _raise_with_personal_data(incident: dict[str, str]) -> None:
    caller_name = incident["caller"]  # a local holding a personal value
    try:
        raise KeyError(f"no team for {caller_name} at {incident['address']}")
    except KeyError as exc:
        raise ValueError(f"cannot place {incident['address']}") from exc


def test_an_unexpected_error_in_the_log_names_its_frames_but_no_personal_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from umcr_console.app import setup_logging
    from umcr_console.ui import crash

    monkeypatch.setenv("UMCR_DATA_DIR", str(tmp_path))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        log_path = setup_logging()
        try:
            _raise_with_personal_data({"caller": NAME, "address": ADDRESS})
        except ValueError as exc:
            crash._excepthook(type(exc), exc, exc.__traceback__)
        # Any other exception logged with its traceback gets the same treatment.
        try:
            Incident.model_validate({"id": "x", "narrative": NARRATIVE})
        except Exception:
            logging.getLogger("umcr_console.sync").exception("sync session failed unexpectedly")
        # A store error's message names rows and paths only: it stays, for the engineer.
        try:
            raise StoreError("incident:0001: does not belong with the rest of its row")
        except StoreError:
            logging.getLogger("umcr_console").exception("the local store cannot be used")
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                handler.close()
        root.handlers[:] = handlers
        root.setLevel(level)
    text = log_path.read_text(encoding="utf-8")
    assert_absent(log_path, NAME, ADDRESS, NARRATIVE)
    # Enough for an engineer: the types, and each frame as file:line in function.
    assert "builtins.ValueError" in text and "builtins.KeyError" in text
    assert "pydantic_core._pydantic_core.ValidationError" in text
    assert "test_local_store_attacks.py:" in text
    assert "in _raise_with_personal_data" in text
    assert "in test_an_unexpected_error_in_the_log_names_its_frames_but_no_personal_value" in text
    assert "chained from:" in text
    assert "StoreError: incident:0001: does not belong with the rest of its row" in text


def test_a_sealed_value_moved_from_another_incident_is_refused(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """One caller's details moved onto another call do not open."""
    path = tmp_path / "store.sqlite3"
    server = FakeServer()
    with LocalStore(path) as store:
        ws = Workspace(store, actor="d1", workstation_id="ws", clock=lambda: datetime.now(UTC))
        first = _accepted_intake(ws, server)
        second_event = intake(Traffic(random.Random(8), "ws"))
        ws.submit(second_event)
        ws.handle_results(server.post(ws.unsent(10), actor="d1"))
        ws.apply_server_events(server.after(ws.cursor))
        other = _sealed(store, second_event.entity_id)
    _tamper(
        path,
        "UPDATE confirmed_incident SET data = json_set(data, '$.sealed', ?) WHERE id = ?",
        other,
        first,
    )
    with LocalStore(path) as store, pytest.raises(StoreError, match="cannot be read"):
        store.load_confirmed()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows: the profile's ACL")
def test_the_data_and_log_folders_are_the_owners_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """console.log and settings.ini are made with the umask's mode (0644): another user of
    a shared workstation could read them, unless their folders keep everyone else out."""
    from umcr_console.paths import data_dir, log_dir

    old_umask = os.umask(0o022)
    try:
        monkeypatch.setenv("UMCR_DATA_DIR", str(tmp_path / "console-data"))
        data, logs = data_dir(), log_dir()
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        assert stat.S_IMODE(logs.stat().st_mode) == 0o700
        # A folder an older console left open is narrowed on the next start.
        os.chmod(data, 0o755)
        os.chmod(logs, 0o755)
        assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
        assert stat.S_IMODE(log_dir().stat().st_mode) == 0o700
    finally:
        os.umask(old_umask)
