"""The redirect packet: a real receiving HTTP server on loopback, and the EIDO endpoint."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.interop.schema import OPENAPI, errors
from tests.server.helpers import (
    API,
    PL1,
    SECRETS,
    Api,
    FakeClock,
    assigned,
    closed,
    created,
    event,
    note,
    server_errors_fail_the_test,
)
from tests.support.server import prepare_database
from tests.support.waiting import wait_for
from umcr_console.config import load_deployment
from umcr_console.domain.enums import Agency
from umcr_console.domain.ids import uuid7
from umcr_console.server.app import create_app
from umcr_console.server.db import redirect_cursor
from umcr_console.server.redirects import (
    BACKOFF_ENV,
    ENDPOINT_ENV,
    MAX_ATTEMPTS_ENV,
    RedirectConfig,
)
from umcr_console.server.settings import Settings

WAIT = 20.0


@dataclass
class Receiver:
    """A partner agency's EIDO endpoint: refuses the first ``failures`` posts with 503."""

    failures: int = 0
    status_after: int = 200
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    @property
    def accepted(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["status"] < 300]

    def count(self) -> int:
        with self.lock:
            return len(self.requests)


@contextlib.contextmanager
def receiver(failures: int = 0, status_after: int = 200) -> Iterator[Receiver]:
    state = Receiver(failures=failures, status_after=status_after)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                code = 503 if len(state.requests) < state.failures else state.status_after
                state.requests.append(
                    {
                        "status": code,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": json.loads(body),
                    }
                )
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok" if code < 300 else b"no")

        def log_message(self, *_args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/eido"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def serve(database_url: str, *, errors_fail: bool = True) -> Iterator[Api]:
    """The app in-process (lifespan and the sender running), like tests.server.helpers.asgi_api."""
    prepare_database(database_url)
    clock = FakeClock()
    settings = Settings(
        database_url=database_url, deployment=load_deployment("pilot"), keepalive=0.2, clock=clock
    )
    app = create_app(settings)
    guard = server_errors_fail_the_test() if errors_fail else contextlib.nullcontext()
    with guard, TestClient(app, raise_server_exceptions=False) as client:
        yield Api("asgi", "sqlite", client, database_url, clock=clock, app=app)


def sender_caught_up(api: Api) -> None:
    """Wait until the app's redirect sender has finished a round begun after every
    commit so far: whatever it would wrongly (re)send, it has sent by then."""
    sender = api.app.state.redirect_sender
    target = sender.broadcaster.generation
    wait_for(
        lambda: sender.finished_generation >= target, WAIT, "a redirect round after the commits"
    )


def outbox(api: Api, incident_id: str | None = None, user: str = "supervisor") -> list[dict]:
    params = {"incident_id": incident_id} if incident_id else {}
    answer = api.get(user, "/redirects", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["redirects"]


def redirected(incident_id: str, agency: str = "LAPD", reason: str = "a knife was seen") -> dict:
    return event("incident.redirected", incident_id, {"agency": agency, "reason": reason})


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def any_database(request, tmp_path) -> str:
    """SQLite, and PostgreSQL where the tests have one (its row locks differ)."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def fast_retries(monkeypatch) -> None:
    monkeypatch.setenv(BACKOFF_ENV, "0.05")
    monkeypatch.setenv(MAX_ATTEMPTS_ENV, "5")


def _secrets_absent(body: dict) -> None:
    text = json.dumps(body, ensure_ascii=False)
    for name, secret in SECRETS.items():
        assert secret not in text, name


@pytest.mark.slow
def test_a_redirect_is_delivered_exactly_once_after_two_failures(
    any_database, monkeypatch, fast_retries
) -> None:
    database_url = any_database
    with receiver(failures=2) as lapd:
        monkeypatch.setenv(ENDPOINT_ENV[Agency.LAPD], lapd.url)
        with serve(database_url) as api:
            incident = created()
            team_assigned = assigned(incident["entity_id"], PL1)
            api.accept(
                "dispatcher1", incident, team_assigned, note(incident["entity_id"], SECRETS["note"])
            )
            redirect = redirected(incident["entity_id"])
            api.accept("dispatcher1", redirect)

            wait_for(lambda: lapd.accepted, WAIT, "the packet to arrive")
            (row,) = wait_for(
                lambda: [r for r in outbox(api) if r["status"] == "sent"],
                WAIT,
                "the outbox to say sent",
            )
            assert row["attempts"] == 3
            assert row["event_id"] == redirect["event_id"]
            assert row["agency"] == "LAPD"
            assert row["last_error"] is None

            # Later rounds (woken by new events) send nothing again.
            api.accept("dispatcher1", created())
            wait_for(lambda: len(outbox(api)) == 1 and api.last_seq() > 0, WAIT, "another round")
            sender_caught_up(api)
        assert lapd.count() == 3
        assert len(lapd.accepted) == 1
        keys = {r["headers"]["Idempotency-Key"] for r in lapd.requests}
        assert keys == {redirect["event_id"]}

        body = lapd.accepted[0]["body"]
        assert body["eidoVersion"] == "1.0"
        assert body["$id"].startswith(f"urn:emergency:uid:incidentid:{incident['entity_id']}:")
        assert body["incidentComponent"]["dispositionComponent"][0]["dispositionCategoryText"] == (
            "redirected_lapd"
        )
        # The team that was on it travels as a resource; the minimum of personal data.
        assert [r["emergencyResourceName"] for r in body["emergencyResourceComponent"]] == ["PL-1"]
        _secrets_absent(body)
        assert "a knife was seen" not in json.dumps(body)
        if OPENAPI.is_file():
            assert errors(body) == []

        # A restarted server does not send it again.
        with serve(database_url) as api:
            api.accept("dispatcher1", created())
            wait_for(lambda: outbox(api)[0]["status"] == "sent", WAIT, "the outbox to be read")
            sender_caught_up(api)
        assert lapd.count() == 3


@pytest.mark.slow
def test_a_close_with_a_redirect_disposition_goes_to_lafd(
    database_url, monkeypatch, fast_retries
) -> None:
    with receiver() as lafd:
        monkeypatch.setenv(ENDPOINT_ENV[Agency.LAFD], lafd.url)
        with serve(database_url) as api:
            incident = created()
            api.accept("dispatcher1", incident)
            api.accept(
                "dispatcher1", closed(incident["entity_id"], "redirected_lafd", "chest pain")
            )
            (row,) = wait_for(
                lambda: [r for r in outbox(api) if r["status"] == "sent"], WAIT, "the LAFD packet"
            )
            assert row["agency"] == "LAFD"
            # An ordinary close sends nothing.
            other = created()
            api.accept("dispatcher1", other, closed(other["entity_id"], "resolved_on_scene"))
            api.accept("dispatcher1", created())
            sender_caught_up(api)
            assert len(outbox(api)) == 1
        (request,) = lafd.requests
        agencies = {
            json.loads(a["agencyJcard"])[1][1][3]: a["incidentOwningAgencyIndicator"]
            for a in request["body"]["agencyComponent"]
        }
        assert agencies["Los Angeles Fire Department"] is True


@pytest.mark.slow
def test_failed_after_n_tries_is_recorded(database_url, monkeypatch, caplog) -> None:
    monkeypatch.setenv(BACKOFF_ENV, "0.05")
    monkeypatch.setenv(MAX_ATTEMPTS_ENV, "3")
    with receiver(failures=1000) as lapd:
        monkeypatch.setenv(ENDPOINT_ENV[Agency.LAPD], lapd.url)
        with serve(database_url, errors_fail=False) as api:
            incident = created()
            api.accept("dispatcher1", incident, redirected(incident["entity_id"]))
            (row,) = wait_for(
                lambda: [r for r in outbox(api) if r["status"] == "failed"], WAIT, "the failure"
            )
            assert row["attempts"] == 3
            assert row["last_error"].startswith("HTTP 503")
            api.accept("dispatcher1", created())
            sender_caught_up(api)
        assert lapd.count() == 3
    assert any("FAILED after 3 tries" in r.getMessage() for r in caplog.records)


def test_a_refusal_is_not_retried(database_url, monkeypatch, fast_retries) -> None:
    with receiver(status_after=400) as lapd:
        monkeypatch.setenv(ENDPOINT_ENV[Agency.LAPD], lapd.url)
        with serve(database_url, errors_fail=False) as api:
            incident = created()
            api.accept("dispatcher1", incident, redirected(incident["entity_id"]))
            (row,) = wait_for(
                lambda: [r for r in outbox(api) if r["status"] == "failed"], WAIT, "the failure"
            )
            assert row["attempts"] == 1
            assert row["last_error"].startswith("HTTP 400")
        assert lapd.count() == 1


@pytest.mark.slow
def test_an_unreachable_endpoint_counts_as_a_failed_try(
    database_url, monkeypatch, fast_retries
) -> None:
    """Connection refused counts as a failed try, like a 503."""
    with receiver() as lapd:
        real = lapd.url
    # The receiver is gone: its port refuses connections now.
    monkeypatch.setenv(ENDPOINT_ENV[Agency.LAPD], real)
    monkeypatch.setenv(MAX_ATTEMPTS_ENV, "2")
    with serve(database_url, errors_fail=False) as api:
        incident = created()
        api.accept("dispatcher1", incident, redirected(incident["entity_id"]))
        (row,) = wait_for(
            lambda: [r for r in outbox(api) if r["status"] == "failed"], WAIT, "the failure"
        )
        assert row["attempts"] == 2
        assert "Connect" in row["last_error"]


def test_without_an_endpoint_the_redirect_is_still_recorded(database_url, monkeypatch) -> None:
    monkeypatch.delenv(ENDPOINT_ENV[Agency.LAPD], raising=False)
    monkeypatch.delenv(ENDPOINT_ENV[Agency.LAFD], raising=False)
    with serve(database_url) as api:
        incident = created()
        api.accept("dispatcher1", incident, redirected(incident["entity_id"], "LAFD"))
        (row,) = wait_for(lambda: outbox(api), WAIT, "the outbox row")
        assert row["status"] == "no_endpoint"
        assert row["endpoint"] is None


def test_plain_events_leave_the_cursor_and_a_redirect_after_them_is_queued(
    database_url, monkeypatch
) -> None:
    """Issue 25: the sender no longer takes the writer lock after every commit.

    Events that hold no redirect, one per POST, leave the durable cursor where
    it was (the sender skips what it knows it committed itself); the redirect
    after them, and one after a commit it did not see coming, still get their rows.
    """
    monkeypatch.delenv(ENDPOINT_ENV[Agency.LAPD], raising=False)
    with serve(database_url) as api:
        engine = api.app.state.engine
        first = created()
        api.accept("dispatcher1", first, redirected(first["entity_id"]))
        wait_for(lambda: outbox(api), WAIT, "the first outbox row")
        with engine.connect() as conn:
            cursor = conn.execute(sa.select(redirect_cursor.c.last_seq)).scalar_one()
        for _ in range(12):
            api.accept("dispatcher1", created())
        sender_caught_up(api)
        with engine.connect() as conn:
            assert conn.execute(sa.select(redirect_cursor.c.last_seq)).scalar_one() == cursor
        later = created()
        api.accept("dispatcher1", later)
        api.accept("dispatcher1", redirected(later["entity_id"], "LAFD"))
        rows = wait_for(lambda: len(outbox(api)) == 2 and outbox(api), WAIT, "the second row")
        assert {r["incident_id"] for r in rows} == {first["entity_id"], later["entity_id"]}


@pytest.mark.slow
def test_two_servers_on_one_database_send_once(any_database, monkeypatch, fast_retries) -> None:
    database_url = any_database
    with receiver(failures=2) as lapd:
        monkeypatch.setenv(ENDPOINT_ENV[Agency.LAPD], lapd.url)
        with serve(database_url) as first, serve(database_url) as second:
            incident = created()
            first.accept("dispatcher1", incident, redirected(incident["entity_id"]))
            # The second process learns of the event by polling the shared log.
            wait_for(
                lambda: [r for r in outbox(second) if r["status"] == "sent"], WAIT, "the packet"
            )
            first.accept("dispatcher1", created())
            second.accept("dispatcher1", created())
            sender_caught_up(first)
            sender_caught_up(second)
            assert len(outbox(first)) == 1
        assert len(lapd.accepted) == 1
        assert lapd.count() == 3


def test_the_configuration_from_the_environment() -> None:
    config = RedirectConfig.from_env(
        {
            ENDPOINT_ENV[Agency.LAPD]: "https://lapd.example/eido",
            MAX_ATTEMPTS_ENV: "4",
            BACKOFF_ENV: "1.5",
            "UMCR_REDIRECT_PERSONAL": "yes",
            "UMCR_EIDO_AGENCY_ID": "umcr.example.org",
        }
    )
    assert config.endpoints == {Agency.LAPD: "https://lapd.example/eido"}
    assert config.max_attempts == 4
    assert config.include_personal is True
    assert config.identity.agency_id == "umcr.example.org"
    assert [config.delay(n) for n in (1, 2, 3)] == [1.5, 3.0, 6.0]
    assert RedirectConfig(backoff=100).delay(10) == 300.0  # capped
    with pytest.raises(ValueError, match="http"):
        RedirectConfig.from_env({ENDPOINT_ENV[Agency.LAFD]: "ftp://nope"})
    assert RedirectConfig.from_env({}).include_personal is False


# ---- GET /incidents/{id}/eido ----------------------------------------------------------


@pytest.fixture
def api(database_url, monkeypatch) -> Iterator[Api]:
    for agency in Agency:
        monkeypatch.delenv(ENDPOINT_ENV[agency], raising=False)
    with serve(database_url) as server_api:
        yield server_api


def _incident_with_note(api: Api) -> str:
    incident = created()
    api.accept(
        "dispatcher1",
        incident,
        assigned(incident["entity_id"], PL1),
        note(incident["entity_id"], SECRETS["note"]),
    )
    return incident["entity_id"]


def test_the_eido_endpoint_minimises_by_default(api: Api) -> None:
    incident_id = _incident_with_note(api)
    answer = api.get("dispatcher1", f"/incidents/{incident_id}/eido")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    _secrets_absent(body)
    assert body["incidentComponent"]["incidentTypeCommonRegistryText"] == "WELFARE"
    assert body["emergencyResourceComponent"][0]["unitStatusInternal"] == ["dispatched"]
    if OPENAPI.is_file():
        assert errors(body) == []


@pytest.mark.parametrize("user", ["dispatcher1", "supervisor", "admin"])
@pytest.mark.slow
def test_personal_data_on_request_for_dispatch_roles(api: Api, user: str) -> None:
    incident_id = _incident_with_note(api)
    answer = api.get(
        user, f"/incidents/{incident_id}/eido", params={"personal": "true", "notes": "true"}
    )
    assert answer.status_code == 200, answer.text
    text = answer.text
    for name in ("caller_name", "person", "narrative", "note"):
        assert SECRETS[name] in text, name
    if OPENAPI.is_file():
        assert errors(answer.json()) == []


@pytest.mark.parametrize("user", ["wall", "field1"])
@pytest.mark.parametrize("params", [{}, {"personal": "true"}])
@pytest.mark.slow
def test_the_wall_and_field_get_no_eido(api: Api, user: str, params: dict) -> None:
    incident_id = _incident_with_note(api)
    answer = api.get(user, f"/incidents/{incident_id}/eido", params=params)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert SECRETS["caller_name"] not in answer.text
    assert api.get(user, "/redirects").status_code == 403


def test_unknown_incidents_and_missing_tokens(api: Api) -> None:
    assert api.get("dispatcher1", f"/incidents/{uuid7()}/eido").status_code == 404
    assert api.get("dispatcher1", "/incidents/not-a-uuid/eido").status_code == 404
    answer = api.client.get(f"{API}/incidents/{uuid7()}/eido")
    assert answer.status_code == 401
    assert api.get("dispatcher1", "/redirects", params={"incident_id": "x"}).status_code == 422
