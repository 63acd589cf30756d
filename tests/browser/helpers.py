"""What the browser tests do on a page, as a person would: open it, find a question's box,
answer it and wait until the store holds the answer."""

from __future__ import annotations

import re
from typing import Any

from pim_workbook.app.shell import slug

WAIT = 60_000  # milliseconds a page may take to show what a test waits for
STEP_1 = re.compile(r"^Step 1\b")  # the link to Step 1: "Step 1" in the header, in full in lists


def open_page(browser: Any, url: str, ready: str = ".pimw-page") -> tuple[Any, Any]:
    """A new browser context on ``url``, once ``ready`` shows; returns (context, page)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector(ready, timeout=WAIT)
    return context, page


def pick_tab(page: Any, title: str) -> None:
    """Show a pane of the page, as a click on its tab does (a question's tab also says its
    state, so the tab is found by its title's class, not by its words)."""
    page.locator(f".pimw-tab.pimw-tab-{slug(title)}").click()
    page.locator(f".pimw-tab-{slug(title)}.pimw-tab-selected").wait_for(timeout=WAIT)


def question_box(page: Any, qid: str, css: str) -> Any:
    """A box of the card of question ``qid`` (the card shown once its tab is picked)."""
    pick_tab(page, qid.split(".")[1])
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


def axe_faults(page: Any) -> list[str]:
    """What axe-core (its default rules: WCAG 2.0/2.1 A and AA, best practices) finds on
    the page as it is now, one line per rule broken."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [f"axe {v['id']} ({v['impact']}) on {v['nodes'][0]['html'][:160]}"
            for v in result.response["violations"]]
