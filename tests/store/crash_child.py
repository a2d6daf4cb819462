"""A process that works a store as hard as it can until it is killed (test_db.py).

It enqueues events, records answers and applies "server" events in a random
mix, and prints one line after each operation has committed:

    enq <event_id>
    res <accepted_id,...> <rejected_id,...>
    srv <last_seq> <event_id,...>

The test kills it with SIGKILL at a random moment and checks that every
printed operation is in the file, and that no operation is half done.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime

from umcr_console.domain.enums import EventType
from umcr_console.domain.events import NoteAdded, make_event
from umcr_console.domain.ids import uuid7
from umcr_console.domain.model import Incident
from umcr_console.store.db import LocalStore, NewRejection


def main(path: str, seed: int) -> None:
    store = LocalStore(path)
    rng = random.Random(seed)
    incident_id = uuid7()
    print("ready", flush=True)
    while True:
        now = datetime.now(UTC)
        roll = rng.random()
        outbox = store.load_outbox() if roll >= 0.6 else []
        if roll < 0.6 or not outbox:
            event = make_event(
                EventType.INCIDENT_NOTE_ADDED,
                incident_id,
                NoteAdded(text="x" * rng.randint(1, 2000)),
                workstation_id="crash",
                occurred_at=now,
            )
            store.enqueue(event, enqueued_at=now)
            print("enq", event.event_id, flush=True)
        elif roll < 0.8:
            rows = outbox[: rng.randint(1, 50)]
            accepted = [r for r in rows if rng.random() < 0.8]
            rejected = [r for r in rows if r not in accepted]
            seq = store.cursor()[0]
            store.commit_results(
                accepted={r.event.event_id: seq + 1 + i for i, r in enumerate(accepted)},
                confirmed=[],
                rejected=[
                    NewRejection(
                        r.event, "invalid_payload", "no", "No.", "incident", incident_id, now
                    )
                    for r in rejected
                ],
            )
            print(
                "res",
                ",".join(r.event.event_id for r in accepted) or "-",
                ",".join(r.event.event_id for r in rejected) or "-",
                flush=True,
            )
        else:
            seq = store.cursor()[0]
            rows = outbox[: rng.randint(1, 100)]
            events = [
                r.event.model_copy(update={"seq": seq + 1 + i, "actor": "d", "recorded_at": now})
                for i, r in enumerate(rows)
            ]
            incident = Incident.model_validate(
                {
                    "id": incident_id,
                    "number": f"U{seq:06d}",
                    "version": seq + 1,
                    "state": "pending",
                    "received_at": now,
                    "priority": 2,
                    "call_type": "welfare_check",
                    "source": "direct_line",
                    "location": {"address": "1 Main St"},
                    "narrative": "x" * rng.randint(1, 5000),
                }
            )
            store.commit_server_events(events, [incident], [])
            print("srv", events[-1].seq, ",".join(e.event_id for e in events), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
