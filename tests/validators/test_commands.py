"""`rechnungslauf validate`: formats, exit codes, batches over processes."""

from __future__ import annotations

import json
import subprocess
import sys

import cli
from tests.conftest import REPO
from tests.validators.mutate import CII, UBL, replace

REJECTED_NAME = "rejected.xml"
KEYS = {"file", "syntax", "profile", "accepted", "fired", "fields"}
FIELD_KEYS = {
    "invoice_number",
    "issue_date",
    "seller_name",
    "buyer_reference",
    "currency",
    "total_net",
    "total_tax",
    "total_gross",
    "amount_due",
    "line_count",
}


def rejected_file(tmp_path):
    path = tmp_path / REJECTED_NAME
    path.write_bytes(replace(UBL, "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", ""))
    return path


def run(argv, capsys):
    code = cli.main(argv)
    return code, capsys.readouterr()


def test_jsonl_has_the_fixed_line_format(tmp_path, capsys):
    bad = rejected_file(tmp_path)
    code, out = run(["validate", str(UBL), str(CII), str(bad), "--format", "jsonl", "--jobs", "1"], capsys)
    assert code == 1
    lines = [json.loads(line) for line in out.out.splitlines()]
    assert [line["file"] for line in lines] == [str(UBL), str(CII), str(bad)]
    for line in lines:
        assert KEYS <= set(line)
        assert set(line["fields"]) == FIELD_KEYS
        assert all(set(f) == {"id", "flag"} and f["flag"] in {"fatal", "warning", "information"} for f in line["fired"])
    ubl, cii, rejected = lines
    assert ubl["syntax"] == "ubl-invoice" and cii["syntax"] == "cii"
    assert ubl["profile"] == "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    assert ubl["accepted"] is True and rejected["accepted"] is False
    assert ubl["fields"] == cii["fields"] == {
        "invoice_number": "123456XX",
        "issue_date": "2016-04-04",
        "seller_name": "[Seller name]",
        "buyer_reference": "04011000-12345-03",
        "currency": "EUR",
        "total_net": "314.86",
        "total_tax": "22.04",
        "total_gross": "336.9",  # as written, not normalised
        "amount_due": "336.9",
        "line_count": 2,
    }
    assert {"id": "BR-DE-15", "flag": "fatal"} in rejected["fired"]
    assert rejected["fields"]["buyer_reference"] is None


def test_unreadable_file_gives_syntax_unknown(tmp_path, capsys):
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"not xml at all")
    code, out = run(["validate", str(junk), "--format", "jsonl"], capsys)
    assert code == 1
    line = json.loads(out.out)
    assert line["syntax"] == "unknown" and line["profile"] is None and line["accepted"] is False
    assert line["fired"] == []


def test_all_accepted_exits_0_and_text_is_german(capsys):
    code, out = run(["validate", str(UBL), str(CII), "--jobs", "1"], capsys)
    assert code == 0
    assert out.out.count(": gültig (EN16931 XRechnung") == 2


def test_missing_file_is_a_usage_error(tmp_path, capsys):
    code, out = run(["validate", str(UBL), str(tmp_path / "fehlt.xml")], capsys)
    assert code == 2
    assert "nicht gefunden" in out.err
    assert out.out == ""


def test_bad_jobs_value_is_a_usage_error(capsys):
    code, out = run(["validate", str(UBL), "--jobs", "0"], capsys)
    assert code == 2


def test_html_and_json_formats(tmp_path, capsys):
    bad = rejected_file(tmp_path)
    code, out = run(["validate", str(bad), "--format", "html"], capsys)
    assert code == 1
    assert out.out.startswith("<!DOCTYPE html>") and "BR-DE-15" in out.out and "Leitweg-ID" in out.out
    code, out = run(["validate", str(bad), str(UBL), "--format", "json", "--jobs", "1"], capsys)
    documents = json.loads(out.out)
    assert [d["file"] for d in documents] == [str(bad), str(UBL)]
    assert documents[0]["report"]["accepted"] is False and documents[1]["report"]["accepted"] is True


def test_a_batch_over_processes_gives_the_same_lines_in_order(tmp_path, capsys):
    files = [str(UBL), str(rejected_file(tmp_path)), str(CII), str(UBL), str(CII)]
    serial = run(["validate", *files, "--format", "jsonl", "--jobs", "1"], capsys)
    # the real command in its own process: worker processes are forked from a clean parent
    parallel = subprocess.run(
        [sys.executable, "-m", "cli", "validate", *files, "--format", "jsonl", "--jobs", "2"],
        capture_output=True,
        cwd=REPO,
        timeout=300,
    )
    assert serial[0] == parallel.returncode == 1
    assert serial[1].out == parallel.stdout.decode("utf-8")
