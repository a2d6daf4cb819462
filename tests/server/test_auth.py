"""Sign-in, lockout, token expiry and how credentials are stored."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa

from tests.server.helpers import API, Api
from tests.support.server import ServerProcess
from umcr_console.server.db import login_failures, make_engine, tokens, users
from umcr_console.server.settings import TOKEN_TTL_ENV

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _locked(answer: httpx.Response) -> None:
    assert answer.status_code == 423, answer.text
    assert "locked" in answer.json()["detail"]
    assert int(answer.headers["Retry-After"]) > 0


def test_five_failures_lock_the_account_even_for_the_right_password(api: Api) -> None:
    for _ in range(4):
        assert api.sign_in("dispatcher2", "guess").status_code == 401
    # The fifth failure within ten minutes locks the account, and says so.
    _locked(api.sign_in("dispatcher2", "guess"))
    _locked(api.sign_in("dispatcher2"))
    # Only that account.
    assert api.sign_in("dispatcher1").status_code == 200


def test_the_lock_ends_after_ten_minutes(asgi: Api) -> None:
    assert asgi.clock is not None
    for _ in range(5):
        asgi.sign_in("supervisor", "guess")
    _locked(asgi.sign_in("supervisor"))
    asgi.clock.advance(timedelta(minutes=9, seconds=50))
    _locked(asgi.sign_in("supervisor"))
    asgi.clock.advance(timedelta(seconds=20))
    assert asgi.sign_in("supervisor").status_code == 200
    # A success clears the failures: four more do not lock.
    for _ in range(4):
        assert asgi.sign_in("supervisor", "guess").status_code == 401
    assert asgi.sign_in("supervisor").status_code == 200


def test_failures_spread_beyond_the_window_do_not_lock(asgi: Api) -> None:
    assert asgi.clock is not None
    for _ in range(4):
        asgi.sign_in("admin", "guess")
    asgi.clock.advance(timedelta(minutes=11))
    assert asgi.sign_in("admin", "guess").status_code == 401
    assert asgi.sign_in("admin").status_code == 200


def test_unknown_users_lock_too_so_names_cannot_be_probed(asgi: Api) -> None:
    for _ in range(4):
        assert asgi.sign_in("mallory", "x").status_code == 401
    assert asgi.sign_in("mallory", "x").status_code == 423


def test_a_token_expires_after_a_shift(asgi: Api) -> None:
    assert asgi.clock is not None
    answer = asgi.sign_in("dispatcher1")
    expires_at = datetime.fromisoformat(answer.json()["expires_at"])
    shift = expires_at - asgi.clock()
    assert timedelta(hours=11, minutes=59) < shift <= timedelta(hours=12)
    bearer = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert asgi.client.get(f"{API}/me", headers=bearer).status_code == 200
    asgi.clock.advance(timedelta(hours=12, seconds=1))
    expired = asgi.client.get(f"{API}/me", headers=bearer)
    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]


def test_a_token_expires_on_a_real_server(tmp_path) -> None:
    with ServerProcess(tmp_path, extra_env={TOKEN_TTL_ENV: "1"}) as server:
        bearer = server.headers("dispatcher1")
        with server.client() as client:
            assert client.get(f"{API}/me", headers=bearer).status_code == 200
            deadline = time.monotonic() + 10
            while client.get(f"{API}/me", headers=bearer).status_code == 200:
                assert time.monotonic() < deadline, "the token did not expire"
                time.sleep(0.1)
            assert client.get(f"{API}/me", headers=bearer).status_code == 401


def test_only_hashes_are_stored(asgi: Api) -> None:
    token = asgi.token("dispatcher1")
    engine = make_engine(asgi.database_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(sa.select(tokens.c.token_hash)).scalars().all()
            hashes = conn.execute(sa.select(users.c.password_hash)).scalars().all()
    finally:
        engine.dispose()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored
    assert all(h.startswith("$argon2id$") for h in hashes)


def test_old_failures_are_cleared_so_a_flood_of_names_does_not_grow_the_table(
    asgi: Api,
) -> None:
    assert asgi.clock is not None
    for i in range(5):
        assert asgi.sign_in(f"made-up-{i}", "guess").status_code == 401
    asgi.clock.advance(timedelta(minutes=21))  # past any lock they could make
    assert asgi.sign_in("made-up-new", "guess").status_code == 401
    engine = make_engine(asgi.database_url)
    try:
        with engine.connect() as conn:
            left = conn.execute(sa.select(login_failures.c.username)).scalars().all()
    finally:
        engine.dispose()
    assert left == ["made-up-new"]
