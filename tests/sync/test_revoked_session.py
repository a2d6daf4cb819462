"""A revoked session ends at the console: it asks its user for the password instead
of signing in again with the one it keeps, and loses nothing meanwhile."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from tests.support.server import DEFAULT_USERS, ServerProcess
from umcr_console.server import auth
from umcr_console.server.db import make_engine
from umcr_console.sync.traffic import Traffic

from .harness import Console, server_log

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def test_a_revoked_console_asks_for_the_password_and_keeps_its_actions(
    live_server: ServerProcess, console_for: Callable[..., Console]
) -> None:
    console = console_for(live_server.url, "revoked")
    console.wait_drained()
    engine = make_engine(live_server.database_url)
    try:
        assert auth.revoke_user(engine, "dispatcher1") >= 1
    finally:
        engine.dispose()
    console.wait_until(lambda: console.engine.status.login_required, what="login required")
    assert "this session was ended" in console.engine.status.login_detail
    # It stays signed out (no silent sign-in with the kept password) ...
    made = console.act(Traffic(random.Random(7), "revoked"), 5)
    console.wait_until(lambda: console.workspace.pending_count == 5, what="5 pending")
    assert console.engine.status.login_required
    # ... until its user types the password; then the actions go out once each.
    console.call(lambda: console.engine.login("dispatcher1", DEFAULT_USERS["dispatcher1"][1]))
    console.wait_drained()
    logged = [e.event_id for e in server_log(live_server.url, live_server.token("supervisor"))]
    assert [e.event_id for e in made] == [i for i in logged if i in {e.event_id for e in made}]
