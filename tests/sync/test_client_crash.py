"""kill -9 a console process at random moments of a burst, 50 times: nothing acknowledged is lost."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.store import LocalStore

from .harness import server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KILLS = 50


def headless(server: ServerProcess, db: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "umcr_console.sync.headless",
            "--db",
            str(db),
            "--url",
            server.url,
            "--username",
            "dispatcher1",
            "--password",
            DEFAULT_USERS["dispatcher1"][1],
            "--keepalive",
            str(server.keepalive),
            "--backoff-cap",
            "0.5",
            *args,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def acks(stdout: str) -> list[str]:
    """The acknowledged event ids; a line cut by the kill does not count."""
    lines = stdout.split("\n")
    if lines and lines[-1] != "":
        lines = lines[:-1]  # no newline yet: the write was cut, not acknowledged
    out = []
    for line in lines:
        if line:
            record = json.loads(line)
            if "ack" in record:
                out.append(record["ack"])
    return out


@pytest.mark.slow
def test_every_acknowledged_action_reaches_the_server_exactly_once(
    live_server: ServerProcess, tmp_path: Path
) -> None:
    db = tmp_path / "console.db"
    rng = random.Random(20260326)
    acknowledged: list[str] = []  # the test's own log, independent of the console's store
    for round_no in range(KILLS):
        proc = headless(
            live_server, db, "--actions", "100000", "--rate", "400", "--seed", str(round_no)
        )
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert "ready" in ready, ready
        # A random moment of the burst: while enqueueing, pushing, applying answers.
        time.sleep(rng.uniform(0.0, 0.7))
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        acknowledged += acks(out)

    # Restart once more and let it send what is left.
    proc = headless(live_server, db, "--drain")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    [done] = [json.loads(line)["done"] for line in out.splitlines() if '"done"' in line]
    assert done["pending"] == 0

    log = server_log(live_server.url, live_server.token("supervisor"))
    counts = Counter(e.event_id for e in log)
    assert len(acknowledged) > 1000
    missing = [a for a in acknowledged if counts[a] == 0]
    twice = [a for a in acknowledged if counts[a] > 1]
    assert missing == [] and twice == []
    # Only the single client writes here: its actions are accepted in the order made.
    position = {e.event_id: e.seq for e in log}
    assert [position[a] for a in acknowledged] == sorted(position[a] for a in acknowledged)
    with LocalStore(db) as store:
        assert store.integrity_check() == ["ok"]
        assert store.rejections(include_acknowledged=True) == []
