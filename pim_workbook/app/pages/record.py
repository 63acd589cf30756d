"""The record page: progress, open divergences, sign-off, revisions, exports, history."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.app.nav import PAGE_BY_KEY, page_link
from pim_workbook.app.session import Session
from pim_workbook.app.widgets.controls import heading, html, party_action, per_party
from pim_workbook.outputs import exports
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.record.progress import divergences, progress, signing_parties

MIME = {"json": "application/json", "html": "text/html", "md": "text/markdown",
        "csv": "text/csv"}
HISTORY_ROWS = 25


def record_page(session: Session) -> w.VBox:
    summary = html("")
    open_q = html("")
    revisions = html("")
    history = html("")

    def draw(record: Record) -> None:
        rows = []
        for section, (done, total) in progress(record, session.content).items():
            pct = round(100 * done / total) if total else 100
            rows.append(f"<tr><td>{escape(section)}</td><td>{done} of {total}</td>"
                        f'<td style="width:40%"><div class="pimw-progress"><div '
                        f'style="width:{pct}%"></div></div></td></tr>')
        summary.value = (f"<p>Status: <b>{escape(label(session.store.status(record.id)))}</b></p>"
                         '<table class="pimw-table"><tr><th>Section</th><th>Done</th><th>'
                         f"</th></tr>{''.join(rows)}</table>")
        items = [f"<li>{page_link(PAGE_BY_KEY['E.' + q[1]], session, record.id)} — <b>{q}</b> "
                 f"{escape(session.content.question(q).text)}</li>"
                 for q in divergences(record, session.content)]
        open_q.value = (f"<ul>{''.join(items)}</ul>" if items else
                        '<p class="pimw-ok">No open divergences.</p>')
        revs = session.store.revisions(record.id)
        revisions.value = ("<ul>" + "".join(
            f"<li>Revision {r.number}, frozen {escape(r.created_at[:16].replace('T', ' '))} "
            f"UTC, content hash <code>{r.record_hash[:16]}</code></li>" for r in revs)
            + "</ul>") if revs else '<p class="pimw-hint">No signed revision yet.</p>'
        changes = session.store.history(record.id)[-HISTORY_ROWS:][::-1]
        history.value = ('<table class="pimw-table"><tr><th>When (UTC)</th><th>Who</th>'
                         "<th>Party</th><th>Through</th><th>What</th></tr>" + "".join(
                             f"<tr><td>{escape(c.at[:19].replace('T', ' '))}</td>"
                             f"<td>{escape(c.actor)}</td><td>{escape(c.party or '')}</td>"
                             f"<td>{escape(c.via.replace('link:', 'link '))}</td>"
                             f"<td>{escape(c.path)}</td></tr>"
                             for c in changes) + "</table>")

    session.on_refresh(draw)
    signoff = per_party(session, signing_parties, lambda pid: _sign_row(session, pid))
    return w.VBox([
        heading("Progress"), summary,
        heading("Answers that still differ or are missing"), open_q,
        heading("Sign-off"),
        html('<p class="pimw-hint">Each party\'s signatory confirms the record as it is now. '
             "When the last party signs, the record is frozen as a numbered revision; later "
             "changes start the next one.</p>"),
        signoff, revisions,
        heading("Exports"), _exports(session),
        heading("Latest changes"), history,
    ], layout=w.Layout(width="100%"))


def _sign_row(session: Session, pid: str) -> w.VBox:
    def state(record: Record) -> str:
        sig = record.signoffs.get(pid)
        org = escape(record.parties[pid].organisation)
        if sig and sig.record_hash == record_hash(record):
            return (f"<b>{org}</b>: signed by {escape(sig.signatory)} at "
                    f"{escape(sig.signed_at[:16].replace('T', ' '))} UTC")
        if sig:
            return (f'<b>{org}</b>: <span class="pimw-badge pimw-diverge">changed since '
                    f"{escape(sig.signatory)} signed — sign again</span>")
        return f"<b>{org}</b>: not signed yet"

    return party_action(session, pid, placeholder="name of the signatory",
                        button="Sign the record", icon="pencil", state=state,
                        act=lambda name: session.store.sign(session.aid, pid, name,
                                                            actor=session.actor))


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
