"""Settings, logs and the local database live in per-user locations, never in the install folder.

An installed console (a wheel, or the PyInstaller bundle that the Windows
installer copies to Program Files) runs a full self-test against a real
server with a fresh user profile; afterwards its install folder must be
byte-for-byte as before, and its data must be where platformdirs puts it.
An upgrade keeps the local database: a store written by the previous schema
opens in the current console with its outbox intact.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.installs import (
    RUN_TIMEOUT_S,
    bundle_executable,
    bundle_from_env,
    changes,
    installed_wheel,
    tree_state,
    user_profile_env,
)
from tests.support.server import DEFAULT_USERS
from umcr_console import paths
from umcr_console.store import LocalStore, schema
from umcr_console.store.workspace import Workspace

FIXTURES = Path(__file__).parent / "data"
USER = "dispatcher1"


def profile_locations(home: Path) -> tuple[Path, Path]:
    """Where the console keeps data and logs for a user whose home is ``home`` (Linux, XDG)."""
    return home / ".local/share/umcr-console", home / ".local/state/umcr-console/log"


def test_the_default_locations_are_per_user(monkeypatch, tmp_path: Path) -> None:
    for key, value in user_profile_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    data, logs = profile_locations(tmp_path)
    assert paths.data_dir() == data
    assert paths.log_dir() == logs
    assert data.is_dir() and logs.is_dir()


def test_the_data_dir_variable_moves_everything(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "portable"))
    assert paths.data_dir() == tmp_path / "portable"
    assert paths.log_dir() == tmp_path / "portable" / "logs"


def run_installed_console(
    command: list[str], install: Path, home: Path, server_url: str, **env: str
) -> None:
    """Self-test ``command`` against the server as a fresh user; check where it wrote."""
    workdir = home / "workdir"
    workdir.mkdir(parents=True)
    before = tree_state(install)
    result = subprocess.run(
        [*command, "--self-test", "--server", server_url, "--user", USER],
        env={**user_profile_env(home), "UMCR_PASSWORD": DEFAULT_USERS[USER][1], **env},
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SELF-TEST OK" in result.stdout

    assert changes(before, tree_state(install)) == [], "the console wrote to its install folder"
    assert list(workdir.iterdir()) == [], "the console wrote to its working folder"
    data, logs = profile_locations(home)
    assert (data / "settings.ini").is_file()
    assert (data / "offline-login.json").is_file()
    [store] = (data / "stores").glob("*.sqlite3")
    with LocalStore(store) as opened:
        assert opened.cursor()[0] > 0  # the synced server state, kept for the next start
    assert "starting" in (logs / "console.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_installed_wheel_keeps_its_data_in_the_user_profile(
    live_server, tmp_path: Path, tmp_path_factory
) -> None:
    site = installed_wheel(tmp_path_factory.getbasetemp() / "installed-wheel")
    # Fail unless the console really runs from the wheel's copy.
    command = [
        sys.executable,
        "-c",
        "import sys, umcr_console; from pathlib import Path; "
        f"assert Path(umcr_console.__file__).resolve().is_relative_to(Path({str(site)!r}).resolve()), "
        "umcr_console.__file__; from umcr_console.app import main; sys.exit(main())",
    ]
    run_installed_console(command, site, tmp_path / "home", live_server.url, PYTHONPATH=str(site))


@pytest.mark.slow
def test_the_bundle_keeps_its_data_in_the_user_profile(live_server, tmp_path: Path) -> None:
    bundle = bundle_from_env()
    run_installed_console(
        [str(bundle_executable(bundle))], bundle, tmp_path / "home", live_server.url
    )


# -- an upgrade keeps the local database ---------------------------------------

# In tests/data/local_store_v1.sql: two events made offline, never sent.
FIXTURE_OUTBOX = [
    ("01a21885-5d45-7607-b220-2610e8ef5f7a", "incident.created"),
    ("01a21885-5d4d-72e3-9261-f7c1f6718fed", "incident.team_assigned"),
]
FIXTURE_INCIDENT = "01935f3e-0000-7000-8000-00000000f1a0"


def restore(dump: str, path: Path) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.executescript(dump)
    finally:
        connection.close()


def test_an_upgrade_keeps_the_outbox_of_a_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "stores" / "previous.sqlite3"
    path.parent.mkdir()
    restore((FIXTURES / "local_store_v1.sql").read_text(encoding="utf-8"), path)

    with LocalStore(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        outbox = store.load_outbox()
        assert [(row.event.event_id, str(row.event.type)) for row in outbox] == FIXTURE_OUTBOX
        assert all(row.accepted_seq is None for row in outbox)
        # The console's own view of it: the events are pending, on top of the
        # confirmed state the previous version had synced.
        workspace = Workspace(store)
        assert workspace.pending_count == 2
        assert workspace.unsent(10)[0].event_id == FIXTURE_OUTBOX[0][0]
        assert workspace.cursor == 6
        assert len(workspace.confirmed.teams) == 6
        assert FIXTURE_INCIDENT in workspace.view.incidents
        assert workspace.workstation_id == "ws-fixture"


def test_every_earlier_schema_upgrades_with_its_outbox(tmp_path: Path) -> None:
    """From each schema version to the newest, an outbox row written in that version stays."""
    dump = (FIXTURES / "local_store_v1.sql").read_text(encoding="utf-8")
    insert = next(line for line in dump.splitlines() if line.startswith('INSERT INTO "outbox"'))
    for version in range(1, schema.SCHEMA_VERSION + 1):
        path = tmp_path / f"v{version}.sqlite3"
        script = ";\n".join(
            s for m in schema.MIGRATIONS[:version] for s in schema.split_statements(m)
        )
        restore(f"{script};\n{insert}\nPRAGMA user_version = {version};", path)
        with LocalStore(path) as store:
            assert store.schema_version == schema.SCHEMA_VERSION
            [kept] = store.load_outbox()
            assert kept.event.event_id == FIXTURE_OUTBOX[0][0], f"from schema {version}"
