"""Start: the purpose, the parties and their contacts, and the trust statement.
"""

from __future__ import annotations

from functools import partial
from html import escape
from typing import Any

import ipywidgets as w

from pim_workbook.app.fields import PURPOSE_FIELDS
from pim_workbook.app.session import Bound, Session
from pim_workbook.app.shell import Tabs
from pim_workbook.app.widgets.controls import (
    choices_of,
    dropdown,
    heading,
    html,
    labelled,
    party_action,
    per_party,
    text,
    textarea,
)
from pim_workbook.app.widgets.editors import (
    record_fields_form,
)
from pim_workbook.i18n import N_, _
from pim_workbook.record.labels import label
from pim_workbook.record.model import (
    Party,
    Record,
)


# -- the pages ---------------------------------------------------------------------------
def start_page(session: Session) -> w.Widget:
    content = session.content
    return Tabs([
        (N_("Parties"), lambda: _parties_pane(session)),
        (N_("Defined purpose"), lambda: w.VBox([
            heading(_("Defined purpose")),
            record_fields_form(session, PURPOSE_FIELDS)])),
        (N_("Trust statement"), lambda: _trust_pane(session)),
        (N_("PIM process"), lambda: w.VBox([
            heading(_("The PIM process")), html(f"<p>{escape(content.process.introduction)}</p>"
                                             + "<ol>" + "".join(
                f"<li>{escape(s.title)}</li>" for s in content.process.stages) + "</ol>"
                + f'<p class="pimw-hint">{escape(content.process.note or "")}</p>')])),
    ])


def _parties_pane(session: Session) -> w.Widget:
    aid, store = session.aid, session.store
    table = html("")
    roles = choices_of(Party.model_fields["role"].annotation)
    organisation = text(_("organisation"))
    role = dropdown(roles)
    add = w.Button(description=_("Add party"), button_style="primary")

    def draw(record: Record) -> None:
        rows = "".join(
            f"<tr><td>{escape(pid)}</td><td>{escape(p.organisation)}</td>"
            f"<td>{escape(label(p.role))}</td><td>{escape(', '.join(c.name for c in p.contacts))}"
            f"</td></tr>" for pid, p in record.parties.items())
        headers = "".join(f"<th>{escape(h)}</th>" for h in (
            _("Party"), _("Organisation"), _("Role"), _("Contacts")))
        table.value = f'<table class="pimw-table"><tr>{headers}</tr>{rows}</table>'
        add.disabled = organisation.disabled = not session.is_facilitator

    def on_add(_: Any) -> None:
        name = organisation.value
        organisation.value = ""  # cleared before the table redraws, so no typing is lost
        if not session.write(lambda: store.add_party(aid, name, role.value,
                                                     actor=session.actor)):
            organisation.value = name

    add.on_click(on_add)
    session.on_refresh(draw)
    hint = escape(_("Parties are added by the facilitator; each new party can then be picked "
                    "under “Answering as”."))
    return w.VBox([heading(_("Parties")), table,
                   html(f'<p class="pimw-hint">{hint}</p>'),
                   w.HBox([labelled(_("Organisation"), organisation),
                           labelled(_("Role"), role),
                           add], layout=w.Layout(align_items="flex-end")),
                   heading(_("Edit a party"), 3), _party_editor(session, roles)])


CONTACT_FIELDS = ("name", "position", "email", "phone")


def _contacts_text(party: Party | None) -> str:
    if party is None:
        return ""
    return "\n".join("; ".join(getattr(c, f) for f in CONTACT_FIELDS).rstrip("; ")
                     for c in party.contacts)


def _contacts_value(text_value: str) -> list[dict[str, str]]:
    """One contact per line: ``name; position; email; phone`` (the name is required)."""
    contacts = []
    for line in text_value.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split(";")]
            contacts.append(dict(zip(CONTACT_FIELDS, parts, strict=False)))
    return contacts


def _write_party(session: Session, pid: str, field: str, value: Any) -> None:
    """One field of a party: organisation, role, or the contacts as typed (one per line)."""
    session.store.update_party(
        session.aid, pid, {field: _contacts_value(value) if field == "contacts" else value},
        actor=session.actor)


def _party_editor(session: Session, roles: list[str]) -> w.VBox:
    """Organisation, role and contacts of one party (the facilitator's to change)."""
    picker = w.Dropdown(description=_("Party"), layout=w.Layout(width="auto", min_width="24rem"))
    form = w.VBox(layout=w.Layout(width="100%"))
    forms: dict[str, list[w.Widget]] = {}

    def party_form(pid: str) -> list[w.Widget]:
        organisation, role = text(_("organisation")), dropdown(roles)
        contacts = textarea(_("one contact per line: name; position; email; phone"), rows=3)
        for widget, field, read in (
                (organisation, "organisation", lambda r: r.parties[pid].organisation),
                (role, "role", lambda r: r.parties[pid].role),
                (contacts, "contacts", lambda r: _contacts_text(r.parties.get(pid)))):
            Bound(session, widget, read=read,
                  write=partial(_write_party, session, pid, field),
                  editable=lambda: session.is_facilitator, key=f"party-{pid}-{field}")
        return [labelled(_("Organisation"), organisation), labelled(_("Role"), role),
                labelled(_("Contacts"), contacts)]

    def draw(record: Record) -> None:
        options = [(f"{pid} · {p.organisation}", pid) for pid, p in record.parties.items()]
        if list(picker.options) != options:
            keep = picker.value
            picker.options = options
            picker.value = keep if keep in record.parties else (options[0][1] if options
                                                                  else None)

    def show(_: Any = None) -> None:
        if picker.value and picker.value not in forms:
            forms[picker.value] = party_form(picker.value)
        form.children = tuple(forms.get(picker.value, ()))

    picker.observe(show, "value")
    session.on_refresh(draw)
    show()
    return w.VBox([picker, form], layout=w.Layout(width="100%"))


def _trust_pane(session: Session) -> w.Widget:
    ts = session.content.trust_statement
    intro = "".join(f"<p>{escape(p)}</p>" for p in ts.introduction)
    statement = "".join(f"<p><i>{escape(p)}</i></p>" for p in ts.statement)

    def state(record: Record, pid: str) -> str:
        agreed = record.trust.get(pid)
        org = escape(record.parties[pid].organisation)
        if agreed:
            return escape(_("{organisation}: agreed by {name} on {date}")).format(
                organisation=f"<b>{org}</b>", name=escape(agreed.agreed_by),
                date=agreed.agreed_on)
        return (f'<b>{org}</b>: <span class="pimw-badge pimw-diverge">'
                f'{escape(_("not yet agreed"))}</span>')

    rows = per_party(session, lambda r: list(r.parties), lambda pid: party_action(
        session, pid, placeholder=_("name of the person agreeing"), button=_("We agree"),
        state=lambda r: state(r, pid),
        act=lambda name: session.store.agree_trust(session.aid, pid, name,
                                                   actor=session.actor)))
    return w.VBox([heading(_("Trust statement")), html(intro),
                   html(f'<div class="pimw-joint">{statement}</div>'),
                   html(f'<p class="pimw-hint">{escape(ts.breach)}</p>'), rows])


