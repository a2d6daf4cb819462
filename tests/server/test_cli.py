"""The umcr-server command line, exactly as operators and scripts use it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.server.conftest import DATABASES
from tests.support.server import free_port
from umcr_console.server import cli
from umcr_console.server.db import make_engine, users
from umcr_console.server.migrate import current_revision, head_revision

UMCR_SERVER = [sys.executable, "-m", "umcr_console.server.cli"]


def _run(
    args: list[str], *, env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    return subprocess.run(
        UMCR_SERVER + args,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        **kwargs,
    )


def _user(database_url: str, name: str):
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(users).where(users.c.username == name)).one_or_none()
    finally:
        engine.dispose()


@pytest.mark.slow
def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("umcr-server")
    assert script.exists()
    answer = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=30)
    assert answer.returncode == 0
    for command in ("serve", "user", "migrate"):
        assert command in answer.stdout


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.slow
def test_migrate_creates_the_schema(database_url: str) -> None:
    done = _run(["migrate", "--database", database_url])
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    again = _run(["migrate", "--database", database_url])
    assert again.returncode == 0, again.stderr


@pytest.mark.slow
def test_the_default_database_lives_in_the_data_directory(tmp_path: Path) -> None:
    done = _run(["migrate"], env={cli.DATA_DIR_ENV: str(tmp_path / "data")})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / cli.DATABASE_FILE).exists()


def test_user_add_takes_the_password_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    done = _run(
        ["user", "add", "ana", "--role", "dispatcher", "--database", url],
        env={cli.PASSWORD_ENV: "correct horse battery"},
    )
    assert done.returncode == 0, done.stderr
    row = _user(url, "ana")
    assert row.role == "dispatcher" and row.password_hash.startswith("$argon2id$")
    assert "correct horse" not in row.password_hash


def test_user_add_checks_role_and_team(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv(cli.PASSWORD_ENV, "tangerine kettle on the porch")
    assert (
        cli.main(["user", "add", "pl1", "--role", "field", "--team", "PL-1", "--database", url])
        == 0
    )
    assert _user(url, "pl1").team_id is not None
    for args in (
        ["user", "add", "x", "--role", "field", "--database", url],
        ["user", "add", "x", "--role", "field", "--team", "NOPE-9", "--database", url],
        ["user", "add", "bad name", "--role", "admin", "--database", url],
    ):
        assert cli.main(args) == 1
        assert "umcr-server: error:" in capsys.readouterr().err
    assert _user(url, "x") is None
    with pytest.raises(SystemExit) as refused:
        cli.main(["user", "add", "x", "--role", "king", "--database", url])
    assert refused.value.code == 2


def test_user_add_gives_a_provider_and_refuses_an_unknown_one(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv(cli.PASSWORD_ENV, "tangerine kettle on the porch")
    add = ["user", "add", "ann", "--role", "dispatcher", "--database", url, "--provider"]
    assert cli.main([*add, "Alcott Center"]) == 0
    assert _user(url, "ann").provider == "Alcott Center"
    assert cli.main([*add, "Alcot Center"]) == 1
    assert "no provider 'Alcot Center'" in capsys.readouterr().err
    assert _user(url, "ann").provider == "Alcott Center"


def test_user_add_prompts_twice_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.delenv(cli.PASSWORD_ENV, raising=False)
    answers = iter(["tangerine kettle porch", "tangerine kettle porch", "one", "other"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["user", "add", "bo", "--role", "supervisor", "--database", url]) == 0
    assert _user(url, "bo").role == "supervisor"
    assert cli.main(["user", "add", "cy", "--role", "wall", "--database", url]) == 1
    assert _user(url, "cy") is None


@pytest.mark.slow
def test_serve_logs_to_stderr_and_stops_on_sigterm(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    port = free_port()
    process = subprocess.Popen(
        [*UMCR_SERVER, "serve", "--port", str(port), "--database", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.communicate()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert stdout == ""
    assert "Application startup complete" in stderr and "GET /api/v1/health" in stderr
    assert "roster: 6 team(s) added" in stderr


@pytest.mark.slow
def test_serve_fails_clearly(tmp_path: Path) -> None:
    port = free_port()
    with socket_taken(port):
        busy = _run(["serve", "--port", str(port), "--database", f"sqlite:///{tmp_path / 'a.db'}"])
    assert busy.returncode != 0 and "address already in use" in busy.stderr.lower()
    unreachable = _run(
        [
            "serve",
            "--port",
            str(free_port()),
            "--database",
            "postgresql+psycopg://nobody@127.0.0.1:1/none",
        ]
    )
    assert unreachable.returncode == 1
    assert "cannot use the database" in unreachable.stderr and "refused" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


@contextlib.contextmanager
def socket_taken(port: int) -> Iterator[None]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield
