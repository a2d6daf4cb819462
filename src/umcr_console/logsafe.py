"""What the console's log file may say about an exception: its type and frames, no values.

An exception's message can quote a caller's name, an address or a note (a
pydantic error quotes the input; a ``KeyError`` its key), and console.log is
an ordinary file on the workstation, kept for weeks (issue 17, item 11). The
log keeps what an engineer debugs with: the exception's type and every frame
(file, line, function), for it and each exception it was chained from; never
the messages or the values of locals.
"""

from __future__ import annotations

import logging
import traceback
from types import TracebackType

import httpx
from pydantic import ValidationError


class SafeMessage(Exception):
    """An exception whose message never holds personal data (ids, paths, codes): logged whole."""


OptExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def outline(exc: BaseException, tb: TracebackType | None = None) -> str:
    """``exc``'s type and frames, then those of its causes and contexts; no message."""
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    frames = tb if tb is not None else exc.__traceback__
    while current is not None and id(current) not in seen:
        if seen:
            lines.append("chained from:")
        seen.add(id(current))
        kind = type(current)
        if isinstance(current, SafeMessage):
            lines.append(f"{kind.__module__}.{kind.__qualname__}: {current}")
        else:
            lines.append(f"{kind.__module__}.{kind.__qualname__} (message left out)")
        lines.extend(f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(frames))
        if isinstance(current, ValidationError):  # where the input was wrong, not what it was
            lines.extend(
                f"  field {'.'.join(map(str, e['loc']))}: {e['type']}"
                for e in current.errors(include_url=False, include_input=False)
            )
        current = current.__cause__ or current.__context__
        frames = current.__traceback__ if current is not None else None
    return "\n".join(lines)


def brief(exc: BaseException) -> str:
    """``exc`` on one line for a log message: its type, and its message only when
    that cannot quote a caller (a ``SafeMessage``, a network or OS error)."""
    kind = type(exc).__name__
    if isinstance(exc, SafeMessage | OSError | httpx.TransportError) and str(exc):
        return f"{kind}: {exc}"
    return f"{kind} (message left out)"


class OutlineFormatter(logging.Formatter):
    """A formatter that writes exceptions (``log.exception``, ``exc_info``) as their outline."""

    def format(self, record: logging.LogRecord) -> str:
        # logging caches the first handler's exception text on the record: never reuse
        # another formatter's full traceback, nor leave this one's for the next.
        cached, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = cached

    def formatException(self, ei: OptExcInfo | tuple[None, None, None]) -> str:
        _kind, exc, tb = ei
        if exc is None:  # exc_info=True outside an except: logging's own "NoneType: None"
            return super().formatException(ei)
        return outline(exc, tb)
