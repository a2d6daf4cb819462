"""The headless console's offline run (issue 20's MSI round trip uses it on the
installed Windows console): an action made while the server is down stays in
the store's outbox after the process ends, and a later run sends it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.support.server import DEFAULT_USERS, ServerProcess, free_port

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def headless(db, url: str, *args: str) -> list[dict]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "umcr_console.sync.headless",
            "--db",
            str(db),
            "--url",
            url,
            "--username",
            "dispatcher1",
            "--password",
            DEFAULT_USERS["dispatcher1"][1],
            *args,
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_an_action_made_offline_is_sent_by_a_later_run(tmp_path) -> None:
    port = free_port()  # nothing listens here yet
    url = f"http://127.0.0.1:{port}"
    db = tmp_path / "store.sqlite3"

    offline = headless(db, url, "--actions", "1", "--kinds", "create", "--exit-when-made")
    [ack] = [line["ack"] for line in offline if "ack" in line]

    with ServerProcess(tmp_path, port=port) as server:
        online = headless(db, url, "--drain")
        engine = sa.create_engine(server.database_url)
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("select count(*) from events where event_id = :id"), {"id": ack}
            ).scalar_one()
        engine.dispose()
    assert online[0]["pending"] == 1  # the new run found the action in the outbox
    [done] = [line["done"] for line in online if "done" in line]
    assert done["pending"] == 0 and done["rejected"] == 0
    assert stored == 1
