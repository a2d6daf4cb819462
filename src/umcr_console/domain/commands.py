"""The CAD-style command line: short typed commands for the frequent actions.

``parse_command(text, state)`` turns one line into the event it means, or
raises ``CommandError`` with a message for the dispatcher. ``COMMAND_HELP``
is what the Help menu shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError

from . import events as ev
from .enums import DISPOSITION_LABELS, Agency, Disposition, EventType, TeamStatus
from .marks import QT_TR_NOOP, tr
from .model import Incident, Team
from .state import State

DISPOSITION_CODES: dict[str, Disposition] = {
    "RES": Disposition.RESOLVED_ON_SCENE,
    "REF": Disposition.REFERRAL_MADE,
    "TRN": Disposition.VOLUNTARY_TRANSPORT,
    "WHO": Disposition.WARM_HANDOFF,
    "DEC": Disposition.DECLINED_SERVICES,
    "UTL": Disposition.UNABLE_TO_LOCATE,
    "CAN": Disposition.CANCELLED,
    "DUP": Disposition.DUPLICATE,
}

STATUS_CODES: dict[str, TeamStatus] = {
    "ER": TeamStatus.EN_ROUTE,
    "OS": TeamStatus.ON_SCENE,
    "TR": TeamStatus.TRANSPORTING,
    "FU": TeamStatus.FOLLOW_UP,
    "AV": TeamStatus.AVAILABLE,
    "OOS": TeamStatus.OUT_OF_SERVICE,
    "OFF": TeamStatus.OFF_DUTY,
}

# The command and what it does, in English: marked for the catalogue, filled in and
# translated when shown (command_help), so F1 follows the console's language.
COMMAND_HELP: tuple[tuple[str, str], ...] = (
    ("D <incident> <team>", QT_TR_NOOP("dispatch: assign the team to the incident")),
    ("RL <incident> <team>", QT_TR_NOOP("release the team from the incident")),
    *((f"{code} <team> [note]", QT_TR_NOOP("set the team {status}")) for code in STATUS_CODES),
    ("CI <team> [what the team said]", QT_TR_NOOP("safety check-in on the team's behalf")),
    ("CL <incident> <code> [note]", QT_TR_NOOP("close; codes: {codes}")),
    ("RD <incident> LAPD|LAFD <reason>", QT_TR_NOOP("redirect to police or fire with a reason")),
    ("RO <incident> <reason>", QT_TR_NOOP("reopen a closed incident")),
    ("N <incident> <text>", QT_TR_NOOP("add a note")),
    ("<incident>", QT_TR_NOOP("an incident number, U000123 or just 123")),
)


def command_help() -> list[tuple[str, str]]:
    """COMMAND_HELP in the console's language: each command (typed the same in
    every language) and what it does, with its status or disposition codes."""
    codes = ", ".join(
        f"{c} {tr(DISPOSITION_LABELS[d]).lower()}" for c, d in DISPOSITION_CODES.items()
    )
    lines = []
    for command, text in COMMAND_HELP:
        status = STATUS_CODES.get(command.split()[0])
        status_word = tr(status.label).lower() if status is not None else ""
        lines.append((command, tr(text).format(status=status_word, codes=codes)))
    return lines


class CommandError(ValueError):
    """The line does not make a command; the message says why, for the dispatcher."""


@dataclass(frozen=True)
class _Line:
    verb: str
    args: list[str]
    rest_after: list[str]  # raw text after each argument position


def _split(text: str) -> _Line:
    words = text.split()
    if not words:
        raise CommandError(tr("type a command, for example: D 123 PL-1"))
    rest = []
    remaining = text.strip()
    for word in words:
        remaining = remaining[remaining.index(word) + len(word) :]
        rest.append(remaining.strip())
    return _Line(words[0].upper(), words[1:], rest)


def find_incident(state: State, ref: str) -> Incident:
    ref = ref.strip().upper()
    digits = ref[1:] if ref.startswith("U") else ref
    if not digits.isdigit():
        raise CommandError(tr("{ref} is not an incident number").format(ref=repr(ref)))
    number = f"U{int(digits):06d}"
    for incident in state.incidents.values():
        if incident.number == number:
            return incident
    raise CommandError(tr("no incident {number}").format(number=number))


def find_team(state: State, call_sign: str) -> Team:
    wanted = call_sign.strip().upper()
    for team in state.teams.values():
        if team.call_sign.upper() == wanted:
            return team
    # Never a guess acted on (the wrong team would go): a suggestion to retype.
    suggestions = similar_call_signs(state, call_sign)
    hint = (
        tr("; did you mean {teams}?").format(teams=tr(" or ").join(suggestions))
        if suggestions
        else ""
    )
    raise CommandError(tr("no team {team}").format(team=repr(call_sign)) + hint)


def _letters_digits(text: str) -> str:
    return "".join(c for c in text.upper() if c.isalnum())


def similar_call_signs(state: State, typed: str, limit: int = 5) -> list[str]:
    """Call signs the dispatcher probably meant: "PL2" -> PL-2, "PL" -> PL-1, PL-2."""
    key = _letters_digits(typed)
    if not key:
        return []
    signs = sorted(t.call_sign for t in state.teams.values())
    same = [s for s in signs if _letters_digits(s) == key]
    if same:
        return same[:limit]
    prefix = key.rstrip("0123456789")
    return [s for s in signs if prefix and _letters_digits(s).startswith(prefix)][:limit]


def parse_command(text: str, state: State, *, workstation_id: str, now: datetime) -> ev.Event:
    try:
        return _parse(_split(text), state, workstation_id, now)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CommandError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


def _parse(line: _Line, state: State, workstation_id: str, now: datetime) -> ev.Event:

    def need(count: int, usage: str) -> None:
        if len(line.args) < count:
            raise CommandError(tr("usage: {usage}").format(usage=usage))

    def event(kind: EventType, entity: Incident | Team, payload: ev.Payload) -> ev.Event:
        return ev.make_event(
            kind,
            entity.id,
            payload,
            workstation_id=workstation_id,
            occurred_at=now,
            expected_version=entity.version if kind == EventType.INCIDENT_UPDATED else None,
        )

    verb = line.verb
    if verb == "D":
        need(2, "D <incident> <team>")
        incident, team = find_incident(state, line.args[0]), find_team(state, line.args[1])
        return event(EventType.INCIDENT_TEAM_ASSIGNED, incident, ev.TeamAssigned(team_id=team.id))
    if verb == "RL":
        need(2, "RL <incident> <team>")
        incident, team = find_incident(state, line.args[0]), find_team(state, line.args[1])
        return event(EventType.INCIDENT_TEAM_RELEASED, incident, ev.TeamReleased(team_id=team.id))
    if verb in STATUS_CODES:
        need(1, f"{verb} <team> [note]")
        team = find_team(state, line.args[0])
        status = ev.StatusChanged(status=STATUS_CODES[verb], note=line.rest_after[1])
        return event(EventType.TEAM_STATUS_CHANGED, team, status)
    if verb == "CI":
        need(1, "CI <team> [what the team said]")
        team = find_team(state, line.args[0])
        return event(EventType.TEAM_CHECKED_IN, team, ev.CheckedIn(note=line.rest_after[1]))
    if verb == "CL":
        need(2, "CL <incident> <code> [note]")
        incident = find_incident(state, line.args[0])
        code = line.args[1].upper()
        if code not in DISPOSITION_CODES:
            raise CommandError(
                tr("unknown disposition {code}; use one of {codes}").format(
                    code=repr(code), codes=", ".join(DISPOSITION_CODES)
                )
            )
        closed = ev.Closed(disposition=DISPOSITION_CODES[code], note=line.rest_after[2])
        return event(EventType.INCIDENT_CLOSED, incident, closed)
    if verb == "RD":
        need(3, "RD <incident> LAPD|LAFD <reason>")
        incident = find_incident(state, line.args[0])
        agency = line.args[1].upper()
        if agency not in Agency.__members__.values():
            raise CommandError(tr("redirect to LAPD or LAFD"))
        redirected = ev.Redirected(agency=Agency(agency), reason=line.rest_after[2])
        return event(EventType.INCIDENT_REDIRECTED, incident, redirected)
    if verb == "RO":
        need(2, "RO <incident> <reason>")
        incident = find_incident(state, line.args[0])
        return event(EventType.INCIDENT_REOPENED, incident, ev.Reopened(reason=line.rest_after[1]))
    if verb == "N":
        need(2, "N <incident> <text>")
        incident = find_incident(state, line.args[0])
        return event(EventType.INCIDENT_NOTE_ADDED, incident, ev.NoteAdded(text=line.rest_after[1]))
    raise CommandError(tr("unknown command {verb}; press F1 for the list").format(verb=repr(verb)))
