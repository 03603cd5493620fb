"""Format name (as in the city's configuration) -> exporter."""

from __future__ import annotations

from exporters.base import ExportError, Exporter
from exporters.datev import DatevExporter
from exporters.sap_idoc import IdocExporter
from exporters.xrechnung_bundle import BundleExporter

EXPORTERS: dict[str, Exporter] = {
    exporter.format: exporter for exporter in (DatevExporter(), IdocExporter(), BundleExporter())
}


def exporter_for(format_name: str) -> Exporter:
    try:
        return EXPORTERS[str(format_name)]
    except KeyError:
        known = ", ".join(sorted(EXPORTERS))
        raise ExportError("export.format_unknown",
                          f"Exportformat „{format_name}“ ist unbekannt (bekannt: {known}).") from None
