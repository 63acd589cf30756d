"""The page shown without an assessment: pick one, or (the facilitator) start one.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.access import grant_of
from pim_workbook.app.nav import PAGE_BY_KEY, Page, page_link
from pim_workbook.app.shell import page_box
from pim_workbook.app.widgets.controls import (
    heading,
    html,
    labelled,
    text,
)
from pim_workbook.record.labels import label
from pim_workbook.store.protocol import WorkbookStore


def chooser(store: WorkbookStore, key: str, link_key: str = "") -> w.VBox:
    """Shown when a page is opened without an assessment: pick one, or start a new one."""
    page = PAGE_BY_KEY[key]
    links = "".join(
        f"<tr><td><code>{escape(s.id)}</code></td><td>"
        f"{page_link(page, None, s.id, text=s.title, key=link_key)}"
        f"</td><td>{escape(', '.join(s.parties))}</td><td>{escape(label(s.status))}</td></tr>"
        for s in store.summaries())
    parts: list[w.Widget] = [html(
        f"<h1>PIM Data-Sharing Workbook</h1><p>{escape(page.title)}: choose the assessment "
        "to work on.</p>"
        + (f'<table class="pimw-table"><tr><th>Id</th><th>Assessment</th><th>Parties</th>'
           f"<th>Status</th></tr>{links}</table>" if links else
           '<p class="pimw-hint">No assessment yet.</p>'))]
    grant = grant_of(store)
    if key == "start" and (grant is None or grant.is_facilitator):
        parts.append(_creator(store, page, link_key))
    return page_box(*parts)


def _creator(store: WorkbookStore, page: Page, link_key: str = "") -> w.VBox:
    title = text("e.g. Protection monitoring data to the protection cluster")
    name = text("your name")
    result = html("")
    create = w.Button(description="Start a new assessment", icon="plus",
                      button_style="primary")

    def on_create(_: Any) -> None:
        try:
            aid = store.create(title.value, actor=name.value.strip() or "facilitator",
                               via="notebook")
        except ValueError as exc:
            result.value = f'<span class="pimw-error">{escape(str(exc))}</span>'
            return
        opened = page_link(page, None, aid, text="Open it →", key=link_key, name=name.value)
        result.value = (f'<p class="pimw-ok">Created <b>{escape(aid)}</b>.</p>'
                        f'<p class="pimw-nav">{opened}</p>')

    create.on_click(on_create)
    return w.VBox([heading("Start a new assessment"), labelled("Title", title),
                   labelled("Your name", name), create, result])


