"""The frame of every page: the stylesheet, the header with progress and navigation, the
footer, and tabs that build their panes only when opened.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html import escape
from importlib.resources import files
from urllib.parse import parse_qsl, urlencode

import ipywidgets as w

from pim_workbook.app.nav import PAGES, Page, page_link
from pim_workbook.app.session import Session
from pim_workbook.app.widgets.controls import (
    html,
)
from pim_workbook.content.overlay import translation_notice
from pim_workbook.i18n import LANGUAGES, _, current_language, format_percent, ngettext
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import human_date
from pim_workbook.record.model import (
    Record,
)
from pim_workbook.record.progress import progress

CSS = files("pim_workbook.app").joinpath("workbook.css").read_text(encoding="utf-8")


# -- page parts ----------------------------------------------------------------------------
def language_switch() -> str:
    """Links to this same page in each language: the page's own query with ``lang`` changed
    (a link made only of a query keeps the page's address), so the link key, the assessment
    and the party come along."""
    query = {k: v for k, v in parse_qsl(os.environ.get("QUERY_STRING", "")) if k != "lang"}
    active = current_language()
    links = []
    for code, name in LANGUAGES.items():
        href = "?" + urlencode({**query, **({} if code == "en" else {"lang": code})})
        here = ' aria-current="true"' if code == active else ""
        links.append(f'<a href="{escape(href)}" hreflang="{code}" lang="{code}" '
                     f'title="{escape(name)}"{here}>{code.upper()}</a>')
    label = escape(_("Language"))
    return f'<nav class="pimw-lang" aria-label="{label}">{"".join(links)}</nav>'


def language_bar(kind: str = "framework") -> str:
    """The language switch and the translation notice, for a page without the header."""
    return f'<div class="pimw-lang-bar">{language_switch()}{_notice(kind)}</div>'


def _notice(kind: str = "framework") -> str:
    """Said once on a page in another language than English: whose translation this is."""
    notice = translation_notice(kind)
    return f'<p class="pimw-translation-notice">{escape(notice)}</p>' if notice else ""


def page_header(session: Session, page: Page) -> tuple[w.Widget, w.Widget, w.Widget]:
    """The top of a page: a bar saying where you are with the pages, a row saying who you
    answer as and whether it is saved (both stay on screen while the page scrolls; on a
    phone the pages fold into a menu and only the bar stays), then the notices."""
    bar = html("", "pimw-bar")
    bar.add_class("pimw-header")

    def draw(record: Record) -> None:
        sections = progress(record, session.content)
        done, total = sum(d for d, _ in sections.values()), sum(t for _, t in sections.values())
        pct = round(100 * done / total) if total else 0
        links = "".join(page_link(p, session, record.id, text=_(p.short), current=p == page)
                        for p in PAGES)
        pages_label, pages = escape(_("Workbook pages")), escape(_("Pages"))
        progress_label = escape(_("Overall progress"))
        done_text = escape(_("{percent} done").format(percent=format_percent(pct / 100)))
        bar.value = (
            f'<div class="pimw-bar-row"><h1 class="pimw-where" title="{escape(record.title)}">'
            f'<span class="pimw-here">{escape(_(page.short))}</span> '
            f'<span class="pimw-assessment">{escape(record.title)}</span></h1>'
            f'<nav class="pimw-menu-wide" aria-label="{pages_label}">{links}</nav>'
            f'<details class="pimw-menu-narrow"><summary>{pages}</summary>'
            f'<nav aria-label="{pages_label}">{links}</nav></details>'
            f'<span class="pimw-pct">{done_text}</span>{language_switch()}</div>'
            f'<div class="pimw-progress" role="progressbar" aria-label="{progress_label}" '
            f'aria-valuemin="0" aria-valuemax="100" aria-valuenow="{pct}">'
            f'<div style="width:{pct}%"></div></div>')

    session.on_refresh(draw)
    who = w.HBox([session.party_picker, session.name_box, session.status])
    who.add_class("pimw-who")
    notices = html("")

    def draw_notices(record: Record) -> None:
        notices.value = _signed_notice(session, record) + _behalf_notice(session, record)

    session.on_refresh(draw_notices)
    return bar, who, notices


def _signed_notice(session: Session, record: Record) -> str:
    """Said before the first edit: the record is signed, and a change voids the signatures."""
    revisions = session.store.revisions(record.id)
    if not revisions or revisions[-1].record_hash != record_hash(record):
        return ""
    last = revisions[-1]
    who = ", ".join(f"{escape(record.parties[pid].organisation)} ({escape(s.signatory)})"
                    for pid, s in record.signoffs.items() if s.record_hash == last.record_hash
                    and pid in record.parties)
    still_open = max((len(s.open_items) for s in record.signoffs.values()
                      if s.record_hash == last.record_hash), default=0)
    # English keeps "item(s)" in both forms; other languages get their plural
    open_note = " " + escape(ngettext("It was signed with {count} item(s) still open.",
                                      "It was signed with {count} item(s) still open.",
                                      still_open).format(count=still_open)) \
        if still_open else ""
    signed = escape(_("Signed: revision {number}").format(number=last.number))
    notice = escape(_("{signed}, frozen {date}, signed by {parties}.{open_note} Any change "
                      "makes the record a draft that every party must sign again."),
                    quote=False)
    return ('<div class="pimw-signed-notice" role="status">'
            + notice.format(signed=f"<b>{signed}</b>",
                            date=escape(human_date(last.created_at)), parties=who,
                            open_note=open_note)
            + "</div>")


def _behalf_notice(session: Session, record: Record) -> str:
    """Shown as long as the facilitator records a party's answers on its behalf."""
    if not session.on_behalf or session.party not in record.parties:
        return ""
    org = escape(record.parties[session.party].organisation)
    behalf = escape(_("On behalf of {org}"), quote=False).format(org=org)
    notice = escape(_("{on_behalf}: what you type in {org}'s boxes is recorded as its answer, "
                      "by the facilitator on its behalf, and the history says so. Choose "
                      "“Facilitator” in “Answering as” to stop."), quote=False)
    return ('<div class="pimw-behalf" role="status">'
            + notice.format(on_behalf=f"<b>{behalf}</b>", org=org) + "</div>")


def page_footer(session: Session, page: Page) -> w.HTML:
    """Previous / next links, carrying the assessment, the party and the name along."""
    index = PAGES.index(page)
    footer = html("", "pimw-nav")

    def draw(record: Record) -> None:
        parts = []
        if index > 0:
            before = PAGES[index - 1]
            parts.append(page_link(before, session, record.id, text=_(
                "← Previous: {title}").format(title=_(before.title))))
        if index < len(PAGES) - 1:
            after = PAGES[index + 1]
            parts.append(page_link(after, session, record.id, text=_(
                "Next: {title} →").format(title=_(after.title))))
        around = escape(_("Previous and next page"))
        footer.value = (f'<nav aria-label="{around}">{" ".join(parts)}</nav>'
                        + _notice())

    session.on_refresh(draw)
    return footer


# a pane's state: (css name, words on its tab, marked with N_ and translated on the tab)
Mark = Callable[[Record], tuple[str, str]]


def slug(title: str) -> str:
    """A pane's title as a CSS class name (the page finds a tab by it after a reload)."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Tabs(w.VBox):
    """Panes behind a row of tabs, one in view at a time, each built the first time it is
    shown. A tab may carry its pane's state ("agreed", "answers differ"); Previous and Next
    buttons under the pane step through them (Alt+Page Up / Alt+Page Down in the page).

    The buttons are plain ipywidgets buttons; the page template gives them the tab roles,
    ``aria-selected`` and arrow-key moves that ipywidgets does not.

    A pane's title is its key (``select``, the tab's CSS class); its tab shows ``_(title)``,
    so a title marked with N_ keeps one key in every language."""

    def __init__(self, panes: list[tuple[str, Callable[[], w.Widget]]],
                 session: Session | None = None, marks: dict[str, Mark] | None = None,
                 stepper: bool = False) -> None:
        self.titles = [title for title, _ in panes]
        self._makers = dict(panes)
        self._built: dict[str, w.Widget] = {}
        self._marks = marks or {}
        self._buttons: dict[str, w.Button] = {}
        for title in self.titles:
            button = w.Button(description=_(title), tooltip="")
            button.add_class("pimw-tab")
            button.add_class(f"pimw-tab-{slug(title)}")
            button.on_click(lambda _, t=title: self.select(t))
            self._buttons[title] = button
        row = w.HBox(list(self._buttons.values()))
        row.add_class("pimw-tablist")
        self._body = w.VBox(layout=w.Layout(width="100%"))
        self._body.add_class("pimw-tabpanel")
        self._previous = w.Button()
        self._previous.add_class("pimw-prev-pane")
        self._next = w.Button()
        self._next.add_class("pimw-next-pane")
        self._previous.on_click(lambda _: self._step(-1))
        self._next.on_click(lambda _: self._step(1))
        stepping = w.HBox([self._previous, self._next])
        stepping.add_class("pimw-stepper")
        super().__init__([row, self._body, *([stepping] if stepper else [])],
                         layout=w.Layout(width="100%"))
        self.value = ""
        self.select(self.titles[0])
        if session is not None and self._marks:
            session.on_refresh(self._mark)

    def select(self, title: str) -> None:
        """Show the pane ``title``, as a click on its tab does."""
        if title not in self._makers:
            raise KeyError(f"no pane {title!r} (one of: {', '.join(self.titles)})")
        if title not in self._built:
            self._built[title] = self._makers[title]()
        self.value = title
        self._body.children = (self._built[title],)
        for name, button in self._buttons.items():
            if name == title:
                button.add_class("pimw-tab-selected")
            else:
                button.remove_class("pimw-tab-selected")
            button.tabbable = name == title  # one Tab stop for the row; arrows move along
        at = self.titles.index(title)
        for button, other, words in ((self._previous, at - 1, _("← Previous: {title}")),
                                     (self._next, at + 1, _("Next: {title} →"))):
            inside = 0 <= other < len(self.titles)
            button.description = words.format(title=_(self.titles[other])) if inside else ""
            button.layout.visibility = "visible" if inside else "hidden"
            button.disabled = not inside

    def _step(self, by: int) -> None:
        at = self.titles.index(self.value) + by
        if 0 <= at < len(self.titles):
            self.select(self.titles[at])

    def _mark(self, record: Record) -> None:
        for title, mark in self._marks.items():
            css, words = mark(record)
            button = self._buttons[title]
            button.description = f"{_(title)} · {_(words)}"
            for old in [c for c in button._dom_classes if c.startswith("pimw-state-")]:
                button.remove_class(old)
            button.add_class(f"pimw-state-{css}")


def template_words() -> str:
    """The page template's own sentences (a lost connection, text offered back, a box too
    long, an upload too large) in the page's language, for its script to show; hidden.
    English pages need none: the template says it in English."""
    if current_language() == "en":
        return ""
    words = {
        "lost-title": _("This page has lost its connection to the workbook."),
        "lost-body": _("Nothing you type now can be saved. Everything saved before is safe, "
                       "and what you typed since the last save is kept in this tab: it is "
                       "offered back after the reload."),
        "reload": _("Reload the page"),
        "restore-title": _("Text you typed before the page lost its connection was not saved"),
        "restore-one": _("one box: {text}"),
        "restore-many": _("{count} boxes, the first: {text}"),
        "restore-yes": _("Put it back"),
        "restore-no": _("Discard it"),
        "too-long": _("Not saved: a text is limited to {limit} characters (this one has "
                      "{length}); shorten it"),
        "too-large": _("Not loaded: {name} is larger than {size} MB; give it to the "
                       "facilitator, who puts it in the server's data folder"),
    }
    data = "".join(f' data-{key}="{escape(text)}"' for key, text in words.items())
    return f'<div id="pimw-words" hidden{data}></div>'


def page_box(*children: w.Widget) -> w.VBox:
    """A whole page: the workbook's stylesheet and the children, in the page's style."""
    style = w.HTML(f"<style>{CSS}</style>{template_words()}",
                   layout=w.Layout(display="none"))  # no room
    box = w.VBox([style, *children], layout=w.Layout(width="100%"))
    box.add_class("pimw-page")
    return box


