"""Every payload field that names another record is classified (issue 17, item 1).

Provider scoping walks ``domain.events.REFERENCES``; a field missing from it
would be a reference nobody checks. So every field of every payload model that
holds a UUID, or whose name says it points at an incident, team, user or
provider, must be listed there or in ``NOT_REFERENCES``.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from umcr_console.domain.enums import EventType
from umcr_console.domain.events import (
    NOT_REFERENCES,
    PAYLOAD_MODELS,
    REFERENCES,
    Ref,
    references,
)
from umcr_console.domain.ids import canonical_uuid

# A name that suggests a pointer to another record.
_LOOKS_LIKE_A_REFERENCE = re.compile(
    r"(^|_)(id|ids|incident|incidents|team|teams|provider|user|by|follows_up)($|_)"
)


def _holds_a_uuid(annotation: Any) -> bool:
    """Whether the annotation (or one of its arguments) is validated as a UUID."""
    if canonical_uuid in [
        getattr(m, "func", None) for m in getattr(annotation, "__metadata__", ())
    ]:
        return True
    return any(_holds_a_uuid(arg) for arg in get_args(annotation))


def _fields(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted name, annotation) of every field, nested models included."""
    found = []
    for name, info in model.model_fields.items():
        found.append((prefix + name, info.annotation))
        nested = [a for a in (info.annotation, *get_args(info.annotation)) if isinstance(a, type)]
        for sub in nested:
            if issubclass(sub, BaseModel):
                found.extend(_fields(sub, f"{prefix}{name}."))
    return found


@pytest.mark.parametrize("event_type", list(EventType), ids=str)
def test_every_reference_field_is_classified(event_type: EventType) -> None:
    model = PAYLOAD_MODELS[event_type]
    declared = REFERENCES.get(event_type, {})
    plain = NOT_REFERENCES.get(event_type, frozenset())
    for name, annotation in _fields(model):
        if name in declared or name in plain:
            continue
        leaf = name.rsplit(".", 1)[-1]
        assert not _holds_a_uuid(annotation), (
            f"{event_type}.{name} holds an id: classify it in domain.events.REFERENCES"
        )
        assert not _LOOKS_LIKE_A_REFERENCE.search(leaf), (
            f"{event_type}.{name} looks like a reference: classify it in "
            "domain.events.REFERENCES (or NOT_REFERENCES if it is free text)"
        )


def test_the_classification_names_real_fields() -> None:
    for table in (REFERENCES, NOT_REFERENCES):
        for event_type, names in table.items():
            fields = {name for name, _ in _fields(PAYLOAD_MODELS[EventType(event_type)])}
            assert set(names) <= fields, (event_type, set(names) - fields)


def test_references_are_read_in_the_form_the_rules_use() -> None:
    """An upper-case or braced id must not miss the record the rules will find."""
    incident = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
    assert references(EventType.INCIDENT_CREATED, {"follows_up": incident.upper()}) == [
        (Ref.INCIDENT, incident)
    ]
    assert references(EventType.INCIDENT_CREATED, {"follows_up": None}) == []
    assert references(EventType.INCIDENT_SCHEDULED, {"scheduled_for": None}) == []
    assert references(EventType.INCIDENT_HANDOFF_REQUESTED, {"provider": "Exodus Recovery"}) == [
        (Ref.PROVIDER, "Exodus Recovery")
    ]
