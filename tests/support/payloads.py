"""Hypothesis strategies for event payloads: junk, and well-formed edge cases.

Shared by the domain fuzzer (tests/domain/test_payload_fuzz.py) and the
server's (tests/server/test_payload_fuzz_server.py). Well-formed payloads are
derived from the pydantic payload models themselves (``PAYLOAD_MODELS``), so a
new event type or field is fuzzed without editing this file.
"""

from __future__ import annotations

import enum
import math
import os
import types
import typing
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from pydantic import AfterValidator, AwareDatetime, BaseModel

from umcr_console.domain.enums import EventType
from umcr_console.domain.events import PAYLOAD_MODELS, Event
from umcr_console.domain.ids import canonical_uuid, uuid7

# The fuzzers' budget: examples per test (or per operation), times a factor each.
# CI runs the default; bench/fuzz_campaign.py raises it, and with
# UMCR_FUZZ_RANDOM=1 explores new inputs instead of CI's fixed sequence.
FUZZ_EXAMPLES = int(os.environ.get("UMCR_FUZZ_EXAMPLES", "12"))
FUZZ_DERANDOMIZE = not os.environ.get("UMCR_FUZZ_RANDOM")

# Times around a fixed instant, plus the edges of what datetime can hold.
T0 = datetime(2026, 3, 21, 14, 0, tzinfo=UTC)
EVENT_TYPES = sorted(PAYLOAD_MODELS)

# Any text: control characters, NUL, lone surrogates, astral planes, RTL marks.
any_text = st.text(max_size=40) | st.sampled_from(
    ["", " ", "\x00", "\ud800", "\u202e", "=cmd|' /C calc'!A0", "'; DROP TABLE events;--", "💥" * 3]
)
huge_text = st.integers(10_001, 60_000).map(lambda n: "x" * n)
any_number = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**200) | st.integers(max_value=-(2**62)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324]),
)
scalars = st.one_of(st.none(), st.booleans(), any_number, any_text, huge_text)
# Nested junk: lists and objects of anything, some deeper than the server allows.
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12,
)
deep = st.integers(30, 80).map(lambda depth: _nest(depth))


def _nest(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = {"in": value}
    return value


def aware_times() -> st.SearchStrategy[datetime]:
    offsets = st.sampled_from([UTC, timezone(timedelta(hours=-8)), timezone(timedelta(hours=14))])
    # Mostly the past; now and then minutes to days ahead (clock skew, or worse).
    near = st.timedeltas(timedelta(days=-400), timedelta(0)).map(lambda d: T0 + d)
    ahead = st.timedeltas(timedelta(0), timedelta(days=2)).map(lambda d: T0 + d)
    extreme = st.sampled_from(
        [
            datetime.min.replace(tzinfo=timezone(timedelta(hours=5))),  # no UTC form
            datetime.max.replace(tzinfo=timezone(timedelta(hours=-5))),  # no UTC form
            datetime.min.replace(tzinfo=UTC),
            datetime.max.replace(tzinfo=UTC),
        ]
    )
    usual = near.flatmap(lambda t: offsets.map(t.astimezone))
    return st.one_of(usual, usual, usual, usual, ahead, extreme)


def time_texts() -> st.SearchStrategy[Any]:
    """An aware time as JSON sends it, or something that only looks like one."""
    good = aware_times().map(datetime.isoformat)
    return st.one_of(
        good,
        good,
        good,
        st.sampled_from(["2026-03-21T14:00:00", "2026-02-30T00:00:00Z", "0", "yesterday"]),
        st.integers(-(2**40), 2**40),
    )


def _is_uuid_field(metadata: Sequence[Any]) -> bool:
    return any(isinstance(m, AfterValidator) and m.func is canonical_uuid for m in metadata)


def _text(metadata: Sequence[Any]) -> st.SearchStrategy[Any]:
    low, high = 0, 200
    for m in metadata:
        low = getattr(m, "min_length", None) or low
        high = getattr(m, "max_length", None) or high
    exact = st.sampled_from(sorted({low, high, max(low, 1)})).map(lambda n: "é" * n)
    return st.one_of(st.text(min_size=low, max_size=min(high, 60)), exact, st.just(" " * low))


def _number(annotation: Any, metadata: Sequence[Any]) -> st.SearchStrategy[Any]:
    # pydantic's Field(ge=..., le=...) puts annotated_types.Ge / Le in the metadata.
    low = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in metadata if hasattr(m, "le")), None)
    if annotation is int:
        return st.integers(low, high)
    edges = [v for v in (low, high) if v is not None]
    return st.floats(low, high, allow_nan=False) | st.sampled_from(edges or [0.0])


def value_for(annotation: Any, metadata: Sequence[Any], ids: Sequence[str]) -> st.SearchStrategy:
    """A JSON value of the type ``annotation`` (with pydantic ``metadata``), near its edges."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *more = typing.get_args(annotation)
        return value_for(base, [*metadata, *more], ids)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([value_for(arm, metadata, ids) for arm in typing.get_args(annotation)])
    if annotation is type(None):
        return st.none()
    if _is_uuid_field(metadata):
        spelled = st.sampled_from(ids).flatmap(
            lambda i: st.sampled_from([i, i.upper(), i.replace("-", ""), "{" + i + "}"])
        )
        return spelled | st.uuids().map(str)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([member.value for member in annotation])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_payload(annotation, ids)
    if annotation is bool:
        # Mostly False: four True-ish safety flags would refuse nearly every call.
        return st.sampled_from([False, False, False, True])
    if annotation in (int, float):
        return _number(annotation, metadata)
    if annotation is str:
        return _text(metadata)
    if annotation in (datetime, AwareDatetime):
        return time_texts()
    if origin in (tuple, list):
        (item, *_rest) = typing.get_args(annotation)
        return st.lists(value_for(item, (), ids), max_size=4)
    return junk


def model_payload(model: type[BaseModel], ids: Sequence[str]) -> st.SearchStrategy[dict]:
    """A payload of ``model`` as JSON: every required field, any of the optional ones."""
    required = {}
    optional = {}
    for name, info in model.model_fields.items():
        strategy = value_for(info.annotation, info.metadata, ids)
        (required if info.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def well_formed(event_type: str, ids: Sequence[str]) -> st.SearchStrategy[dict]:
    return model_payload(PAYLOAD_MODELS[event_type], ids)


def spoiled(event_type: str, ids: Sequence[str]) -> st.SearchStrategy[dict]:
    """A well-formed payload with one field dropped, replaced by junk, or added."""

    def spoil(payload: dict, data: st.DataObject) -> dict:
        action = data.draw(st.sampled_from(["drop", "junk", "add"]))
        if action != "add" and payload:
            key = data.draw(st.sampled_from(sorted(payload)))
            payload = dict(payload)
            if action == "drop":
                del payload[key]
            else:
                payload[key] = data.draw(st.one_of(junk, deep))
            return payload
        return {**payload, data.draw(any_text): data.draw(junk)}

    return st.tuples(well_formed(event_type, ids), st.data()).map(lambda pd: spoil(*pd))


def payloads(event_type: str, ids: Sequence[str]) -> st.SearchStrategy[Any]:
    """Anything a client might put in an event's payload, good or bad."""
    good = well_formed(event_type, ids)
    return st.one_of(
        good,
        good,
        good,
        spoiled(event_type, ids),
        st.dictionaries(any_text, junk, max_size=5),
        junk,
        deep,
    )


def entity_ids(
    event_type: str, incidents: Sequence[str], teams: Sequence[str]
) -> st.SearchStrategy[str]:
    """Mostly an entity of the event's kind (a new one to create), sometimes any."""
    fresh = st.builds(uuid7)
    if event_type in (EventType.INCIDENT_CREATED, EventType.TEAM_CREATED):
        return st.one_of(fresh, fresh, st.sampled_from([*incidents, *teams]))
    own = st.sampled_from(teams if event_type.startswith("team.") else incidents)
    return st.one_of(own, own, st.sampled_from([*incidents, *teams]), fresh)


def envelope(
    event_type: str, incidents: Sequence[str], teams: Sequence[str], payload: Any
) -> st.SearchStrategy[dict]:
    """An event as JSON on the wire, with an edge-case envelope now and then."""
    return st.fixed_dictionaries(
        {
            # Mostly new; a repeated id must come back "duplicate".
            "event_id": st.one_of(st.builds(uuid7), st.builds(uuid7), st.uuids().map(str)),
            "type": st.just(event_type),
            "entity_id": entity_ids(event_type, incidents, teams),
            "occurred_at": aware_times().map(datetime.isoformat),
            "workstation_id": st.just("ws-fuzz") | st.text(min_size=1, max_size=100),
            "payload": st.just(payload),
        },
        optional={"expected_version": st.none() | st.integers(0, 2**31 - 1)},
    )


def as_event(wire: dict) -> Event | None:
    """The event a server would parse from ``wire``, or None when the envelope is invalid."""
    try:
        return Event.model_validate(wire)
    except ValueError:
        return None
