"""A small tenant configuration for the web tests: two cities, the people of a four-eyes
approval, and two suppliers. Real configuration, loaded by storage's own loader."""

from __future__ import annotations

from domain.leitweg import LeitwegId

PASSWORD = "geheim-123"
SUPPLIER_TOKENS = {"bauer": "tok-bauer-0123456789", "mueller": "tok-mueller-0123456789"}

ETTLINGEN = "08215017"
RASTATT = "08216043"
ETTLINGEN_BAUAMT = str(LeitwegId.build(ETTLINGEN, "AMT60"))
ETTLINGEN_SCHULEN = str(LeitwegId.build(ETTLINGEN, "AMT40"))
ETTLINGEN_CITY = str(LeitwegId.build(ETTLINGEN))
RASTATT_BAUAMT = str(LeitwegId.build(RASTATT, "AMT60"))


def _user(login: str, name: str, *roles: dict) -> dict:
    return {"login": login, "name": name, "password": PASSWORD, "roles": list(roles)}


def config() -> dict:
    export = lambda key: {"format": "xrechnung_bundle", "outbox": f"var/outbox/{key}"}  # noqa: E731
    return {
        "cities": [
            {
                "key": "ettlingen", "name": "Ettlingen", "ags": "08215017", "leitweg_id": ETTLINGEN_CITY,
                "export": export("ettlingen"),
                "departments": [
                    {"key": "bauamt", "name": "Stadtbauamt", "leitweg_id": ETTLINGEN_BAUAMT},
                    {"key": "schulen", "name": "Schulamt", "leitweg_id": ETTLINGEN_SCHULEN},
                ],
            },
            {
                "key": "rastatt", "name": "Rastatt", "ags": "08216043", "leitweg_id": str(LeitwegId.build(RASTATT)),
                "export": export("rastatt"),
                "departments": [{"key": "bauamt", "name": "Baudezernat", "leitweg_id": RASTATT_BAUAMT}],
            },
        ],
        "users": [
            # clerk A: factual reviewer who could also order payment, were it not for the four eyes
            _user("anna", "Anna Acker", {"city": "ettlingen", "role": "factual_reviewer"},
                  {"city": "ettlingen", "role": "payment_orderer", "approval_limit": "50000"}),
            _user("bernd", "Bernd Berger", {"city": "ettlingen", "role": "arithmetic_reviewer"}),
            _user("clara", "Clara Conrad", {"city": "ettlingen", "role": "payment_orderer", "approval_limit": "100000"}),
            _user("eva", "Eva Eingang", {"city": "ettlingen", "role": "intake_clerk"}),
            # works for two cities, one at a time
            _user("mia", "Mia Mehrstadt", {"city": "ettlingen", "role": "factual_reviewer"},
                  {"city": "rastatt", "role": "factual_reviewer"}),
            _user("rolf", "Rolf Rastatt", {"city": "rastatt", "role": "factual_reviewer"},
                  {"city": "rastatt", "role": "arithmetic_reviewer"},
                  {"city": "rastatt", "role": "payment_orderer", "approval_limit": "100000"}),
        ],
        "groups": [
            {"city": "ettlingen", "key": "bauamt-sachlich", "name": "Bauamt sachliche Prüfung", "department": "bauamt", "members": ["anna"]},
            {"city": "ettlingen", "key": "rechnerisch", "name": "Rechnerische Prüfung", "members": ["bernd"]},
            {"city": "ettlingen", "key": "anordnung", "name": "Anordnung", "members": ["anna", "clara"]},
        ],
        # Eva stands in for Anna: Anna's personal tasks show in Eva's inbox too
        "substitutes": [{"user": "anna", "substitute": "eva", "from": "2020-01-01", "to": "2099-12-31"}],
        "suppliers": [
            {"key": "bauer", "name": "Bauer Hoch- und Tiefbau GmbH", "creditors": {"ettlingen": "70001"},
             "tokens": [SUPPLIER_TOKENS["bauer"]]},
            {"key": "mueller", "name": "Müller Bürobedarf KG", "tokens": [SUPPLIER_TOKENS["mueller"]]},
        ],
    }
