"""The tenant configuration: demo.toml is valid, loads idempotently, and bad files get a
German answer."""

import tomllib
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

import cli
from domain.leitweg import LeitwegId
from domain.status import Role
from domain.tenants import TenantConfig
from storage.config_loader import load_config, read_config
from storage.db import session_scope
from storage.errors import ConfigError
from storage.models import City, Department, ExportSetting, GroupMember, Substitute, User, UserRole, metadata
from storage.passwords import verify_password
from storage.tenants import may_order_payment, route, supplier_by_token, user_by_login
from tests.db import database  # noqa: F401
from tests.storage.helpers import DEMO_CONFIG

NINE_CITIES = {
    "Baden-Baden": "08211000", "Bretten": "08215007", "Bruchsal": "08215009", "Bühl": "08216008",
    "Ettlingen": "08215017", "Gaggenau": "08216015", "Rastatt": "08216043", "Rheinstetten": "08215111",
    "Stutensee": "08215112",
}


def _raw():
    return tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))


def test_demo_has_the_nine_cities_with_their_ags():
    config = read_config(DEMO_CONFIG)
    assert {c.name: c.ags for c in config.cities} == NINE_CITIES


def test_every_leitweg_id_in_demo_toml_is_valid():
    raw = _raw()
    ids = [c["leitweg_id"] for c in raw["cities"]] + [d["leitweg_id"] for c in raw["cities"] for d in c["departments"]]
    assert len(ids) >= 9 * 4
    for value in ids:
        assert str(LeitwegId.parse(value)) == value
    for city in raw["cities"]:
        assert LeitwegId.parse(city["leitweg_id"]).coarse == city["ags"]
        assert len(city["departments"]) >= 3


def test_demo_has_every_role_in_every_city():
    config = read_config(DEMO_CONFIG)
    for city in config.cities:
        roles = [r for u in config.users for r in u.roles if r.city == city.key]
        kinds = [r.role for r in roles]
        assert kinds.count(Role.FACTUAL_REVIEWER) >= 2
        for role in Role:
            assert role in kinds, (city.key, role)
        limits = {r.approval_limit for r in roles if r.role == Role.PAYMENT_ORDERER}
        assert limits == {Decimal("5000.00"), Decimal("50000.00")}
        assert any(r.role == Role.TREASURY_ADMIN and r.approval_limit is None for r in roles)
    assert {c.export.format.value for c in config.cities} == {"datev", "sap_idoc", "xrechnung_bundle"}
    assert config.substitutes


def _snapshot(session):
    return {
        name: sorted(tuple(str(v) for v in row) for row in session.execute(text(f"SELECT * FROM {name}")).all())
        for name in sorted(metadata.tables)
    }


def test_loading_demo_twice_changes_nothing_the_second_time(database):
    with session_scope(database.engine) as session:
        first = load_config(session, DEMO_CONFIG)
    assert first.created["city"] == 9
    with session_scope(database.engine) as session:
        before = _snapshot(session)
    with session_scope(database.engine) as session:
        second = load_config(session, DEMO_CONFIG)
    with session_scope(database.engine) as session:
        after = _snapshot(session)
    assert not second.changed, second.summary()
    assert after == before
    assert before["audit_event"]  # the first load is in the audit trail, the second is not


def test_loaded_demo_routes_and_authorises(database):
    with session_scope(database.engine) as session:
        load_config(session, DEMO_CONFIG)
    with session_scope(database.engine) as session:
        ettlingen = session.exec(select(City).where(City.key == "ettlingen")).one()
        target = route(session, str(LeitwegId.build("08215017", "AMT20")))
        assert (target.city.id, target.department.key) == (ettlingen.id, "kaemmerei")
        unknown_department = route(session, str(LeitwegId.build("08215017", "AMT99")))
        assert unknown_department.city.id == ettlingen.id and unknown_department.department is None
        assert route(session, "08215017-AMT20-00").city is None  # wrong check digits
        assert route(session, "99999999-12").city is None

        small = user_by_login(session, "ett.anordnung5")
        big = user_by_login(session, "ett.anordnung50")
        treasury = user_by_login(session, "ett.kasse")
        reviewer = user_by_login(session, "ett.sach1")
        assert may_order_payment(session, small.id, ettlingen.id, Decimal("5000.00"))
        assert not may_order_payment(session, small.id, ettlingen.id, Decimal("5000.01"))
        assert may_order_payment(session, big.id, ettlingen.id, Decimal("50000.00"))
        assert not may_order_payment(session, big.id, ettlingen.id, Decimal("50000.01"))
        assert may_order_payment(session, treasury.id, ettlingen.id, Decimal("9999999.99"))
        assert not may_order_payment(session, reviewer.id, ettlingen.id, Decimal("1.00"))
        rastatt = session.exec(select(City).where(City.key == "rastatt")).one()
        assert not may_order_payment(session, treasury.id, rastatt.id, Decimal("1.00"))  # wrong city

        assert verify_password(reviewer.password_hash, "demo")
        assert not verify_password(reviewer.password_hash, "Demo")
        assert supplier_by_token(session, "demo-token-buero-mueller").key == "buero-mueller"
        assert supplier_by_token(session, "demo-token-unknown") is None
        setting = session.get(ExportSetting, ettlingen.id)
        assert setting.format == "datev" and setting.outbox == "var/outbox/ettlingen"


def test_reload_applies_changes_and_removes_what_the_file_no_longer_says(database):
    raw = _raw()
    with session_scope(database.engine) as session:
        load_config(session, raw)
    raw["users"] = [dict(u) for u in raw["users"]]
    sach1 = next(u for u in raw["users"] if u["login"] == "ett.sach1")
    sach1["name"] = "Petra Prüfer"
    limited = next(u for u in raw["users"] if u["login"] == "ett.anordnung5")
    limited["roles"] = [{"city": "ettlingen", "role": "payment_orderer", "approval_limit": "7500.00"}]
    raw["substitutes"] = []
    for group in raw["groups"]:
        if group["city"] == "ettlingen" and group["key"] == "sachpruefung-kaemmerei":
            group["members"] = ["ett.sach2"]
    with session_scope(database.engine) as session:
        report = load_config(session, raw)
    assert report.updated == {"app_user": 1, "user_role": 1}
    assert report.deleted == {"group_member": 1, "substitute": 2}
    with session_scope(database.engine) as session:
        user = user_by_login(session, "ett.sach1")
        assert user.display_name == "Petra Prüfer"
        assert verify_password(user.password_hash, "demo")  # kept, not re-hashed
        orderer = user_by_login(session, "ett.anordnung5")
        role = session.exec(select(UserRole).where(UserRole.user_id == orderer.id)).one()
        assert role.approval_limit == Decimal("7500.00")
        assert session.exec(select(Substitute)).all() == []
        assert session.exec(select(GroupMember).where(GroupMember.user_id == user.id)).all() != []
    with session_scope(database.engine) as session:
        assert not load_config(session, raw).changed


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda raw: raw["cities"][0]["departments"][0].update(leitweg_id="08211000-AMT10-00"), "Prüfziffer"),
        (lambda raw: raw["users"][0]["roles"][0].update(city="karlsruhe"), "unbekannte Stadt „karlsruhe“"),
        (lambda raw: raw["users"][0]["roles"][0].update(approval_limit="100"), "Wertgrenze"),
        (lambda raw: raw["groups"][0]["members"].append("niemand"), "unbekannter Benutzer „niemand“"),
        (lambda raw: raw["cities"][1].update(leitweg_id=raw["cities"][0]["leitweg_id"]), "passt nicht"),
        (lambda raw: raw["users"].append(dict(raw["users"][0])), "doppelt"),
        (lambda raw: raw["suppliers"][0].update(vat_id="DE812345670"), "Umsatzsteuer-Identifikationsnummer"),
        (lambda raw: raw["suppliers"][0].update(tokens=["kurz"]), "16 Zeichen"),
        (lambda raw: raw["substitutes"][0].update({"to": raw["substitutes"][0]["from"].replace(year=2020)}), "Ende"),
    ],
)
def test_invalid_configuration_is_refused_in_german(mutate, expected):
    raw = _raw()
    mutate(raw)
    with pytest.raises(ConfigError) as error:
        read_config(raw)
    assert expected in error.value.message
    assert error.value.code == "config.invalid"


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(ConfigError) as missing:
        read_config(tmp_path / "nope.toml")
    assert missing.value.code == "config.not_found"
    broken = tmp_path / "broken.toml"
    broken.write_text("[[cities]\nkey=", encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        read_config(broken)
    assert bad.value.code == "config.toml"


def test_cli_config_load_is_idempotent(database, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database.url)
    assert cli.main(["config", "load", str(DEMO_CONFIG)]) == 0
    assert "neu:" in capsys.readouterr().out
    assert cli.main(["config", "load", str(DEMO_CONFIG)]) == 0
    assert "Keine Änderungen" in capsys.readouterr().out
    with session_scope(database.engine) as session:
        assert len(session.exec(select(User)).all()) == len(TenantConfig.model_validate(_raw()).users)
        assert len(session.exec(select(Department)).all()) == sum(len(c["departments"]) for c in _raw()["cities"])


def test_cli_config_load_of_a_bad_file_exits_1(database, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database.url)
    bad = tmp_path / "bad.toml"
    bad.write_text('[[cities]]\nkey = "x"\n', encoding="utf-8")
    assert cli.main(["config", "load", str(bad)]) == 1
    assert "ungültig" in capsys.readouterr().err
