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
            rows.append(f"<tr><td>{escape(section)}</td><td>{done} of {total}</td>"
                        f'<td style="width:40%"><div class="pimw-progress" role="img" '
                        f'aria-label="{pct}%"><div style="width:{pct}%"></div></div></td></tr>')
        summary.value = (f"<p>Status: <b>{escape(label(session.store.status(record.id)))}</b></p>"
                         '<table class="pimw-table"><tr><th>Section</th><th>Done</th>'
                         f"<th>Progress</th></tr>{''.join(rows)}</table>")
        checklist.value = _checklist(session, record)
        tamper.value = ('<p class="pimw-hint pimw-verify">Tamper evidence: '
                        + "<br>".join(escape(line) for line in verification_lines(
                            session.store.verify(record.id), record.id)) + "</p>")

    session.on_refresh(draw)
    signoff = per_party(session, signing_parties, lambda pid: _sign_row(session, pid))
    return w.VBox([
        heading("Progress"), summary,
        heading("Ready to sign?"), checklist,
        heading("Sign-off"),
        html('<p class="pimw-hint">Each party\'s signatory confirms the record as it is now. '
             "When the last party signs, the record is frozen as a numbered revision; later "
             "changes start the next one. A record with open items is signed only when the "
             "signatory ticks that they sign with those items open: every report of the "
             "revision then lists them.</p>"),
        signoff, revisions, tamper,
        heading("Exports"), _exports(session),
        heading("Latest changes"), history,
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
            shown += f"<li>… and {more} more</li>"
        go = page_link(PAGE_BY_KEY[check.page], session, record.id)
        rows.append(f'<li class="pimw-check-open">✗ {escape(check.title)} — {go}'
                    f"<ul>{shown}</ul></li>")
    done = sum(c.done for c in readiness(record, session.content))
    total = len(rows)
    verdict = ('<p class="pimw-ok">Everything is ready to sign.</p>' if done == total else
               f'<p class="pimw-badge pimw-diverge">{done} of {total} checks done: signing '
               "now means signing with open items.</p>")
    return f'{verdict}<ul class="pimw-checklist">{"".join(rows)}</ul>'


def _sign_row(session: Session, pid: str) -> w.VBox:
    """A party's sign-off: who signs (name and title), and a confirmation that names the
    open items the signatory has seen, which the store checks are still exactly those."""
    status = html("")
    name = text("name of the signatory")
    title = text("title, e.g. Head of Protection")
    confirm = w.Checkbox(description="", indent=False, layout=w.Layout(width="auto"))
    go = w.Button(description="Sign the record", icon="pencil", button_style="success")
    seen: list[str] = []

    def draw(record: Record) -> None:
        org = record.parties[pid].organisation
        sig = record.signoffs.get(pid)
        if sig and sig.record_hash == record_hash(record):
            who = sig.signatory + (f", {sig.title}" if sig.title else "")
            status.value = (f"<b>{escape(org)}</b>: signed by {escape(who)} on "
                            f"{escape(human_date(sig.signed_at))}")
        elif sig:
            status.value = (f'<b>{escape(org)}</b>: <span class="pimw-badge pimw-diverge">'
                            f"changed since {escape(sig.signatory)} signed — sign again</span>")
        else:
            status.value = f"<b>{escape(org)}</b>: not signed yet"
        seen[:] = open_items(record, session.content)
        confirm.description = (f"{org} signs the record as it is now"
                               + (f", with the {len(seen)} open item(s) listed above"
                                  if seen else ""))
        allowed = session.can_sign_for(pid)
        for widget in (name, title, confirm, go):
            widget.disabled = not allowed

    def sign(_: Any) -> None:
        if not confirm.value:
            session.refuse("tick the confirmation to sign (it names what is still open)")
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
    button = w.Button(description="Prepare exports", icon="download", button_style="primary")

    def on_click(_: Any) -> None:
        def run() -> None:
            out = []
            for fmt in exports.FORMATS:
                path = exports.export(session.store, session.aid, fmt)
                data = base64.b64encode(path.read_bytes()).decode()
                out.append(f'<a download="{escape(path.name)}" href="data:{MIME[fmt]};'
                           f'base64,{data}">{escape(path.name)}</a>')
            links.value = ('<p class="pimw-nav">' + " ".join(out) + "</p>"
                           f'<p class="pimw-hint">Also written to {escape(str(path.parent))}'
                           "</p>")
        session.write(run)

    button.on_click(on_click)
    return w.VBox([w.HBox([button]), links])


SECTIONS = ("Start", "Principles", "Ecosystem", "Step 1", "Step 2", "Step 3", "Step 4",
            "Sign-off")


def _history(session: Session) -> w.VBox:
    """The latest changes in words, filtered by party and by section; long values open."""
    party = w.Dropdown(description="Party", options=[("All", "")],
                       style={"description_width": "initial"}, layout=w.Layout(width="auto"))
    section = w.Dropdown(description="Section", options=[("All", "")] + [
        (s, s) for s in SECTIONS], style={"description_width": "initial"},
        layout=w.Layout(width="auto"))
    table = html("")

    def draw(record: Record) -> None:
        wanted = [("All", ""), ("Joint (no party)", "-")] + [
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
        table.value = ('<table class="pimw-table pimw-history"><tr><th>When</th><th>Who</th>'
                       "<th>Where</th><th>Change</th></tr>" + rows + "</table>" if rows else
                       '<p class="pimw-hint">No change matches.</p>')

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
        who += (f"<br><small>on behalf of {escape(entry.party)}</small>" if entry.on_behalf
                else f"<br><small>for {escape(entry.party)}</small>")
    if entry.through != "the workbook":
        who += f"<br><small>through {escape(entry.through)}</small>"
    change = (f"{_expandable(entry.old)} → {_expandable(entry.new)}" if entry.old
              else _expandable(entry.new))
    if entry.saves > 1:
        change += f' <small class="pimw-hint">({entry.saves} saves)</small>'
    if entry.voids:
        change += (f'<br><span class="pimw-badge pimw-diverge">made signed revision '
                   f"{entry.voids} a draft again</span>")
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

        shown.value = (f'<div class="pimw-hint">Revision {number}, read only, as signed '
                       "(the history up to its freeze).</div>"
                       + report_fragment(session.store, session.aid, revision=number))

    def draw(record: Record) -> None:
        rows = []
        for rev in session.store.revisions(record.id):
            if rev.number not in buttons:
                button = w.Button(description=f"Open revision {rev.number}", icon="eye")
                button.on_click(lambda _, n=rev.number: open_revision(n))
                buttons[rev.number] = button
            rows.append(w.HBox([buttons[rev.number], html(
                f"frozen {escape(human_date(rev.created_at))}, content hash "
                f"<code>{rev.record_hash[:16]}</code>")], layout=w.Layout(align_items="center")))
        listing.children = tuple(rows) if rows else (
            html('<p class="pimw-hint">No signed revision yet.</p>'),)

    session.on_refresh(draw)
    return w.VBox([listing, shown])
