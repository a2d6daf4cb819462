"""Interoperability with other dispatch systems: NENA-STA-021 EIDO documents.

Pure mapping code (no Qt, no server, no local store): the console exports and
imports files with it, the server builds the redirect packet with it.
"""

from .eido import (
    EidoAgent,
    EidoIdentity,
    EidoImport,
    EidoImportError,
    eido_to_incident_created,
    incident_to_eido,
    incident_tracking_id,
    redirect_agency_of,
)

__all__ = [
    "EidoAgent",
    "EidoIdentity",
    "EidoImport",
    "EidoImportError",
    "eido_to_incident_created",
    "incident_to_eido",
    "incident_tracking_id",
    "redirect_agency_of",
]
