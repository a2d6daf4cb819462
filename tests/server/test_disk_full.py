"""A full disk under the server's SQLite database (issue 19 item 4): 503, the consoles queue, then deliver.

A real file system that fills: a size-limited tmpfs mounted for the test
holds the server's database; a ballast file takes all but a few KiB once the
server runs, and a headless console keeps acting until the database can no
longer grow. The server must answer 503 (nothing stored, retry), never 500;
the console must show "offline since ..., N queued" and keep its actions;
when the ballast goes (space returns), every action reaches the server once.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.headless import HeadlessConsole
from tests.support.pgfailover import OFFLINE_QUEUED
from tests.support.server import ServerProcess
from tests.support.waiting import wait_for
from tests.sync.harness import server_log

pytestmark = pytest.mark.slow

ACTIONS = 40
MARGIN = 48 * 1024  # left free once the server runs: a few commits' worth of WAL


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB tmpfs of our own (we are root, as in CI); unmounted after."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)], check=True
    )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """A ballast file taking all the free space of ``disk`` but ``leave`` bytes."""
    ballast = disk / "ballast"
    chunk = b"\0" * 65536
    with ballast.open("wb") as f, contextlib.suppress(OSError):
        while True:
            f.write(chunk)
            f.flush()
    # Whatever a short write kept is in; now give back the margin.
    size = ballast.stat().st_size
    os.truncate(ballast, max(0, size - leave))
    return ballast


@pytest.mark.slow
def test_a_full_disk_answers_503_the_console_queues_and_delivers_when_space_returns(
    tmp_path: Path, small_disk: Path
) -> None:
    server = ServerProcess(tmp_path, database_url=f"sqlite:///{small_disk / 'server.sqlite3'}")
    console = HeadlessConsole(
        tmp_path / "console.db",
        server.url,
        actions=ACTIONS,
        rate=10.0,
        kinds="intake,note",
    )
    try:
        server.start()
        console.start()
        console.wait_ready()
        wait_for(
            lambda: any(r.get("link") == "online" for r in console.records),
            30,
            "the console online",
        )
        ballast = fill(small_disk, MARGIN)
        console.go()
        wait_for(lambda: console.done_acting, 60, "every action made")
        # The disk filled: the server said 503 and the console shows its queue.
        wait_for(
            lambda: any(
                OFFLINE_QUEUED.match(r.get("offline") or r.get("text") or "")
                for r in console.records
            ),
            30,
            'the console showing "offline since ..., N queued"',
        )
        text = server.log_text()
        assert '" 503' in text and "disk is full" in text
        token = server.token("supervisor")
        stored_while_full = {e.event_id for e in server_log(server.url, token)}
        assert not set(console.acks) <= stored_while_full, "some actions wait for space"

        ballast.unlink()  # space returns

        def delivered() -> bool:
            on_server = {e.event_id for e in server_log(server.url, token)}
            return all(a in on_server or a in console.rejected for a in console.acks)

        wait_for(delivered, 60, "every queued action delivered", 0.5)
        log = server_log(server.url, token)
        ours = [e.event_id for e in log if e.event_id in set(console.acks)]
        assert len(ours) == len(set(ours))  # once each
        assert [e.seq for e in log] == list(range(1, len(log) + 1))
        assert console.rejected == {}  # intake and notes on our own incidents: none refused
        assert console.terminate() == 0, console.stderr()
        for sign in ("Traceback", '" 500'):
            assert sign not in server.log_text(), server.log_text()[-3000:]
    finally:
        console.kill()
        if server.running:
            server.stop()


def test_fill_leaves_the_margin(small_disk: Path) -> None:
    """The ballast helper leaves about ``leave`` bytes free (so the test above means what it says)."""
    fill(small_disk, MARGIN)
    free = os.statvfs(small_disk)
    left = free.f_bavail * free.f_frsize
    assert MARGIN // 2 <= left <= MARGIN * 2, left
    with pytest.raises(OSError) as excinfo:
        (small_disk / "more").write_bytes(b"\0" * (MARGIN * 3))
    assert excinfo.value.errno == errno.ENOSPC
