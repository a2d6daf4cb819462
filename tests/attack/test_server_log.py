"""No personal data in the server's log, whatever fails (issue 17, item 6).

A real `umcr-server serve` is made to fail while it stores a call full of
personal data (a trigger or a check constraint the attacker-turned-tester adds
to the database), and asked for things with personal data in the query string
and in invalid bodies; its whole log output must hold none of it.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.server.helpers import SECRETS, created
from tests.support.server import ServerProcess
from umcr_console.server.logsafe import SafeLogFilter, describe

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

API = "/api/v1"


def _leaked(text: str) -> list[str]:
    return [label for label, secret in SECRETS.items() if secret in text]


def _post(server: ServerProcess, body: object) -> httpx.Response:
    with server.client("dispatcher1") as client:
        return client.post(f"{API}/events", json=body)


@pytest.mark.parametrize(
    ("trigger", "status"),
    [
        # sqlite3.IntegrityError: the 500 handler.
        ("SELECT RAISE(ABORT, 'forced failure')", 500),
        # sqlite3.OperationalError ("no such table"): the 503 handler.
        ("INSERT INTO no_such_table VALUES (1)", 503),
    ],
    ids=["integrity-500", "operational-503"],
)
def test_a_database_error_logs_no_personal_data(tmp_path: Path, trigger: str, status: int) -> None:
    with ServerProcess(tmp_path) as server:
        database = tmp_path / "server.sqlite3"
        with sqlite3.connect(database) as conn:
            conn.execute(f"CREATE TRIGGER fail BEFORE INSERT ON events BEGIN {trigger}; END")
        answer = _post(server, {"events": [created()]})
        assert answer.status_code == status, answer.text
        assert not _leaked(answer.text)
    log = server.log_text()
    # The failure is in the log (type, where), its data is not.
    assert "Error" in log
    assert _leaked(log) == [], log[-3000:]
    assert "[parameters:" not in log


@pytest.mark.postgres
def test_a_postgres_error_detail_logs_no_personal_data(tmp_path: Path, postgres_url: str) -> None:
    """PostgreSQL puts the whole failing row in a check violation's DETAIL line."""
    with ServerProcess(tmp_path, database_url=postgres_url) as server:
        engine = sa.create_engine(postgres_url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    sa.text("ALTER TABLE events ADD CONSTRAINT forced CHECK (seq < 0) NOT VALID")
                )
        finally:
            engine.dispose()
        answer = _post(server, {"events": [created()]})
        assert answer.status_code == 500, answer.text
    log = server.log_text()
    assert "CheckViolation" in log or "IntegrityError" in log, log[-3000:]
    assert _leaked(log) == [], log[-3000:]


def test_query_strings_and_invalid_bodies_stay_out_of_the_log(tmp_path: Path) -> None:
    with ServerProcess(tmp_path) as server, server.client("supervisor") as client:
        name = SECRETS["caller_name"]
        client.get(f"{API}/audit", params={"actor": name, "incident": SECRETS["person"]})
        client.get(f"{API}/redirects", params={"incident_id": SECRETS["caller_phone"]})
        bad = created()
        bad["payload"]["priority"] = SECRETS["narrative"]
        assert client.post(f"{API}/events", json={"events": [bad]}).status_code in (200, 422)
        assert client.post(f"{API}/events", content=SECRETS["note"].encode()).status_code == 422
        assert client.post(
            f"{API}/auth/token", json={"username": SECRETS["person"], "password": name}
        ).status_code in (401, 422)
    log = server.log_text()
    assert "GET /api/v1/audit?..." in log  # the request is logged, its query is not
    assert _leaked(log) == [], log[-3000:]


def test_the_filter_strips_exception_text_from_any_record() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", None, None)
    try:
        raise ValueError(f"bad value {SECRETS['person']}")
    except ValueError as exc:
        record.exc_info = (type(exc), exc, exc.__traceback__)
        record.args = (exc,)
    assert SafeLogFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "ValueError" in text and "test_the_filter_strips" in text
    assert SECRETS["person"] not in text
    assert SECRETS["person"] not in describe(ValueError(SECRETS["person"]))
