"""After a restore, a console's actions reach the server in the order it made them.

The fault soak's "2 consoles reordered" (docs/reliability.md, issue 19): a
console whose action the server had accepted, and lost in a restore from a
backup that no console had seen it in, kept the action in its outbox as
"accepted at seq N". If the restored log still agreed with the console up to
its cursor (its cursor at or before the backup, or the floor's give-back had
rebuilt the log the same way up to there), the console did not notice the
restore: it pushed the actions it made later at once, and sent the lost one
again only when its cursor passed N without it. The earlier action was
accepted after the later ones (and judged after them: a note on an incident
the server no longer had would be refused).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.server.helpers import created
from tests.support.server import ServerProcess
from umcr_console.domain.enums import EventType
from umcr_console.domain.events import Event, NoteAdded
from umcr_console.protocol import BatchResult
from umcr_console.store import LocalStore, Workspace
from umcr_console.sync.engine import SyncEngine

from .harness import Console, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _backup(database: Path, copy: Path) -> None:
    source, target = sqlite3.connect(database), sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _push(server: ServerProcess, workspace: Workspace, event: Event, engine: SyncEngine) -> None:
    """What the console's push does: POST the event, take the server's answer."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.post(
            "/api/v1/events",
            json={"events": [engine._wire(event)]},
            headers={"Authorization": f"Bearer {server.token('dispatcher1')}"},
        )
    assert answer.status_code == 200, answer.text
    results = BatchResult.model_validate(answer.json()).results
    assert results[0].status == "accepted", results
    workspace.handle_results(results)


@pytest.mark.slow
def test_an_accepted_action_the_restored_server_lost_goes_before_later_ones(
    tmp_path: Path, console_for: Callable[..., Console]
) -> None:
    server = ServerProcess(
        tmp_path, keepalive=0.5, extra_env={"UMCR_EVENT_KEY_FILE": str(tmp_path / "key")}
    ).start()
    try:
        console = console_for(server.url, "m")
        console.submit(Event.model_validate(created()))
        console.wait_until(lambda: console.workspace.pending_count == 0, 60, "sent")
        fork = int(httpx.get(f"{server.url}/api/v1/health", timeout=30).json()["seq"])
        console.wait_drained(fork)
        console.stop()
        database = tmp_path / "server.sqlite3"
        _backup(database, tmp_path / "backup.sqlite3")  # the log ends at fork

        # The console makes an incident; the server accepts it at fork + 1, and the link
        # drops before the stream brings it (the outbox holds it "accepted at fork + 1").
        store = LocalStore(tmp_path / "m.db")
        workspace = Workspace(store, actor="dispatcher1", workstation_id="m")
        engine = SyncEngine(server.url, workspace, username="dispatcher1")
        first = Event.model_validate(created())
        workspace.submit(first)
        _push(server, workspace, first, engine)
        assert workspace.counts.unsent == 0 and workspace.cursor == fork
        # Offline, it makes another incident and a note on the first.
        later = Event.model_validate(created())
        workspace.submit(later)
        note = workspace.new_event(
            EventType.INCIDENT_NOTE_ADDED, first.entity_id, NoteAdded(text="called back")
        )
        workspace.submit(note)
        store.close()

        # The server is put back to the backup: the first incident is gone, and
        # no console holds it signed (none saw it), so none can give it back.
        server.stop()
        for side in ("-wal", "-shm"):
            database.with_name(database.name + side).unlink(missing_ok=True)
        database.write_bytes((tmp_path / "backup.sqlite3").read_bytes())
        server._tokens.clear()
        server.start()

        again = console_for(server.url, "m")
        again.wait_until(lambda: again.workspace.pending_count == 0, 60, "sent")
        log = server_log(server.url, server.token("supervisor"))
        seqs = {e.event_id: e.seq for e in log}
        assert again.rejections == [], [r.detail for r in again.rejections]
        made = [first.event_id, later.event_id, note.event_id]
        assert [eid in seqs for eid in made] == [True, True, True]
        assert [seqs[eid] for eid in made] == sorted(seqs[eid] for eid in made)
        again.wait_drained(len(log))
    finally:
        server.stop()
