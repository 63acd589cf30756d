"""Training in Voila: the trainer opens a session, two trainees answer in two browsers, the
trainer sees the group's results and exports them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pim_workbook.content.exercises import load_exercises

from .conftest import screenshot
from .helpers import WAIT, open_page

pytestmark = pytest.mark.slow


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


def test_two_trainees_answer_and_the_trainer_sees_and_exports(server, browser):
    ctx_t, trainer = open_page(browser, server.page_url("09-training.ipynb"),
                           ready=".pimw-page")
    trainer.get_by_text("the trainer's view").wait_for(timeout=WAIT)
    trainer.get_by_placeholder("e.g. Data sharing basics").fill("Kessaly, March")
    trainer.get_by_role("button", name="New training session").click()
    trainer.get_by_text("Give this link to the trainees").wait_for(timeout=WAIT)
    trainee_url = trainer.locator(".pimw-joint a").first.get_attribute("href")
    assert "09-training.ipynb?key=" in trainee_url

    contexts = []
    for pseudonym, correct in (("Owl", True), ("", False)):
        ctx, page = open_page(browser, trainee_url, ready=".pimw-page")
        contexts.append(ctx)
        page.get_by_text("Training: Kessaly, March").wait_for(timeout=WAIT)
        assert "trainer's view" not in page.inner_text("body")
        if pseudonym:
            page.get_by_placeholder("a pseudonym").fill(pseudonym)
        page.get_by_role("button", name="Start").click()
        _answer_first(page, correct)
        page.get_by_text("Correct" if correct else "Not quite").first.wait_for(timeout=WAIT)
        screenshot(page, f"trainee-{'right' if correct else 'wrong'}")

    trainer.get_by_role("button", name="Refresh").click()
    trainer.get_by_role("heading", name="2 trainees").wait_for(timeout=WAIT)
    assert "Owl" in trainer.inner_text("body")
    trainer.get_by_role("button", name="Export results as CSV").click()
    trainer.get_by_text("Written to").wait_for(timeout=WAIT)
    screenshot(trainer, "trainer-results")
    exported = next(Path(server.env["PIM_WORKBOOK_EXPORTS"]).glob("training-*-results.csv"))
    first = load_exercises().exercises[0].id
    row = next(line for line in exported.read_text().splitlines() if f",{first}," in line)
    assert row.endswith(",2,1,0.500")
    for ctx in (ctx_t, *contexts):
        ctx.close()
