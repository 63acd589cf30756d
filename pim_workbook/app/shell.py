"""The frame of every page: the stylesheet, the header with progress and navigation, the
footer, and tabs that build their panes only when opened.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from importlib.resources import files
from typing import Any

import ipywidgets as w

from pim_workbook.app.nav import PAGES, Page, page_link
from pim_workbook.app.session import Session
from pim_workbook.app.widgets.controls import (
    html,
)
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import human_date
from pim_workbook.record.model import (
    Record,
)
from pim_workbook.record.progress import progress

CSS = files("pim_workbook.app").joinpath("workbook.css").read_text(encoding="utf-8")


# -- page parts ----------------------------------------------------------------------------
def page_header(session: Session, page: Page) -> w.VBox:
    crumbs = html("")
    progress_bar = html("")
    steps = html("", "pimw-nav")
    steps.add_class("pimw-steps")
    notices = html("")

    def draw(record: Record) -> None:
        crumbs.value = (f'<div class="pimw-crumb">PIM Data-Sharing Workbook · assessment '
                        f"<b>{escape(record.id)}</b></div>"
                        f'<div class="pimw-title">{escape(record.title)}</div>')
        sections = progress(record, session.content)
        done, total = sum(d for d, _ in sections.values()), sum(t for _, t in sections.values())
        pct = round(100 * done / total) if total else 0
        progress_bar.value = (f'<div class="pimw-hint">Overall progress {pct}%</div>'
                              f'<div class="pimw-progress"><div style="width:{pct}%"></div></div>')
        steps.value = "".join(page_link(p, session, record.id, "pimw-current" if p == page else "")
                              for p in PAGES)
        notices.value = _signed_notice(session, record) + _behalf_notice(session, record)

    session.on_refresh(draw)
    who = w.HBox([session.party_picker, session.name_box, session.status],
                 layout=w.Layout(align_items="center", flex_flow="row wrap"))
    box = w.VBox([crumbs, steps, who, notices, progress_bar])
    box.add_class("pimw-header")
    return box


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
    open_note = f" It was signed with {still_open} item(s) still open." if still_open else ""
    return (f'<div class="pimw-signed-notice" role="status"><b>Signed: revision '
            f"{last.number}</b>, frozen {escape(human_date(last.created_at))}, signed by "
            f"{who}.{open_note} Any change makes the record a draft that every party must "
            "sign again.</div>")


def _behalf_notice(session: Session, record: Record) -> str:
    """Shown as long as the facilitator records a party's answers on its behalf."""
    if not session.on_behalf or session.party not in record.parties:
        return ""
    org = escape(record.parties[session.party].organisation)
    return (f'<div class="pimw-behalf" role="status"><b>On behalf of {org}</b>: what you type '
            f"in {org}'s boxes is recorded as its answer, by the facilitator on its behalf, "
            "and the history says so. Choose “Facilitator” in “Answering as” to stop.</div>")


def page_footer(session: Session, page: Page) -> w.HTML:
    """Previous / next links, carrying the assessment, the party and the name along."""
    index = PAGES.index(page)
    footer = html("", "pimw-nav")

    def draw(record: Record) -> None:
        parts = []
        if index > 0:
            before = PAGES[index - 1]
            parts.append(page_link(before, session, record.id, text=f"← Previous: {before.title}"))
        if index < len(PAGES) - 1:
            after = PAGES[index + 1]
            parts.append(page_link(after, session, record.id, text=f"Next: {after.title} →"))
        footer.value = " ".join(parts)

    session.on_refresh(draw)
    return footer


def tabs(panes: list[tuple[str, Callable[[], w.Widget]]]) -> w.VBox:
    """One pane in focus at a time; panes are built the first time they are shown."""
    built: dict[str, w.Widget] = {}
    picker = w.ToggleButtons(options=[title for title, _ in panes], style={"button_width":
                                                                          "auto"})
    picker.add_class("pimw-tabs")
    body = w.VBox(layout=w.Layout(width="100%"))
    makers = dict(panes)

    def show(_: Any = None) -> None:
        if picker.value not in built:
            built[picker.value] = makers[picker.value]()
        body.children = (built[picker.value],)

    picker.observe(show, "value")
    show()
    return w.VBox([picker, body], layout=w.Layout(width="100%"))


def page_box(*children: w.Widget) -> w.VBox:
    """A whole page: the workbook's stylesheet and the children, in the page's style."""
    box = w.VBox([html(f"<style>{CSS}</style>"), *children], layout=w.Layout(width="100%"))
    box.add_class("pimw-page")
    return box


