"""The server's files are readable by its user only (issue 17, item 7).

Another account on the server machine must not read the calls: every file a
real `umcr-server` makes is 0600 and every folder 0700, whatever the umask it
was started with, and a database an older version left readable is narrowed.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.server import ServerProcess, free_port, prepare_database
from tests.support.waiting import wait_for
from umcr_console.server import cli

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits"),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _umask_022() -> None:
    os.umask(0o022)  # the usual shell umask: files 0644, folders 0755


def _environment(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != cli.DATABASE_ENV}
    env["UMCR_DATA_DIR"] = str(data)
    return env


def test_a_default_server_start_makes_private_files(tmp_path: Path) -> None:
    data = tmp_path / "data"  # does not exist yet: the server makes it
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "umcr_console.server.cli", "serve", "--port", str(port)],
        env=_environment(data),
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_umask_022,  # the child's umask, set before exec
    )
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(healthy, 30, "the server to start")
        database = data / cli.DATABASE_FILE
        made = [data, database, *(Path(f"{database}{s}") for s in ("-wal", "-shm"))]
        modes = {p.name: oct(_mode(p)) for p in made}
        assert modes == {
            data.name: "0o700",
            database.name: "0o600",
            f"{database.name}-wal": "0o600",
            f"{database.name}-shm": "0o600",
        }
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_a_database_left_readable_is_narrowed_at_start(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path)
    database = Path(server.database_url.removeprefix("sqlite:///"))
    # As an older version left it: made under the usual umask.
    prepare_database(server.database_url, server.users)
    server._prepared = True
    os.chmod(database, 0o644)
    with server:
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{database}{suffix}")
            assert _mode(path) == 0o600, (path, oct(_mode(path)))
    assert "readable by other users" in server.log_text()


@pytest.mark.parametrize(
    "command",
    [["migrate"], ["user", "add", "ana", "--role", "dispatcher"]],
    ids=["migrate", "user-add"],
)
def test_every_command_that_makes_a_database_makes_it_private(
    tmp_path: Path, command: list[str]
) -> None:
    database = tmp_path / "new" / "server.sqlite3"
    database.parent.mkdir(mode=0o755)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "umcr_console.server.cli",
            *command,
            "--database",
            f"sqlite:///{database}",
        ],
        env={**_environment(tmp_path / "data"), cli.PASSWORD_ENV: "a long enough password"},
        capture_output=True,
        text=True,
        preexec_fn=_umask_022,  # the child's umask, set before exec
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert _mode(database) == 0o600
    # A folder the operator named is the operator's: left as it was.
    assert _mode(database.parent) == 0o755
