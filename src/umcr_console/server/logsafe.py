"""Keep personal data out of the server's log (issue 17, item 6; docs/security.md).

The log goes to stderr, a journal or a file an operator mails to a vendor: it
is not protected like the database. Three things could carry a caller's name or
a narrative into it, and each is closed here or at its source:

- SQL parameters in a database error's text: every engine is made with
  ``hide_parameters=True`` (``db.make_engine``);
- the rest of an exception's text (a PostgreSQL ``DETAIL: Failing row contains
  (...)`` line, a pydantic error's ``input_value=...``, a message that quotes a
  value): ``SafeLogFilter`` rewrites every record's exception into its frames
  and exception types only, and an exception given as a log argument into its
  type and the driver's first line (which names a constraint, never a value);
- query strings in uvicorn's access log (filter values such as an actor or an
  incident): dropped, the path is kept.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError

_MAX_LINE = 200
HIDDEN = "(message not logged: it may hold personal data)"


def describe(exc: BaseException) -> str:
    """A one-line description of ``exc`` that holds no data values.

    A database error keeps the driver's first line ("database is locked",
    "new row ... violates check constraint ...": the kind and the constraint);
    SQLAlchemy's own text (the statement, parameters) and the driver's DETAIL
    lines are left out. Any other exception is named by its type only.
    """
    if isinstance(exc, DBAPIError | StatementError) and exc.orig is not None:
        first = (str(exc.orig).strip().splitlines() or [""])[0][:_MAX_LINE]
        return f"{type(exc).__name__} ({type(exc.orig).__name__}): {first}"
    return f"{type(exc).__name__} {HIDDEN}"


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` (and its causes) with every message replaced by ``describe``."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_tb(current.__traceback__)
        parts.append("".join(["Traceback (most recent call last):\n", *frames, describe(current)]))
        cause = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
        current = cause
    # Outermost last, as Python prints a chain.
    return "\n\nThe above led to:\n\n".join(reversed(parts))


class SafeLogFilter(logging.Filter):
    """Rewrite each record so that no exception text or query string reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = safe_traceback(record.exc_info[1])
            record.exc_info = None
        elif record.exc_info:
            record.exc_info = None
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(self._arg(record, a) for a in record.args)
        return True

    @staticmethod
    def _arg(record: logging.LogRecord, value: Any) -> Any:
        if isinstance(value, BaseException):
            return describe(value)
        if record.name == "uvicorn.access" and isinstance(value, str) and "?" in value:
            # uvicorn.access's args: client, method, path with query, version, status.
            return value.split("?", 1)[0] + "?..."
        return value
