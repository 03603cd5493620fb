import tomllib

import pytest

from domain.tenants import TenantConfig
from exporters import EXPORTERS, ExportError, exporter_for
from tests.conftest import REPO
from tests.exporters.items import CREATED_AT, EINFACH, make_item


def test_registry_knows_the_three_formats():
    assert set(EXPORTERS) == {"datev", "sap_idoc", "xrechnung_bundle"}
    with pytest.raises(ExportError) as err:
        exporter_for("lexware")
    assert err.value.code == "export.format_unknown" and "lexware" in err.value.message


def test_every_city_of_the_demo_configuration_can_export():
    config = TenantConfig.model_validate(tomllib.loads((REPO / "config" / "demo.toml").read_text("utf-8")))
    assert len(config.cities) == 9
    for city in config.cities:
        item = make_item(EINFACH, city=city.key)
        files = exporter_for(city.export.format).render([item], city.export.params, created_at=CREATED_AT)
        assert files and all(f.invoice_ids == (1,) for f in files), city.key
        assert all(city.key in f.name for f in files)
