"""Partner links in Voila: each organisation, in its own browser, sees and edits only what it
should; a revoked link is locked out at once; the history says who did what, through which
link."""

from __future__ import annotations

import time

import pytest

from pim_workbook.store.core import Store

from .conftest import screenshot
from .helpers import STEP_1, WAIT, answer, axe_faults, open_page, question_box

pytestmark = pytest.mark.slow


def test_three_organisations_each_see_only_their_own(server, browser):
    other = server.cli("new", "Referrals to the health cluster", "--party",
                       "Care Clinics:recipient").strip()
    link_a = server.cli("invite", "sample", "--party", "A").strip()
    link_b = server.cli("invite", "sample", "--party", "Meridian").strip()
    link_c = server.cli("invite", other, "--party", "Care Clinics").strip()
    assert all(link.startswith(server.url.split("/voila/")[0]) for link in (link_a, link_c))

    ctx_a, page_a = open_page(browser, link_a, ready=".pimw-header")
    assert "SAMPLE" in page_a.locator(".pimw-assessment").inner_text()
    assert page_a.locator(".pimw-party select").is_disabled()
    page_a.get_by_role("link", name=STEP_1).first.click()
    page_a.wait_for_selector(".pimw-question", timeout=WAIT)
    assert page_a.locator(".pimw-answer-B textarea").is_disabled()
    assert page_a.locator(".pimw-agreed-answer textarea").is_disabled()
    text_a = f"A's own answer {time.time():.0f}"
    answer(page_a, "E1.Q2", "A", text_a)
    screenshot(page_a, "party-link-step1")

    ctx_b, page_b = open_page(browser, link_b.replace("01-start", "04-step1"),
                          ready=".pimw-question")
    assert page_b.locator(".pimw-answer-A textarea").is_disabled()
    answer(page_b, "E1.Q2", "B", "B's own answer")
    assert question_box(page_b, "E1.Q2", ".pimw-answer-A").input_value() == text_a  # side by side

    ctx_c, page_c = open_page(browser, link_c, ready=".pimw-header")
    assert "Referrals to the health cluster" in page_c.locator(".pimw-assessment").inner_text()
    page_c.goto(link_c.replace(f"assessment={other}", "assessment=sample"))
    page_c.get_by_text("Link not valid").wait_for(timeout=WAIT)
    assert "Sahel" not in page_c.inner_text("body")
    page_c.goto(link_c.replace("01-start", "index"))
    page_c.get_by_text("Referrals to the health cluster").wait_for(timeout=WAIT)
    assert "SAMPLE" not in page_c.inner_text("body")
    screenshot(page_c, "party-link-landing")

    link_id = link_a.split("key=")[1].split(".")[0]  # this link, not another of party A
    assert link_id in server.cli("invites", "sample")
    server.cli("revoke", link_id)
    page_a.locator(".pimw-status", has_text="revoked").wait_for(timeout=WAIT)
    page_a.locator(".pimw-answer-A textarea:disabled").wait_for(timeout=WAIT)  # locked too
    page_a.reload()
    page_a.get_by_text("Link not valid").wait_for(timeout=WAIT)
    for context in (ctx_a, ctx_b, ctx_c):
        context.close()

    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        changes = [c for c in store.history("sample") if c.path == "answers/E1.Q2/parties/A"]
        by_b = [c for c in store.history("sample") if c.path == "answers/E1.Q2/parties/B"]
        assert changes[-1].new == text_a and changes[-1].party == "A"
        assert changes[-1].via == f"link:{link_id}"
        assert by_b[-1].via.startswith("link:") and by_b[-1].via != changes[-1].via


def test_two_partners_answer_side_by_side_each_in_their_own_language(server, browser):
    from playwright.sync_api import expect

    link_a = server.cli("invite", "sample", "--party", "A", "--lang", "fr").strip()
    link_b = server.cli("invite", "sample", "--party", "B", "--lang", "ar").strip()
    assert "lang=fr" in link_a and "lang=ar" in link_b
    ctx_a, page_a = open_page(browser, link_a.replace("01-start", "04-step1"),
                              ready=".pimw-question")
    ctx_b, page_b = open_page(browser, link_b.replace("01-start", "04-step1"),
                              ready=".pimw-question")
    try:
        where = "[document.documentElement.lang, document.documentElement.dir]"
        assert page_a.evaluate(where) == ["fr", "ltr"]
        assert page_b.evaluate(where) == ["ar", "rtl"]
        assert "Étape 1" in page_a.locator(".pimw-header").inner_text()
        assert "الخطوة 1" in page_b.locator(".pimw-header").inner_text()
        # right to left: the pages run from the right edge (Start) to the left (Record)
        links = page_b.locator(".pimw-menu-wide a")
        first, last = links.first.bounding_box(), links.last.bounding_box()
        assert first and last and first["x"] > last["x"]
        assert axe_faults(page_b) == []

        french = "Nous avons besoin des tendances mensuelles par commune."
        arabic = "نحتاج إلى الاتجاهات الشهرية حسب البلدية."
        answer(page_a, "E1.Q3", "A", french)
        answer(page_b, "E1.Q3", "B", arabic)
        # each sees the other's answer as it was typed, on the next poll
        expect(question_box(page_b, "E1.Q3", ".pimw-answer-A")).to_have_value(french,
                                                                            timeout=WAIT)
        expect(question_box(page_a, "E1.Q3", ".pimw-answer-B")).to_have_value(arabic,
                                                                            timeout=WAIT)
        with Store(server.env["PIM_WORKBOOK_DB"]) as store:
            assert store.get("sample").typed_in["E1.Q3"].parties == {"A": "fr", "B": "ar"}

        # the English wording of the question, on demand, to check a translation
        original = page_b.locator(".pimw-card .pimw-original").first
        original.locator("summary").click()
        expect(original).to_contain_text("?", timeout=WAIT)
        assert original.get_attribute("lang") == "en"
        screenshot(page_b, "arabic-partner-step1")

        # the language switch keeps the link: the same page, party B, in Spanish
        page_b.locator('.pimw-lang a[hreflang="es"]').first.click()
        page_b.wait_for_url("**lang=es**", timeout=WAIT)
        page_b.wait_for_selector(".pimw-question", timeout=WAIT)
        assert page_b.evaluate(where) == ["es", "ltr"]
        assert "Paso 1" in page_b.locator(".pimw-header").inner_text()
        assert page_b.locator(".pimw-party select").is_disabled()
        expect(question_box(page_b, "E1.Q3", ".pimw-answer-B")).to_have_value(arabic,
                                                                            timeout=WAIT)
    finally:
        ctx_a.close()
        ctx_b.close()
