"""A local store damaged on disk (issue 19 item 4): found at start, moved aside, rebuilt, actions recovered.

A headless console makes actions while its server is unreachable, so they
wait in its outbox; it is stopped, its file is damaged, and it is started
again against a real server process. It must say so, keep the damaged file
aside, rebuild its state from the server, and send the unsent actions that
can still be read -- each once, in their order.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support.headless import HeadlessConsole
from tests.support.server import ServerProcess, free_port
from tests.support.waiting import wait_for
from tests.sync.harness import server_log, server_state
from umcr_console.store import LocalStore
from umcr_console.sync.headless import digest_of

pytestmark = pytest.mark.slow

ACTIONS = 120
PAGE = 4096


def pages_of(db: Path, table: str) -> list[int]:
    """The leaf pages of ``table`` (SQLite's dbstat), 1-based page numbers."""
    conn = sqlite3.connect(db)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
                (table,),
            )
        ]
    finally:
        conn.close()


def tear(db: Path, page: int) -> None:
    """A torn page: its 4 KiB on disk replaced by garbage (a write cut by a power loss)."""
    with db.open("r+b") as f:
        f.seek((page - 1) * PAGE)
        f.write(os.urandom(PAGE))


def garbage_header(db: Path) -> None:
    with db.open("r+b") as f:
        f.write(os.urandom(100))


def truncate(db: Path) -> None:
    os.truncate(db, (db.stat().st_size // PAGE // 2) * PAGE)


def tear_outbox(db: Path) -> None:
    leaves = pages_of(db, "outbox")
    assert len(leaves) >= 3, leaves
    tear(db, leaves[len(leaves) // 2])


def tear_other(db: Path) -> None:
    # The rejection table's root page, or the meta table's: not the outbox.
    (page,) = pages_of(db, "confirmed_incident")[:1] or pages_of(db, "meta")[:1]
    tear(db, page)


# damage, and whether every unsent action must come back
DAMAGE: dict[str, tuple[Callable[[Path], None], bool]] = {
    "garbage-header": (garbage_header, True),
    "torn-page-elsewhere": (tear_other, True),
    "torn-outbox-page": (tear_outbox, False),
    "truncated": (truncate, False),
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_a_damaged_store_is_moved_aside_rebuilt_and_its_readable_actions_sent(
    kind: str, tmp_path: Path, live_server: ServerProcess
) -> None:
    damage, all_back = DAMAGE[kind]
    db = tmp_path / "console.db"
    # Offline from the start: every action stays in the outbox.
    offline = HeadlessConsole(
        db,
        f"http://127.0.0.1:{free_port()}",
        actions=ACTIONS,
        kinds="intake,note",
        print_seen=False,
    ).start()
    offline.wait_ready()
    offline.go()
    wait_for(lambda: offline.done_acting, 120, "the actions made offline")
    assert offline.terminate() == 0, offline.stderr()
    made = list(offline.acks)
    with LocalStore(db) as store:
        assert store.outbox_count() == ACTIONS

    damage(db)

    console = HeadlessConsole(db, live_server.url, start_signal=False, print_seen=False)
    console.command.append("--drain")
    console.start()
    console.wait_ready()
    assert console.process is not None
    assert console.process.wait(120) == 0, console.stderr()  # --drain: all sent, then it exits
    console.terminate()

    (recovered,) = [r["recovered"] for r in console.records if "recovered" in r]
    # The message says what happened and where the damaged file is.
    assert "damaged" in recovered["message"] and "moved aside" in recovered["message"]
    aside = Path(recovered["moved_to"])
    assert aside.parent == db.parent and aside.name.startswith("console.db.damaged-")
    assert aside.exists() and aside.stat().st_size > 0
    # What came back is made of our actions, in their order, none twice.
    back = recovered["events"]
    assert back == [a for a in made if a in set(back)]
    if all_back:
        assert back == made and recovered["unreadable"] == 0
    else:
        assert 0 < len(back) < ACTIONS
        assert f"{recovered['unreadable']} unsent action" in recovered["message"] or (
            recovered["unreadable"] is None
        )
    # Every recovered action reached the server once; nothing was invented.
    token = live_server.token("supervisor")
    log = server_log(live_server.url, token)
    ours = [e.event_id for e in log if e.event_id in set(made)]
    refused = {r["rejected"] for r in console.records if "rejected" in r}
    assert sorted(ours + sorted(refused)) == sorted(back)
    assert len(ours) == len(set(ours))
    # The rebuilt store is the server's state, with nothing left to send.
    seq, incidents, teams = server_state(live_server.url, token)
    with LocalStore(db) as store:
        assert store.outbox_count() == 0
        assert store.integrity_check() == ["ok"]
        state = store.load_confirmed()
    assert state.seq == seq
    assert digest_of(
        {k: v.model_dump(mode="json") for k, v in state.incidents.items()},
        {k: v.model_dump(mode="json") for k, v in state.teams.items()},
    ) == digest_of(incidents, teams)
    assert httpx.get(f"{live_server.url}/api/v1/health").json()["seq"] == seq
