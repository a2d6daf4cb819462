"""The real console process against a real server: log in, sync, act, exit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.server import DEFAULT_USERS

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def run_console(
    args: list[str],
    tmp_path,
    password: str,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "UMCR_DATA_DIR": str(tmp_path / "console-data"),
        "UMCR_PASSWORD": password,
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "umcr_console.app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_self_test_against_a_live_server(live_server, tmp_path) -> None:
    _role, password = DEFAULT_USERS["dispatcher1"]
    result = run_console(
        ["--self-test", "--server", live_server.url, "--user", "dispatcher1"], tmp_path, password
    )
    assert result.returncode == 0, result.stderr
    assert "SELF-TEST OK" in result.stdout


def test_wall_self_test_against_a_live_server(live_server, tmp_path) -> None:
    """The wall's Start-menu entry (--wall) self-tests too: read-only, it acts on
    nothing; it reads the floor and draws the wall."""
    _role, password = DEFAULT_USERS["wall"]
    result = run_console(
        ["--wall", "--self-test", "--server", live_server.url, "--user", "wall"],
        tmp_path,
        password,
    )
    assert result.returncode == 0, result.stderr
    assert "SELF-TEST OK" in result.stdout and "wall drawn" in result.stdout


def test_wrong_password_fails_clearly(live_server, tmp_path) -> None:
    result = run_console(
        ["--self-test", "--server", live_server.url, "--user", "dispatcher1"], tmp_path, "wrong"
    )
    assert result.returncode != 0
    assert "Wrong user name or password" in result.stderr


def test_offline_login_for_a_user_who_logged_in_here_before(live_server, tmp_path) -> None:
    """A shift change during an outage: the verifier kept at the last online login lets
    the same user start offline; a stranger, or a wrong password, cannot."""
    import asyncio

    import pytest

    from umcr_console.app import LoginFailed, log_in
    from umcr_console.offline_login import OfflineVerifiers

    _role, password = DEFAULT_USERS["dispatcher1"]
    verifiers = OfflineVerifiers(tmp_path / "offline.json")
    online = asyncio.run(log_in(live_server.url, "dispatcher1", password, verifiers))
    assert not online.offline and online.token and online.role == "dispatcher"
    live_server.stop()
    offline = asyncio.run(log_in(live_server.url, "dispatcher1", password, verifiers))
    assert offline.offline and offline.token is None and offline.role == "dispatcher"
    with pytest.raises(LoginFailed, match="cannot be reached"):
        asyncio.run(log_in(live_server.url, "dispatcher1", "not-the-password", verifiers))
    with pytest.raises(LoginFailed, match="cannot be reached"):
        asyncio.run(
            log_in(live_server.url, "dispatcher2", DEFAULT_USERS["dispatcher2"][1], verifiers)
        )
