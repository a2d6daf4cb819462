"""Checks of a parsed event batch that the shared schemas cannot express.

They guard the databases and the JSON encoder, not the rules: a NUL character
(PostgreSQL text cannot hold it), a lone UTF-16 surrogate (cannot be encoded
as UTF-8, so it could never be sent back), NaN or infinity (not JSON), deep
nesting, numbers beyond the columns. A batch with any of them is malformed:
422 for the whole batch, nothing applied.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from ..domain.events import Event

MAX_DEPTH = 32
MAX_INT = 2**31 - 1  # expected_version is an INTEGER column
MAX_SEQ = 2**63 - 1  # seq is a BIGINT
_DATE_TIME_START = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]")


def _date_time_text(value: Any) -> Any:
    # pydantic reads a bare number ("0", "1e9") as a Unix time; the API
    # documents RFC 3339 only (found by the schemathesis fuzzer).
    if isinstance(value, str) and not _DATE_TIME_START.match(value):
        raise ValueError("expected an RFC 3339 date-time such as 2024-05-01T10:00:00Z")
    return value


# A date-time query parameter: RFC 3339 text, never a number.
DateTimeQuery = Annotated[datetime, BeforeValidator(_date_time_text)]


def _text_problem(value: str) -> str | None:
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (lone surrogate)"
    return None


def _value_problem(value: Any) -> str | None:
    """Walk a JSON value without recursion (deep nesting must not crash us)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"is nested deeper than {MAX_DEPTH} levels"
        if isinstance(item, str):
            if problem := _text_problem(item):
                return problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "contains a number that is not finite"
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if abs(item) > MAX_SEQ:
                return "contains a number too large"
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((child, depth + 1) for child in item)
    return None


def batch_problem(batch: Sequence[Event]) -> str | None:
    """Why the batch is malformed, or None."""
    for index, event in enumerate(batch):
        where = f"events.{index}"
        for name in ("type", "workstation_id"):
            if problem := _text_problem(getattr(event, name)):
                return f"{where}.{name}: {problem}"
        if event.expected_version is not None and event.expected_version > MAX_INT:
            return f"{where}.expected_version: larger than {MAX_INT}"
        if problem := _value_problem(event.payload):
            return f"{where}.payload: {problem}"
    return None
