"""Provider scoping: what a provider's user may see and do (issue 10, docs/security.md).

A user who belongs to a provider (``users.provider``) and is not an admin is
*scoped*. Such a user sees in full the incidents its provider holds (see
``holds``) and the pending queue and every other incident with the wall's
redaction: where, what and when, never who or what was said. It may act on the
incidents its provider holds, take a pending call with one of its own teams,
start a new call, and report for its own teams only. Central users (no
provider) and admins see and do everything, as before.

Scope is judged on the incident's current state: a provider whose team was on
the call keeps it, unless that team was released (or cleared) while the call
was open (``domain.permissions.provider_holds``). The console reloads its
snapshot when an incident comes into its scope (sync/engine.py), so it then has
the personal data that the earlier events it was sent did not carry.

A ``field`` user is always scoped: to its provider, and without one to nothing
(it sees no incident in full and may report for its own team only).

Every record an event names is judged, not only its ``entity_id``: the payload
fields listed in ``domain.events.REFERENCES`` (a follow-up's original incident,
a team to assign, release or reserve) are walked by ``ProviderScope.forbids``.

The event stream keeps every seq (an event out of scope comes redacted, not
left out), so a console's cursor and gap detection work as for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..domain.enums import EventType, IncidentState, Role
from ..domain.events import Event, Ref, references
from ..domain.model import Incident, Team
from ..domain.permissions import provider_holds
from ..domain.privacy import redact_event, redact_incident, redact_team
from ..protocol import AuditEntry
from .auth import Principal
from .db import incidents, read_transaction, teams, users

# Events that put one of the submitter's teams on an incident; a scoped user
# may send them on a pending incident of another provider (taking the call).
_TAKES_A_CALL = frozenset({EventType.INCIDENT_TEAM_ASSIGNED, EventType.INCIDENT_SCHEDULED})
_IN_CHUNK = 500


def is_scoped(principal: Principal) -> bool:
    """Whether ``principal`` sees only its provider's incidents in full.

    The wall is left out: it sees nothing personal of anyone, whatever its provider.
    A field user is scoped even without a provider (then to nothing).
    """
    if principal.role in (Role.ADMIN, Role.WALL):
        return False
    return principal.provider is not None or principal.role == Role.FIELD


@dataclass
class ProviderScope:
    """The scope of one provider, with what it needs read from the database.

    ``team_provider`` maps every team to its provider; ``user_provider`` is a
    cache of the creators' providers, filled by ``load_creators``.
    """

    provider: str | None  # None: a field user with no provider, who holds nothing
    team_provider: dict[str, str]
    user_provider: dict[str, str | None] = field(default_factory=dict)
    own_team: str | None = None  # a field user's team: it may always report for it

    @classmethod
    def read(
        cls, conn: Connection, provider: str | None, own_team: str | None = None
    ) -> ProviderScope:
        rows = conn.execute(sa.select(teams.c.id, teams.c.data)).all()
        return cls(
            provider,
            {team_id: data.get("provider", "") for team_id, data in rows},
            own_team=own_team,
        )

    def load_creators(self, conn: Connection, usernames: Iterable[str]) -> None:
        """Read the provider of each creator not read yet (one query per 500)."""
        missing = sorted({u for u in usernames if u and u not in self.user_provider})
        for start in range(0, len(missing), _IN_CHUNK):
            chunk = missing[start : start + _IN_CHUNK]
            found = dict(
                conn.execute(
                    sa.select(users.c.username, users.c.provider).where(users.c.username.in_(chunk))
                ).all()
            )
            for username in chunk:
                self.user_provider[username] = found.get(username)

    def owns_team(self, team_id: str | None) -> bool:
        if team_id is None or self.provider is None:
            return False
        return self.team_provider.get(team_id) == self.provider

    def holds(self, incident: Incident) -> bool:
        """Whether the provider holds ``incident`` (``domain.permissions.provider_holds``).

        Call ``load_creators`` first for its creator.
        """
        if self.provider is None:
            return False
        return provider_holds(
            incident,
            self.provider,
            self.team_provider.get,
            self.user_provider.get(incident.created_by),
        )

    # -- what a scoped user sees ----------------------------------------------

    def incident(self, incident: Incident) -> Incident:
        return incident if self.holds(incident) else redact_incident(incident)

    def team(self, team: Team) -> Team:
        return team if self.owns_team(team.id) else redact_team(team)

    def events(self, found: Sequence[Event], held: dict[str, Incident | None]) -> list[Event]:
        """``found`` as the provider may see them; ``held`` maps each incident to its state."""
        out = []
        for event in found:
            if event.type.startswith("incident."):
                incident = held.get(event.entity_id)
                visible = incident is not None and self.holds(incident)
            else:
                visible = self.owns_team(event.entity_id)
            out.append(event if visible else redact_event(event))
        return out

    # -- what a scoped user may do --------------------------------------------

    def forbids(
        self,
        event: Event,
        incident: Incident | None,
        referenced: Mapping[str, Incident | None] | None = None,
    ) -> str | None:
        """None if the provider may submit ``event``, else why not.

        ``incident`` is the event's incident as it stands before the event
        (None for a new one, or for a team event); ``referenced`` maps each
        incident its payload names (``domain.events.REFERENCES``) to its state
        (None: no such incident, which the rules then refuse). Call
        ``load_creators`` first for the creators of all of them.
        """
        if (why := self._forbidden_reference(event, referenced or {})) is not None:
            return why
        if not event.type.startswith("incident."):
            if self.owns_team(event.entity_id) or (
                self.own_team is not None and event.entity_id == self.own_team
            ):
                return None
            who = self.provider or "a user without a provider"
            return f"{who} reports and acknowledges for its own teams only"
        if self.provider is None:
            return "a user without a provider may act on no incident"
        if event.type == EventType.INCIDENT_CREATED or incident is None:
            # A new call is the taker's (an unknown id is judged by the rules).
            return None
        if self.holds(incident):
            return None
        named_team = event.payload.get("team_id")
        if (
            event.type in _TAKES_A_CALL
            and incident.state == IncidentState.PENDING
            and named_team is not None
        ):
            return None
        return f"incident {incident.number} is held by another provider"

    def _forbidden_reference(
        self, event: Event, referenced: Mapping[str, Incident | None]
    ) -> str | None:
        """Why a record the payload names is out of reach, or None.

        A team must be one of the provider's own; an incident, one it holds (a
        follow-up call marks the original's follow-up done: a write into it). A
        provider name is free: a handoff goes to another provider by design, and
        only an admin (never scoped) creates a team.
        """
        for kind, ref in references(event.type, event.payload):
            if kind == Ref.TEAM and not self.owns_team(ref):
                return f"{self.provider} may assign, release or reserve only its own teams"
            if kind == Ref.INCIDENT:
                if ref not in referenced:  # not read by the caller: refuse, never guess
                    return f"incident {ref} named in the payload could not be checked"
                found = referenced[ref]
                if found is not None and not self.holds(found):
                    return f"incident {found.number} is held by another provider"
        return None

    def referenced_incidents(self, event: Event) -> list[str]:
        """The incident ids ``event``'s payload names, to be read for ``forbids``."""
        return [ref for kind, ref in references(event.type, event.payload) if kind == Ref.INCIDENT]


def scope_for(conn: Connection, principal: Principal) -> ProviderScope | None:
    """The scope of ``principal``, or None when it sees everything."""
    if not is_scoped(principal):
        return None
    own_team = principal.team_id if principal.role == Role.FIELD else None
    return ProviderScope.read(conn, principal.provider, own_team)


def incidents_by_id(conn: Connection, incident_ids: Iterable[str]) -> dict[str, Incident | None]:
    """The current state of each incident (None when there is no such incident)."""
    ids = sorted(set(incident_ids))
    found: dict[str, Incident | None] = dict.fromkeys(ids)
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for incident_id, data in conn.execute(
            sa.select(incidents.c.id, incidents.c.data).where(incidents.c.id.in_(chunk))
        ):
            found[incident_id] = Incident.model_validate(data)
    return found


def visible_events(engine: Engine, principal: Principal, found: list[Event]) -> list[Event]:
    """The events of a page or stream chunk as ``principal`` may see them."""
    if principal.role == Role.WALL:
        return [redact_event(e) for e in found]
    if not is_scoped(principal) or not found:
        return found
    with read_transaction(engine) as conn:
        scope = scope_for(conn, principal)
        assert scope is not None
        held = incidents_by_id(conn, {e.entity_id for e in found if e.type.startswith("incident.")})
        scope.load_creators(conn, (i.created_by for i in held.values() if i is not None))
    return scope.events(found, held)


# Audit actions about a user's session, account or signing key: no incident data in them.
_ACCOUNT_ACTIONS = ("auth.", "user.", "key.")


def visible_audit(
    engine: Engine, principal: Principal, entries: list[AuditEntry]
) -> list[AuditEntry]:
    """The audit rows a provider's supervisor may read: those of incidents its
    provider holds and of its own teams, and the sign-ins and account changes of
    its own users. Rows about other providers' work are left out (their
    before/after hold the personal data of those calls), but for what its own
    users did there, kept without before/after."""
    if not is_scoped(principal) or not entries:
        return entries
    with read_transaction(engine) as conn:
        scope = scope_for(conn, principal)
        assert scope is not None
        # The row's own incident, and every incident its before/after touches.
        ids = {e.incident_id for e in entries if e.incident_id}
        for e in entries:
            ids |= set(_changed(e.before, "incidents")) | set(_changed(e.after, "incidents"))
        held = incidents_by_id(conn, ids)
        scope.load_creators(conn, (i.created_by for i in held.values() if i is not None))
        scope.load_creators(conn, (e.actor for e in entries))

    def mine(state: Any) -> Any:
        """``state`` without the incidents the provider does not hold and the
        teams not its own: one event can change several records (a follow-up
        call closes the original's follow-up), and only its own are shown."""
        if not isinstance(state, dict) or not ({"incidents", "teams"} & state.keys()):
            return state
        return {
            **state,
            "incidents": {
                k: v
                for k, v in _changed(state, "incidents").items()
                if (i := held.get(k)) is not None and scope.holds(i)
            },
            "teams": {k: v for k, v in _changed(state, "teams").items() if scope.owns_team(k)},
        }

    def shown(entry: AuditEntry) -> AuditEntry | None:
        by_own_user = scope.user_provider.get(entry.actor) == scope.provider
        if entry.action.startswith(_ACCOUNT_ACTIONS):
            return entry if by_own_user else None
        if entry.incident_id:
            incident = held.get(entry.incident_id)
            ours = incident is not None and scope.holds(incident)
        else:
            ours = scope.owns_team(entry.entity_id)
        if ours:
            return entry.model_copy(
                update={"before": mine(entry.before), "after": mine(entry.after)}
            )
        # What its own staff tried elsewhere (a refused action), without the
        # other provider's record.
        return entry.model_copy(update={"before": None, "after": None}) if by_own_user else None

    return [e for e in map(shown, entries) if e is not None]


def _changed(state: Any, kind: str) -> dict[str, Any]:
    """The ``kind`` ("incidents" or "teams") part of an audit row's before/after."""
    part = state.get(kind) if isinstance(state, dict) else None
    return part if isinstance(part, dict) else {}
