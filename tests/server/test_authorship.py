"""Authors (issue 19 item 3): an action another user sends is recorded as its author's
only when the author's enrolled key proves it; otherwise it is refused and audited.

docs/security.md, "Who did it: actions made offline across a shift change".
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.server.helpers import API, Api, created, note
from umcr_console.domain import authorship
from umcr_console.domain.events import Event
from umcr_console.server import audit, auth
from umcr_console.server.db import event_submitters, make_engine, users

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

WS = "ws-test"


def enrol(api: Api, username: str, key: Ed25519PrivateKey, workstation: str = WS) -> Any:
    return api.client.post(
        f"{API}/keys",
        headers=api.headers(username),
        json={
            "workstation_id": workstation,
            "public_key": authorship.encode_public(authorship.public_bytes(key)),
        },
    )


def signed(wire: dict[str, Any], author: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """``wire`` as a console sends another user's action: author and signature added."""
    event = Event.model_validate(wire)
    return {**wire, "author": author, "signature": authorship.sign(key, event, author)}


def audit_rows(api: Api, **params: Any) -> list[dict[str, Any]]:
    answer = api.get("supervisor", "/audit", params={"limit": 1000, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["entries"]


def chain_intact(api: Api) -> bool:
    engine = make_engine(api.database_url)
    try:
        return audit.verify(engine).intact
    finally:
        engine.dispose()


def test_a_key_is_enrolled_once_for_its_user_and_workstation(api: Api) -> None:
    key = Ed25519PrivateKey.generate()
    first = enrol(api, "dispatcher1", key)
    assert first.status_code == 200, first.text
    kid = first.json()["key_id"]
    assert kid == authorship.key_id(authorship.public_bytes(key))
    again = enrol(api, "dispatcher1", key)
    assert again.status_code == 200 and again.json()["key_id"] == kid
    # Bound to the user and the workstation: nobody else may claim it.
    assert enrol(api, "dispatcher2", key).status_code == 409
    assert enrol(api, "dispatcher1", key, "ws-other").status_code == 409
    # The wall makes no actions; a key that is not one is a clear 422.
    assert enrol(api, "wall", Ed25519PrivateKey.generate()).status_code == 403
    bad = api.client.post(
        f"{API}/keys",
        headers=api.headers("dispatcher1"),
        json={"workstation_id": WS, "public_key": "not-a-key"},
    )
    assert bad.status_code == 422
    rows = audit_rows(api, action="key.enrolled")
    assert [(r["actor"], r["workstation_id"]) for r in rows] == [("dispatcher1", WS)]


def test_a_proven_action_is_recorded_as_its_authors_and_who_sent_it(api: Api) -> None:
    key = Ed25519PrivateKey.generate()
    assert enrol(api, "dispatcher1", key).status_code == 200
    incident = created()
    own = note(incident["entity_id"], "B's own note")
    [first, second] = api.accept("dispatcher2", signed(incident, "dispatcher1", key), own)
    events = {e["seq"]: e for e in api.events()["events"]}
    assert events[first]["actor"] == "dispatcher1"
    assert events[second]["actor"] == "dispatcher2"
    # What the server sends stays protocol v1: no author or signature field.
    assert "author" not in events[first] and "signature" not in events[first]
    incident_now = api.snapshot()["incidents"][0]
    assert incident_now["created_by"] == "dispatcher1"
    rows = {r["seq"]: r for r in audit_rows(api, action="event.accepted")}
    assert rows[first]["actor"] == "dispatcher1"
    assert "submitted by dispatcher2" in rows[first]["detail"]
    assert rows[second]["actor"] == "dispatcher2" and not rows[second]["detail"]
    engine = make_engine(api.database_url)
    with engine.connect() as conn:
        kept = conn.execute(sa.select(event_submitters)).all()
    engine.dispose()
    assert [(r.seq, r.submitted_by) for r in kept] == [(first, "dispatcher2")]
    assert chain_intact(api)
    # A resend is a duplicate, as for any event.
    [again] = api.post("dispatcher2", signed(incident, "dispatcher1", key))
    assert again["status"] == "duplicate" and again["seq"] == first


def _refused(api: Api, wire: dict[str, Any], why: str) -> None:
    before = api.last_seq()
    [result] = api.post("dispatcher2", wire)
    assert result["status"] == "rejected", result
    assert result["code"] == "author_unproven"
    assert why in result["detail"], result["detail"]
    assert api.last_seq() == before
    # Newest first: this refusal (the same action may have been refused before).
    row = next(
        r for r in audit_rows(api, action="event.rejected") if r["event_id"] == wire["event_id"]
    )
    # The record names who sent it; the detail names whose it claimed to be.
    assert row["actor"] == "dispatcher2"
    assert row["reject_code"] == "author_unproven"
    assert "dispatcher1" in row["detail"]


def test_a_forged_or_changed_action_is_refused_and_audited(api: Api) -> None:
    key = Ed25519PrivateKey.generate()
    assert enrol(api, "dispatcher1", key).status_code == 200
    # Signed by another key under A's key id.
    forged = signed(created(), "dispatcher1", Ed25519PrivateKey.generate())
    kid = authorship.key_id(authorship.public_bytes(key))
    forged["signature"] = kid + forged["signature"][16:]
    _refused(api, forged, "does not verify")
    # A's real signature, but the narrative changed after signing.
    changed = signed(created(), "dispatcher1", key)
    changed["payload"] = {**changed["payload"], "narrative": "something else"}
    _refused(api, changed, "does not verify")
    # No signature at all (the action was made with no key on the workstation).
    _refused(api, {**created(), "author": "dispatcher1"}, "no signature")
    # A key of B's, presented as A's.
    b_key = Ed25519PrivateKey.generate()
    assert enrol(api, "dispatcher2", b_key).status_code == 200
    _refused(api, signed(created(), "dispatcher1", b_key), "not one of theirs")
    # A's key, but the action claims another workstation.
    elsewhere = signed({**created(), "workstation_id": "ws-other"}, "dispatcher1", key)
    _refused(api, elsewhere, "belongs to workstation")
    assert chain_intact(api)


def test_a_revoked_or_disabled_author_proves_nothing(api: Api) -> None:
    key = Ed25519PrivateKey.generate()
    assert enrol(api, "dispatcher1", key).status_code == 200
    pending = signed(created(), "dispatcher1", key)
    engine = make_engine(api.database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.update(users).where(users.c.username == "dispatcher1").values(disabled=True)
            )
        _refused(api, pending, "disabled")
        with engine.begin() as conn:
            conn.execute(
                sa.update(users).where(users.c.username == "dispatcher1").values(disabled=False)
            )
        auth.revoke_user(engine, "dispatcher1", actor="cli:test")
    finally:
        engine.dispose()
    _refused(api, pending, "revoked")
    # A revoked key cannot be enrolled again: the console makes a new one.
    fresh = api.sign_in("dispatcher1")
    assert fresh.status_code == 200
    api._tokens.pop("dispatcher1", None)
    assert enrol(api, "dispatcher1", key).status_code == 409


def test_the_author_must_still_be_allowed_to_do_it(api: Api) -> None:
    # field1 may change only its own team: an incident it "made" is refused for it.
    key = Ed25519PrivateKey.generate()
    assert enrol(api, "field1", key).status_code == 200
    wire = signed(created(), "field1", key)
    [result] = api.post("dispatcher2", wire)
    assert result["status"] == "rejected" and result["code"] == "forbidden", result
    [row] = [
        r for r in audit_rows(api, action="event.rejected") if r["event_id"] == wire["event_id"]
    ]
    assert row["actor"] == "field1" and "submitted by dispatcher2" in row["detail"]


def test_an_author_equal_to_the_tokens_user_needs_no_signature(api: Api) -> None:
    wire = {**created(), "author": "dispatcher2"}
    [seq] = api.accept("dispatcher2", wire)
    assert api.events(after=seq - 1)["events"][0]["actor"] == "dispatcher2"


@pytest.mark.parametrize("field", ["author", "signature"])
def test_author_fields_are_bounded(api: Api, field: str) -> None:
    wire = {**created(), field: "x" * 300}
    answer = api.post_raw("dispatcher2", {"events": [wire]})
    assert answer.status_code == 422
