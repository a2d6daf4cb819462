"""Interoperability with other dispatch systems: NENA-STA-021 EIDO documents.

Pure mapping code (no Qt, no server, no local store): the console exports and
imports files with it, the server builds the redirect packet with it. The
export is eido_export.py, the import eido_import.py.
"""

from .eido_export import EidoAgent, EidoIdentity, incident_to_eido, incident_tracking_id
from .eido_import import EidoImport, EidoImportError, eido_to_incident_created

__all__ = [
    "EidoAgent",
    "EidoIdentity",
    "EidoImport",
    "EidoImportError",
    "eido_to_incident_created",
    "incident_to_eido",
    "incident_tracking_id",
]
