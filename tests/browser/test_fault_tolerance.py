"""Faults a partner meets in Voila: a kernel that crashes mid-answer loses nothing typed,
typing is saved without leaving the box, a text too large is never called saved, and no
link but the facilitator's reads a file on the server."""

from __future__ import annotations

import time

import pytest

from pim_workbook.store.core import Store

from .conftest import screenshot
from .helpers import WAIT, open_page, pick_tab, question_box

pytestmark = pytest.mark.slow


def _stored(server, qid: str, party: str) -> str:
    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        answer = store.get("sample").answers.get(qid)
    return answer.parties.get(party, "") if answer else ""


def _wait_stored(server, qid: str, party: str, text: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while (found := _stored(server, qid, party)) != text and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_typing_is_saved_without_leaving_the_box_and_survives_a_kernel_crash(server,
                                                                            browser):
    link = server.cli("invite", "sample", "--party", "B").strip()
    context, page = open_page(browser, link.replace("01-start", "04-step1"),
                          ready=".pimw-question")
    box = question_box(page, "E1.Q3", ".pimw-answer-B")
    box.fill("")
    box.press_sequentially("Saved while typing.", delay=20)  # no Tab, no click elsewhere
    assert _wait_stored(server, "E1.Q3", "B", "Saved while typing.") == "Saved while typing."
    page.locator(".pimw-status .pimw-ok").wait_for(timeout=WAIT)

    box.press_sequentially(" Typed as the kernel died,", delay=10)
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                           ".textContent).kernelId")
    server.kill_kernel(kernel)
    killed = time.monotonic()
    box.press_sequentially(" and after.", delay=10)
    page.locator("#pimw-lost").wait_for(state="visible", timeout=15_000)
    assert time.monotonic() - killed < 6  # "within 5 s", plus the browser's own latency
    assert box.is_disabled()
    screenshot(page, "kernel-crashed")
    page.keyboard.type(" typed on after the overlay")  # a space does not press Reload
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)  # time for a reload to begin, were one started
    assert page.locator("#pimw-lost").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "pimw-reload"

    page.keyboard.press("Enter")
    page.locator("#pimw-restore").wait_for(state="visible", timeout=WAIT)
    typed = "Saved while typing. Typed as the kernel died, and after."
    assert "Typed as the kernel died" in page.locator("#pimw-restore").inner_text()
    screenshot(page, "restore-offered")
    page.get_by_role("button", name="Put it back").click()
    assert _wait_stored(server, "E1.Q3", "B", typed) == typed  # through the same checks
    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        change = [c for c in store.history("sample") if c.path == "answers/E1.Q3/parties/B"]
    assert change[-1].party == "B" and change[-1].via.startswith("link:")
    deadline = time.monotonic() + 10  # the tab forgets it once the store holds it
    while page.evaluate("sessionStorage.length") and time.monotonic() < deadline:
        time.sleep(0.3)
    assert page.evaluate("sessionStorage.length") == 0
    context.close()


def test_a_text_too_large_for_the_kernel_is_never_called_saved(server, browser):
    link = server.cli("invite", "sample", "--party", "B").strip()
    context, page = open_page(browser, link.replace("01-start", "04-step1"),
                          ready=".pimw-question")
    box = question_box(page, "E1.Q2", ".pimw-answer-B")
    before = _stored(server, "E1.Q2", "B")
    box.fill("x" * 20_001)
    page.locator(".pimw-status .pimw-error", has_text="limited to 20,000").wait_for(
        timeout=WAIT)
    name = page.get_by_placeholder("your name (shown in the history)")
    name.fill("y" * 20_001)  # a box sent when it is left, not as it is typed
    name.press("Tab")
    time.sleep(2)
    assert _stored(server, "E1.Q2", "B") == before
    assert page.locator(".pimw-status .pimw-error", has_text="limited to 20,000").count() == 1
    assert page.locator("#pimw-lost").is_hidden()  # the connection stays up
    context.close()


def test_an_upload_too_large_to_send_is_refused_in_the_page(server, browser):
    link = server.cli("invite", "sample", "--party", "A").strip()
    context, page = open_page(browser, link.replace("01-start", "05-step2"), ready=".pimw-page")
    pick_tab(page, "Disclosure risk")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload a small file").click()
    chooser.value.set_files(
        files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": b"a,b\n" * 3_000_000}])
    page.locator(".pimw-status .pimw-error", has_text="big.csv is larger than 8 MB").wait_for(
        timeout=WAIT)
    time.sleep(3)
    assert page.locator("#pimw-lost").is_hidden()  # the connection stays up
    context.close()


@pytest.mark.parametrize("role", ["party", "observer"])
def test_partner_links_offer_no_server_file(server, browser, role):
    args = ["--party", "A"] if role == "party" else ["--read-only"]
    link = server.cli("invite", "sample", *args).strip()
    context, page = open_page(browser, link.replace("01-start", "05-step2"), ready=".pimw-page")
    pick_tab(page, "Disclosure risk")
    page.get_by_text("give a larger file to the facilitator").wait_for(timeout=WAIT)
    assert page.get_by_role("button", name="Read the file").count() == 0
    assert "household-survey.csv" not in page.content()
    assert page.locator("input[type=text][placeholder*='path']").count() == 0
    screenshot(page, f"step2-files-{role}")
    context.close()


def test_the_facilitator_reads_only_the_data_folder(server, browser):
    context, page = open_page(browser, server.page_url("05-step2.ipynb", assessment="sample"))
    pick_tab(page, "Disclosure risk")
    page.locator(".pimw-risk-server-file select").select_option(label="household-survey.csv")
    page.get_by_role("button", name="Read the file").click()
    page.get_by_text("household-survey.csv: 3 records, 2 columns").wait_for(timeout=WAIT)
    options = page.locator(".pimw-risk-server-file option").all_inner_texts()
    assert options == ["household-survey.csv"]
    screenshot(page, "step2-files-facilitator")
    context.close()


def test_a_refused_link_gets_a_plain_page_without_a_kernel(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    response = page.goto(server.page_url("04-step1.ipynb", assessment="sample",
                                          key="lbogus.secret", lang="fr"))
    assert response.status == 403
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Lien non valide" in page.locator(".pimw-refused h1").inner_text()
    assert page.locator("#jupyter-config-data").count() == 0  # no Voila, so no kernel
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "refused-link-phone")
    context.close()
