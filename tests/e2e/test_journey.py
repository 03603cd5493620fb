"""The whole journey in a real browser: a supplier hands in an XRechnung and a ZUGFeRD PDF,
three clerks of Ettlingen approve the one with four eyes and send the other back with a
reason, the supplier sees both outcomes; a rejected upload shows the German report. Screenshots of every page go to tests/artifacts/."""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.invoices import unique_number, with_wrong_total, xrechnung, zugferd
from tests.web.tenants import PASSWORD, SUPPLIER_TOKENS

pytestmark = [pytest.mark.browser, pytest.mark.temporal, pytest.mark.slow]

WAIT_SECONDS = 60


def until(page, check, what: str, timeout: float = WAIT_SECONDS) -> None:
    """Reload the page until `check(page)` holds: the workflow moves on asynchronously."""
    deadline = time.monotonic() + timeout
    while not check(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; page: {page.url}\n{page.inner_text('main')[:2000]}")
        time.sleep(0.5)
        page.reload()


def new_page(browser, base_url: str):
    context = browser.new_context(base_url=base_url, locale="de-DE", viewport={"width": 1400, "height": 1000})
    return context.new_page()


def clerk_login(browser, base_url: str, login: str, screenshots=None):
    page = new_page(browser, base_url)
    page.goto("/kaemmerei/anmelden")
    if screenshots:
        screenshots(page, "00-verwaltung-anmeldung")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/kaemmerei/eingang")
    return page


def open_invoice(page, invoice_id: int, step_label: str):
    page.goto(f"/kaemmerei/rechnungen/{invoice_id}")
    until(page, lambda p: p.locator("#step").count() and step_label in p.inner_text("#step"), f"step {step_label}")


def drop_file(page, selector: str, name: str, content: str) -> None:
    """Drag and drop: a file dropped onto the zone, as a person would from the file manager."""
    transfer = page.evaluate_handle(
        "([name, content]) => { const t = new DataTransfer();"
        " t.items.add(new File([content], name, {type: 'application/xml'})); return t; }",
        [name, content],
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def flash_text(page) -> str:
    return page.inner_text(".flash")


def test_supplier_to_payment_order(stack, browser, screenshots, tmp_path):
    base = stack.base_url
    xml_number, pdf_number = unique_number("XR"), unique_number("ZF")
    (tmp_path / "rechnung.xml").write_bytes(xrechnung(number=xml_number))
    (tmp_path / "rechnung.pdf").write_bytes(zugferd(number=pdf_number))
    (tmp_path / "fehlerhaft.xml").write_bytes(with_wrong_total(xrechnung()))

    # --- the supplier hands in two invoices through the portal
    supplier = new_page(browser, base)
    supplier.goto("/portal/rechnungen")
    supplier.wait_for_url("**/portal/anmelden**")
    screenshots(supplier, "01-lieferant-anmeldung")
    supplier.fill("#token", SUPPLIER_TOKENS["bauer"])
    supplier.click("button[type=submit]")
    supplier.wait_for_url("**/portal/rechnungen")
    supplier.goto("/portal/hochladen")
    supplier.set_input_files("#file", [str(tmp_path / "rechnung.xml"), str(tmp_path / "rechnung.pdf")])
    supplier.click("#upload-button")
    supplier.locator("#upload-results li").nth(1).wait_for(timeout=WAIT_SECONDS * 1000)
    results = supplier.inner_text("#upload-results")
    assert results.count("angenommen") == 2, results
    screenshots(supplier, "02-lieferant-hochgeladen")
    ids = [int(x) for x in re.findall(r"Vorgang (\d+)", results)]
    xml_id, pdf_id = ids

    supplier.goto("/portal/rechnungen")
    until(supplier, lambda p: p.inner_text(f"tr[data-invoice-id='{xml_id}']").count("in Prüfung")
          and "in Prüfung" in p.inner_text(f"tr[data-invoice-id='{pdf_id}']"), "both invoices in review")
    screenshots(supplier, "03-lieferant-in-pruefung")

    # --- a rejected upload shows the German report
    supplier.goto("/portal/hochladen")
    drop_file(supplier, "#dropzone", "fehlerhaft.xml", (tmp_path / "fehlerhaft.xml").read_text(encoding="utf-8"))
    supplier.wait_for_selector("#upload-results li.bad")
    assert "zurückgewiesen" in supplier.inner_text("#upload-results")
    supplier.click("#upload-results li.bad a")
    supplier.wait_for_selector("#pruefergebnis")
    report = supplier.inner_text("#pruefergebnis")
    assert "abgelehnt" in report and "BR-CO-15" in report
    assert "zurückgewiesen" in supplier.inner_text("#status")
    frame = supplier.frame_locator("iframe.report-frame")
    assert "Prüfbericht" in frame.locator("h1").inner_text()
    screenshots(supplier, "04-lieferant-pruefbericht")

    # --- clerk A: sachliche Prüfung with account assignment
    anna = clerk_login(browser, base, "anna", screenshots)
    until(anna, lambda p: p.locator(f"#inbox tr[data-invoice-id='{xml_id}']").count() > 0, "the invoice in Anna's inbox")
    screenshots(anna, "05-eingang-anna")
    open_invoice(anna, xml_id, "sachliche Prüfung")
    visual = anna.inner_text(".invoice-view")
    assert xml_number in visual and "Positionen" in visual and "Aufschlüsselung der Umsatzsteuer" in visual
    assert "Alle Beträge stimmen" in anna.inner_text("#nachrechnung")
    screenshots(anna, "06-rechnung-sachliche-pruefung")
    anna.fill("#gl_account", "4240")
    anna.fill("#cost_center", "6000")
    anna.fill("#product", "51.10.01")
    anna.click("#approve-button")
    assert "Abgelehnt" not in flash_text(anna), flash_text(anna)

    # the ZUGFeRD invoice shows its PDF beside the data
    open_invoice(anna, pdf_id, "sachliche Prüfung")
    assert anna.locator("#pdf-original iframe").count() == 1
    pdf = anna.request.get(f"/kaemmerei/rechnungen/{pdf_id}/original")
    assert pdf.ok and pdf.body().startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    screenshots(anna, "07-rechnung-zugferd-mit-pdf")

    # --- clerk B: rechnerische Prüfung
    bernd = clerk_login(browser, base, "bernd")
    open_invoice(bernd, xml_id, "rechnerische Prüfung")
    assert "sachlich richtig" in bernd.inner_text("#freigabe") and "4240" in bernd.inner_text("#freigabe")
    screenshots(bernd, "08-rechnung-rechnerische-pruefung")
    bernd.click("#approve-button")
    assert "Abgelehnt" not in flash_text(bernd), flash_text(bernd)

    # --- clerk A may not order the payment she reviewed herself (four eyes)
    open_invoice(anna, xml_id, "Anordnung")
    anna.click("#approve-button")
    refusal = flash_text(anna)
    assert "Abgelehnt" in refusal and "decision.four_eyes" in refusal, refusal
    screenshots(anna, "09-anordnung-vier-augen-abgelehnt")

    # --- clerk C orders the payment
    clara = clerk_login(browser, base, "clara")
    open_invoice(clara, xml_id, "Anordnung")
    clara.click("#approve-button")
    assert "Abgelehnt" not in flash_text(clara), flash_text(clara)
    clara.goto(f"/kaemmerei/rechnungen/{xml_id}")
    until(clara, lambda p: any(s in p.inner_text("#status") for s in ("angeordnet", "exportiert", "archiviert")), "the payment order")
    history = clara.inner_text("#verlauf")
    assert "anna" in history and "bernd" in history and "clara" in history
    screenshots(clara, "10-rechnung-angeordnet")
    clara.goto("/kaemmerei/uebersicht")
    assert "Übersicht Ettlingen" in clara.inner_text("h1")
    screenshots(clara, "11-uebersicht")
    clara.goto(f"/kaemmerei/suche?nummer={xml_number}")
    assert clara.locator(f"#search-results tr[data-invoice-id='{xml_id}']").count() == 1
    screenshots(clara, "12-suche")
    clara.goto("/kaemmerei/schluessel")
    clara.click("button[type=submit]")
    assert clara.inner_text("#api-token").startswith("rlc_")
    screenshots(clara, "12a-api-schluessel")
    clara.goto("/docs")
    assert "POST /api/v1/invoices" in clara.inner_text("main")
    screenshots(clara, "12b-api-dokumentation")

    # --- clerk A sends the ZUGFeRD invoice back, with a reason for the supplier
    open_invoice(anna, pdf_id, "sachliche Prüfung")
    anna.click("#form-reject >> xpath=.. >> summary")
    anna.fill("#reject-reason", "Die Lieferung ist noch nicht vollständig eingegangen.")
    anna.click("#form-reject button[type=submit]")
    assert "Abgelehnt" not in flash_text(anna), flash_text(anna)

    # --- the supplier sees the final status of both
    supplier.goto("/portal/rechnungen")
    until(supplier, lambda p: any(s in p.inner_text(f"tr[data-invoice-id='{xml_id}']") for s in ("angeordnet", "exportiert"))
          and "zurückgewiesen" in p.inner_text(f"tr[data-invoice-id='{pdf_id}']"), "final status")
    assert "noch nicht vollständig eingegangen" in supplier.inner_text(f"tr[data-invoice-id='{pdf_id}']")
    screenshots(supplier, "13-lieferant-endstand")
