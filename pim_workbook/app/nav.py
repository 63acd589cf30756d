"""The workbook's pages in order, and the links between them.

Kept apart from the pages themselves so that any page (the record page, the landing page)
can link to any other without importing the modules that build them.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pim_workbook.access import KEY_PARAM
from pim_workbook.i18n import N_, _, language_query

if TYPE_CHECKING:
    from pim_workbook.app.session import Session


@dataclass(frozen=True)
class Page:
    key: str
    notebook: str
    title: str  # marked with N_: translated where shown
    short: str  # the page's name in the header's one row of navigation (N_ too)


PAGES = (
    Page("start", "01-start.ipynb", N_("Start: parties, purpose, trust statement"), N_("Start")),
    Page("principles", "02-principles.ipynb", N_("PIM principles"), N_("Principles")),
    Page("ecosystem", "03-ecosystem.ipynb", N_("Data ecosystem"), N_("Ecosystem")),
    Page("E.1", "04-step1.ipynb", N_("Step 1: information landscape"), N_("Step 1")),
    Page("E.2", "05-step2.ipynb", N_("Step 2: design the sharing"), N_("Step 2")),
    Page("E.3", "06-step3.ipynb", N_("Step 3: implement and monitor"), N_("Step 3")),
    Page("E.4", "07-step4.ipynb", N_("Step 4: evaluate impact"), N_("Step 4")),
    Page("record", "08-record.ipynb", N_("Record, sign-off and exports"), N_("Record")),
)
PAGE_BY_KEY = {p.key: p for p in PAGES}


def page_link(page: Page, session: Session | None, aid: str, text: str | None = None,
              key: str = "", name: str = "", current: bool = False) -> str:
    """An HTML link to ``page`` on assessment ``aid``, carrying the session's party, name and
    link key along, so the next page opens as the same person with the same rights."""
    query = {"assessment": aid}
    if name.strip():
        query["name"] = name.strip()
    if session is not None:
        if session.party:
            query["party"] = session.party
        if session.name_box.value.strip():
            query["name"] = session.name_box.value.strip()
        key = key or session.key
    if key:
        query[KEY_PARAM] = key
    query.update(language_query())
    # announced by screen readers as the page they are on
    cls = ' aria-current="page"' if current else ""
    caption = escape(_(page.title) if text is None else text)
    return f'<a href="{page.notebook}?{escape(urlencode(query))}"{cls}>{caption}</a>'
