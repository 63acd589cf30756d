"""The workbook pages in Voila, driven in headless Chromium as partners use them."""

from __future__ import annotations

import json
import time

import pytest

from .conftest import Server, screenshot
from .helpers import STEP_1, WAIT, answer, open_page, question_box

pytestmark = pytest.mark.slow
def test_a_new_user_answers_step_1_as_a_party_and_finds_it_after_reload(server, browser):
    context, page = open_page(browser, server.url, ready=".pimw-page")
    page.get_by_text("SAMPLE (fictional)").click()  # landing -> start page of the sample
    page.wait_for_selector(".pimw-header", timeout=WAIT)
    page.get_by_role("link", name=STEP_1).first.click()
    page.wait_for_selector(".pimw-question", timeout=WAIT)
    page.locator(".pimw-party select").select_option(index=1)  # answering as party A
    text = f"Monthly trends by commune only — {time.time():.0f}"
    answer(page, "E1.Q2", "A", text)
    screenshot(page, "step1-answered")
    page.reload()
    page.wait_for_selector(".pimw-question", timeout=WAIT)
    assert question_box(page, "E1.Q2", ".pimw-answer-A").input_value() == text
    html = page.content()
    assert "show_step" not in html and "assessment_id =" not in html
    assert page.locator(".jp-InputArea-editor:visible").count() == 0
    context.close()


def test_a_party_cannot_type_in_another_partys_box(server, browser):
    context, page = open_page(browser, server.page_url("04-step1.ipynb", assessment="sample",
                                                   party="B"))
    assert page.locator(".pimw-answer-A textarea").is_disabled()
    assert page.locator(".pimw-answer-B textarea").is_enabled()
    assert page.locator(".pimw-agreed-answer textarea").is_disabled()
    context.close()


def test_an_answer_typed_in_one_browser_shows_in_the_other_without_reload(server, browser):
    ctx_a, page_a = open_page(browser, server.page_url("04-step1.ipynb", assessment="sample",
                                                   party="A"))
    ctx_b, page_b = open_page(browser, server.page_url("04-step1.ipynb", assessment="sample",
                                                   party="B"))
    other = question_box(page_a, "E1.Q3", ".pimw-answer-B")
    text = f"B's view, typed elsewhere {time.time():.0f}"
    answer(page_b, "E1.Q3", "B", text)
    deadline = time.monotonic() + 15
    while other.input_value() != text:
        assert time.monotonic() < deadline, "the other browser never showed the answer"
        time.sleep(0.5)
    ctx_a.close()
    ctx_b.close()


def test_a_page_whose_kernel_is_gone_says_so_and_answers_survive_a_restart(tmp_path, browser):
    srv = Server(tmp_path)
    srv.cli("sample")
    srv.start()
    try:
        context, page = open_page(browser, srv.page_url("04-step1.ipynb", assessment="sample",
                                                    party="C"))
        text = f"Written before the restart {time.time():.0f}"
        answer(page, "E1.Q1", "C", text)
        config = json.loads(page.locator("#jupyter-config-data").text_content())
        srv.shut_down_kernel(config["kernelId"])
        page.locator("#pimw-lost").wait_for(state="visible", timeout=30_000)
        screenshot(page, "kernel-lost")
        other = context.new_page()  # a page still open when the server stops says so too
        other.goto(srv.page_url("05-step2.ipynb", assessment="sample", party="C"))
        other.wait_for_selector(".pimw-question", timeout=WAIT)
        srv.stop()
        other.locator("#pimw-lost").wait_for(state="visible", timeout=30_000)
        srv.start()
        page.goto(srv.page_url("04-step1.ipynb", assessment="sample", party="C"))
        page.wait_for_selector(".pimw-question", timeout=WAIT)
        assert question_box(page, "E1.Q1", ".pimw-answer-C").input_value() == text
        assert not page.locator("#pimw-lost").is_visible()
        context.close()
    finally:
        srv.stop()


def test_a_new_assessment_from_start_to_agreed_answer(server, browser):
    context, page = open_page(browser, server.page_url("01-start.ipynb"))
    page.get_by_placeholder("e.g. Protection monitoring").fill("Shelter data to the cluster")
    page.get_by_placeholder("your name").first.fill("Fatima")
    page.get_by_role("button", name="Start a new assessment").click()
    page.get_by_role("link", name="Open it →").click()
    page.wait_for_selector(".pimw-assessment", timeout=WAIT)
    assert "Shelter data to the cluster" in page.locator(".pimw-assessment").inner_text()
    for organisation, role in (("Shelter NGO", "Provider"), ("Shelter Cluster", "Recipient")):
        page.get_by_placeholder("organisation").first.fill(organisation)
        page.locator(".pimw-page select").nth(1).select_option(label=role)
        page.get_by_role("button", name="Add party").click()
        page.get_by_role("cell", name=organisation).wait_for(timeout=WAIT)
        deadline = time.monotonic() + 30  # the box is emptied for the next party
        while page.get_by_placeholder("organisation").first.input_value():
            assert time.monotonic() < deadline, "the organisation box was not emptied"
            time.sleep(0.2)
    page.get_by_role("link", name=STEP_1).first.click()
    page.wait_for_selector(".pimw-question", timeout=WAIT)
    for index, (party, text) in enumerate((("A", "Site-level counts"), ("B", "Camp-level")), 1):
        page.locator(".pimw-party select").select_option(index=index)
        answer(page, "E1.Q1", party, text)
    page.locator(".pimw-card", has_text="E1.Q1").locator(
        ".pimw-diverge", has_text="Answers differ").wait_for(timeout=WAIT)
    page.locator(".pimw-party select").select_option(index=0)  # facilitator
    agreed = question_box(page, "E1.Q1", ".pimw-agreed-answer")
    agreed.fill("Site-level counts, camp-level for the cluster")
    agreed.press("Tab")
    page.locator(".pimw-card", has_text="E1.Q1").locator("select").select_option(
        label="Agreed")
    page.locator(".pimw-card", has_text="E1.Q1").locator(".pimw-agreed").wait_for(
        timeout=WAIT)
    screenshot(page, "new-assessment-agreed")
    listing = server.cli("list")
    assert "Shelter data to the cluster" in listing and "Shelter NGO, Shelter Cluster" in listing
    context.close()
