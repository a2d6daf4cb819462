"""The safety_words extension on a real server (issue 18 item 1, docs/server.md).

The decision the call-taker made on the words of a call is kept with the
incident (a note), is refused without its reason when cleared, and never
reaches the wall.
"""

from __future__ import annotations

import pytest

from tests.server.helpers import Api, created, event

# Real servers or long runs: out of the quick loop (README).
pytestmark = pytest.mark.slow

CHECK = {
    "found": [{"category": "weapons", "words": "pistola", "field": "person", "language": "es"}],
    "decision": "cleared",
    "reason": "SECRET toy gun, said the mother",
}


def test_the_call_takers_decision_is_kept_checked_and_hidden_from_the_wall(
    process: Api,
) -> None:
    call = created(safety_words=CHECK)
    (seq,) = process.accept("dispatcher1", call)
    incident_id = call["entity_id"]

    (incident,) = [i for i in process.snapshot()["incidents"] if i["id"] == incident_id]
    assert any(
        "Safety words cleared by the call-taker: weapons: pistola (person)" in n["text"]
        and "toy gun" in n["text"]
        for n in incident["notes"]
    )
    (stored,) = [e for e in process.events()["events"] if e["seq"] == seq]
    assert stored["payload"]["safety_words"] == CHECK  # the record, verbatim

    # Cleared without a reason: refused, nothing stored.
    bad = created(safety_words={**CHECK, "reason": " "})
    (result,) = process.post("dispatcher1", bad)
    assert result["status"] == "rejected" and result["code"] == "invalid_payload"

    # An update carries the dispatcher's decision; alone it changes nothing.
    flagged = event(
        "incident.updated",
        incident_id,
        {
            "safety": {"weapons": True},
            "safety_words": {**CHECK, "decision": "confirmed", "reason": ""},
        },
        expected_version=1,
    )
    process.accept("dispatcher1", flagged)
    only_record = event(
        "incident.updated", incident_id, {"safety_words": CHECK}, expected_version=2
    )
    (result,) = process.post("dispatcher1", only_record)
    assert result["status"] == "rejected" and "nothing to change" in result["detail"]

    for answer in (
        process.get("wall", "/snapshot"),
        process.get("wall", "/events", params={"after": 0}),
        process.get("wall", f"/incidents/{incident_id}/events"),
    ):
        assert answer.status_code == 200
        assert "SECRET" not in answer.text and "safety_words" not in answer.text
