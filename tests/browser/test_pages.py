"""Every page as its users see it: on a projector (1280×720) and a phone (390×844), with
axe-core, a check that nothing is cut off or runs past the screen's edge, and screenshots
kept under ``$PIM_WORKBOOK_SCREENSHOTS`` (else the test's own folder). The English pages
are drawn in the tests' pseudo-language (each translated sentence between ⟦ and ⟧), which
also finds any visible text that no catalogue or overlay translates; French and Arabic
pages are drawn as they are."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pim_workbook.app.shell import slug

from .helpers import WAIT, axe_faults, open_page

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
PAGES = [  # (name, notebook, query): the landing page, the chooser, each page, training
    ("landing", "index.ipynb", {}),
    ("chooser", "01-start.ipynb", {}),
    ("start", "01-start.ipynb", {"assessment": "sample"}),
    ("principles", "02-principles.ipynb", {"assessment": "sample"}),
    ("ecosystem", "03-ecosystem.ipynb", {"assessment": "sample"}),
    ("step1", "04-step1.ipynb", {"assessment": "sample"}),
    ("step2", "05-step2.ipynb", {"assessment": "sample"}),
    ("step3", "06-step3.ipynb", {"assessment": "sample"}),
    ("step4", "07-step4.ipynb", {"assessment": "sample"}),
    ("record", "08-record.ipynb", {"assessment": "sample"}),
    ("training", "09-training.ipynb", {}),
    ("trainee", "", {}),  # a trainee's page, through a session's trainee link
    # right to left, and a language with long words
    ("step1-ar", "04-step1.ipynb", {"assessment": "sample", "lang": "ar"}),
    ("record-ar", "08-record.ipynb", {"assessment": "sample", "lang": "ar"}),
    ("step1-fr", "04-step1.ipynb", {"assessment": "sample", "lang": "fr"}),
    ("record-fr", "08-record.ipynb", {"assessment": "sample", "lang": "fr"}),
]

# what the page shows is measured in the page: buttons whose words are cut off, and
# elements whose right edge runs past the screen (tables scroll inside their own box)
LAYOUT_FAULTS = """() => {
  const width = document.documentElement.clientWidth, faults = [];
  const inside = (el) => {  // within a box that scrolls or clips it: not past the screen
    for (let p = el.parentElement; p && !p.classList.contains("pimw-page"); p = p.parentElement) {
      if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(p).overflowX)) {
        return true;
      }
    }
    return false; };
  document.querySelectorAll(".pimw-page *").forEach((el) => {
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}) ||
        inside(el)) return;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      faults.push(`past the edge: ${el.tagName}.${String(el.className).slice(0, 60)} ` +
                  `(${Math.round(box.right)} > ${width})`);
    }
    if (el.tagName === "BUTTON" && el.scrollWidth > el.clientWidth + 1) {
      faults.push(`cut off: button "${el.textContent.trim()}"`);
    }
  });
  // a widget the front end has no view for, or could not draw
  if (document.querySelector(".jupyter-widgets-error-widget") ||
      document.body.innerText.includes("could not be drawn")) {
    faults.push("a part of the page the front end could not draw");
  }
  // whatever the cause, the page itself never scrolls sideways
  const scrolled = document.documentElement.scrollWidth;
  if (scrolled > width + 1) faults.push(`the page scrolls sideways (${scrolled} > ${width})`);
  return faults.slice(0, 10);
}"""


# Visible text that no catalogue or overlay translates, in the tests' pseudo-language (every
# translated sentence between ⟦ and ⟧): what is left once the marked sentences, the
# record's own data, ids, figures and dates are taken out, in the page's own words.
LEAKS = r"""(data) => {
  const MONTHS = "January|February|March|April|May|June|July|August|September|October|" +
    "November|December";
  // figures, punctuation, ids, dates and hashtags say nothing in a language: taken out of
  // both the page's lines and the record's texts before comparing them
  const plain = (text) => text
    .replace(new RegExp("\\b(" + MONTHS + ")\\b", "g"), " ")
    .replace(/\b(UTC|[A-Z]{1,3}\d+(\.[a-z]+)?(\.\d+|\.Q\d+)?|[A-Z]|[kl]|Q\d+)\b/g, " ")
    .replace(/#[a-z_+]+/g, " ")
    .replace(/[\d\s.,:;·—–\-()\[\]/|+←→▸▾◂✓✗×%#=<>"'“”‘’…?!&*]+/g, " ")
    .trim();
  const typed = data.map(plain).filter((v) => v.length > 2)
    .sort((a, b) => b.length - a.length);
  const hidden = [...document.querySelectorAll(".pimw-original, .pimw-lang")];
  hidden.forEach((el) => { el.dataset.display = el.style.display; el.style.display = "none"; });
  let text = [...document.querySelectorAll(".pimw-page")].map((r) => r.innerText).join("\n");
  hidden.forEach((el) => { el.style.display = el.dataset.display; });
  let before;
  do { before = text; text = text.replace(/⟦[^⟦⟧]*⟧/g, "\n"); } while (text !== before);
  const left = [];
  for (const line of text.split("\n")) {
    // a typed text, whole or cut short, or typed texts side by side
    const within = (part) => part.length > 2 && typed.some((v) => v.includes(part));
    let rest = plain(line).replace(/\s+/g, " ");
    if (within(rest)) continue;
    for (const value of typed) { if (rest.includes(value)) rest = rest.split(value).join(" "); }
    rest = rest.replace(/\s+/g, " ").trim();
    if (rest && !within(rest)) left.push(rest.slice(0, 100));
  }
  return [...new Set(left)].slice(0, 40);
}"""


def _data_words(server: Any) -> list[str]:
    """Every text the served store holds and held (the sample's titles, names, answers, and
    their earlier versions in the history): the page shows them as typed, in no language of
    the workbook's."""
    from pim_workbook.store.core import Store

    words: set[str] = {"household-survey.csv", "district", "sex", "tester"}

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update({value, *value.splitlines()})
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        for summary in store.summaries():
            walk(store.get(summary.id).model_dump(mode="json"))
            walk([[row.actor, row.old, row.new] for row in store.history(summary.id)])
    return sorted((w.strip() for w in words if w.strip()), key=len, reverse=True)


def _shots() -> Path | None:
    folder = os.environ.get("PIM_WORKBOOK_SCREENSHOTS")
    return Path(folder) if folder else None


def _settle(page: Any) -> None:
    """Until the widgets are drawn and the page has stopped changing."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(600)


def _tabs(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        ".pimw-tablist .pimw-tab",
        "tabs => tabs.map(t => t.className.match(/pimw-tab-(?!selected)([a-z0-9-]+)/)[1])")


def _look(page: Any, name: str, folder: Path, faults: list[str], data: list[str]) -> None:
    """Check the pane in view on a projector and a phone; keep both screenshots. With the
    record's ``data``, the pane is in the pseudo-language: any text left unmarked is a fault."""
    if data:
        faults += [f"{name}: not translated: {x}" for x in page.evaluate(LEAKS, data)]
    for size, label in ((PROJECTOR, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        faults += [f"{name} at {label}: {f}" for f in page.evaluate(LAYOUT_FAULTS)]
        page.screenshot(path=str(folder / f"{name}-{label}.png"))
        faults += [f"{name} at {label}: {f}" for f in axe_faults(page)]
    page.set_viewport_size(PROJECTOR)


# what a page loaded, or asks for, from anywhere but its own server
ELSEWHERE = """() => [...performance.getEntriesByType("resource").map(e => e.name),
    ...[...document.querySelectorAll("link[href], script[src], img[src]")]
        .map(e => e.href || e.src)]
    .filter(a => /^https?:/.test(a) && !a.startsWith(location.origin))"""


@pytest.mark.slow
@pytest.mark.parametrize(("name", "notebook", "query"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_and_pane_reads_well_on_a_projector_and_a_phone(
        server, browser, tmp_path, name, notebook, query):
    folder = _shots() or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    # the English pages are looked at in the tests' pseudo-language: English between marks,
    # so that the same look finds any visible text no catalogue or overlay translates
    language = query.get("lang", "qps")
    data = _data_words(server) if language == "qps" else []
    if name == "trainee":
        link = server.cli("training", "new", "Layout check").strip().splitlines()[-1]
        url = server.page_url("09-training.ipynb", lang=language,
                              key=parse_qs(urlsplit(link).query)["key"][0])
    else:
        url = server.page_url(notebook, **{**query, "lang": language})
    context, page = open_page(browser, url)
    faults: list[str] = []
    try:
        _settle(page)
        faults += [f"{name}: calls on another site: {address}"
                   for address in page.evaluate(ELSEWHERE)]
        if page.locator(".jupyter-widgets-error-widget").count():
            # a widget the browser failed to draw (seen once, on a loaded machine): say
            # what it was, then look at the page as a reload shows it
            broken = page.locator(".jupyter-widgets-error-widget").first
            broken.click()
            print(f"{name}: a widget failed to draw: {broken.inner_text()[:400]}")
            page.reload()
            page.wait_for_selector(".pimw-page", timeout=WAIT)
            _settle(page)
        if name == "trainee":  # the start, then the exercises
            _look(page, "trainee-start", folder, faults, data)
            page.get_by_role("button", name="Start").click()
            page.get_by_role("button", name="Check my answer").wait_for(timeout=WAIT)
            _settle(page)
        tabs = _tabs(page)
        if not tabs:
            _look(page, name, folder, faults, data)
        for tab in tabs:
            page.locator(f".pimw-tab-{tab}").click()
            page.locator(f".pimw-tab-{tab}.pimw-tab-selected").wait_for(timeout=WAIT)
            _settle(page)
            _look(page, f"{name}-{tab}", folder, faults, data)
        assert not faults, "\n".join(faults)
    finally:
        context.close()


def test_a_party_reaches_its_own_box_in_five_tabs_and_works_a_question_by_keyboard(
        server, browser):
    """From the last field of the header: the tab of the question in view, the guidance,
    the definitions, then the party's own box; keys move between questions and drawers."""
    link = server.cli("invite", "sample", "--party", "A").strip()
    key = parse_qs(urlsplit(link).query)["key"][0]
    context, page = open_page(browser, server.page_url("04-step1.ipynb", key=key,
                                                       assessment="sample"),
                              ready=".pimw-answer-A textarea")
    try:
        page.locator(".pimw-name input").focus()
        for _ in range(5):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.closest('.pimw-answer-A') !== null"):
                break
        else:
            pytest.fail("party A's box is not within 5 Tabs of the header")
        # the focus ring is plain to see: at least 2 px
        ring = page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")
        assert ring >= 2
        # the question's tab says it is selected, and the keys step to the next question
        q1 = page.locator(f".pimw-tab-{slug('Q1')}")
        assert q1.get_attribute("role") == "tab" and q1.get_attribute("aria-selected") == "true"
        page.keyboard.press("Alt+PageDown")
        q2 = page.locator(f".pimw-tab-{slug('Q2')}")
        page.locator(".pimw-tab-q2.pimw-tab-selected").wait_for(timeout=WAIT)
        page.wait_for_function(
            "document.querySelector('.pimw-tab-q2').getAttribute('aria-selected') === 'true'")
        assert q1.get_attribute("aria-selected") == "false"
        # arrows move along the tabs, the tab stop follows the selected one
        q2.focus()
        page.keyboard.press("ArrowRight")
        page.locator(".pimw-tab-q3.pimw-tab-selected").wait_for(timeout=WAIT)
        # the guidance opens and closes by keyboard, as a native disclosure
        summary = page.locator(".pimw-card", has_text="E1.Q3").locator(
            "details.pimw-drawer summary").first
        summary.focus()
        page.keyboard.press("Enter")
        assert summary.evaluate("s => s.parentElement.open")
        page.keyboard.press("Escape")
        assert not summary.evaluate("s => s.parentElement.open")
    finally:
        context.close()


def test_the_landing_page_offers_a_new_assessment_to_the_facilitator(server, browser):
    context, page = open_page(browser, server.page_url("index.ipynb"))
    try:
        page.get_by_role("link", name="+ New assessment").click()
        page.get_by_role("button", name="Start a new assessment").wait_for(timeout=WAIT)
    finally:
        context.close()


CONTRAST = """(el) => {  // WCAG contrast of an element's text on its background, and its opacity
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  const lum = (c) => { const [r, g, b] = rgb(c); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.color), lum(style.backgroundColor)].sort((x, y) => y - x);
  let opacity = 1;
  for (let p = el; p; p = p.parentElement) opacity *= Number(getComputedStyle(p).opacity);
  return [(a + 0.05) / (b + 0.05), opacity];
}"""


def test_a_question_fits_a_projector_screen_under_a_short_header(server, browser):
    """At 1280×720: the header in about 90 px, and the question, its state, the parties'
    answers and the agreed answer with its status without scrolling; another party's
    answer is as readable as one's own."""
    context, page = open_page(browser, server.page_url("04-step1.ipynb", assessment="sample"),
                              ready=".pimw-answer-B textarea")
    try:
        page.set_viewport_size(PROJECTOR)
        _settle(page)
        header = page.locator(".pimw-who").bounding_box()
        assert header["y"] + header["height"] <= 100
        for part in (".pimw-qhead", ".pimw-answers", ".pimw-joint select",
                     ".pimw-agreed-answer textarea"):
            box = page.locator(f".pimw-card {part}").first.bounding_box()
            assert box["y"] >= header["y"] + header["height"] - 1, part
            assert box["y"] + box["height"] <= PROJECTOR["height"], part
        other = page.locator(".pimw-answer-B textarea")
        assert other.is_disabled()  # the facilitator types only in the agreed answer
        ratio, opacity = other.evaluate(CONTRAST)
        assert ratio >= 4.5 and opacity == 1
        # the header stays on screen while the page scrolls
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(300)
        assert 0 < page.locator(".pimw-who").bounding_box()["y"] <= header["y"]
        assert page.locator(".pimw-bar").bounding_box()["y"] >= 0
    finally:
        context.close()
