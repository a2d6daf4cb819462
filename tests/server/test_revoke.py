"""``umcr-server user revoke NAME``: every token of the user stops working at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.server.conftest import DATABASES
from tests.server.helpers import API
from tests.support.server import ServerProcess
from umcr_console.protocol import REVOKED_CHALLENGE

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _revoke(database_url: str, name: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "umcr_console.server.cli", "user", "revoke", name],
        env={**os.environ, "UMCR_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_revoke_ends_requests_and_open_streams(tmp_path, database_url: str) -> None:
    with ServerProcess(tmp_path, database_url=database_url, keepalive=0.5) as server:
        bearer = server.headers("dispatcher1")
        other = server.headers("dispatcher2")
        ended = threading.Event()
        opened = threading.Event()
        errors: list[BaseException] = []

        def read_stream() -> None:
            try:
                with (
                    httpx.Client(base_url=server.url, timeout=30.0) as client,
                    client.stream("GET", f"{API}/events/stream", headers=bearer) as answer,
                ):
                    assert answer.status_code == 200
                    opened.set()
                    for _ in answer.iter_lines():
                        pass
            except BaseException as exc:  # reported to the test thread
                errors.append(exc)
            finally:
                ended.set()

        reader = threading.Thread(target=read_stream, daemon=True)
        reader.start()
        assert opened.wait(10), errors
        with server.client() as client:
            assert client.get(f"{API}/me", headers=bearer).status_code == 200
            done = _revoke(server.database_url, "dispatcher1")
            assert done.returncode == 0, done.stderr
            assert "1 token(s) revoked" in done.stderr
            refused = client.get(f"{API}/me", headers=bearer)
            assert refused.status_code == 401
            # Told apart from an expired or unknown token: the console must ask its user.
            assert refused.headers["WWW-Authenticate"] == REVOKED_CHALLENGE
            unknown = client.get(f"{API}/me", headers={"Authorization": "Bearer nope"})
            assert unknown.status_code == 401
            assert "revoked" not in unknown.headers["WWW-Authenticate"]
            # Only that user's tokens.
            assert client.get(f"{API}/me", headers=other).status_code == 200
        revoked_at = time.monotonic()
        # Within one keep-alive interval (0.5 s), with slack for a loaded machine.
        assert ended.wait(10), "the stream of a revoked token stayed open"
        assert time.monotonic() - revoked_at < 5
        assert not errors, errors


def test_revoking_an_unknown_user_fails(tmp_path) -> None:
    with ServerProcess(tmp_path) as server:
        done = _revoke(server.database_url, "nobody")
    assert done.returncode == 1
    assert "no user 'nobody'" in done.stderr
