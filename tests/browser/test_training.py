"""Training in Voila: the trainer opens a session, two trainees answer in two browsers, the
trainer sees the group's results and downloads them in one click; a trainee walks their
practice copy, Start to Record, answering as party A."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from pim_workbook.app.nav import PAGES
from pim_workbook.content.exercises import load_exercises
from pim_workbook.training.practice import TITLE_MARK

from .conftest import screenshot
from .helpers import WAIT, open_page, saves

pytestmark = pytest.mark.slow

# what axe-core asks of every control: a name screen readers announce
LABEL_RULES = ["label", "button-name", "select-name", "input-button-name", "link-name",
               "image-alt", "aria-input-field-name", "aria-toggle-field-name",
               "form-field-multiple-labels", "label-title-only"]


def _unlabelled(page) -> list[str]:
    result = Axe().run(page, context=".pimw-page",
                       options={"runOnly": {"type": "rule", "values": LABEL_RULES}})
    return [f"{v['id']}: {[n['html'][:120] for n in v['nodes']]}"
            for v in result.response["violations"]]


def _answer_first(page, correct: bool) -> None:
    first = load_exercises().exercises[0]
    wanted = first.answer if correct else [c.id for c in first.choices
                                           if c.id not in first.answer][:1]
    texts = {c.id: c.text for c in first.choices}
    page.get_by_text(first.prompt[:40]).wait_for(timeout=WAIT)
    for cid in wanted:
        page.locator(".pimw-choices label", has_text=texts[cid]).first.click()
    page.get_by_role("button", name="Check my answer").click()
    page.get_by_text("The answer:").wait_for(timeout=WAIT)


def _new_session(server, browser, title: str):
    ctx, trainer = open_page(browser, server.page_url("09-training.ipynb"),
                             ready=".pimw-page")
    trainer.get_by_text("the trainer's view").wait_for(timeout=WAIT)
    trainer.get_by_label("Title").fill(title)
    trainer.get_by_role("button", name="New training session").click()
    trainer.get_by_text("Give this link to the trainees").wait_for(timeout=WAIT)
    trainee_url = trainer.locator(".pimw-joint a").first.get_attribute("href")
    assert "09-training.ipynb?key=" in trainee_url
    return ctx, trainer, trainee_url


def _start(browser, trainee_url: str, title: str, pseudonym: str = ""):
    ctx, page = open_page(browser, trainee_url, ready=".pimw-page")
    page.get_by_text(f"Training: {title}").wait_for(timeout=WAIT)
    assert "trainer's view" not in page.inner_text("body")
    if pseudonym:
        page.get_by_label("Pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Start").click()
    return ctx, page


def test_two_trainees_answer_and_the_trainer_sees_and_downloads(server, browser):
    ctx_t, trainer, trainee_url = _new_session(server, browser, "Kessaly, March")
    assert _unlabelled(trainer) == []

    contexts = []
    for pseudonym, correct in (("Owl", True), ("", False)):
        ctx, page = _start(browser, trainee_url, "Kessaly, March", pseudonym)
        contexts.append(ctx)
        _answer_first(page, correct)
        page.get_by_text("Correct" if correct else "Not quite").first.wait_for(timeout=WAIT)
        assert _unlabelled(page) == []
        screenshot(page, f"trainee-{'right' if correct else 'wrong'}")
    ctx, idle = _start(browser, trainee_url, "Kessaly, March", "Heron")  # Start, no answer
    contexts.append(ctx)
    idle.get_by_role("button", name="Check my answer").wait_for(timeout=WAIT)

    trainer.get_by_role("button", name="Refresh").click()
    trainer.get_by_role("heading", name="2 trainees").wait_for(timeout=WAIT)
    body = trainer.inner_text("body")
    assert "Owl\t1 / 1 (100%)" in body and "Heron" not in body
    screenshot(trainer, "trainer-results")
    with trainer.expect_download(timeout=WAIT) as download:
        trainer.get_by_role("link", name="Export results as CSV").click()
    assert download.value.suggested_filename.startswith("training-")
    data = Path(download.value.path()).read_text(encoding="utf-8")
    first = load_exercises().exercises[0].id
    row = next(r for r in csv.DictReader(io.StringIO(data)) if r["exercise"] == first)
    assert (row["answered"], row["correct"], row["mean_credit"], row["percent_correct"]) == \
        ("2", "1", "0.500", "50")
    assert _unlabelled(trainer) == []
    for ctx in (ctx_t, *contexts):
        ctx.close()


def test_a_trainee_walks_every_page_of_the_practice_copy(server, browser):
    ctx_t, _, trainee_url = _new_session(server, browser, "Practice walk")
    ctx, page = _start(browser, trainee_url, "Practice walk", "Heron")
    page.get_by_role("button", name="Practice assessment").click()
    with ctx.expect_page(timeout=WAIT) as opened:
        page.get_by_role("link", name="Open my practice copy").click()
    practice = opened.value  # a new tab: the training page stays as it was
    assert page.get_by_role("button", name="Practice assessment").is_visible()

    for at, p in enumerate(PAGES):
        practice.wait_for_selector(".pimw-page", timeout=WAIT)
        practice.locator(".pimw-status").wait_for(timeout=WAIT)
        assert practice.locator(".pimw-refused").count() == 0, (p.key, practice.url)
        assert p.notebook in practice.url and TITLE_MARK in practice.inner_text("body")
        assert practice.locator(".pimw-party select").is_disabled()
        if p.key == "E.1":  # answering works, as party A
            box = practice.locator(".pimw-answer-A textarea").first
            before = saves(practice)
            box.fill("A rehearsal answer")
            box.press("Tab")
            practice.locator(f'.pimw-status span[data-saves="{before + 1}"]').wait_for(
                timeout=WAIT)
            assert practice.locator(".pimw-status .pimw-error").count() == 0
        if at + 1 < len(PAGES):
            with practice.expect_navigation(timeout=WAIT):
                practice.locator(f'a[href^="{PAGES[at + 1].notebook}?"]', has_text="Next:"
                                 ).first.click()
    with practice.expect_navigation(timeout=WAIT):  # and back again through the header
        practice.locator(f'.pimw-header a[href^="{PAGES[5].notebook}?"]').first.click()
    practice.wait_for_selector(".pimw-status", timeout=WAIT)
    assert practice.locator(".pimw-refused").count() == 0
    ctx.close()
    ctx_t.close()
