"""Plain-Python change notifications: the UI bridges them to Qt signals.

A ``Signal`` is a list of callbacks with one argument. ``emit`` calls every
callback even when one raises, then re-raises the first error: the emitter
has finished its own work before emitting, so a broken listener cannot leave
the store half-updated, and no error is swallowed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Signal(Generic[T]):
    __slots__ = ("_callbacks", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> Callable[[T], object]:
        """Call ``callback(value)`` on every emit; returns it (usable as a decorator)."""
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], object]) -> None:
        self._callbacks.remove(callback)

    def emit(self, value: T) -> None:
        first: BaseException | None = None
        for callback in list(self._callbacks):
            try:
                callback(value)
            except Exception as exc:  # every listener runs; the first error is raised after
                if first is None:
                    first = exc
        if first is not None:
            raise first

    def __len__(self) -> int:
        return len(self._callbacks)

    def __repr__(self) -> str:
        return f"<Signal {self.name or '?'} with {len(self._callbacks)} listener(s)>"
