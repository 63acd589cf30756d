"""The record page: progress, the checklist before signing, sign-off, revisions, exports,
history."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.app.nav import PAGE_BY_KEY, page_link
from pim_workbook.app.session import Session
from pim_workbook.app.widgets.controls import heading, html, per_party, text
from pim_workbook.errors import AccessDenied
from pim_workbook.i18n import N_, _, format_number, format_percent, ngettext
from pim_workbook.outputs import exports
from pim_workbook.outputs.history import SHORT, Entry, entries
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import human_date, label
from pim_workbook.record.model import Record
from pim_workbook.record.progress import progress, signing_parties
from pim_workbook.record.readiness import open_items, readiness
from pim_workbook.store.integrity import verification_lines

MIME = {"json": "application/json", "html": "text/html", "md": "text/markdown",
        "csv": "text/csv"}
HISTORY_ROWS = 25


def record_page(session: Session) -> w.VBox:
    summary = html("")
    checklist = html("")
    tamper = html("")
    revisions = _revisions(session)
    history = _history(session)

    def draw(record: Record) -> None:
        rows = []
        for section, (done, total) in progress(record, session.content).items():
            pct = round(100 * done / total) if total else 100
            count = escape(_("{done} of {total}")).format(done=format_number(done),
                                                         total=format_number(total))
            rows.append(f"<tr><td>{escape(_(section))}</td><td>{count}</td>"
                        f'<td style="width:40%"><div class="pimw-progress" role="img" '
                        f'aria-label="{escape(format_percent(pct / 100))}">'
                        f'<div style="width:{pct}%"></div></div></td></tr>')
        status = escape(_("Status: {status}")).format(
            status=f"<b>{escape(label(session.store.status(record.id)))}</b>")
        headers = "".join(f"<th>{escape(h)}</th>" for h in (
            _("Section"), _("Done"), _("Progress")))
        summary.value = (f"<p>{status}</p>"
                         f'<table class="pimw-table"><tr>{headers}</tr>{"".join(rows)}</table>')
        checklist.value = _checklist(session, record)
        lines = "<br>".join(escape(line) for line in verification_lines(
            session.store.verify(record.id), record.id))
        tamper.value = ('<p class="pimw-hint pimw-verify">'
                        + escape(_("Tamper evidence: {lines}")).format(lines=lines) + "</p>")

    session.on_refresh(draw)
    signoff = per_party(session, signing_parties, lambda pid: _sign_row(session, pid))
    return w.VBox([
        heading(_("Progress")), summary,
        heading(_("Ready to sign?")), checklist,
        heading(_("Sign-off")),
        html('<p class="pimw-hint">' + escape(_(
            "Each party's signatory confirms the record as it is now. When the last party "
            "signs, the record is frozen as a numbered revision; later changes start the next "
            "one. A record with open items is signed only when the signatory ticks that they "
            "sign with those items open: every report of the revision then lists them."),
            quote=False) + "</p>"),
        signoff, revisions, tamper,
        heading(_("Exports")), _exports(session),
        heading(_("Latest changes")), history,
    ], layout=w.Layout(width="100%"))


SHOWN_MISSING = 4  # per check; the rest is counted


def _checklist(session: Session, record: Record) -> str:
    """The readiness checklist, each open check linking to the page where it is fixed."""
    rows = []
    for check in readiness(record, session.content):
        if check.done:
            rows.append(f'<li class="pimw-check-done">✓ {escape(check.title)}</li>')
            continue
        shown = "".join(f"<li>{escape(m)}</li>" for m in check.missing[:SHOWN_MISSING])
        more = len(check.missing) - SHOWN_MISSING
        if more > 0:
            shown += "<li>" + escape(ngettext("… and {n} more", "… and {n} more", more).format(
                n=format_number(more))) + "</li>"
        go = page_link(PAGE_BY_KEY[check.page], session, record.id)
        rows.append(f'<li class="pimw-check-open">✗ {escape(check.title)} — {go}'
                    f"<ul>{shown}</ul></li>")
    done = sum(c.done for c in readiness(record, session.content))
    total = len(rows)
    verdict = ('<p class="pimw-ok">' + escape(_("Everything is ready to sign.")) + "</p>"
               if done == total else
               '<p class="pimw-badge pimw-diverge">' + escape(ngettext(
                   "{done} of {total} checks done: signing now means signing with open items.",
                   "{done} of {total} checks done: signing now means signing with open items.",
                   total).format(done=format_number(done), total=format_number(total)))
               + "</p>")
    return f'{verdict}<ul class="pimw-checklist">{"".join(rows)}</ul>'


def _sign_row(session: Session, pid: str) -> w.VBox:
    """A party's sign-off: who signs (name and title), and a confirmation that names the
    open items the signatory has seen, which the store checks are still exactly those."""
    status = html("")
    name = text(_("name of the signatory"))
    title = text(_("title, e.g. Head of Protection"))
    confirm = w.Checkbox(description="", indent=False, layout=w.Layout(width="auto"))
    go = w.Button(description=_("Sign the record"), button_style="success")
    seen: list[str] = []

    def draw(record: Record) -> None:
        org = record.parties[pid].organisation
        sig = record.signoffs.get(pid)
        if sig and sig.record_hash == record_hash(record):
            who = sig.signatory + (f", {sig.title}" if sig.title else "")
            status.value = escape(_("{organisation}: signed by {name} on {date}")).format(
                organisation=f"<b>{escape(org)}</b>", name=escape(who),
                date=escape(human_date(sig.signed_at)))
        elif sig:
            again = escape(_("changed since {name} signed — sign again")).format(
                name=escape(sig.signatory))
            status.value = (f'<b>{escape(org)}</b>: <span class="pimw-badge pimw-diverge">'
                            f"{again}</span>")
        else:
            status.value = escape(_("{organisation}: not signed yet")).format(
                organisation=f"<b>{escape(org)}</b>")
        seen[:] = open_items(record, session.content)
        confirm.description = (ngettext(
            "{organisation} signs the record as it is now, with the {n} open item(s) listed "
            "above",
            "{organisation} signs the record as it is now, with the {n} open item(s) listed "
            "above", len(seen)).format(organisation=org, n=format_number(len(seen)))
            if seen else _("{organisation} signs the record as it is now").format(
                organisation=org))
        allowed = session.can_sign_for(pid)
        for widget in (name, title, confirm, go):
            widget.disabled = not allowed

    def sign(_click: Any) -> None:
        if not confirm.value:
            session.refuse(_("tick the confirmation to sign (it names what is still open)"))
            return
        if session.write(lambda: session.store.sign(
                session.aid, pid, name.value, title=title.value.strip(),
                acknowledged=list(seen), actor=session.actor)):
            confirm.value = False

    go.on_click(sign)
    session.on_refresh(draw)
    return w.VBox([status, w.HBox([name, title]), w.HBox([confirm, go])])


def _exports(session: Session) -> w.VBox:
    links = html("")
    button = w.Button(description=_("Prepare exports"),
                      button_style="primary")

    def on_click(_click: Any) -> None:
        def run() -> None:
            out = []
            for fmt in exports.FORMATS:
                path = exports.export(session.store, session.aid, fmt)
                data = base64.b64encode(path.read_bytes()).decode()
                out.append(f'<a download="{escape(path.name)}" href="data:{MIME[fmt]};'
                           f'base64,{data}">{escape(path.name)}</a>')
            written = escape(_("Also written to {folder}")).format(
                folder=escape(str(path.parent)))
            links.value = ('<p class="pimw-nav">' + " ".join(out) + "</p>"
                           f'<p class="pimw-hint">{written}</p>')
        session.write(run)

    button.on_click(on_click)
    return w.VBox([w.HBox([button]), links])


# the history's filter: values compared with each entry's (English) section, names shown
SECTIONS = (N_("Start"), N_("Principles"), N_("Ecosystem"), N_("Step 1"), N_("Step 2"),
            N_("Step 3"), N_("Step 4"), N_("Sign-off"))


def _history(session: Session) -> w.VBox:
    """The latest changes in words, filtered by party and by section; long values open."""
    party = w.Dropdown(description=_("Party"), options=[(_("All"), "")],
                       style={"description_width": "initial"}, layout=w.Layout(width="auto"))
    section = w.Dropdown(description=_("Section"), options=[(_("All"), "")] + [
        (_(s), s) for s in SECTIONS], style={"description_width": "initial"},
        layout=w.Layout(width="auto"))
    table = html("")

    def draw(record: Record) -> None:
        wanted = [(_("All"), ""), (_("Joint (no party)"), "-")] + [
            (p.organisation, p.organisation) for p in record.parties.values()]
        if list(party.options) != wanted:
            party.options = wanted
        try:  # every link for the facilitator; the assessment's and hers for others
            links = session.store.invites(None)
        except AccessDenied:
            links = session.store.invites(record.id)
        shown = [e for e in entries(session.store.history(record.id), record, session.content,
                                    links, session.store.revisions(record.id))
                 if (not party.value or e.party == (party.value if party.value != "-" else ""))
                 and (not section.value or e.section.startswith(section.value))]
        rows = "".join(_history_row(e) for e in shown[-HISTORY_ROWS:][::-1])
        headers = "".join(f"<th>{escape(h)}</th>" for h in (
            _("When"), _("Who"), _("Where"), _("Change")))
        table.value = (f'<table class="pimw-table pimw-history"><tr>{headers}</tr>' + rows
                       + "</table>" if rows else
                       '<p class="pimw-hint">' + escape(_("No change matches.")) + "</p>")

    for box in (party, section):
        box.observe(lambda _: draw(session.record), "value")
    session.on_refresh(draw)
    return w.VBox([w.HBox([party, section]), table])


def _expandable(text: str) -> str:
    if len(text) <= SHORT:
        return escape(text) or "—"
    return (f"<details><summary>{escape(text[:SHORT - 1].rstrip())}…</summary>"
            f"{escape(text)}</details>")


def _history_row(entry: Entry) -> str:
    who = escape(entry.who)
    if entry.party:
        party = (escape(_("on behalf of {party}")) if entry.on_behalf
                 else escape(_("for {party}"))).format(party=escape(entry.party))
        who += f"<br><small>{party}</small>"
    if entry.through != "the workbook":
        channel = escape(_("through {channel}")).format(channel=escape(entry.through))
        who += f"<br><small>{channel}</small>"
    change = (f"{_expandable(entry.old)} → {_expandable(entry.new)}" if entry.old
              else _expandable(entry.new))
    if entry.saves > 1:
        saves = escape(ngettext("({n} save)", "({n} saves)", entry.saves)).format(
            n=format_number(entry.saves))
        change += f' <small class="pimw-hint">{saves}</small>'
    if entry.voids:
        voided = escape(_("made signed revision {number} a draft again")).format(
            number=entry.voids)
        change += f'<br><span class="pimw-badge pimw-diverge">{voided}</span>'
    return (f"<tr><td>{escape(human_date(entry.at))}</td><td>{who}</td>"
            f"<td>{escape(entry.section)}<br><small>{escape(entry.what)}</small></td>"
            f"<td>{change}</td></tr>")


def _revisions(session: Session) -> w.VBox:
    """The signed revisions, each of which opens read-only: its frozen content, as its
    reports show it."""
    listing = w.VBox()
    shown = html("")
    shown.add_class("pimw-revision")
    buttons: dict[int, w.Button] = {}

    def open_revision(number: int) -> None:
        from pim_workbook.outputs.render import report_fragment

        note = escape(_("Revision {number}, read only, as signed (the history up to its "
                        "freeze).")).format(number=number)
        shown.value = (f'<div class="pimw-hint">{note}</div>'
                       + report_fragment(session.store, session.aid, revision=number))

    def draw(record: Record) -> None:
        rows = []
        for rev in session.store.revisions(record.id):
            if rev.number not in buttons:
                button = w.Button(
                    description=_("Open revision {number}").format(number=rev.number))
                button.on_click(lambda _, n=rev.number: open_revision(n))
                buttons[rev.number] = button
            frozen = escape(_("frozen {date}, content hash {hash}")).format(
                date=escape(human_date(rev.created_at)),
                hash=f"<code>{rev.record_hash[:16]}</code>")
            rows.append(w.HBox([buttons[rev.number], html(frozen)],
                               layout=w.Layout(align_items="center")))
        listing.children = tuple(rows) if rows else (
            html('<p class="pimw-hint">' + escape(_("No signed revision yet.")) + "</p>"),)

    session.on_refresh(draw)
    return w.VBox([listing, shown])
