"""The demo floor: a local server and the simulator, and nothing left after stop()."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.support.waiting import wait_for
from umcr_console.demo import DemoServer
from umcr_console.simulator.places import division_places

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

API = "/api/v1"


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie awaiting its reaper counts as gone)."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        return "\nState:\tZ" not in status.read_text()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def port_free(port: int) -> bool:
    """Nobody listens on ``port``, and a new server could bind it.

    SO_REUSEADDR as every server sets it: closed connections of the old
    server may linger in TIME_WAIT, which is not a process left behind.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_the_demo_serves_a_live_floor_and_leaves_nothing(tmp_path: Path) -> None:
    places = division_places()
    demo = DemoServer(seed=4)
    started = time.monotonic()
    demo.start()
    try:
        assert demo.url.startswith("http://127.0.0.1:") and demo.running
        pid, temp_dir = demo.pid, demo.temp_dir
        assert pid is not None and temp_dir is not None and temp_dir.exists()
        port = int(demo.url.rsplit(":", 1)[1])
        with httpx.Client(base_url=demo.url, timeout=5) as client:
            token = client.post(
                f"{API}/auth/token", json={"username": demo.username, "password": demo.password}
            )
            assert token.status_code == 200 and token.json()["role"] == "dispatcher"
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

            def several_incidents() -> list[dict[str, object]] | None:
                found = client.get(f"{API}/snapshot", headers=headers).json()["incidents"]
                return found if len(found) >= 4 else None

            incidents = wait_for(several_incidents, 10, "incidents on the demo floor")
            assert time.monotonic() - started < 15
            # And the floor moves: teams get dispatched.
            wait_for(
                lambda: any(
                    t["status"] != "available"
                    for t in client.get(f"{API}/snapshot", headers=headers).json()["teams"]
                ),
                10,
                "a team at work",
            )
        for incident in incidents:
            loc = incident["location"]
            assert isinstance(loc, dict)
            assert places.geography.division_at(loc["lat"], loc["lon"]) == loc["division"]
        assert demo.simulator_error is None
    finally:
        demo.stop()
    assert not demo.running and demo.pid is None
    assert not pid_alive(pid)
    assert port_free(port)
    assert not temp_dir.exists()
    assert not any(t.name == "umcr-simulator" for t in threading.enumerate())
    demo.stop()  # a second stop is harmless


def test_the_demo_is_a_context_manager_and_refuses_a_second_start() -> None:
    # Rate 0 (the console's --self-test): a still floor, no simulator at all.
    with DemoServer(rate_per_day=0) as demo:
        pid = demo.pid
        assert pid is not None and demo.running
        assert not any(t.name == "umcr-simulator" for t in threading.enumerate())
        try:
            demo.start()
        except RuntimeError as exc:
            assert "already" in str(exc)
        else:
            raise AssertionError("a second start() must be refused")
    assert not pid_alive(pid)


PARENT = textwrap.dedent(
    """
    import sys, time
    from umcr_console.demo import DemoServer
    demo = DemoServer(seed=2, warmup_calls=0)
    demo.start()
    print(demo.pid, demo.url.rsplit(":", 1)[1], flush=True)
    time.sleep(120)
    """
)


def test_the_server_ends_when_the_console_is_killed() -> None:
    """SIGKILL of the console (no atexit, no stop()): the server child still ends."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert parent.stdout is not None
        pid_text, port_text = parent.stdout.readline().split()
        pid, port = int(pid_text), int(port_text)
        assert pid_alive(pid)
    finally:
        parent.kill()
        parent.wait()
    wait_for(lambda: not pid_alive(pid), 15, "the orphaned demo server to end")
    wait_for(lambda: port_free(port), 5, "the demo port to be free")
