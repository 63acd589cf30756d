"""The page shown without an assessment: pick one, or (the facilitator) start one.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.access import grant_of
from pim_workbook.app.nav import PAGE_BY_KEY, Page, page_link
from pim_workbook.app.shell import language_bar, page_box
from pim_workbook.app.widgets.controls import (
    heading,
    html,
    labelled,
    text,
)
from pim_workbook.i18n import _
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
    choose = escape(_("{page}: choose the assessment to work on.")).format(
        page=escape(_(page.title)))
    headers = "".join(f"<th>{escape(h)}</th>" for h in (
        _("Id"), _("Assessment"), _("Parties"), _("Status")))
    parts: list[w.Widget] = [html(
        language_bar() + "<h1>" + escape(_("PIM Data-Sharing Workbook"))
        + f"</h1><p>{choose}</p>"
        + (f'<table class="pimw-table"><tr>{headers}</tr>{links}</table>' if links else
           '<p class="pimw-hint">' + escape(_("No assessment yet.")) + "</p>"))]
    grant = grant_of(store)
    if key == "start" and (grant is None or grant.is_facilitator):
        parts.append(_creator(store, page, link_key))
    return page_box(*parts)


def _creator(store: WorkbookStore, page: Page, link_key: str = "") -> w.VBox:
    title = text(_("e.g. Protection monitoring data to the protection cluster"))
    name = text(_("your name"))
    result = html("")
    create = w.Button(description=_("Start a new assessment"),
                      button_style="primary")

    def on_create(_click: Any) -> None:
        try:
            aid = store.create(title.value, actor=name.value.strip() or "facilitator",
                               via="notebook")
        except ValueError as exc:
            result.value = f'<span class="pimw-error">{escape(str(exc))}</span>'
            return
        opened = page_link(page, None, aid, text=_("Open it →"), key=link_key,
                           name=name.value)
        created = escape(_("Created {id}.")).format(id=f"<b>{escape(aid)}</b>")
        result.value = (f'<p class="pimw-ok">{created}</p>'
                        f'<p class="pimw-nav">{opened}</p>')

    create.on_click(on_create)
    return w.VBox([heading(_("Start a new assessment")), labelled(_("Title"), title),
                   labelled(_("Your name"), name), create, result])


