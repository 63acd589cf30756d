"""The access gate: a page gets the store as its link allows, or a refusal and nothing else;
and a file of the host's data folder only for a link that may read it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as w

from pim_workbook.access import NO_KEY, GuardedStore, data_folder, links_required
from pim_workbook.app.session import FACILITATOR, PageQuery, Session
from pim_workbook.app.shell import CSS
from pim_workbook.app.widgets.controls import (
    html,
)
from pim_workbook.errors import AccessDenied
from pim_workbook.i18n import _
from pim_workbook.sdc.datafolder import resolve
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore


def open_session(store: WorkbookStore, aid: str,
                 query: PageQuery | None = None) -> Session:
    query = query or PageQuery()
    return Session(store, aid, party=query.party or FACILITATOR, actor=query.name,
                   key=query.key)


def refusal(reason: str) -> str:
    """The markup of a refused page (its styles included), in the current language: the
    server sends it as a page of its own, and a page whose link fails in its kernel shows it."""
    hint = _("Links to the workbook are personal: each organisation receives its own from "
             "the facilitator.")
    title = _("Link not valid")
    return (f"<style>{CSS}</style><div class=\"pimw-page pimw-refused\">"
            f"<h1>{escape(title)}</h1>"
            f"<p>{escape(reason)}</p><p class=\"pimw-hint\">{escape(hint)}</p></div>")


def not_valid(reason: str) -> w.HTML:
    """What a page shows, and all it shows, without a valid link."""
    return html(refusal(reason))


def guarded(store: Store, query: PageQuery) -> WorkbookStore:
    """The store as the page's link allows; raises AccessDenied without a valid link.

    Pages served by ``pim-workbook serve`` need a link; a notebook opened in JupyterLab or run
    by papermill (by someone who has the store file anyway) does not.
    """
    if not query.key and not links_required():
        return store
    if not query.key:
        raise AccessDenied(_(NO_KEY))
    return GuardedStore(store, query.key)


def data_file(store: WorkbookStore, name: str) -> Path:
    """A file of the host's data folder, for a page on ``store`` that may read it.

    The check runs here, in the kernel, whatever the page sent: only the facilitator's link
    reads the folder, and only files inside it.
    """
    return resolve(data_folder(store), name)
