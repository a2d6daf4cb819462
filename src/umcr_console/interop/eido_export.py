"""NENA-STA-021 EIDO (Emergency Incident Data Object) export.

``incident_to_eido`` turns an incident into an EIDO JSON document for another
dispatch system (a redirect to LAPD or LAFD, a saved file); personal and
clinical details go in only when the dispatcher chooses (data minimisation by
default). The import of a received EIDO: interop/eido_import.py.

Pure mapping: no I/O, no Qt, no server. The official schema is not shipped;
the tests validate every exported document against it (docs/interop.md).
"""

from __future__ import annotations

import html
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..domain.enums import Agency
from ..domain.model import Incident, Note, Team
from . import codes, pidf

EIDO_VERSION = "1.0"
JSON_LD_CONTEXT = {"@vocab": "./JSON-LD_Contexts/EmergencyIncidentDataObjectType.jsonld"}
# Fixed namespace of the component ids: the same incident exported twice gets
# the same ids, so a receiver can tell an update from a new incident.
_ID_NAMESPACE = uuid.UUID("6f0c51a4-1f0e-4c55-9d0e-7a1f3c0e2b11")
# XML 1.0 cannot carry these characters; a pasted address might.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class EidoIdentity:
    """Who issues the documents. Agency ids are domain names in STA-021.

    The defaults are placeholders under the reserved ``.invalid`` domain; a
    deployment sets its own (docs/interop.md, "Identity").
    """

    agency_id: str = "umcr.lacity.invalid"
    agency_name: str = "Unarmed Model of Crisis Response (UMCR)"
    element_id: str = "console.umcr.lacity.invalid"
    agency_ids: Mapping[Agency, str] = field(
        default_factory=lambda: {Agency.LAPD: "lapd.lacity.invalid", Agency.LAFD: "lafd.invalid"}
    )


@dataclass(frozen=True)
class EidoAgent:
    """The dispatcher who exports: a user name and a workstation."""

    username: str
    workstation_id: str


def incident_to_eido(
    incident: Incident,
    teams: Iterable[Team],
    *,
    agent: EidoAgent,
    include_personal: bool = False,
    notes: Sequence[Note] | None = None,
    agency_for_redirect: Agency | None = None,
    identity: EidoIdentity | None = None,
) -> dict[str, Any]:
    """The EIDO document of ``incident`` with ``teams`` as its emergency resources.

    ``notes``: the notes the dispatcher chose (none by default). Personal data
    (caller, callback number, person in crisis, narrative, redirect reason)
    only with ``include_personal``. ``agency_for_redirect``: the agency the
    incident goes to (default: the one it was redirected to, if any).
    """
    return _Exporter(
        incident,
        list(teams),
        agent,
        include_personal,
        list(notes or ()),
        agency_for_redirect or incident.redirected_to,
        identity or EidoIdentity(),
    ).document()


def incident_tracking_id(incident_id: str, identity: EidoIdentity | None = None) -> str:
    """The EIDO ``$id`` of an incident: urn:emergency:uid:incidentid:<id>:<agency>."""
    return f"urn:emergency:uid:incidentid:{incident_id}:{(identity or EidoIdentity()).agency_id}"


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "unnamed"


def _jcard(name: str) -> str:
    # RFC 7095 jCard: the agency's contact information as STA-021 asks.
    return json.dumps(
        [
            "vcard",
            [["version", {}, "text", "4.0"], ["fn", {}, "text", name], ["kind", {}, "text", "org"]],
        ]
    )


def _html(text: str) -> str:
    # notesActionComments is HTML5: escaped text is valid HTML and unescapes exactly.
    return html.escape(text, quote=False)


class _Exporter:
    def __init__(
        self,
        incident: Incident,
        teams: list[Team],
        agent: EidoAgent,
        personal: bool,
        notes: list[Note],
        redirect: Agency | None,
        identity: EidoIdentity,
    ) -> None:
        self.incident = incident
        self.teams = teams
        self.agent = agent
        self.personal = personal
        self.notes = notes
        self.redirect = redirect
        self.identity = identity
        self.updated = _ts(incident.updated_at or incident.received_at)
        self.agency_ref = {"$ref": identity.agency_id}
        self.agent_id = self._agent_id(agent.username, identity.agency_id)
        self.agencies: dict[str, dict[str, Any]] = {}
        self.agents: dict[str, dict[str, Any]] = {}

    def _id(self, kind: str, key: str = "") -> str:
        return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, f'{self.incident.id}/{kind}/{key}')}"

    @staticmethod
    def _agent_id(username: str, agency_id: str) -> str:
        return f"{_slug(username)}@{agency_id}"

    def _prologue(self, component_id: str, at: datetime | str | None = None) -> dict[str, Any]:
        stamp = at if isinstance(at, str) else (_ts(at) if at else self.updated)
        return {
            "$id": component_id,
            "lastUpdateTimeStamp": stamp,
            "updatedByAgencyReference": dict(self.agency_ref),
            "updatedByAgentReference": {"$ref": self.agent_id},
        }

    # -- agencies and agents --
    def _agency(
        self, agency_id: str, name: str, types: Sequence[str], roles: Sequence[str], owner: bool
    ) -> str:
        if agency_id not in self.agencies:
            self.agencies[agency_id] = {
                **self._prologue(agency_id),
                "agencyJcard": _jcard(name),
                "agencyRoleDescriptionRegistryText": list(roles),
                "agencyType": list(types),
                "incidentOwningAgencyIndicator": owner,
            }
        return agency_id

    def _add_agent(
        self, agent_id: str, roles: Sequence[str], agency_id: str, workstation: str | None = None
    ) -> str:
        if agent_id not in self.agents:
            entry: dict[str, Any] = {
                **self._prologue(agent_id),
                "agentRoleRegistryText": list(roles),
                "agencyReference": {"$ref": agency_id},
            }
            if workstation:
                entry["agentWorkstationPositionIdentification"] = workstation
            self.agents[agent_id] = entry
        return agent_id

    def _provider_agency(self, provider: str) -> str:
        return self._agency(
            f"{_slug(provider)}.{self.identity.agency_id}",
            provider,
            [codes.CRISIS_AGENCY_TYPE],
            ["Responding"],
            owner=False,
        )

    # -- the document --
    def document(self) -> dict[str, Any]:
        incident = self.incident
        ident = self.identity
        self._agency(
            ident.agency_id,
            ident.agency_name,
            [codes.CRISIS_AGENCY_TYPE],
            ["Dispatching"],
            owner=self.redirect is None,
        )
        if self.redirect is not None:
            self._agency(
                ident.agency_ids[self.redirect],
                codes.AGENCY_NAMES[self.redirect],
                codes.AGENCY_TYPES[self.redirect],
                ["Responding"],
                owner=True,
            )
        self._add_agent(self.agent_id, ["Dispatcher"], ident.agency_id, self.agent.workstation_id)

        doc: dict[str, Any] = {
            "$id": incident_tracking_id(incident.id, ident),
            "lastUpdateTimeStamp": self.updated,
            "updatedByAgencyReference": dict(self.agency_ref),
            "updatedByAgentReference": {"$ref": self.agent_id},
            "eidoVersion": EIDO_VERSION,
            "issuingElementIdentification": ident.element_id,
        }
        location_id = self._location()
        persons, callback = self._persons()
        notes_component, incident_notes, call_notes = self._notes()
        resources, dispatches = self._resources()
        cautions = self._cautions()

        incident_component: dict[str, Any] = {
            **self._prologue(self._id("incident")),
            "incidentTypeCommonRegistryText": codes.INCIDENT_TYPE[incident.call_type],
            "incidentTypeInternalCode": incident.call_type.value,
            "incidentTypeInternalText": incident.call_type.label,
            "incidentStatusInternalText": [incident.state.value],
            "internalIncidentId": incident.number,
            "incidentPriorityInternalText": str(int(incident.priority)),
            "agentReference": [{"$ref": self.agent_id}],
        }
        if incident.location.division:
            incident_component["beatOrDispatchGroupText"] = incident.location.division
        if location_id:
            incident_component["locationReference"] = [{"$ref": location_id}]
        if persons:
            incident_component["personReference"] = [{"$ref": p["$id"]} for p in persons]
        if incident_notes:
            incident_component["notesReference"] = [{"$ref": n} for n in incident_notes]
        if incident.disposition is not None:
            incident_component["dispositionComponent"] = [self._disposition()]
        doc["incidentComponent"] = incident_component
        doc["callComponent"] = [self._call(location_id, persons, callback, call_notes)]
        if callback:
            doc["callbackComponent"] = [callback]
        if dispatches:
            doc["dispatchComponent"] = dispatches
        if notes_component:
            doc["notesComponent"] = notes_component
        if resources:
            doc["emergencyResourceComponent"] = resources
        doc["agencyComponent"] = list(self.agencies.values())
        doc["agentComponent"] = list(self.agents.values())
        if location_id:
            doc["locationComponent"] = [self._location_component(location_id)]
        if persons:
            doc["personComponent"] = persons
        if cautions:
            doc["cautionComponent"] = cautions
        doc["@context"] = dict(JSON_LD_CONTEXT)
        return doc

    def _location(self) -> str | None:
        loc = self.incident.location
        has_point = loc.lat is not None and loc.lon is not None
        return self._id("location") if (loc.address.strip() or has_point) else None

    def _location_component(self, location_id: str) -> dict[str, Any]:
        loc = self.incident.location
        address = _XML_UNSAFE.sub("", loc.address)
        return {
            **self._prologue(location_id, self.incident.received_at),
            "locationTypeDescriptionRegistryText": "Incident",
            "locationByValue": pidf.build(
                f"pres:{self.incident.id}@{self.identity.agency_id}", address, loc.lat, loc.lon
            ),
        }

    def _call(
        self,
        location_id: str | None,
        persons: list[dict[str, Any]],
        callback: dict[str, Any] | None,
        call_notes: list[str],
    ) -> dict[str, Any]:
        incident = self.incident
        call: dict[str, Any] = {
            **self._prologue(self._call_id(), incident.received_at),
            "callStateRegistryText": "callEnd",
            "standardPrimaryCallType": codes.PRIMARY_CALL_TYPE,
            "localCallType": incident.source.value,
            "direction": "incoming",
            "priorityIdentifier": codes.CALL_PRIORITY[incident.priority],
            "callStartTimestamp": _ts(incident.received_at),
            "agentReference": [{"$ref": self.agent_id}],
        }
        if location_id:
            call["locationReference"] = [{"$ref": location_id}]
        if persons:
            call["personReference"] = [{"$ref": p["$id"]} for p in persons]
        if callback:
            call["callBackReference"] = {"$ref": callback["$id"]}
        if call_notes:
            call["notesReference"] = [{"$ref": n} for n in call_notes]
        return call

    def _call_id(self) -> str:
        return f"urn:emergency:uid:callid:{self.incident.id}:{self.identity.agency_id}"

    def _persons(self) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        incident = self.incident
        persons: list[dict[str, Any]] = []
        callback: dict[str, Any] | None = None
        caller = incident.caller
        if self.personal and (caller.name.strip() or caller.phone.strip()):
            person: dict[str, Any] = {
                **self._prologue(self._id("person", "caller"), incident.received_at),
                "personIncidentRoleRegistryText": [codes.ROLE_CALLER],
                "callIdentifier": [self._call_id()],
            }
            if caller.name.strip():
                person["ncPersonComponent"] = {
                    "name": [{"personFullName": [{"value": caller.name}]}]
                }
            if caller.phone.strip():
                callback = {
                    **self._prologue(self._id("callback", "caller"), incident.received_at),
                    # A tel URI has no spaces (RFC 3966); the visual separators stay.
                    "callBackInformationUri": [f"tel:{''.join(caller.phone.split())}"],
                }
                person["callBackReference"] = {"$ref": callback["$id"]}
            persons.append(person)
        # The person in crisis: the language needed is operational (the team
        # that goes needs it) and not identifying; the description is personal.
        nc: dict[str, Any] = {}
        if incident.language.strip():
            nc["primaryLanguage"] = [{"languageName": [{"value": incident.language}]}]
        if self.personal and incident.person.strip():
            nc["description"] = [{"value": incident.person}]
        if nc:
            persons.append(
                {
                    **self._prologue(self._id("person", "subject"), incident.received_at),
                    "personIncidentRoleRegistryText": [codes.ROLE_SUBJECT],
                    "ncPersonComponent": nc,
                }
            )
        return persons, callback

    def _notes(self) -> tuple[list[dict[str, Any]], list[str], list[str]]:
        components: list[dict[str, Any]] = []
        incident_notes: list[str] = []
        call_notes: list[str] = []
        if self.personal and self.incident.narrative.strip():
            note_id = self._id("note", "narrative")
            components.append(
                {
                    **self._prologue(note_id, self.incident.received_at),
                    "notesActionComments": _html(self.incident.narrative),
                }
            )
            call_notes.append(note_id)
        for index, note in enumerate(self.notes):
            note_id = self._id("note", f"{index}/{_ts(note.at)}")
            author = self._add_agent(
                self._agent_id(note.author or "unknown", self.identity.agency_id),
                ["Dispatcher"],
                self.identity.agency_id,
                note.workstation_id,
            )
            components.append(
                {
                    **self._prologue(note_id, note.at),
                    "updatedByAgentReference": {"$ref": author},
                    "notesActionComments": _html(note.text),
                    "agentReference": {"$ref": author},
                }
            )
            incident_notes.append(note_id)
        return components, incident_notes, call_notes

    def _resources(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        resources: list[dict[str, Any]] = []
        dispatches: list[dict[str, Any]] = []
        dispatched_at = self.incident.times.dispatched_at
        for team in self.teams:
            provider = self._provider_agency(team.provider)
            unit_agent = self._add_agent(
                f"{_slug(team.call_sign)}@{provider}", ["Responder"], provider
            )
            primary, secondary = codes.UNIT_STATUS[team.status]
            attributes = ["unarmed", codes.CRISIS_AGENCY_TYPE]
            attributes += [f"language:{lang}" for lang in team.languages]
            resource: dict[str, Any] = {
                **self._prologue(f"urn:uuid:{team.id}", team.status_since),
                "agentReference": [{"$ref": unit_agent}],
                "emergencyResourceTypeCommonRegistryText": "Other",
                "emergencyResourceTypeInternalText": "unarmed_crisis_team",
                "resourceAttributeRegistryText": ["Other"],
                "resourceAttributeInternalText": attributes,
                "emergencyResourceName": team.call_sign,
                "primaryUnitStatusRegistryText": primary,
                "secondaryUnitStatusRegistryText": list(secondary),
                "unitStatusInternal": [team.status.value],
            }
            if team.incident_id is not None:
                resource["activeOnIncidentId"] = incident_tracking_id(
                    team.incident_id, self.identity
                )
            resources.append(resource)
            dispatches.append(
                {
                    **self._prologue(self._id("dispatch", team.id), dispatched_at),
                    "agencyReference": {"$ref": provider},
                    "agentReference": {"$ref": self.agent_id},
                    "emergencyResourceReference": [{"$ref": resource["$id"]}],
                }
            )
        return resources, dispatches

    def _disposition(self) -> dict[str, Any]:
        incident = self.incident
        disposition = incident.disposition
        assert disposition is not None
        description = codes.DISPOSITION_LABELS[disposition]
        if self.personal and incident.redirect_reason:
            # Free text from the dispatcher: personal data like a note.
            description += f": {incident.redirect_reason}"
        return {
            **self._prologue(self._id("disposition"), incident.times.closed_at),
            "dispositionCommonRegistryCode": codes.DISPOSITION[disposition],
            "dispositionPrimaryIndicator": True,
            "dispositionCategoryText": disposition.value,
            "dispositionDescriptionText": description,
        }

    def _cautions(self) -> list[dict[str, Any]]:
        # The safety screen travels always: a responder's safety, not a person's data.
        safety = self.incident.safety
        return [
            {
                **self._prologue(self._id("caution", name), self.incident.received_at),
                "cautionTypeInternalText": name,
                "cautionTypeCommonRegistryText": registry,
                "cautionSeverity": "high",
            }
            for name, registry in codes.CAUTIONS.items()
            if getattr(safety, name)
        ]
