"""Event builders, the two ways to reach a server, and an SSE reader."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.support.server import DEFAULT_USERS, ServerProcess, prepare_database
from umcr_console.config import load_deployment
from umcr_console.domain.ids import name_id, uuid7
from umcr_console.server.app import create_app
from umcr_console.server.settings import Settings

API = "/api/v1"
PL1 = name_id("team", "PL-1")
PL2 = name_id("team", "PL-2")
EX1 = name_id("team", "EX-1")
ROSTER_SIZE = len(load_deployment("pilot").teams)

# Personal data that the wall must never receive, in any form.
SECRETS = {
    "caller_name": "Maria Quintana-Secret",
    "caller_phone": "+1-213-555-0199",
    "person": "Jonah Secretperson",
    "narrative": "Narrative-secret: he said he hears voices",
    "note": "Note-secret: mother says he stopped meds",
    "status_note": "Status-secret: sitting with Jonah",
}


def now() -> datetime:
    return datetime.now(UTC)


def iso(at: datetime | None = None) -> str:
    return (at or now()).isoformat()


def event(
    type_: str,
    entity_id: str,
    payload: dict[str, Any] | None = None,
    *,
    expected_version: int | None = None,
    occurred_at: str | None = None,
    event_id: str | None = None,
    workstation_id: str = "ws-test",
) -> dict[str, Any]:
    """An event exactly as a client puts it on the wire."""
    return {
        "event_id": event_id or uuid7(),
        "type": type_,
        "entity_id": entity_id,
        "occurred_at": occurred_at or iso(),
        "workstation_id": workstation_id,
        "expected_version": expected_version,
        "payload": payload or {},
    }


def created(incident_id: str | None = None, **payload: Any) -> dict[str, Any]:
    body = {
        "received_at": iso(),
        "source": "lapd_911",
        "call_type": "welfare_check",
        "priority": 2,
        "location": {
            "address": "1234 W Sunset Blvd",
            "lat": 34.07712,
            "lon": -118.26034,
            "division": "Wilshire",
        },
        "caller": {"name": SECRETS["caller_name"], "phone": SECRETS["caller_phone"]},
        "language": "Spanish",
        "narrative": SECRETS["narrative"],
        "person": SECRETS["person"],
    }
    body.update(payload)
    return event("incident.created", incident_id or uuid7(), body)


def assigned(incident_id: str, team_id: str, **kwargs: Any) -> dict[str, Any]:
    return event("incident.team_assigned", incident_id, {"team_id": team_id}, **kwargs)


def status(team_id: str, new_status: str, note: str = "", **kwargs: Any) -> dict[str, Any]:
    return event("team.status_changed", team_id, {"status": new_status, "note": note}, **kwargs)


def note(incident_id: str, text: str) -> dict[str, Any]:
    return event("incident.note_added", incident_id, {"text": text})


def closed(
    incident_id: str, disposition: str = "resolved_on_scene", note_: str = ""
) -> dict[str, Any]:
    return event("incident.closed", incident_id, {"disposition": disposition, "note": note_})


class FakeClock:
    """The server's clock in in-process tests: real time plus a shift tests control."""

    def __init__(self) -> None:
        self.shift = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def advance(self, delta: timedelta) -> None:
        self.shift += delta


@dataclass
class Api:
    """One server under test: in-process through ASGI, or a real process on loopback."""

    kind: str  # "asgi" or "process"
    database: str  # "sqlite" or "postgres"
    client: httpx.Client
    database_url: str
    users: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_USERS))
    clock: FakeClock | None = None
    server: ServerProcess | None = None
    app: Any = None
    _tokens: dict[str, str] = field(default_factory=dict)

    def token(self, username: str) -> str:
        if username not in self._tokens:
            answer = self.sign_in(username)
            assert answer.status_code == 200, answer.text
            self._tokens[username] = answer.json()["access_token"]
        return self._tokens[username]

    def sign_in(self, username: str, password: str | None = None) -> httpx.Response:
        password = password if password is not None else self.users[username][1]
        return self.client.post(
            f"{API}/auth/token", json={"username": username, "password": password}
        )

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def get(self, username: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(f"{API}{path}", headers=self.headers(username), **kwargs)

    def post_raw(self, username: str, body: Any, **kwargs: Any) -> httpx.Response:
        # json.dumps, not httpx's json=: ASCII escapes let tests send lone surrogates.
        return self.client.post(
            f"{API}/events",
            headers={**self.headers(username), "Content-Type": "application/json"},
            content=json.dumps(body),
            **kwargs,
        )

    def post(self, username: str, *events: dict[str, Any]) -> list[dict[str, Any]]:
        """Post a batch; the per-event results (the answer must be 200)."""
        answer = self.post_raw(username, {"events": list(events)})
        assert answer.status_code == 200, answer.text
        results = answer.json()["results"]
        assert [r["event_id"] for r in results] == [e["event_id"] for e in events]
        return results

    def accept(self, username: str, *events: dict[str, Any]) -> list[int]:
        """Post events that must all be accepted; their seqs."""
        results = self.post(username, *events)
        assert all(r["status"] == "accepted" for r in results), results
        return [r["seq"] for r in results]

    def snapshot(self, username: str = "dispatcher1") -> dict[str, Any]:
        answer = self.get(username, "/snapshot")
        assert answer.status_code == 200, answer.text
        return answer.json()

    def events(
        self, username: str = "dispatcher1", after: int = 0, limit: int = 5000
    ) -> dict[str, Any]:
        answer = self.get(username, "/events", params={"after": after, "limit": limit})
        assert answer.status_code == 200, answer.text
        return answer.json()

    def last_seq(self) -> int:
        answer = self.client.get(f"{API}/health")
        assert answer.status_code == 200
        return int(answer.json()["seq"])


class _ErrorLog(logging.Handler):
    """Collects errors the server logs: a test fails if the server hit one."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def server_errors_fail_the_test() -> Iterator[None]:
    handler = _ErrorLog()
    loggers = [logging.getLogger(name) for name in ("umcr_console", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]


@contextlib.contextmanager
def asgi_api(database_url: str, database: str, *, keepalive: float = 0.2) -> Iterator[Api]:
    """The app in-process, behind fastapi's TestClient (lifespan included)."""
    prepare_database(database_url)
    clock = FakeClock()
    settings = Settings(
        database_url=database_url,
        deployment=load_deployment("pilot"),
        keepalive=keepalive,
        clock=clock,
    )
    app = create_app(settings)
    # raise_server_exceptions=False: a 500 must show as a response the test can assert on.
    with server_errors_fail_the_test(), TestClient(app, raise_server_exceptions=False) as client:
        yield Api("asgi", database, client, database_url, clock=clock, app=app)


@contextlib.contextmanager
def process_api(
    tmp_path: Any, database_url: str, database: str, *, keepalive: float = 0.3
) -> Iterator[Api]:
    server = ServerProcess(tmp_path, database_url=database_url, keepalive=keepalive)
    with server, server.client(timeout=30.0) as client:
        yield Api("process", database, client, database_url, server=server)
    assert_clean_log(server)


def assert_clean_log(server: ServerProcess) -> None:
    """No error, no traceback, no 500 in what the server process logged."""
    text = server.log_text()
    for sign in ("Traceback", "ERROR", " 500 "):
        assert sign not in text, text[-5000:]


# -- Server-Sent Events ---------------------------------------------------------


@dataclass
class SseMessage:
    id: str | None = None
    event: str | None = None
    data: str | None = None
    comments: list[str] = field(default_factory=list)
    retry: str | None = None

    @property
    def json(self) -> dict[str, Any]:
        assert self.data is not None
        return json.loads(self.data)


class SseParser:
    """Incremental parser of a text/event-stream (the WHATWG format)."""

    def __init__(self) -> None:
        self.ended = False
        self._buffer = ""
        self._current = SseMessage()
        self.messages: list[SseMessage] = []
        self.comments: list[str] = []

    def feed(self, text: str) -> None:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self._line(line.rstrip("\r"))

    def _line(self, line: str) -> None:
        if not line:
            if any((self._current.id, self._current.event, self._current.data)):
                self.messages.append(self._current)
            self._current = SseMessage()
            return
        if line.startswith(":"):
            self.comments.append(line[1:].strip())
            return
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._current.data = (
                value if self._current.data is None else self._current.data + "\n" + value
            )
        elif name in ("id", "event", "retry"):
            setattr(self._current, name, value)

    @property
    def events(self) -> list[SseMessage]:
        return [m for m in self.messages if m.data is not None]


def read_stream_http(
    client: httpx.Client,
    headers: dict[str, str],
    *,
    params: dict[str, Any] | None = None,
    until: Callable[[SseParser], bool],
    timeout: float = 15.0,
) -> SseParser:
    """Read an SSE stream over real HTTP until ``until`` holds; then disconnect."""
    parser = SseParser()
    deadline = time.monotonic() + timeout
    with client.stream(
        "GET",
        f"{API}/events/stream",
        headers=headers,
        params=params,
        timeout=httpx.Timeout(timeout),
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for chunk in response.iter_text():
            parser.feed(chunk)
            if until(parser):
                return parser
            assert time.monotonic() < deadline, "the stream did not deliver in time"
    raise AssertionError(f"the stream ended early: {parser.messages}")


async def read_stream_asgi(
    app: Any,
    headers: dict[str, str],
    *,
    query: str = "",
    until: Callable[[SseParser], bool],
    timeout: float = 15.0,
    allow_end: bool = False,
) -> SseParser:
    """Read an SSE stream straight from the ASGI app until ``until`` holds.

    With ``allow_end`` the server ending the stream is an answer too
    (``parser.ended``), not a failure.

    httpx's ASGITransport and TestClient wait for the whole body, which an
    endless stream never ends; so this drives the app with the ASGI protocol.
    """
    parser = SseParser()
    done = asyncio.Event()
    disconnect = asyncio.Event()
    status: list[int] = []
    sent_body = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])
        elif message["type"] == "http.response.body":
            parser.feed(message.get("body", b"").decode())
            if until(parser):
                done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": f"{API}/events/stream",
        "raw_path": f"{API}/events/stream".encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    app_task = asyncio.ensure_future(app(scope, receive, send))
    done_task = asyncio.ensure_future(done.wait())
    try:
        await asyncio.wait(
            {app_task, done_task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        # Before we disconnect: did the server end the stream by itself?
        parser.ended = app_task.done()
    finally:
        done_task.cancel()
        disconnect.set()
        await asyncio.wait_for(app_task, 10)
    assert status == [200]
    if not done.is_set() and not (allow_end and parser.ended):
        raise AssertionError(f"the stream did not deliver in time: {parser.messages}")
    return parser


_stream_pool = concurrent.futures.ThreadPoolExecutor(max_workers=8)


def open_stream(
    api: Api,
    username: str,
    *,
    after: int | None = None,
    last_event_id: int | str | None = None,
    until: Callable[[SseParser], bool],
    timeout: float = 15.0,
) -> concurrent.futures.Future[SseParser]:
    """Read a stream in the background until ``until`` holds."""
    headers = api.headers(username)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    params: dict[str, Any] = {} if after is None else {"after": after}
    if api.kind == "asgi":
        query = "&".join(f"{k}={v}" for k, v in params.items())
        reader = functools.partial(
            read_stream_asgi, api.app, headers, query=query, until=until, timeout=timeout
        )
        return api.client.portal.start_task_soon(reader)
    return _stream_pool.submit(
        read_stream_http, api.client, headers, params=params, until=until, timeout=timeout
    )
