"""Open a local store, or rebuild a damaged one and recover its unsent actions.

A store file can be damaged on disk: a page torn by a power cut on a disk
that lies about its flushes, a file truncated by a full or failing disk, a
header overwritten. ``LocalStore`` finds it at start (``StoreDamaged``:
SQLite refuses the file, or its quick check of every page fails). Then
``open_store``:

1. reads what it still can of the outbox (the actions not yet confirmed by
   the server), from a copy of the file (and its WAL), row by row, so one
   bad page costs only the rows on it; a broken header is replaced in the
   copy first (it holds little that cannot be known);
2. moves the file aside (``<name>.damaged-<UTC time>``, with its WAL), so
   nothing is deleted and support can look at it;
3. starts a new store at the same path, with the same workstation id, and
   puts the recovered actions in its outbox in their order: they are sent
   again (the server answers ``duplicate`` for any it already has);
4. returns a ``Recovery`` whose ``message`` says all this to the
   dispatcher. Everything else (incidents, teams, the cursor) is the
   server's and comes back with the first snapshot.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..domain.events import Event
from ..logsafe import brief
from .db import _SIDE_FILES, KeySource, LocalStore, StoreDamaged
from .keys import KeyUnavailable, store_key
from .protect import KEY_CHECK_META, RowCipher, RowCodec, SealError

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
WORKSTATION_ID = "workstation_id"  # as store.workspace.WORKSTATION_ID


@dataclass
class Recovery:
    reason: str
    moved_to: Path
    recovered: list[Event] = field(default_factory=list)
    # Outbox rows seen but not readable (a torn row, a seal that no longer opens),
    # or None when the outbox could not be read at all.
    unreadable: int | None = 0
    workstation_id: str | None = None

    @property
    def message(self) -> str:
        if self.unreadable is None:
            lost = (
                " Its unsent actions could not be read at all: check with the "
                "server which of your recent actions are missing, and make them again."
            )
        elif self.unreadable:
            lost = (
                f" {self.unreadable} unsent action(s) could not be read: check with the "
                "server which of your recent actions are missing, and make them again."
            )
        else:
            lost = ""
        return (
            f"The local store of this console was damaged ({self.reason}). It was moved "
            f"aside to {self.moved_to.name} and a new one started; the incidents and teams "
            f"are reloaded from the server. {len(self.recovered)} unsent action(s) were "
            f"recovered from it and will be sent.{lost}"
        )


def open_store(
    path: str | Path, *, keys: KeySource | None = store_key
) -> tuple[LocalStore, Recovery | None]:
    """``LocalStore(path)``; if the file is damaged, rebuild it (see the module's doc)."""
    path = Path(path)
    try:
        return LocalStore(path, keys=keys), None
    except StoreDamaged as exc:
        reason = str(exc)
        log.error("local store damaged: %s", brief(exc))
    recovered, unreadable, workstation_id = salvage(path, keys)
    moved_to = move_aside(path)
    store = LocalStore(path, keys=keys)
    try:
        if workstation_id:
            store.set_meta({WORKSTATION_ID: workstation_id})
        now = datetime.now(UTC)
        for event in recovered:
            store.enqueue(event, enqueued_at=now)
    except BaseException:
        store.close()
        raise
    recovery = Recovery(
        reason=_short(reason),
        moved_to=moved_to,
        recovered=recovered,
        unreadable=unreadable,
        workstation_id=workstation_id,
    )
    log.warning("%s", recovery.message)
    return store, recovery


def _short(reason: str) -> str:
    text = reason.split(": ", 1)[-1] if " is damaged: " in reason else reason
    return text.strip().splitlines()[0] if text.strip() else "unreadable"


def move_aside(path: Path) -> Path:
    """Rename the store and its WAL/shm to ``<name>.damaged-<time>``; the new name."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, target)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    return target


def salvage(path: Path, keys: KeySource | None) -> tuple[list[Event], int | None, str | None]:
    """The outbox events still readable in ``path``, in order; the count not readable; the ws id."""
    with tempfile.TemporaryDirectory(prefix="umcr-salvage-") as tmp:
        copy = Path(tmp) / "store.sqlite3"
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
        _restore_header(copy)
        conn = sqlite3.connect(copy, isolation_level=None)
        try:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA writable_schema=ON")  # read past a damaged schema entry
            workstation_id = _meta(conn, WORKSTATION_ID)
            codec = _codec(conn, path, keys)
            rows, unreadable = _outbox_rows(conn)
        finally:
            conn.close()
    if rows is None:
        return [], None, workstation_id
    events: list[Event] = []
    assert unreadable is not None
    for data in rows:
        if codec is None:
            unreadable += 1
            continue
        try:
            events.append(codec.event(data))
        except (SealError, ValueError) as exc:
            log.warning("an unsent action could not be read: %s", brief(exc))
            unreadable += 1
    return events, unreadable, workstation_id


def _restore_header(copy: Path) -> None:
    """Put back a readable 100-byte header if the copy's is broken.

    A store's header holds little that cannot be known: the page size (the
    store's is SQLite's default, 4096), WAL mode, UTF-8. The template comes
    from an empty database; its page count is zeroed so SQLite takes the
    file's size, and its free list is emptied (we only read).
    """
    with copy.open("r+b") as f:
        head = f.read(100)
        page_size = int.from_bytes(head[16:18], "big") if len(head) == 100 else 0
        sound = head.startswith(SQLITE_MAGIC) and page_size in {512 << n for n in range(8)}
        if sound or len(head) < 100:
            return
        template = _template_header(copy.parent / "template.sqlite3")
        f.seek(0)
        f.write(template)


def _template_header(where: Path) -> bytes:
    conn = sqlite3.connect(where, isolation_level=None)
    try:
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
    finally:
        conn.close()
    header = bytearray(where.read_bytes()[:100])
    header[28:32] = bytes(4)  # page count: from the file's size
    header[32:40] = bytes(8)  # no free list
    return bytes(header)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _codec(conn: sqlite3.Connection, path: Path, keys: KeySource | None) -> RowCodec | None:
    """The codec of the damaged store's rows: its key, if its key check still opens."""
    check = _meta(conn, KEY_CHECK_META)
    if keys is None:
        return RowCodec(None)
    try:
        cipher = RowCipher(keys(path, False))
    except KeyUnavailable as exc:
        log.warning("the damaged store's key is not available: %s", brief(exc))
        return None
    if check is not None and not cipher.opens_key_check(check):
        return None
    return RowCodec(cipher)


def _outbox_rows(conn: sqlite3.Connection) -> tuple[list[str] | None, int | None]:
    """The ``data`` of every readable outbox row in ``local_seq`` order, and rows lost.

    A full scan first; if a damaged page stops it, each ``local_seq`` up to
    the highest one known is asked for on its own, so rows on sound pages
    after the damage still come back.
    """
    rows: dict[int, str] = {}
    try:
        for local_seq, data in conn.execute(
            "SELECT local_seq, data FROM outbox ORDER BY local_seq"
        ):
            rows[local_seq] = data
        return [rows[k] for k in sorted(rows)], 0
    except sqlite3.Error as exc:
        log.warning("the damaged store's outbox stops at a bad page: %s", brief(exc))
    top = _highest_local_seq(conn, rows)
    if top is None:
        return ([rows[k] for k in sorted(rows)], 0) if rows else (None, None)
    lost = 0
    for local_seq in range(1, top + 1):
        if local_seq in rows:
            continue
        try:
            row = conn.execute(
                "SELECT data FROM outbox WHERE local_seq = ?", (local_seq,)
            ).fetchone()
        except sqlite3.Error:
            lost += 1  # on a bad page (or never there: sent and gone; counted to be safe)
            continue
        if row is not None:
            rows[local_seq] = row[0]
    return [rows[k] for k in sorted(rows)], lost


def _highest_local_seq(conn: sqlite3.Connection, rows: dict[int, str]) -> int | None:
    for sql in (
        "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'",
        "SELECT max(local_seq) FROM outbox",
    ):
        with contextlib.suppress(sqlite3.Error):
            found = conn.execute(sql).fetchone()
            if found and found[0] is not None:
                return int(found[0])
    return max(rows) if rows else None
