"""`rechnungslauf parse FILE… [--json]`."""

from __future__ import annotations

import json

import cli
from tests.conftest import XML_RECHNUNG

EINFACH_CII = XML_RECHNUNG / "CII" / "EN16931_Einfach.cii.xml"
EINFACH_PDF = XML_RECHNUNG / "FX" / "EN16931_Einfach.pdf"


def test_json_of_one_file(capsys):
    assert cli.main(["parse", "--json", str(EINFACH_CII)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["syntax"] == "cii" and out["profile"] == "urn:cen.eu:en16931:2017"
    assert out["invoice"]["totals"]["amount_due"] == "529.87"  # amounts as strings
    assert out["invoice"]["lines"][0]["price"]["net_price"] == "9.9000"


def test_text_summary_of_several_files(capsys):
    assert cli.main(["parse", str(EINFACH_CII), str(EINFACH_PDF)]) == 0
    out = capsys.readouterr().out
    assert "Rechnung 471102 vom 2018-03-05" in out
    assert "eingebettete Datei: factur-x.xml" in out
    assert "Zahlbetrag: 529.87" in out


def test_a_failing_file_gives_exit_1_and_the_german_error(tmp_path, capsys):
    broken = tmp_path / "kaputt.xml"
    broken.write_bytes(b"<Invoice>")
    missing = tmp_path / "fehlt.xml"
    assert cli.main(["parse", "--json", str(EINFACH_CII), str(broken), str(missing)]) == 1
    captured = capsys.readouterr()
    records = json.loads(captured.out)
    assert [("error" in r) for r in records] == [False, True, True]
    assert records[1]["error"]["code"] == "parse.not_well_formed"
    assert records[2]["error"]["code"] == "parse.unreadable_file"
    assert "nicht wohlgeformt" in captured.err


def test_text_mode_error(tmp_path, capsys):
    empty = tmp_path / "leer.xml"
    empty.write_bytes(b"")
    assert cli.main(["parse", str(empty)]) == 1
    assert "parse.empty" in capsys.readouterr().err
