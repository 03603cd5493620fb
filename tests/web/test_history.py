from web.history import action_label


def test_audit_actions_read_as_german():
    assert action_label("invoice.created") == "Rechnung eingegangen"
    assert action_label("decision.factual_review.approve") == "sachlich richtig"
    assert action_label("decision.payment_order.approve") == "angeordnet"
    assert action_label("decision.arithmetic_review.reject") == "rechnerische Prüfung: zurückweisen"
    assert action_label("status.awaiting_payment_order") == "Stand: wartet auf Anordnung"
    assert action_label("etwas.neues") == "etwas.neues"  # unknown actions stay readable as written
    assert action_label("decision.kaffee.approve") == "decision.kaffee.approve"


def test_machine_actors_read_as_german():
    from web.history import actor_label

    assert actor_label("system") == "System"
    assert actor_label("supplier:7") == "Lieferant"
    assert actor_label("anna") == "anna"
