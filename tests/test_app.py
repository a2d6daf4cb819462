"""The real console process against a real server: log in, sync, act, exit."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.server import DEFAULT_USERS


def run_console(
    args: list[str], tmp_path, password: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "UMCR_DATA_DIR": str(tmp_path / "console-data"),
        "UMCR_PASSWORD": password,
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


def test_wrong_password_fails_clearly(live_server, tmp_path) -> None:
    result = run_console(
        ["--self-test", "--server", live_server.url, "--user", "dispatcher1"], tmp_path, "wrong"
    )
    assert result.returncode != 0
    assert "Wrong user name or password" in result.stderr
