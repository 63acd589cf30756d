"""The workbook's pages, one per part of the framework; each notebook shows one of them.

``show_page("E.2")`` in a notebook finds the assessment (parameter, else ``?assessment=`` in
the page's URL), builds the page from the store and displays it. :func:`build_page` does the
same without displaying, for tests and scripts. Every served notebook calls
:func:`wait_for_page` after its imports and before it shows its page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html import escape

import ipywidgets as w
from tornado.httpclient import HTTPClientError
from tornado.websocket import WebSocketError, websocket_connect

from pim_workbook.access import grant_of
from pim_workbook.app.gate import guarded, not_valid, open_session
from pim_workbook.app.nav import PAGE_BY_KEY
from pim_workbook.app.pages.chooser import chooser
from pim_workbook.app.pages.ecosystem import ecosystem_page
from pim_workbook.app.pages.principles import principles_page
from pim_workbook.app.pages.record import record_page
from pim_workbook.app.pages.start import start_page
from pim_workbook.app.pages.step import step_page
from pim_workbook.app.session import Session, page_query
from pim_workbook.app.shell import page_box, page_footer, page_header
from pim_workbook.app.widgets.controls import (
    html,
)
from pim_workbook.content.framework import load_content, localise
from pim_workbook.errors import AccessDenied
from pim_workbook.i18n import (
    LANGUAGES,
    _,
    format_day,
    format_number,
    format_percent,
    translations,
    use_language,
)
from pim_workbook.store.core import Store
from pim_workbook.training.practice import open_copy

BUILDERS: dict[str, Callable[[Session], w.Widget]] = {
    "start": start_page, "principles": principles_page, "ecosystem": ecosystem_page,
    "record": record_page,
}


def build_page(key: str, session: Session) -> w.VBox:
    """The whole page widget for ``key`` ("start", "E.2", "record", ...)."""
    page = PAGE_BY_KEY.get(key)
    if page is None:
        raise KeyError(f"unknown page {key!r} (one of: {', '.join(PAGE_BY_KEY)})")
    if key.startswith("E."):
        body = step_page(session, session.content.step(key))
    else:
        body = BUILDERS[key](session)
    return page_box(*page_header(session, page), body, page_footer(session, page))


def wait_for_page() -> None:
    """In a kernel Voila preheated (``serve --pool-size``), wait until a page is asked of it:
    its query (the link key, the assessment, the party) is in the environment after that.
    Anywhere else (a page's own kernel, papermill, JupyterLab) return at once.

    A preheated kernel runs its notebook up to here before anyone asks for the page, so the
    imports and the framework content are ready; the page, its access check included, is
    then built for the one request that takes the kernel (Voila gives each kernel one page).
    """
    if os.environ.get("VOILA_PREHEAT") != "True":
        return
    content = load_content()
    for language in LANGUAGES:  # the page's language is known only with its request
        translations(language)
        localise(content, language)
    warm_up()
    os.environ.pop("QUERY_STRING", None)  # the page's own, never one the server started with
    while (request := _request_info()) is None:  # no answer (the server busy or stopping)
        time.sleep(1)
    os.environ.update(request)


WIDGETS = (w.Button, w.HTML, w.Box, w.VBox, w.HBox, w.Textarea, w.Text, w.Dropdown,
           w.Checkbox, w.SelectMultiple, w.ToggleButton, w.ToggleButtons, w.IntText,
           w.BoundedIntText, w.BoundedFloatText, w.RadioButtons,
           w.FileUpload)  # what the pages draw, and all the pages' front end draws


def warm_up() -> None:
    """Pay now what a page's first build would pay after its request: every language's
    number and date formats (Babel reads its locale data on first use) and one widget of
    each kind the pages draw (traitlets sets a class up on its first instance). The widgets
    are closed at once, before any page exists, so none reaches a page."""
    today = dt.date.today()
    for language in LANGUAGES:
        with use_language(language):
            format_number(1234.5, 1), format_percent(0.5, 1), format_day(today)
    for widget in [kind() for kind in WIDGETS]:
        for part in (widget, getattr(widget, "layout", None), getattr(widget, "style", None)):
            if isinstance(part, w.Widget):
                part.close()


def _request_info() -> dict[str, str] | None:
    """The request Voila hands this preheated kernel, as ``voila.utils.wait_for_request``
    asks for it (the same address, from the same variables), without importing Voila: that
    would cost each waiting kernel about 50 MB."""
    env = os.environ.get
    url = (f"{env('VOILA_WS_PROTOCOL', 'ws')}://{env('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env('VOILA_APP_PORT', '8866')}"
           f"{env('VOILA_WS_BASE_URL') or env('VOILA_SERVER_URL', '/')}voila/query/"
           f"{env('VOILA_KERNEL_ID', '')}")

    async def ask() -> str | bytes | None:
        connection = await websocket_connect(url, connect_timeout=5)
        try:
            return await connection.read_message()
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as thread:  # this thread runs the kernel's own event loop
        try:
            message = thread.submit(asyncio.run, ask()).result()
        except (OSError, HTTPClientError, WebSocketError):
            return None
    return json.loads(message) if message else None


def show_page(key: str, assessment_id: str = "", db_path: str = "") -> None:
    """Display a page in the notebook (or the assessment chooser when none is given)."""
    from IPython.display import display

    query = page_query()
    try:
        store = guarded(Store(db_path or None), query)
        grant = grant_of(store)
        if grant is not None and grant.role == "trainee":  # the trainee's practice copy
            store = open_copy(store, grant.training_id or "", query.assessment)
            grant = grant_of(store)
        aid = assessment_id or query.assessment or (grant.assessment_id if grant else "")
        if aid and grant is not None and not grant.may_open(aid):
            raise AccessDenied(_("this link does not open that assessment"))
    except AccessDenied as exc:
        display(not_valid(str(exc)))
        return
    if not aid or not store.exists(aid):
        if aid:
            missing = escape(_("No assessment with id {id}.")).format(id=escape(aid))
            display(html(f'<p class="pimw-error">{missing}</p>'))
        display(chooser(store, key, query.key))
        return
    session = open_session(store, aid, query)
    display(build_page(key, session))
    session.start_polling()


def show_step(step: str, assessment_id: str = "", db_path: str = "") -> None:
    """``show_step("E.2")``: the page of one step of the joint assessment."""
    show_page(step, assessment_id, db_path)
