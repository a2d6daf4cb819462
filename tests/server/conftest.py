"""Fixtures of the server tests: the same scenarios on every way to run the server."""

from __future__ import annotations

import pytest

from tests.server.helpers import Api, asgi_api, process_api

# In-process (ASGI) and a real `umcr-server serve` process, each on SQLite and PostgreSQL.
BACKENDS = [
    pytest.param(("asgi", "sqlite"), id="asgi-sqlite"),
    pytest.param(("asgi", "postgres"), id="asgi-postgres", marks=pytest.mark.postgres),
    pytest.param(("process", "sqlite"), id="process-sqlite"),
    pytest.param(("process", "postgres"), id="process-postgres", marks=pytest.mark.postgres),
]
DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture
def database_url(request, tmp_path):
    """The URL of a fresh database of the kind the test is parametrized with."""
    kind = request.param if hasattr(request, "param") else "sqlite"
    if kind == "postgres":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


def _api(request, tmp_path, kind: str, database: str):
    url = (
        request.getfixturevalue("postgres_url")
        if database == "postgres"
        else f"sqlite:///{tmp_path / 'server.sqlite3'}"
    )
    if kind == "asgi":
        return asgi_api(url, database)
    return process_api(tmp_path, url, database)


@pytest.fixture(params=BACKENDS)
def api(request, tmp_path) -> Api:
    """A fresh server with the default users, reached in-process or over loopback."""
    kind, database = request.param
    with _api(request, tmp_path, kind, database) as server_api:
        yield server_api


@pytest.fixture(params=[b for b in BACKENDS if b.values[0][0] == "asgi"])
def asgi(request, tmp_path) -> Api:
    """In-process only: for tests that move the server's clock."""
    kind, database = request.param
    with _api(request, tmp_path, kind, database) as server_api:
        yield server_api


@pytest.fixture(params=[b for b in BACKENDS if b.values[0][0] == "process"])
def process(request, tmp_path) -> Api:
    """A real server process only: for signals, restarts and real concurrency."""
    kind, database = request.param
    with _api(request, tmp_path, kind, database) as server_api:
        yield server_api
