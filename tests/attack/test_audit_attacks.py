"""An intruder with write access to the database against `audit verify` (issue 17, item 4).

The events come from a real server process; the tampering is plain SQL; the
verdict is the real `umcr-server audit ...` command. The audit log must prove
completeness (every accepted event has its row), not only order, and a
checkpoint kept elsewhere must catch what a consistent rewrite hides.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.server.helpers import created
from tests.server.test_audit import _aged_database
from tests.support.server import ServerProcess
from umcr_console.server import audit, cli
from umcr_console.server.db import audit_anchor, audit_log, make_engine

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

CALLS = 30


def _umcr(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "umcr_console.server.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _verify(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return _umcr("audit", "verify", "--database", url, *extra)


@pytest.fixture(scope="module")
def written_by_a_server(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database a real server wrote dozens of audited events to, ending with a
    sign-in (a row after the newest event); the server is stopped."""
    folder = tmp_path_factory.mktemp("served")
    with ServerProcess(folder) as server, server.client("dispatcher1") as client:
        for _ in range(CALLS // 10):
            answer = client.post("/api/v1/events", json={"events": [created() for _ in range(10)]})
            assert answer.status_code == 200
        server.token("supervisor")
    return folder / "server.sqlite3"


@pytest.fixture
def database_url(written_by_a_server: Path, tmp_path: Path) -> str:
    """A copy of that database for one test to tamper with."""
    copy = tmp_path / "server.sqlite3"
    for suffix in ("", "-wal"):
        source = Path(f"{written_by_a_server}{suffix}")
        if source.exists():
            shutil.copyfile(source, Path(f"{copy}{suffix}"))
    return f"sqlite:///{copy}"


def _sql(url: str, *statements: sa.Executable) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        engine.dispose()


def _rows(url: str) -> list[dict]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [
                dict(r._mapping)
                for r in conn.execute(sa.select(audit_log).order_by(audit_log.c.id))
            ]
    finally:
        engine.dispose()


def test_an_intact_log_says_what_it_covers(database_url: str) -> None:
    done = _verify(database_url)
    assert done.returncode == 0, done.stderr
    assert "audit log intact: " in done.stdout and "each audited" in done.stdout


def test_an_emptied_audit_table_is_found(database_url: str) -> None:
    _sql(database_url, sa.delete(audit_log))
    done = _verify(database_url)
    assert done.returncode == cli.AUDIT_BROKEN, done.stdout
    assert "have no audit row" in done.stderr and "emptied or truncated" in done.stderr


def test_an_emptied_table_that_the_server_writes_to_again_is_found(
    database_url: str, tmp_path: Path
) -> None:
    """The intruder empties the table and lets the server start a fresh chain."""
    _sql(database_url, sa.delete(audit_log))
    server = ServerProcess(tmp_path, database_url=database_url)
    server._prepared = True
    with server, server.client("dispatcher1") as client:
        assert client.post("/api/v1/events", json={"events": [created()]}).status_code == 200
    done = _verify(database_url)
    assert done.returncode == cli.AUDIT_BROKEN, done.stdout
    assert "have no audit row" in done.stderr


def test_deleted_oldest_rows_behind_a_forged_anchor_are_found(database_url: str) -> None:
    rows = _rows(database_url)
    cut = rows[len(rows) // 2]
    _sql(
        database_url,
        sa.delete(audit_log).where(audit_log.c.id <= cut["id"]),
        sa.insert(audit_anchor).values(
            id=1, through_id=cut["id"], last_hash=cut["hash"], pruned_at=cut["at"]
        ),
    )
    done = _verify(database_url)
    assert done.returncode == cli.AUDIT_BROKEN, done.stdout
    assert "no prune is recorded" in done.stderr


def test_a_deleted_event_row_is_found_even_when_the_chain_is_rehashed(database_url: str) -> None:
    """Delete one event's audit row and rebuild the chain after it: ids, links and
    hashes all agree, but the event log says an event has no row."""
    rows = _rows(database_url)
    victim = next(r for r in rows[5:] if r["action"] == audit.EVENT_ACCEPTED)
    kept = [r for r in rows if r["id"] != victim["id"]]
    _rewrite(database_url, kept)
    done = _verify(database_url)
    assert done.returncode == cli.AUDIT_BROKEN, done.stdout
    assert f"events seq {victim['seq']} to {victim['seq']} have no audit row" in done.stderr


def _rewrite(url: str, rows: list[dict]) -> None:
    """Replace the whole chain by ``rows``, renumbered and re-hashed: a consistent forgery."""
    prev = audit.GENESIS_HASH
    forged = []
    for number, row in enumerate(rows, start=1):
        row = {**row, "id": number, "prev_hash": prev}
        row["hash"] = prev = audit.row_hash(row)
        forged.append(row)
    _sql(url, sa.delete(audit_log), sa.insert(audit_log).values(forged))


def test_verify_never_creates_a_database(tmp_path: Path) -> None:
    typo = tmp_path / "sever.sqlite3"
    for command in (("verify",), ("checkpoint",), ("prune",)):
        done = _umcr("audit", *command, "--database", f"sqlite:///{typo}")
        assert done.returncode == 1, (command, done.stdout)
        assert f"no database at {typo}" in done.stderr
        assert not typo.exists()
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    done = _verify(f"sqlite:///{empty}")
    assert done.returncode == 1 and "not a UMCR server database" in done.stderr


def test_a_checkpoint_kept_elsewhere_catches_a_consistent_rewrite(
    database_url: str, tmp_path: Path
) -> None:
    kept = tmp_path / "elsewhere" / "audit.checkpoint"
    kept.parent.mkdir()
    taken = _umcr("audit", "checkpoint", "--database", database_url, "--output", str(kept))
    assert taken.returncode == 0, taken.stderr
    checkpoint = audit.Checkpoint.parse(taken.stdout)
    assert kept.read_text().strip() == str(checkpoint)
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert _verify(database_url, "--since", str(kept)).returncode == 0
    assert _verify(database_url, "--since", str(checkpoint)).returncode == 0

    # Who did what is changed everywhere and the chain recomputed: verify alone
    # cannot tell (no secret in the hash), the checkpoint can.
    rows = _rows(database_url)
    _rewrite(database_url, [{**r, "actor": "somebody-else"} for r in rows])
    assert _verify(database_url).returncode == 0
    done = _verify(database_url, "--since", str(kept))
    assert done.returncode == cli.AUDIT_BROKEN
    assert "differs from the checkpoint" in done.stderr and "rewritten" in done.stderr


def test_a_checkpoint_catches_rows_cut_off_after_the_last_event(database_url: str) -> None:
    """Sign-in rows after the newest event are not tied to the event log: only a
    checkpoint shows they were cut off."""
    taken = _umcr("audit", "checkpoint", "--database", database_url)
    checkpoint = audit.Checkpoint.parse(taken.stdout)
    rows = _rows(database_url)
    assert rows[-1]["id"] == checkpoint.id and rows[-1]["action"] == audit.SIGN_IN
    _sql(database_url, sa.delete(audit_log).where(audit_log.c.id == checkpoint.id))
    assert _verify(database_url).returncode == 0  # the limit a checkpoint is for
    done = _verify(database_url, "--since", str(checkpoint))
    assert done.returncode == cli.AUDIT_BROKEN, done.stdout
    assert "before the checkpoint's row" in done.stderr


def test_a_prune_leaves_an_anchor_a_checkpoint_can_check(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'aged.sqlite3'}"
    old = _aged_database(url, timedelta(days=500))
    rows = _rows(url)
    at_anchor = audit.Checkpoint(rows[old - 1]["id"], rows[old - 1]["hash"])
    before_anchor = audit.Checkpoint(rows[0]["id"], rows[0]["hash"])
    assert cli.main(["audit", "prune", "--database", url]) == 0
    # The newest pruned row is the anchor: a checkpoint there still checks.
    assert cli.main(["audit", "verify", "--database", url, "--since", str(at_anchor)]) == 0
    # An older one cannot vouch for anything any more: its own exit status.
    code = cli.main(["audit", "verify", "--database", url, "--since", str(before_anchor)])
    assert code == cli.CHECKPOINT_PRUNED
    assert "was pruned" in capsys.readouterr().err
    # A forged anchor (the pruned part replaced) does not match the checkpoint.
    _sql(url, sa.update(audit_anchor).values(last_hash="f" * 64))
    assert cli.main(["audit", "verify", "--database", url, "--since", str(at_anchor)]) == (
        cli.AUDIT_BROKEN
    )
    # The prune recorded which events lost their rows: the rest must all be there.
    prune_row = next(r for r in _rows(url) if r["action"] == audit.PRUNED)
    assert '"through_seq":' in prune_row["after"]
