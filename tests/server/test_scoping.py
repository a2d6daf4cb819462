"""Provider scoping (issue 10, item 1): on every endpoint, a provider's user sees in
full only what its provider holds, and acts only on that and on pending calls."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.server.helpers import (
    API,
    EX1,
    PL1,
    SECRETS,
    Api,
    assigned,
    created,
    event,
    iso,
    note,
    now,
    open_stream,
    status,
)
from tests.server.test_redirects import WAIT, outbox
from tests.support.waiting import wait_for
from umcr_console.domain.authorship import encode_public, public_bytes
from umcr_console.domain.ids import name_id
from umcr_console.server import audit, auth
from umcr_console.server.db import make_engine

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

PL2 = name_id("team", "PL-2")
EX2 = name_id("team", "EX-2")
PENNY = "Penny Lane Centers"
EXODUS = "Exodus Recovery"
# (role, provider) of the users this file adds to the default ones.
PROVIDER_USERS = {
    "penny": ("dispatcher", PENNY),
    "penny_supervisor": ("supervisor", PENNY),
    "exodus": ("dispatcher", EXODUS),
}


def _add_provider_users(api: Api) -> None:
    engine = make_engine(api.database_url)
    try:
        for name, (role, provider) in PROVIDER_USERS.items():
            password = f"{name} sings in the choir"
            auth.add_user(engine, name, role, password, provider=provider)
            api.users[name] = (role, password)
    finally:
        engine.dispose()


def _leaks(text: str) -> list[str]:
    return [label for label, secret in SECRETS.items() if secret in text]


class Floor:
    """Four calls: A pending (central), B held by Exodus, C held by Penny Lane,
    D taken by a Penny Lane dispatcher (pending, no team yet)."""

    def __init__(self, api: Api) -> None:
        _add_provider_users(api)
        self.api = api
        a, b, c = created(), created(), created()
        self.a, self.b, self.c = a["entity_id"], b["entity_id"], c["entity_id"]
        api.accept(
            "dispatcher1",
            a,
            b,
            c,
            assigned(self.b, EX1),
            status(EX1, "en_route", note=SECRETS["status_note"]),
            assigned(self.c, PL1),
            note(self.c, SECRETS["note"]),
            note(self.b, SECRETS["note"]),
        )
        d = created()
        self.d = d["entity_id"]
        api.accept("penny", d)

    def incident(self, snapshot: dict[str, Any], incident_id: str) -> dict[str, Any]:
        return next(i for i in snapshot["incidents"] if i["id"] == incident_id)


@pytest.fixture
def floor(api: Api) -> Floor:
    return Floor(api)


def _full(incident: dict[str, Any]) -> bool:
    return incident["caller"]["name"] == SECRETS["caller_name"] and incident["narrative"]


def test_snapshot_is_full_for_what_the_provider_holds_and_redacted_elsewhere(floor: Floor) -> None:
    snapshot = floor.api.snapshot("penny")
    a, b, c, d = (floor.incident(snapshot, i) for i in (floor.a, floor.b, floor.c, floor.d))
    assert _full(c) and _full(d)
    assert any(n["text"] == SECRETS["note"] for n in c["notes"])
    for other in (a, b):
        assert not _leaks(json.dumps(other)), other
        assert other["location"]["address"] == ""
        # The pending queue's fields: enough to decide to take the call.
        assert other["call_type"] == "welfare_check" and other["priority"] == 2
        assert other["location"]["division"] == "Wilshire"
        assert other["state"] in ("pending", "assigned")
    teams = {t["id"]: t for t in snapshot["teams"]}
    assert teams[EX1]["status"] == "en_route" and teams[EX1]["status_note"] == ""
    # Exodus sees the other way round, and a central dispatcher sees everything.
    exodus = floor.api.snapshot("exodus")
    assert _full(floor.incident(exodus, floor.b))
    assert not _leaks(json.dumps(floor.incident(exodus, floor.c)))
    assert not _leaks(json.dumps(floor.incident(exodus, floor.d)))
    assert SECRETS["status_note"] in json.dumps(exodus["teams"])
    central = floor.api.snapshot("dispatcher1")
    assert all(_full(floor.incident(central, i)) for i in (floor.a, floor.b, floor.c, floor.d))


def test_events_keep_every_seq_and_redact_what_is_out_of_scope(floor: Floor) -> None:
    page = floor.api.events("penny")
    seqs = [e["seq"] for e in page["events"]]
    assert seqs == list(range(1, page["last_seq"] + 1))
    for e in page["events"]:
        text = json.dumps(e)
        if e["entity_id"] in (floor.c, floor.d):
            continue
        assert not _leaks(text), e
    assert SECRETS["note"] in json.dumps([e for e in page["events"] if e["entity_id"] == floor.c])
    assert SECRETS["caller_name"] in json.dumps(
        [e for e in page["events"] if e["entity_id"] == floor.d]
    )


def test_the_stream_is_scoped_like_the_log(floor: Floor) -> None:
    total = floor.api.last_seq()
    stream = open_stream(floor.api, "penny", after=0, until=lambda p: len(p.events) >= total)
    messages = stream.result(timeout=30).events
    assert [int(m.id) for m in messages] == list(range(1, total + 1))
    by_entity: dict[str, list[str]] = {}
    for m in messages:
        payload = json.loads(m.data)
        by_entity.setdefault(payload["entity_id"], []).append(m.data)
    assert not _leaks(json.dumps(by_entity[floor.a] + by_entity[floor.b] + by_entity[EX1]))
    assert SECRETS["note"] in json.dumps(by_entity[floor.c])


def test_timeline_eido_and_redirects_are_scoped(floor: Floor) -> None:
    api = floor.api
    held = api.get("penny", f"/incidents/{floor.c}/events")
    other = api.get("penny", f"/incidents/{floor.b}/events")
    assert held.status_code == other.status_code == 200
    assert SECRETS["note"] in held.text and not _leaks(other.text)

    assert api.get("penny", f"/incidents/{floor.c}/eido").status_code == 200
    refused = api.get("penny", f"/incidents/{floor.b}/eido")
    assert refused.status_code == 403 and "another provider" in refused.text
    assert api.get("exodus", f"/incidents/{floor.b}/eido").status_code == 200

    api.accept(
        "dispatcher1",
        event("incident.redirected", floor.b, {"agency": "LAPD", "reason": "weapon seen"}),
    )
    # The packet is queued by the server's redirect sender, soon after the event.
    wait_for(lambda: outbox(api, user="dispatcher1"), WAIT, "the redirect packet")
    listed = {r["incident_id"] for r in outbox(api, user="exodus")}
    assert listed == {floor.b}
    assert outbox(api, user="penny") == []
    assert len(outbox(api, user="dispatcher1")) == 1


def test_reports_count_the_calls_of_the_providers_teams(floor: Floor) -> None:
    window = {"start": iso(now() - timedelta(hours=1)), "end": iso(now() + timedelta(hours=1))}
    central = floor.api.get("dispatcher1", "/reports", params=window)
    penny = floor.api.get("penny", "/reports", params=window)
    exodus = floor.api.get("exodus", "/reports", params=window)
    assert central.status_code == penny.status_code == exodus.status_code == 200
    assert central.json()["total"]["calls"] == 4
    # C (Penny Lane's team) and B (Exodus's team); D has no team yet.
    assert penny.json()["total"]["calls"] == 1
    assert exodus.json()["total"]["calls"] == 1
    assert set(penny.json()["by_provider"]) == {PENNY}


def test_a_provider_acts_on_its_own_incidents_and_teams_and_takes_pending_calls(
    floor: Floor,
) -> None:
    api = floor.api

    def judged(*events: dict[str, Any]) -> list[tuple[str, str | None]]:
        return [(r["status"], r.get("code")) for r in api.post("penny", *events)]

    forbidden = ("rejected", "forbidden")
    # Another provider's incident and team: refused, with the reason.
    results = api.post("penny", note(floor.b, "a note"))
    assert results[0]["code"] == "forbidden" and "another provider" in results[0]["detail"]
    assert judged(status(EX1, "on_scene")) == [forbidden]
    assert judged(event("team.checked_in", EX1, {"note": ""})) == [forbidden]
    # Its own: accepted; but it may not put another provider's team on its call.
    assert judged(note(floor.c, "on our way"), status(PL1, "en_route")) == [
        ("accepted", None),
        ("accepted", None),
    ]
    assert judged(assigned(floor.c, EX2)) == [forbidden]
    # A pending call of the central queue: it may take it with its own team ...
    assert judged(assigned(floor.a, EX2)) == [forbidden]
    assert judged(assigned(floor.a, PL2)) == [("accepted", None)]
    # ... and then it holds it: the personal data reaches it, not Exodus.
    assert _full(floor.incident(api.snapshot("penny"), floor.a))
    assert not _leaks(json.dumps(floor.incident(api.snapshot("exodus"), floor.a)))
    # A provider's supervisor is scoped the same way.
    assert [r["code"] for r in api.post("penny_supervisor", note(floor.b, "x"))] == ["forbidden"]
    assert not _leaks(json.dumps(floor.incident(api.snapshot("penny_supervisor"), floor.b)))
    # Nothing refused reached the log.
    log = json.dumps(api.events("dispatcher1"))
    assert "a note" not in log and '"x"' not in log


def test_a_new_call_and_work_on_it_in_one_batch(floor: Floor) -> None:
    new = created()
    results = floor.api.post(
        "penny", new, assigned(new["entity_id"], PL2), note(new["entity_id"], "ok")
    )
    assert [r["status"] for r in results] == ["accepted"] * 3


def test_a_warm_handoff_brings_the_receiving_provider_in(floor: Floor) -> None:
    api = floor.api
    assert not _full(floor.incident(api.snapshot("penny"), floor.b))
    api.accept(
        "exodus",
        event("incident.handoff_requested", floor.b, {"provider": PENNY, "note": "for Penny"}),
    )
    assert _full(floor.incident(api.snapshot("penny"), floor.b))
    assert (
        api.post("penny", event("incident.handoff_accepted", floor.b, {"accepted_by": "Ann"}))[0][
            "status"
        ]
        == "accepted"
    )


def test_a_provider_supervisor_reads_only_its_providers_audit_rows(floor: Floor) -> None:
    api = floor.api
    refused = api.post("penny", note(floor.b, "trying Exodus's call"))
    assert refused[0]["code"] == "forbidden"
    api.sign_in("exodus")  # an auth row of another provider's user
    for user in ("penny", "exodus"):  # and a signing key each (server/authorship.py)
        raw = public_bytes(Ed25519PrivateKey.generate())
        body = {"workstation_id": f"ws-{user}", "public_key": encode_public(raw)}
        enrolled = api.client.post(f"{API}/keys", json=body, headers=api.headers(user))
        assert enrolled.status_code == 200, enrolled.text

    def rows(user: str, **params: Any) -> list[dict[str, Any]]:
        answer = api.get(user, "/audit", params={"limit": 3, **params})
        assert answer.status_code == 200, answer.text
        return answer.json()["entries"]

    everything = rows("supervisor", limit=500)
    penny = []
    page = rows("penny_supervisor")
    while page:  # pages of 3 rows: paging goes on past the rows left out
        penny += page
        page = rows("penny_supervisor", before=page[-1]["id"])
    assert len(penny) < len(everything)
    text = json.dumps(penny)
    assert not _leaks(json.dumps([r for r in penny if r["incident_id"] in (floor.a, floor.b)]))
    assert SECRETS["caller_name"] in text  # C and D are Penny Lane's, in full
    assert {r["incident_id"] for r in penny if r["incident_id"]} <= {floor.c, floor.d, floor.b}
    # Its own dispatcher's refused try on B is there, without B's record.
    (tried,) = [r for r in penny if r["incident_id"] == floor.b]
    assert tried["action"] == "event.rejected" and tried["actor"] == "penny"
    assert tried["before"] is None and tried["after"] is None
    actors = {r["actor"] for r in penny if r["action"].startswith("auth.")}
    assert actors <= {"penny", "penny_supervisor"} and "penny" in actors
    keys = {r["actor"] for r in penny if r["action"] == audit.KEY_ENROLLED}
    assert keys == {"penny"}
    # Central supervisors read everything, and dispatchers nothing.
    assert any(r["actor"] == "exodus" for r in everything)
    assert api.get("penny", "/audit").status_code == 403
