"""Fuzzing the server's OpenAPI with schemathesis (issue 10, item 6; docs/security.md).

Every operation of the published schema gets valid and invalid requests
(positive and negative generation), sent in-process through ASGI with a
token of an admin, a dispatcher and the wall role. Each answer must be no
5xx, a documented status code with its documented content type, a body that
matches the schema, and a 4xx for data the schema forbids.

Bounded for CI: a fixed number of examples per operation, derandomized, no
deadline. A longer campaign (bench/fuzz_campaign.py) raises the budget with
``UMCR_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi import checks as openapi_checks

from tests.server.helpers import API, created, event, server_errors_fail_the_test
from tests.support.payloads import FUZZ_DERANDOMIZE, FUZZ_EXAMPLES
from tests.support.server import DEFAULT_USERS, prepare_database
from umcr_console.config import load_deployment
from umcr_console.server.app import create_app
from umcr_console.server.settings import Settings

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

# Examples per operation and generation mode; each is sent once per role.
ROLES = ("admin", "dispatcher1", "wall")
# Operations whose answer no token changes: sent once, without one.
TOKENLESS = {f"POST {API}/auth/token", f"GET {API}/health"}
REVOKES = {f"DELETE {API}/auth/token"}
# The event stream never ends by itself: read it this long (seconds), then cut.
STREAM_READ = 0.25

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
]


@dataclass
class FuzzServer:
    app: Any
    client: asgi.ASGIClient
    tokens: dict[str, str]

    def fresh_token(self, username: str) -> str:
        """A token of its own, for an example that revokes the one it sends."""
        answer = self.client.post(
            f"{API}/auth/token",
            json={"username": username, "password": DEFAULT_USERS[username][1]},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    folder: Path = tmp_path_factory.mktemp("fuzz-openapi")
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    prepare_database(url)
    settings_ = Settings(database_url=url, deployment=load_deployment("pilot"), keepalive=0.05)
    app = create_app(settings_)
    # schemathesis drives the app (and its lifespan) on its own event loop
    # thread; our own requests go through the same client, so one lifespan runs.
    with server_errors_fail_the_test(), asgi.get_client(app) as client:
        server = FuzzServer(app, client, {})
        for name in ROLES:
            server.tokens[name] = server.fresh_token(name)
        # Something to read: incidents, a note, a team on a call.
        incident = created()
        batch = {
            "events": [incident, event("incident.note_added", incident["entity_id"], {"text": "n"})]
        }
        answer = client.post(
            f"{API}/events",
            json=batch,
            headers={"Authorization": f"Bearer {server.tokens['dispatcher1']}"},
        )
        assert answer.status_code == 200, answer.text
        try:
            yield server
        finally:
            asgi.shutdown_lifespans()


def _published_schema() -> schemathesis.BaseSchema:
    """The OpenAPI document the server publishes, read at collection time.

    From an app that never starts (no database is opened): the schema does not
    depend on the database, and one test item per operation reads better than
    schemathesis' lazy loader (which pytest 9 does not support).
    """
    never_opened = sa.create_engine("sqlite://")
    app = create_app(
        Settings(database_url="sqlite://", deployment=load_deployment("pilot")),
        engine=never_opened,
    )
    loaded = schemathesis.openapi.from_dict(app.openapi())
    loaded.config.update(base_url="http://testserver")
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        deterministic=FUZZ_DERANDOMIZE,
        # The token is ours to send (one per role), not a parameter to mutate.
        with_security_parameters=False,
        # Unknown query parameters are ignored, as by most HTTP servers.
        allow_extra_parameters=False,
    )
    return loaded


schema = _published_schema()


@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=FUZZ_DERANDOMIZE,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_within_its_schema(case, fuzz_server: FuzzServer) -> None:
    operation = f"{case.operation.method.upper()} {case.operation.path}"
    kwargs: dict[str, Any] = {"session": fuzz_server.client, "checks": CHECKS}
    if operation.endswith("/events/stream"):
        kwargs["timeout"] = STREAM_READ
    if operation in TOKENLESS:
        case.call_and_validate(**kwargs)
        return
    for name in ROLES:
        # Signing out revokes the token sent: give that example a token of its own.
        token = fuzz_server.fresh_token(name) if operation in REVOKES else fuzz_server.tokens[name]
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, **kwargs)
