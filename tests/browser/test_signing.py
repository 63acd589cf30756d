"""The trust story in Voila: the facilitator types a party's answer only visibly on its
behalf; each party signs through its own link, seeing what is still open; the signed record
says so on every page; a person's name is remembered for the link, Back included."""

from __future__ import annotations

import pytest

from .conftest import screenshot
from .helpers import STEP_1, WAIT, answer, open_page, question_box, saves

pytestmark = pytest.mark.slow


def _name(page):
    return page.locator(".pimw-name input")


def _sign(page, row: int, signatory: str, title: str) -> None:
    """Sign on the record page as a person does: name, title, the confirmation, the button."""
    page.get_by_placeholder("name of the signatory").nth(row).fill(signatory)
    page.get_by_placeholder("title, e.g. Head of Protection").nth(row).fill(title)
    page.get_by_placeholder("title, e.g. Head of Protection").nth(row).press("Tab")
    before = saves(page)
    page.get_by_role("checkbox").nth(row).check()
    page.get_by_role("button", name="Sign the record").nth(row).click()
    page.locator(f'.pimw-status span[data-saves="{before + 1}"]').wait_for(timeout=WAIT)


def test_on_behalf_checklist_sign_off_and_the_remembered_name(server, browser):
    aid = server.cli("new", "Cash data to the shelter cluster", "--party", "Shelter NGO:provider",
                     "--party", "Shelter Cluster:recipient").strip()

    # the facilitator's shared screen: a partner's box takes text only on its behalf
    context, page = open_page(browser, server.page_url("04-step1.ipynb", assessment=aid),
                              ready=".pimw-question")
    assert question_box(page, "E1.Q1", ".pimw-answer-A").is_disabled()
    page.locator(".pimw-party select").select_option(index=1)
    page.locator(".pimw-behalf", has_text="On behalf of Shelter NGO").wait_for(timeout=WAIT)
    answer(page, "E1.Q1", "A", "Site-level counts, said by Shelter NGO")
    screenshot(page, "on-behalf-banner")
    page.locator(".pimw-party select").select_option(index=0)
    page.locator(".pimw-behalf").wait_for(state="detached", timeout=WAIT)
    context.close()
    record_page = server.page_url("08-record.ipynb", assessment=aid)
    context, page = open_page(browser, record_page, ready=".pimw-checklist")
    assert "on behalf of Shelter NGO" in page.locator(".pimw-history").inner_text()
    assert page.locator(".pimw-check-open").count() > 0
    assert page.get_by_role("button", name="Sign the record").first.is_disabled()  # not hers
    context.close()

    # each party signs through its own link, acknowledging the open items it sees
    for row, (party, signatory, title) in enumerate((("A", "Amal Haddad", "Country Director"),
                                                    ("B", "Ben Okafor", "Cluster Coordinator"))):
        link = server.cli("invite", aid, "--party", party).strip()
        context, page = open_page(browser, link.replace("01-start", "08-record"),
                                  ready=".pimw-checklist")
        _name(page).fill(signatory)
        _name(page).press("Tab")
        _sign(page, row, signatory, title)
        if party == "A":
            # the name is remembered for this link: a new page of it, and Back, keep it
            page.get_by_role("link", name=STEP_1).first.click()
            page.wait_for_selector(".pimw-question", timeout=WAIT)
            page.go_back()
            page.wait_for_selector(".pimw-checklist", timeout=WAIT)
            page.wait_for_function("document.querySelector('.pimw-name input').value !== ''",
                                   timeout=WAIT)
            assert _name(page).input_value() == signatory
            again = context.new_page()
            again.goto(link)
            again.wait_for_selector(".pimw-header", timeout=WAIT)
            again.wait_for_function("document.querySelector('.pimw-name input').value !== ''",
                                    timeout=WAIT)
            assert _name(again).input_value() == signatory
        context.close()

    # the signed record says so before the first edit, on every page
    context, page = open_page(browser, server.page_url("05-step2.ipynb", assessment=aid),
                              ready=".pimw-signed-notice")
    notice = page.locator(".pimw-signed-notice").inner_text()
    assert "revision 1" in notice and "Shelter NGO (Amal Haddad)" in notice
    screenshot(page, "signed-notice")
    context.close()
    shown = server.cli("show", aid)
    assert "Signed" in shown or "signed" in shown
