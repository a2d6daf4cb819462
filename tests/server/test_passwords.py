"""The password policy (NIST SP 800-63B): every way to set a password refuses a weak one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from umcr_console.config import resource
from umcr_console.server import auth
from umcr_console.server.db import make_engine, users
from umcr_console.server.migrate import upgrade
from umcr_console.server.passwords import MIN_LENGTH, WeakPassword, check_password

WEAK = [
    " ",  # the review's examples
    "a",
    " " * 20,
    "fourteen chars",  # one short of the minimum
    "password12345678",  # two common passwords run together
    "qwertyuiopasdfgh",
    "Pass Word 1234567!",  # case, spaces and punctuation do not hide it
    "aaaaaaaaaaaaaaaaaa",  # repeated
    "abcabcabcabcabcabc",
    "123456789012345678",  # sequential
    "zyxwvutsrqponmlkji",
    "Dispatcher1Dispatcher1",  # the user name
    "UMCR dispatcher!!",  # the service's name
]
GOOD = [
    "tangerine kettle on the porch",  # a passphrase, spaces allowed
    "correct horse battery staple",
    "Tl6!vq#Pz0@m9wKr",  # random, no rule needed either way
    "calle ocho, café con leche",  # any printable Unicode
]


@pytest.mark.parametrize("password", WEAK)
def test_a_weak_password_is_refused(password: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_password(password, username="dispatcher1")
    # The reason, never the password itself.
    if len(password.strip()) > 3:
        assert password not in str(refused.value)


@pytest.mark.parametrize("password", GOOD)
def test_a_good_password_passes_without_composition_rules(password: str) -> None:
    check_password(password, username="dispatcher1")


def test_the_minimum_is_15_and_counts_characters_not_bytes() -> None:
    assert MIN_LENGTH == 15
    check_password("ñandú ñandú ñan", username="x")  # 15 characters, 20 bytes
    with pytest.raises(WeakPassword, match="too short"):
        check_password("ñandú ñandú ña", username="x")


def test_the_common_list_ships_with_the_package() -> None:
    listed = resource("passwords", "common-passwords.txt").read_text(encoding="utf-8").split()
    assert len(listed) == 30_000 and listed[:2] == ["123456", "password"]
    assert resource("passwords", "SOURCES.md").is_file()


def _cli_add(url: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "umcr_console.server.cli",
            "user",
            "add",
            "dispatcher1",
            "--role",
            "dispatcher",
            "--database",
            url,
        ],
        env={**os.environ, "UMCR_PASSWORD": password},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("password", [" ", "a", "password12345678"])
@pytest.mark.slow
def test_user_add_refuses_a_weak_password_and_saves_nothing(tmp_path: Path, password: str) -> None:
    """`UMCR_PASSWORD=' '` and `'a'` were accepted (issue 17, item 8)."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    done = _cli_add(url, password)
    assert done.returncode == 1, done.stderr
    assert "umcr-server: error: the password is too" in done.stderr
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.select(users.c.username)).first() is None
    finally:
        engine.dispose()


@pytest.mark.slow
def test_a_password_reset_is_checked_too(tmp_path: Path) -> None:
    """`user add` of an existing name is the way to change a password: same policy."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    assert _cli_add(url, "tangerine kettle on the porch").returncode == 0
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            before = conn.execute(sa.select(users.c.password_hash)).scalar_one()
        with pytest.raises(WeakPassword):
            auth.add_user(engine, "dispatcher1", "dispatcher", "short")
        with engine.connect() as conn:
            assert conn.execute(sa.select(users.c.password_hash)).scalar_one() == before
    finally:
        engine.dispose()
