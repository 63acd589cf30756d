"""One page's connection to the store: who is answering, writes, refreshes, the heartbeat.

Widgets never keep their own copy of an answer: every change goes straight to the store
through :meth:`Session.write`, and every view re-reads the record in :meth:`Session.refresh`,
which runs after each write and every few seconds (so another party's answers appear).

Text boxes are saved while the person types: each keystroke reaches the kernel, and a pause
of :data:`TYPING_PAUSE_S` writes the box (one transaction and one history row per pause, not
per key). Each such box carries a stable ``pimw-k-…`` class and, once written, a
``pimw-saved-<hash>`` class of the text stored: the page template keeps what was typed in
the tab's ``sessionStorage`` until that hash confirms it, and offers it back after a crash.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import datetime as dt
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

from pim_workbook.access import Grant, grant_of
from pim_workbook.content.framework import localise
from pim_workbook.errors import AccessDenied, WorkbookError
from pim_workbook.i18n import N_, _, current_language, known, set_language
from pim_workbook.record.model import Record
from pim_workbook.store.protocol import WorkbookStore

log = logging.getLogger(__name__)

FACILITATOR = ""  # the "answering as" value of the facilitator (joint answers)
REFRESH_MS = 2500
TYPING_PAUSE_S = 0.8  # a pause in typing this long saves a text box
NOT_YET = N_("Not saved yet: saving when you pause typing")  # shown as _(NOT_YET)
EXPECTED = (WorkbookError, ValueError)  # refused with a reason; anything else is a fault


@dataclass(frozen=True)
class PageQuery:
    """What a served page learns from its URL (``?assessment=ID&party=A&name=...&key=...``)."""

    assessment: str = ""
    party: str = ""
    name: str = ""
    key: str = ""  # a partner link's key (see access.py)
    trainee: str = ""  # the training page: the trainee continuing their session
    lang: str = ""  # the page's language (en, fr, es, ar); links carry it

    @classmethod
    def from_environment(cls) -> PageQuery:
        """Voila passes the page's query string to the kernel as ``QUERY_STRING``."""
        qs = parse_qs(os.environ.get("QUERY_STRING", ""))
        return cls(*(qs.get(k, [""])[0].strip()
                     for k in ("assessment", "party", "name", "key", "trainee", "lang")))


def page_query() -> PageQuery:
    """The page's query, its language made the one the page speaks (English for a language
    the workbook does not have: a link is never refused for it)."""
    query = PageQuery.from_environment()
    set_language(query.lang if known(query.lang) else "en")
    return query


class Session:
    """The store, the assessment and the person answering, for one page."""

    def __init__(self, store: WorkbookStore, aid: str, *, party: str = FACILITATOR,
                 actor: str = "", key: str = "") -> None:
        self.store = store
        self.aid = aid
        self.key = key  # carried by the links between pages
        self.grant: Grant | None = grant_of(store)
        self.locked = False  # the link was revoked or expired while the page was open
        if self.grant is not None and not self.grant.is_facilitator:
            # a link's party, not the URL's; an observer answers for nobody
            party = (self.grant.party or FACILITATOR) if self.grant.role == "party" \
                else FACILITATOR
        self.content = localise(store.content, current_language())  # ids as the store's
        self._refreshers: list[Callable[[Record], None]] = []
        self._seen = -1
        self._typing: set[Bound] = set()  # text boxes typed in and not written yet
        self.saves = 0  # changes saved through this page (tests wait on it)
        self.last_error = ""
        self.record = store.get(aid)
        parties = list(self.record.parties)
        self.party_picker = w.Dropdown(
            options=self._party_options(self.record),
            value=party if party in parties else FACILITATOR,
            description=_("Answering as"), style={"description_width": "initial"},
            layout=w.Layout(width="34rem"),
        )
        self.party_picker.add_class("pimw-party")
        self.party_picker.disabled = self.grant is not None and not self.grant.is_facilitator
        self.name_box = w.Text(value=actor, placeholder=_("your name (shown in the history)"),
                               continuous_update=False, description=_("Your name"),
                               style={"description_width": "initial"},
                               layout=w.Layout(width="26rem"))
        self.name_box.add_class("pimw-name")  # the page remembers it for the link
        self.status = w.HTML(layout=w.Layout(min_width="16rem"))
        self.status.add_class("pimw-status")
        for who in (self.party_picker, self.name_box):  # links carry both: redraw them
            who.observe(lambda _: self.refresh(force=True), "value")
        self._say("pimw-ok", _("All changes saved"))

    # -- who is answering --------------------------------------------------------------
    def _party_options(self, record: Record) -> list[tuple[str, str]]:
        grant = self.grant
        if grant is not None and grant.role == "party":
            org = record.parties[grant.party].organisation if grant.party in record.parties \
                else grant.party
            return [(f"{grant.party} · {org}", grant.party or "")]
        if grant is not None and grant.read_only:
            return [(_("Observer (read only)"), FACILITATOR)]
        behalf = _("On behalf of {party}") if grant is not None else "{party}"
        return [(_("Facilitator (joint answers)"), FACILITATOR)] + [
            (behalf.format(party=f"{pid} · {p.organisation}"), pid)
            for pid, p in record.parties.items()]

    @property
    def read_only(self) -> bool:
        """Nothing can be changed from this page (an observer's link, or a link revoked)."""
        return self.locked or (self.grant is not None and self.grant.read_only)

    @property
    def party(self) -> str:
        return self.party_picker.value

    @property
    def on_behalf(self) -> bool:
        """The facilitator's link types what a party says (a workshop at one keyboard)."""
        return (self.grant is not None and self.grant.is_facilitator
                and self.party != FACILITATOR)

    @property
    def actor(self) -> str:
        name = self.name_box.value.strip()
        if self.party == FACILITATOR:
            return name or "facilitator"
        org = self.record.parties[self.party].organisation if self.party in \
            self.record.parties else self.party
        if self.on_behalf:
            return f"facilitator {name} on behalf of {org}" if name else \
                f"facilitator on behalf of {org}"
        return f"{name} ({org})" if name else org

    def can_answer_for(self, pid: str) -> bool:
        """Only the party's own answer box takes its text: the facilitator's page picks the
        party ('on behalf of') first, so a stray click never types into a partner's box."""
        return not self.read_only and self.party == pid

    def can_sign_for(self, pid: str) -> bool:
        """Agreeing to trust and signing: the party itself, never on its behalf."""
        return self.can_answer_for(pid) and not self.on_behalf

    @property
    def is_facilitator(self) -> bool:
        return not self.read_only and self.party == FACILITATOR and (
            self.grant is None or self.grant.is_facilitator)

    # -- writing -----------------------------------------------------------------------
    def write(self, change: Callable[[], Any]) -> bool:
        """Run one store change; show "saved" or the reason it was refused."""
        try:
            change()
        except EXPECTED as exc:
            self.last_error = _("Not saved: {reason}").format(reason=exc)
            self._say("pimw-error", self.last_error)
            return False
        except Exception:  # an unexpected fault must not vanish silently in Voila
            log.exception("change failed")
            self.last_error = _("Not saved: an unexpected error occurred; please tell the "
                                "facilitator. Your earlier answers are safe.")
            self._say("pimw-error", self.last_error)
            return False
        self.saves += 1
        self.refresh(force=True)
        if self._typing:
            self._say("pimw-pending", _(NOT_YET))
        else:
            self._say("pimw-ok", _("Saved at {time}").format(
                time=f"{dt.datetime.now():%H:%M:%S}"))
        return True

    def typing(self, bound: Bound, pending: bool) -> None:
        """Note that ``bound`` holds typed text not yet written (or no longer does)."""
        if pending and not self._typing:
            self._say("pimw-pending", _(NOT_YET))
        if pending:
            self._typing.add(bound)
        else:
            self._typing.discard(bound)

    def is_typing(self, bound: Bound) -> bool:
        """``bound`` holds typed text waiting for a pause."""
        return bound in self._typing

    def flush(self) -> None:
        """Write every box still waiting for a pause in typing (the kernel is stopping)."""
        for bound in list(self._typing):
            bound.flush()

    def refuse(self, reason: str) -> None:
        """Say why nothing was written (a check of the page, before any store call)."""
        self.last_error = _("Not saved: {reason}").format(reason=reason)
        self._say("pimw-error", self.last_error)

    def _say(self, css: str, text: str) -> None:
        from html import escape

        self.status.value = (f'<span class="{css}" data-saves="{self.saves}">'
                             f"{escape(text)}</span>")

    # -- reading -----------------------------------------------------------------------
    def on_refresh(self, refresher: Callable[[Record], None]) -> None:
        """Register a view to redraw from the record; it is drawn once now."""
        self._refreshers.append(refresher)
        refresher(self.record)

    def start_polling(self) -> None:
        """Look for others' changes every few seconds, on the kernel's own event loop.

        Nothing is sent to the browser unless something changed, so an abandoned page's
        kernel still counts as idle and is culled.
        """
        loop = asyncio.get_event_loop()
        atexit.register(self.flush)  # a closed tab ends the kernel: write what was typed

        def tick() -> None:
            try:
                self.poll()
            finally:  # a failing look must not end the looking
                loop.call_later(REFRESH_MS / 1000, tick)

        loop.call_later(REFRESH_MS / 1000, tick)

    def poll(self) -> None:
        """Redraw if anyone changed the assessment since the last look."""
        try:
            self.refresh()
        except AccessDenied as exc:
            self._say("pimw-error", str(exc))
            if not self.locked:
                self.locked = True  # every box turns read-only: redraw from what was read
                for refresher in self._refreshers:
                    # a view that reads more than the record stays as it was
                    with contextlib.suppress(AccessDenied):
                        refresher(self.record)
        except Exception:
            log.exception("refresh failed")
            self._say("pimw-error", _("Could not read the latest answers; retrying."))

    def refresh(self, force: bool = False) -> None:
        latest = self.store.last_change(self.aid)
        if latest == self._seen and not force:
            return
        self._seen = latest
        self.record = self.store.get(self.aid)
        options = self._party_options(self.record)
        if list(self.party_picker.options) != options:
            self.party_picker.options = options  # a party was added or renamed
        for refresher in self._refreshers:
            refresher(self.record)


def text_hash(text: str) -> str:
    """FNV-1a (32 bits) of the text's UTF-8 bytes: the page template computes the same, to
    know which typed text the store holds."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # plain Python (tests, papermill): write at once
        return None


class Bound:
    """One widget tied to one value of the record: written on change, redrawn on refresh.

    With a ``key`` (stable across reloads of the page), a text box is written while the
    person types, after each pause, and tells the page which text the store holds.
    """

    def __init__(self, session: Session, widget: w.ValueWidget,
                 read: Callable[[Record], Any], write: Callable[[Any], None],
                 editable: Callable[[], bool] = lambda: True, *, key: str = "") -> None:
        self.session, self.widget, self._read, self._write = session, widget, read, write
        self._editable = editable
        self._drawing = False
        self._typed = bool(key) and isinstance(widget, w.Text | w.Textarea)
        self._pending: Any = None  # typed text waiting for a pause
        self._dirty = False  # the box holds text the store does not (pending or refused)
        self._timer: asyncio.TimerHandle | None = None
        if self._typed:
            widget.continuous_update = True
            widget.add_class("pimw-k-" + re.sub(r"[^A-Za-z0-9_-]", "_", key))
        widget.observe(self._changed, "value")
        session.on_refresh(self.draw)

    def draw(self, record: Record) -> None:
        self._drawing = True
        try:
            value = self._read(record)
            if self.widget.value != value and not self._dirty:  # never overwrite typing
                self.widget.value = value
            self.widget.disabled = not self.editable()
        finally:
            self._drawing = False

    def editable(self) -> bool:
        return not self.session.read_only and self._editable()

    def _changed(self, change: dict[str, Any]) -> None:
        if self._drawing:
            return
        if not self.editable():
            self._dirty = False
            self.draw(self.session.record)
            return
        if not self._typed:
            self._commit(change["new"])
            return
        self._pending, self._dirty = change["new"], True
        self.session.typing(self, True)
        loop = _running_loop()
        if loop is None:
            self.flush()
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(TYPING_PAUSE_S, self.flush)

    def flush(self) -> None:
        """Write the typed text now (after a pause, or because the kernel is stopping)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.session.is_typing(self):
            return
        self.session.typing(self, False)
        self._commit(self._pending)

    def _commit(self, value: Any) -> None:
        if self.session.write(lambda: self._write(value)):
            self._dirty = False
            self.widget.remove_class("pimw-invalid")
            self.widget.tooltip = None
            if self._typed:
                self._mark_saved(value)
        else:  # mark the box and say why
            self.widget.add_class("pimw-invalid")
            self.widget.tooltip = self.session.last_error
            if not (self._typed and not self.session.locked and self.editable()):
                self._dirty = False  # keep the last good value; typed text stays to be mended
                self.draw(self.session.store.get(self.session.aid))

    def _mark_saved(self, value: str) -> None:
        classes = [c for c in self.widget._dom_classes if not c.startswith("pimw-saved-")]
        self.widget._dom_classes = (*classes, "pimw-saved-" + text_hash(value))
