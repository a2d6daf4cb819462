"""A user who logged in here before can start offline; nobody else can."""

import stat

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
