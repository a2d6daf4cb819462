"""Open work after a call: follow-ups due in a window and warm handoffs awaiting acceptance.

Pure functions of the incidents, ``now`` and the thresholds; the follow-up
list of the console reads them, so do the tests with their own clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import IntEnum

from .config import Thresholds
from .marks import QT_TR_NOOP
from .model import Incident

FOLLOW_UP = "follow-up"
HANDOFF = "handoff"


class Urgency(IntEnum):
    """Where an item stands; higher needs attention sooner."""

    UPCOMING = 0  # a follow-up whose window has not opened
    DUE = 1  # in its window, or a handoff within its acceptance time
    OVERDUE = 2  # past its window / acceptance time

    @property
    def label(self) -> str:
        return {0: QT_TR_NOOP("upcoming"), 1: QT_TR_NOOP("due"), 2: QT_TR_NOOP("OVERDUE")}[
            self.value
        ]


@dataclass(frozen=True)
class WorkItem:
    incident_id: str
    number: str
    kind: str  # FOLLOW_UP or HANDOFF
    urgency: Urgency
    due_from: datetime | None  # None for a handoff: due at once
    due_by: datetime
    division: str
    what: str  # "follow-up visit" or "handoff to <provider>"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.incident_id}"

    def window_text(self, tz: tzinfo | None = None) -> str:
        end = f"{self.due_by.astimezone(tz):%a %H:%M}"
        if self.due_from is None:
            return f"accept by {end}"
        return f"{self.due_from.astimezone(tz):%a %H:%M} – {end}"


def _urgency(now: datetime, due_from: datetime | None, due_by: datetime) -> Urgency:
    if now >= due_by:
        return Urgency.OVERDUE
    if due_from is not None and now < due_from:
        return Urgency.UPCOMING
    return Urgency.DUE


def open_work(
    incidents: Iterable[Incident], now: datetime, thresholds: Thresholds
) -> list[WorkItem]:
    """Every open follow-up and handoff: overdue first, then due, then upcoming; by deadline."""
    items: list[WorkItem] = []
    accept_within = timedelta(minutes=thresholds.handoff_accept_min)
    for incident in incidents:
        division = incident.location.division or ""
        follow_up = incident.follow_up
        if follow_up is not None and follow_up.is_open:
            items.append(
                WorkItem(
                    incident.id,
                    incident.number,
                    FOLLOW_UP,
                    _urgency(now, follow_up.due_from, follow_up.due_by),
                    follow_up.due_from,
                    follow_up.due_by,
                    division,
                    "follow-up visit",
                )
            )
        handoff = incident.handoff
        if handoff is not None and handoff.is_open:
            due_by = handoff.requested_at + accept_within
            items.append(
                WorkItem(
                    incident.id,
                    incident.number,
                    HANDOFF,
                    _urgency(now, None, due_by),
                    None,
                    due_by,
                    division,
                    f"handoff to {handoff.provider}",
                )
            )
    items.sort(key=lambda item: (-item.urgency, item.due_by, item.number))
    return items


def default_window(closed_at: datetime, thresholds: Thresholds) -> tuple[datetime, datetime]:
    """The due window a follow-up promised at ``closed_at`` gets unless the dispatcher says otherwise."""
    first, last = thresholds.follow_up_window_h
    return closed_at + timedelta(hours=first), closed_at + timedelta(hours=last)
