"""The roster comes from the deployment configuration; unexpected errors stay problems."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tests.server.conftest import DATABASES
from tests.server.helpers import API, ROSTER_SIZE, assert_clean_log
from tests.support.server import ServerProcess, prepare_database
from umcr_console.config import DEPLOYMENT_ENV, load_deployment, resource
from umcr_console.domain.config import TeamConfig
from umcr_console.domain.ids import name_id
from umcr_console.protocol import PROBLEM_JSON
from umcr_console.server.app import create_app
from umcr_console.server.settings import Settings


def _grown_deployment(tmp_path: Path) -> Path:
    """The pilot plus one more team: growing is a configuration change."""
    data = json.loads(resource("deployments", "pilot.json").read_text(encoding="utf-8"))
    data["teams"].append(
        {
            "call_sign": "EX-3",
            "provider": "Exodus Recovery",
            "division": "Southeast",
            "languages": ["English"],
        }
    )
    path = tmp_path / "grown.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
@pytest.mark.slow
def test_a_new_team_in_the_configuration_joins_the_roster_once(tmp_path, database_url: str) -> None:
    server = ServerProcess(tmp_path, database_url=database_url)
    with server:
        assert httpx.get(f"{server.url}{API}/health").json()["seq"] == ROSTER_SIZE
        server.stop()
        server.extra_env[DEPLOYMENT_ENV] = str(_grown_deployment(tmp_path))
        server.start()
        with server.client("supervisor") as client:
            log = client.get(f"{API}/events", params={"after": ROSTER_SIZE}).json()["events"]
            snapshot = client.get(f"{API}/snapshot").json()
    assert_clean_log(server)
    assert len(log) == 1
    added = log[0]
    expected = TeamConfig(call_sign="EX-3", provider="Exodus Recovery", division="Southeast")
    assert added["type"] == "team.created" and added["actor"] == "system"
    assert added["event_id"] == name_id("team-created", "EX-3")
    assert added["entity_id"] == expected.id
    team = next(t for t in snapshot["teams"] if t["call_sign"] == "EX-3")
    assert team["status"] == "available" and team["division"] == "Southeast"


def test_unexpected_errors_are_problems_without_a_stack_trace(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    prepare_database(url)
    app = create_app(Settings(database_url=url, deployment=load_deployment("pilot")))

    def boom() -> None:
        raise RuntimeError("secret internals: /etc/passwd")

    def database_gone() -> None:
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    app.add_api_route("/boom", boom)
    app.add_api_route("/gone", database_gone)
    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/boom")
        assert answer.status_code == 500
        assert answer.headers["content-type"].startswith(PROBLEM_JSON)
        assert answer.json()["title"] == "Internal Server Error"
        assert "secret" not in answer.text and "Traceback" not in answer.text
        busy = client.get("/gone")
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "1"
        assert "retry" in busy.json()["detail"]
