"""The wall role gets no personal data from any endpoint (the stream: test_stream.py)."""

from __future__ import annotations

import json

import pytest

from tests.server.helpers import (
    PL1,
    PL2,
    SECRETS,
    Api,
    assigned,
    closed,
    created,
    event,
    note,
    status,
)

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow


def _call_with_every_kind_of_personal_data(api: Api) -> tuple[str, str]:
    open_call = created()
    open_id = open_call["entity_id"]
    closed_call = created()
    closed_id = closed_call["entity_id"]
    api.accept(
        "dispatcher1",
        open_call,
        closed_call,
        assigned(open_id, PL1),
        status(PL1, "en_route", note=SECRETS["status_note"]),
        note(open_id, SECRETS["note"]),
        event(
            "incident.updated",
            open_id,
            {"narrative": SECRETS["narrative"] + " (more)"},
            expected_version=4,
        ),
        assigned(closed_id, PL2),
        event("team.checked_in", PL2, {"note": SECRETS["status_note"]}),
        closed(closed_id, "referral_made", SECRETS["note"]),
        event("incident.reopened", closed_id, {"reason": SECRETS["note"]}),
        event("incident.redirected", closed_id, {"agency": "LAPD", "reason": SECRETS["note"]}),
    )
    return open_id, closed_id


def test_the_wall_sees_where_and_what_but_never_who(api: Api) -> None:
    open_id, closed_id = _call_with_every_kind_of_personal_data(api)
    wall_answers = {
        "snapshot": api.get("wall", "/snapshot"),
        "events": api.get("wall", "/events", params={"after": 0}),
        "open timeline": api.get("wall", f"/incidents/{open_id}/events"),
        "closed timeline": api.get("wall", f"/incidents/{closed_id}/events"),
    }
    for name, answer in wall_answers.items():
        assert answer.status_code == 200, (name, answer.text)
        for label, secret in SECRETS.items():
            assert secret not in answer.text, f"{name} leaks {label}"
        assert "1234 W Sunset" not in answer.text, f"{name} leaks the address"

    snapshot = wall_answers["snapshot"].json()
    call = next(i for i in snapshot["incidents"] if i["id"] == open_id)
    assert call["call_type"] == "welfare_check" and call["priority"] == 2
    assert call["location"]["division"] == "Wilshire"
    # Coordinates only to about 100 m.
    assert call["location"]["lat"] == 34.077 and call["location"]["lon"] == -118.26
    assert call["caller"] == {"name": "", "phone": ""} and call["notes"] == []

    # The same data reaches a dispatcher in full (so the check above means something).
    full = json.dumps(api.snapshot("dispatcher1")) + json.dumps(api.events("dispatcher1"))
    for secret in SECRETS.values():
        assert secret in full
