"""A user who logged in here before can start offline; nobody else can."""

import stat

import pytest

from umcr_console.offline_login import OfflineVerifiers

URL = "http://127.0.0.1:8765"


def test_remembered_user_verifies_offline_and_wrong_password_does_not(tmp_path) -> None:
    verifiers = OfflineVerifiers(tmp_path / "offline.json")
    assert verifiers.verify(URL, "dana", "s3cret") is None
    verifiers.remember(URL, "dana", "s3cret", "dispatcher")
    identity = verifiers.verify(URL, "dana", "s3cret")
    assert identity is not None and identity.role == "dispatcher"
    assert verifiers.verify(URL, "dana", "wrong") is None
    assert verifiers.verify("http://other:1", "dana", "s3cret") is None
    assert "s3cret" not in (tmp_path / "offline.json").read_text()


def test_file_is_owner_only_and_damage_only_costs_offline_login(tmp_path) -> None:
    path = tmp_path / "offline.json"
    verifiers = OfflineVerifiers(path)
    verifiers.remember(URL, "dana", "pw", "dispatcher")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("{not json")
    assert verifiers.verify(URL, "dana", "pw") is None
    verifiers.remember(URL, "dana", "pw", "dispatcher")
    assert verifiers.verify(URL, "dana", "pw") is not None


def test_forget_removes_one_user_only(tmp_path) -> None:
    path = tmp_path / "offline.json"
    verifiers = OfflineVerifiers(path)
    verifiers.remember(URL, "dana", "pw", "dispatcher")
    verifiers.remember(URL, "eli", "pw2", "supervisor")
    assert verifiers.forget(URL, "dana")
    assert not verifiers.forget(URL, "dana")
    assert verifiers.verify(URL, "dana", "pw") is None
    assert verifiers.verify(URL, "eli", "pw2") is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- Against a real server, through the console's own code (issue 17, item 9) ---


def _cli(database_url: str, *args: str) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "umcr_console.server.cli", *args, "--database", database_url],
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_a_disabled_users_offline_login_ends_when_the_workstation_reaches_the_server(
    live_server, tmp_path
) -> None:
    """Logged in offline during an outage, disabled meanwhile: the first sign-in of the
    sync engine when the server is back is refused, and the verifier is removed, so the
    next offline login on this workstation fails too."""
    import asyncio

    import pytest

    from tests.support.server import DEFAULT_USERS
    from tests.sync.harness import Console
    from umcr_console.app import AccountDisabled, LoginFailed, forget_when_withdrawn, log_in

    _role, password = DEFAULT_USERS["dispatcher1"]
    verifiers = OfflineVerifiers(tmp_path / "offline.json")
    url = live_server.url
    asyncio.run(log_in(url, "dispatcher1", password, verifiers))
    live_server.stop()
    session = asyncio.run(log_in(url, "dispatcher1", password, verifiers))
    assert session.offline
    _cli(live_server.database_url, "user", "disable", "dispatcher1")
    # The console runs offline (the server is down) with the session's password ...
    with Console(tmp_path, "ws-offline", url, "dispatcher1", session.password) as console:
        console.call(lambda: forget_when_withdrawn(console.engine, verifiers, session))
        live_server.start()
        # ... and learns it on its first sign-in once the server is back.
        console.wait_until(lambda: console.engine.status.login_required, what="login required")
        assert "disabled" in console.engine.status.login_detail
    assert not verifiers.known(url, "dispatcher1")
    with pytest.raises(AccountDisabled):
        asyncio.run(log_in(url, "dispatcher1", password, verifiers))
    live_server.stop()
    with pytest.raises(LoginFailed, match="cannot be reached"):
        asyncio.run(log_in(url, "dispatcher1", password, verifiers))


@pytest.mark.slow
def test_a_disabled_user_logging_in_online_loses_the_offline_login(live_server, tmp_path) -> None:
    import asyncio

    import pytest

    from tests.support.server import DEFAULT_USERS
    from umcr_console.app import AccountDisabled, LoginFailed, log_in

    _role, password = DEFAULT_USERS["dispatcher2"]
    verifiers = OfflineVerifiers(tmp_path / "offline.json")
    asyncio.run(log_in(live_server.url, "dispatcher2", password, verifiers))
    _cli(live_server.database_url, "user", "disable", "dispatcher2")
    with pytest.raises(AccountDisabled, match="disabled"):
        asyncio.run(log_in(live_server.url, "dispatcher2", password, verifiers))
    assert not verifiers.known(live_server.url, "dispatcher2")
    live_server.stop()
    with pytest.raises(LoginFailed, match="cannot be reached"):
        asyncio.run(log_in(live_server.url, "dispatcher2", password, verifiers))


@pytest.mark.slow
def test_a_revoked_session_removes_the_offline_login(live_server, tmp_path) -> None:
    """The session was online (a token) when the administrator revoked it: the console's
    next request is refused and the verifier goes; the user types the password again."""
    import asyncio

    from tests.support.server import DEFAULT_USERS
    from tests.sync.harness import Console
    from umcr_console.app import forget_when_withdrawn, log_in

    _role, password = DEFAULT_USERS["supervisor"]
    verifiers = OfflineVerifiers(tmp_path / "offline.json")
    session = asyncio.run(log_in(live_server.url, "supervisor", password, verifiers))
    assert session.token and verifiers.known(live_server.url, "supervisor")
    with Console(
        tmp_path, "ws-online", live_server.url, "supervisor", password, token=session.token
    ) as console:
        console.call(lambda: forget_when_withdrawn(console.engine, verifiers, session))
        console.wait_until(console.is_online, what="online")
        _cli(live_server.database_url, "user", "revoke", "supervisor")
        console.wait_until(lambda: console.engine.status.login_required, what="login required")
    assert not verifiers.known(live_server.url, "supervisor")
