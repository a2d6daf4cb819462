"""What becomes a notice, and under which key: alerts, escalations, rejections, failures.

A notice's key says what it stands for, so the same condition is shown once
and leaves when it ends: ``alert|<alert key>`` and ``escalation|<alert key>``
for the domain's alerts (``domain/alerts.py``), ``rejection:<id>`` for an
action the server refused, ``sync:<text>`` for the engine's notices,
``task:<what>`` for a background operation that failed (``ui/tasks.py``),
``store:not-saved`` for an action the local store could not save.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..domain.alerts import Alert
from ..store.workspace import RejectionNotice
from .i18n import tr
from .notices import Notice, NoticesWidget

# The notice of an action the local store could not save (a full disk).
STORE_NOTICE = "store:not-saved"
ALERT_KINDS = ("alert", "escalation")


def alert_notice_key(alert_key: str) -> str:
    return f"alert|{alert_key}"


def escalation_notice_key(alert_key: str) -> str:
    return f"escalation|{alert_key}"


def alert_key_of(notice: Notice) -> str:
    """The alert an alert or escalation notice stands for."""
    return notice.key.split("|", 1)[-1]


def alert_notice(alert: Alert) -> Notice:
    return Notice(
        alert_notice_key(alert.key),
        "alert",
        alert.text,
        alert.since,
        alert.incident_id,
        alert.team_id,
    )


def escalation_notice(alert: Alert, at: datetime) -> Notice:
    return Notice(
        escalation_notice_key(alert.key),
        "escalation",
        tr("ESCALATED to supervisors (not acknowledged): {alert}").format(alert=alert.text),
        at,
        alert.incident_id,
        alert.team_id,
    )


def remove_alert(notices: NoticesWidget, alert_key: str) -> None:
    """The alert ended (or was acknowledged elsewhere): its notices go."""
    notices.remove(alert_notice_key(alert_key))
    notices.remove(escalation_notice_key(alert_key))


def show_alerts(
    notices: NoticesWidget,
    new: Iterable[Alert],
    ended: Iterable[str],
    escalate: Iterable[Alert],
    now: datetime,
) -> None:
    """One tick of ``AlertBook.update`` on the notices list."""
    for key in ended:
        remove_alert(notices, key)
    for alert in new:
        notices.add(alert_notice(alert))
    for alert in escalate:
        notices.add(escalation_notice(alert, now))


def rejection_notice(rejection: RejectionNotice) -> Notice:
    return Notice(
        key=f"rejection:{rejection.id}",
        kind="rejection",
        text=rejection.summary,
        at=rejection.rejected_at,
        incident_id=rejection.incident_id,
        team_id=rejection.team_id,
        rejection_id=rejection.id,
    )


def sync_notice(text: str, at: datetime) -> Notice:
    return Notice(f"sync:{text}", "rejection", text, at)


def task_failed_notice(what: str, exc: BaseException, at: datetime) -> Notice:
    text = tr("{what} failed: {error}").format(what=what, error=exc or type(exc).__name__)
    return Notice(f"task:{what}", "alert", text, at)


def store_notice(text: str, at: datetime) -> Notice:
    return Notice(STORE_NOTICE, "alert", text, at)
