"""Files for each city's finance system: DATEV Buchungsstapel, SAP IDoc INVOIC02, and the
"XRechnung + Kontierung" bundle. Imports only domain; `registry.exporter_for(name)` picks one."""

from exporters.base import ExportError, ExportFile, ExportItem, Exporter
from exporters.registry import EXPORTERS, exporter_for

__all__ = ["EXPORTERS", "ExportError", "ExportFile", "ExportItem", "Exporter", "exporter_for"]
