"""Bad input: a clear 4xx or a per-event rejection, never a 500, never a partial write."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from tests.server.helpers import API, PL1, Api, assigned, closed, created, event, now, status
from umcr_console.domain.ids import uuid7
from umcr_console.protocol import PROBLEM_JSON

MEGABYTE = "x" * (1024 * 1024)


def _raw(api: Api, content: bytes | str, content_type: str = "application/json"):
    return api.client.post(
        f"{API}/events",
        content=content,
        headers={**api.headers("dispatcher1"), "Content-Type": content_type},
    )


def _problem(answer, *codes: int) -> None:
    assert answer.status_code in codes, (answer.status_code, answer.text[:500])
    assert answer.headers["content-type"].startswith(PROBLEM_JSON)
    body = answer.json()
    assert body["status"] == answer.status_code and body["detail"] and body["title"]
    assert "Traceback" not in answer.text and 'File "' not in answer.text


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def _without(base: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in base.items() if k != key}


# Batches that are not valid batches at all: 4xx for the whole batch, nothing applied.
# Each has a valid event first, to prove nothing of a malformed batch is written.
MALFORMED_BATCHES: dict[str, Any] = {
    "not an object": lambda: [created()],
    "a string": lambda: "events",
    "events not a list": lambda: {"events": created()},
    "empty batch": lambda: {"events": []},
    "501 events": lambda: {"events": [created() for _ in range(501)]},
    "unknown top-level field": lambda: {"events": [created()], "force": True},
    "unknown envelope field": lambda: {"events": [created(), _with(created(), priority=1)]},
    "missing entity_id": lambda: {"events": [created(), _without(created(), "entity_id")]},
    "missing occurred_at": lambda: {"events": [created(), _without(created(), "occurred_at")]},
    "wrong type: expected_version": lambda: {
        "events": [created(), _with(created(), expected_version="three")]
    },
    "wrong type: workstation_id": lambda: {
        "events": [created(), _with(created(), workstation_id=7)]
    },
    "wrong type: payload": lambda: {"events": [created(), _with(created(), payload=["a"])]},
    "negative expected_version": lambda: {
        "events": [created(), _with(created(), expected_version=-1)]
    },
    "huge expected_version": lambda: {
        "events": [created(), _with(created(), expected_version=10**40)]
    },
    "invalid uuid: entity_id": lambda: {
        "events": [created(), _with(created(), entity_id="not-a-uuid")]
    },
    "invalid uuid: event_id": lambda: {"events": [created(), _with(created(), event_id="1234")]},
    "naive occurred_at": lambda: {
        "events": [created(), _with(created(), occurred_at="2024-05-01T10:00:00")]
    },
    "1 MB workstation_id": lambda: {
        "events": [created(), _with(created(), workstation_id=MEGABYTE)]
    },
    "1 MB event type": lambda: {"events": [created(), _with(created(), type=MEGABYTE)]},
    "NUL in a text": lambda: {"events": [created(), created(narrative="a\x00b")]},
    "NUL in workstation_id": lambda: {
        "events": [created(), _with(created(), workstation_id="ws\x00")]
    },
    "lone surrogate": lambda: {"events": [created(), created(narrative="\ud800")]},
    "deep nesting": lambda: {"events": [created(), created(extra=_nested(60))]},
}


def _nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"in": value}
    return value


# Events that are well-formed envelopes but cannot be applied: per-event rejections.
def _rejected_events() -> dict[str, tuple[dict[str, Any], str]]:
    incident = created()
    return {
        "unknown event type": (
            event("incident.teleported", incident["entity_id"]),
            "invalid_payload",
        ),
        "wrong type in payload": (created(priority="very"), "invalid_payload"),
        "missing payload field": (
            event("incident.created", uuid7(), _without(created()["payload"], "call_type")),
            "invalid_payload",
        ),
        "unknown payload field": (created(favourite_colour="blue"), "invalid_payload"),
        "1 MB narrative": (created(narrative=MEGABYTE), "invalid_payload"),
        "occurred_at a day in the future": (
            _with(created(), occurred_at=(now() + timedelta(days=1)).isoformat()),
            "invalid_payload",
        ),
        "occurred_at beyond UTC": (
            _with(created(), occurred_at="0001-01-01T00:00:00+05:00"),
            "invalid_payload",
        ),
        "invalid uuid in payload": (assigned(uuid7(), "PL-1"), "invalid_payload"),
        "invalid status": (status(PL1, "napping"), "invalid_payload"),
        "latitude out of range": (
            created(location={"address": "x", "lat": 123.0, "lon": 0.0, "division": "Olympic"}),
            "invalid_payload",
        ),
    }


@pytest.mark.slow
def test_malformed_batches_are_refused_whole(api: Api) -> None:
    before = api.events()
    for name, make in MALFORMED_BATCHES.items():
        answer = api.post_raw("dispatcher1", make())
        _problem(answer, 422)
        assert api.events()["last_seq"] == before["last_seq"], f"{name}: something was written"


@pytest.mark.slow
def test_bodies_that_are_not_json(api: Api) -> None:
    before = api.last_seq()
    _problem(_raw(api, b"{not json"), 400, 422)
    _problem(_raw(api, b""), 422)
    _problem(_raw(api, b"\xff\xfe\x00garbage"), 400, 422)
    _problem(_raw(api, json.dumps({"events": [created()]}), "text/plain"), 415, 422)
    # Python's JSON reader accepts NaN, JSON does not.
    nan = json.dumps({"events": [created(location={"lat": 12.3456})]}).replace("12.3456", "NaN")
    _problem(_raw(api, nan), 422)
    # Nesting deeper than any parser should follow.
    _problem(_raw(api, "[" * 100_000 + "]" * 100_000), 400, 422)
    # A body over the limit is refused unread.
    _problem(_raw(api, b" " * (9 * 1024 * 1024)), 413)
    assert api.last_seq() == before


def test_events_that_cannot_apply_are_rejected_one_by_one(asgi: Api) -> None:
    api = asgi
    cases = _rejected_events()
    good_before = created()
    good_after = created()
    batch = [good_before, *(e for e, _ in cases.values()), good_after]
    results = api.post("dispatcher1", *batch)
    assert results[0]["status"] == "accepted" and results[-1]["status"] == "accepted"
    assert results[-1]["seq"] == results[0]["seq"] + 1, "a rejection must not use up a seq"
    for (name, (_event, code)), result in zip(cases.items(), results[1:-1], strict=True):
        assert result["status"] == "rejected", name
        assert result["code"] == code, (name, result)
        assert result["detail"] and len(result["detail"]) < 2000, name


def test_sql_metacharacters_are_stored_verbatim(asgi: Api) -> None:
    api = asgi
    nasty = "Robert'); DROP TABLE events;-- \" % _ \\ ` ; /* */ $1 ?"
    incident = created(
        narrative=nasty, person=nasty, location={"address": nasty, "division": nasty}
    )
    incident["workstation_id"] = nasty
    added = event(
        "incident.note_added", incident["entity_id"], {"text": nasty}, workstation_id=nasty
    )
    api.accept("dispatcher1", incident, added)
    call = next(i for i in api.snapshot()["incidents"] if i["id"] == incident["entity_id"])
    assert call["narrative"] == nasty and call["person"] == nasty
    assert call["location"]["address"] == nasty and call["location"]["division"] == nasty
    assert call["notes"][0]["text"] == nasty and call["notes"][0]["workstation_id"] == nasty
    stored = api.events(after=api.last_seq() - 2)["events"]
    assert stored[0]["payload"]["narrative"] == nasty and stored[0]["workstation_id"] == nasty
    # The tables are all still there.
    assert len(api.snapshot()["teams"]) >= 6


@pytest.mark.parametrize(
    "params",
    [
        {"after": -1},
        {"after": "abc"},
        {"after": 10**30},
        {"limit": 0},
        {"limit": 5001},
        {"limit": "many"},
    ],
)
def test_bad_query_parameters(asgi: Api, params: dict[str, Any]) -> None:
    _problem(asgi.get("dispatcher1", "/events", params=params), 422)


def test_bad_sign_in_and_stream_requests(asgi: Api) -> None:
    api = asgi
    _problem(api.client.post(f"{API}/auth/token", json={"username": 5, "password": "x"}), 422)
    _problem(api.client.post(f"{API}/auth/token", json={"username": "a"}), 422)
    _problem(api.client.post(f"{API}/auth/token", content=b"nope"), 422)
    _problem(
        api.client.post(f"{API}/auth/token", json={"username": "a\x00b", "password": "x"}), 401
    )
    _problem(
        api.client.post(f"{API}/auth/token", json={"username": "x" * 101, "password": "x"}), 422
    )
    long_token = {"Authorization": "Bearer " + "t" * 10_000}
    _problem(api.client.get(f"{API}/snapshot", headers=long_token), 401)
    stream = api.client.get(
        f"{API}/events/stream", headers={**api.headers("dispatcher1"), "Last-Event-ID": "abc"}
    )
    _problem(stream, 422)
    _problem(api.get("dispatcher1", "/events/stream", params={"after": -5}), 422)


# Found by the schemathesis fuzzer (tests/server/test_fuzz_openapi.py):


@pytest.mark.slow
def test_report_and_audit_periods_are_rfc3339_never_bare_numbers(asgi: Api) -> None:
    # pydantic alone reads "0" as 1970-01-01T00:00:00Z (a Unix time).
    for start, end in [("0", "100"), ("0.5", "2024-01-01T00:00:00Z"), ("2024-01-01T00:00Z", "1e9")]:
        answer = asgi.get("dispatcher1", "/reports", params={"start": start, "end": end})
        _problem(answer, 422)
        assert "RFC 3339" in answer.json()["detail"]
    fine = {"start": "2024-01-01T00:00:00Z", "end": "2024-01-02 00:00:00+02:00"}
    assert asgi.get("dispatcher1", "/reports", params=fine).status_code == 200
    # The audit viewer's period too.
    for params in [{"until": "0.5"}, {"since": "1700000000"}]:
        _problem(asgi.get("admin", "/audit", params=params), 422)
    assert asgi.get("admin", "/audit", params={"since": fine["start"]}).status_code == 200


def test_every_error_the_schema_documents_is_problem_json(asgi: Api) -> None:
    spec = asgi.client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    assert PROBLEM_JSON in response["content"], (method, path, code)


@pytest.mark.slow
def test_a_body_that_is_not_utf8_is_a_documented_400(asgi: Api) -> None:
    spec = asgi.client.get("/openapi.json").json()
    garbage = b"\x15\xff(\xc5\x8d\xfe\xfe'"
    sign_in = asgi.client.post(
        f"{API}/auth/token", content=garbage, headers={"Content-Type": "application/json"}
    )
    for answer, path in [(sign_in, "/auth/token"), (_raw(asgi, garbage), "/events")]:
        _problem(answer, 400)
        assert "400" in spec["paths"][f"{API}{path}"]["post"]["responses"]


def test_a_longest_reopen_reason_is_a_rejection_not_a_500(asgi: Api) -> None:
    # Found by tests/domain/test_payload_fuzz.py: "Reopened: " + 10,000
    # characters made a note too long for its model, out of the rules.
    incident = created()
    asgi.accept("dispatcher1", incident, closed(incident["entity_id"]))
    reopen = event("incident.reopened", incident["entity_id"], {"reason": "é" * 10_000})
    [result] = asgi.post("dispatcher1", reopen)
    assert result["status"] == "rejected" and result["code"] == "invalid_payload", result
    assert "at most 10000" in result["detail"]
