"""What the browser tests do on a page, as a person would: open it, find a question's box,
answer it and wait until the store holds the answer."""

from __future__ import annotations

from typing import Any

WAIT = 60_000  # milliseconds a page may take to show what a test waits for


def open_page(browser: Any, url: str, ready: str = ".pimw-page") -> tuple[Any, Any]:
    """A new browser context on ``url``, once ``ready`` shows; returns (context, page)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=WAIT)
    return context, page


def question_box(page: Any, qid: str, css: str) -> Any:
    """A box of the card of question ``qid`` (the card shown once its tab is picked)."""
    page.get_by_role("button", name=qid.split(".")[1], exact=True).click()
    return page.locator(".pimw-card", has_text=qid).locator(f"{css} textarea")


def saves(page: Any) -> int:
    """How many changes the page has saved (its status line counts them)."""
    return int(page.locator(".pimw-status span").get_attribute("data-saves"))


def answer(page: Any, qid: str, party: str, text: str) -> None:
    """Type a party's answer and wait until the page says it is saved."""
    box = question_box(page, qid, f".pimw-answer-{party}")
    before = saves(page)
    box.fill(text)
    box.press("Tab")
    page.locator(f'.pimw-status span[data-saves="{before + 1}"]').wait_for(timeout=WAIT)
