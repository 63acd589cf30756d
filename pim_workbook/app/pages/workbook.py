"""The workbook's pages, one per part of the framework; each notebook shows one of them.

``show_page("E.2")`` in a notebook finds the assessment (parameter, else ``?assessment=`` in
the page's URL), builds the page from the store and displays it. :func:`build_page` does the
same without displaying, for tests and scripts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from html import escape
from importlib.resources import files
from typing import Any

import ipywidgets as w

from pim_workbook.access import GuardedStore, links_required
from pim_workbook.app.nav import PAGE_BY_KEY, PAGES, Page, page_link
from pim_workbook.app.pages.record import record_page
from pim_workbook.app.session import FACILITATOR, Bound, PageQuery, Session
from pim_workbook.app.widgets.controls import (
    choices_of,
    collapsible,
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
    Field,
    action_checklist,
    collection_editor,
    record_fields_form,
    section_form,
)
from pim_workbook.app.widgets.question import question_card
from pim_workbook.content.framework import Step
from pim_workbook.errors import AccessDenied
from pim_workbook.record.labels import label
from pim_workbook.record.model import (
    AccessGrant,
    Arrangement,
    Consent,
    CustomAction,
    DataFlow,
    DataItem,
    Dataset,
    Decision,
    Evaluation,
    Incident,
    InfoSystem,
    Party,
    PrincipleCheck,
    Record,
    Stakeholder,
)
from pim_workbook.record.progress import progress
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore

CSS = files("pim_workbook.app").joinpath("workbook.css").read_text(encoding="utf-8")


# -- choices drawn from the content and the record ----------------------------------------
def _categories(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(c.title, c.id) for c in s.content.pim_matrix.categories]


def _stakeholders(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{sid} · {x.name}", sid) for sid, x in r.stakeholders.items()]


def _parties(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{pid} · {p.organisation}", pid) for pid, p in r.parties.items()]


def _systems(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{yid} · {y.name}", yid) for yid, y in r.systems.items()]


def _data_categories(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(c.title, c.id) for c in s.content.data_categories]


def _purposes(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(c.title, c.id) for c in s.content.purposes]


def _sensitivity(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(c.title, c.id) for c in s.content.sensitivity_levels]


STAKEHOLDER_FIELDS = (
    Field("name", "Name"), Field("kind", "Kind", hint="NGO, UN agency, authority, community…"),
    Field("party", "Is this party", "choice", choices=_parties),
    Field("information", "What information and data it has", "long"),
)
SYSTEM_FIELDS = (
    Field("name", "System"), Field("category", "PIM Matrix category", "choice",
                                   choices=_categories),
    Field("holder", "Held by", "choice", choices=_stakeholders),
    Field("operated_by", "Operated by (details)"), Field("where", "Where"),
    Field("data_types", "What data, information and analysis it produces", "long"),
    Field("used_by", "Who uses it"),
)
FLOW_FIELDS = (
    Field("data", "What is shared"), Field("source", "From", "choice", choices=_stakeholders),
    Field("target", "To", "choice", choices=_stakeholders),
    Field("system", "Through system", "choice", choices=_systems),
)
DATA_ITEM_FIELDS = (
    Field("name", "Data item"), Field("description", "Description", "long"),
    Field("importance", "Critical for decision-making, or nice to have", "choice"),
    Field("personal", "Personal data", "check"), Field("sensitive", "Sensitive", "check"),
    Field("sensitivity", "Sensitivity (potential harm)", "choice", choices=_sensitivity),
    Field("aggregation", "Level of aggregation", hint="e.g. individual, household, commune"),
    Field("categories", "Data categories", "multi", choices=_data_categories),
    Field("purposes", "Collected to inform", "multi", choices=_purposes),
)
def _data_items(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{did} · {d.name}", did) for did, d in r.data_items.items()]


def _grants(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{xid} · {x.who}", xid) for xid, x in r.arrangement.access.items()]


DATASET_FIELDS = (
    Field("title", "Dataset"),
    Field("data_items", "Data items it carries", "multi", choices=_data_items,
          hint="sensitivity, personal data and purposes are read from them"),
    Field("owner", "Owner (source organisation)", "choice", choices=_parties),
    Field("recipients", "Recipients", "multi", choices=_parties),
    Field("source_system", "Source system", "choice", choices=_systems,
          hint="gives the PIM Matrix category"),
    Field("aggregation", "Level of aggregation", hint="empty: as in the arrangement"),
    Field("consent_basis", "Consent basis", "choice",
          hint="empty: the assessment's consent basis"),
    Field("format", "Format", hint="e.g. CSV"), Field("frequency", "Frequency"),
    Field("channel", "Channel"),
    Field("access", "Who may access it", "multi", choices=_grants),
    Field("retention_until", "Delete by", "date"),
    Field("licence", "Licence"), Field("conditions", "Sharing conditions", "long"),
    Field("method", "Collection method"),
    Field("collected_from", "Collected from", "date"),
    Field("collected_to", "Collected to", "date"),
)
ACCESS_FIELDS = (Field("who", "Who has access"), Field("purpose", "For which purpose", "long"))
INCIDENT_FIELDS = (
    Field("description", "What happened"), Field("occurred_on", "Date", "date"),
    Field("harm", "Harm (to whom, what kind)", "long"),
    Field("severity", "Severity", "choice"),
    Field("reported_by", "Reported by", "choice", choices=_parties),
    Field("corrective_action", "Corrective action", "long"), Field("status", "Status", "choice"),
)
CUSTOM_ACTION_FIELDS = (
    Field("text", "Action"), Field("kind", "Maximise or mitigate", "choice"),
    Field("status", "Status", "choice"), Field("owner", "Owner"), Field("due", "Due", "date"),
    Field("note", "Note"),
)
ARRANGEMENT_FIELDS = (
    Field("form", "Form", hint="e.g. aggregated tables, individual referral forms"),
    Field("frequency", "Frequency"), Field("channel", "Channel"),
    Field("aggregation", "Level of aggregation"),
    Field("practices", "Actual practices in the network", "long",
          hint="e.g. self-censoring, informal decisions on how to share"),
    Field("red_lines", "Red lines", "long",
          hint="thresholds that require remedial measures or stop the sharing"),
    Field("retention", "Retention plan", "long"),
    Field("time_frame", "Time frame for which the data may be used", "long"),
    Field("next_review", "Next review date", "date"),
)
CONSENT_FIELDS = (
    Field("basis", "Basis", "choice"), Field("details", "Details", "long"),
    Field("limitations", "Limitations of the consent obtained", "long"),
)
DECISION_FIELDS = (
    Field("outcome", "Decision", "choice"), Field("rationale", "Rationale", "long"),
    Field("conditions", "Conditions", "long"), Field("decided_on", "Decided on", "date"),
)
EVALUATION_FIELDS = (
    Field("sufficiency", "Information shared was", "choice"),
    Field("benefits_achieved", "Were the intended benefits achieved?", "choice"),
    Field("shared_as_planned", "Was the identified information shared as planned?", "choice"),
    Field("risks_mitigated", "Were risks mitigated effectively?", "choice"),
    Field("unanticipated", "Benefits or risks not anticipated, and how they were addressed",
          "long"),
    Field("resources", "Resources to support sharing (funds, people, systems)", "long"),
    Field("community_feedback", "Feedback from affected populations", "long"),
    Field("recommendations", "Findings and recommendations", "long"),
    Field("evaluated_on", "Evaluated on", "date"),
)
PURPOSE_FIELDS = (
    Field("purpose", "Defined purpose", "long",
          hint="protection objectives and activities the shared data will inform"),
    Field("expected_benefits", "Expected benefits", "long"),
    Field("harms_of_not_sharing", "Potential harms of not sharing", "long"),
)


# -- page parts ----------------------------------------------------------------------------
def _header(session: Session, page: Page) -> w.VBox:
    crumbs = html("")
    progress_bar = html("")
    steps = html("", "pimw-nav")
    steps.add_class("pimw-steps")

    def draw(record: Record) -> None:
        crumbs.value = (f'<div class="pimw-crumb">PIM Data-Sharing Workbook · assessment '
                        f"<b>{escape(record.id)}</b></div>"
                        f'<div class="pimw-title">{escape(record.title)}</div>')
        sections = progress(record, session.content)
        done, total = sum(d for d, _ in sections.values()), sum(t for _, t in sections.values())
        pct = round(100 * done / total) if total else 0
        progress_bar.value = (f'<div class="pimw-hint">Overall progress {pct}%</div>'
                              f'<div class="pimw-progress"><div style="width:{pct}%"></div></div>')
        steps.value = "".join(page_link(p, session, record.id, "pimw-current" if p == page else "")
                              for p in PAGES)

    session.on_refresh(draw)
    who = w.HBox([session.party_picker, session.name_box, session.status],
                 layout=w.Layout(align_items="center", flex_flow="row wrap"))
    box = w.VBox([crumbs, steps, who, progress_bar])
    box.add_class("pimw-header")
    return box


def _footer(session: Session, page: Page) -> w.HTML:
    """Previous / next links, carrying the assessment, the party and the name along."""
    index = PAGES.index(page)
    footer = html("", "pimw-nav")

    def draw(record: Record) -> None:
        parts = []
        if index > 0:
            before = PAGES[index - 1]
            parts.append(page_link(before, session, record.id, text=f"← Previous: {before.title}"))
        if index < len(PAGES) - 1:
            after = PAGES[index + 1]
            parts.append(page_link(after, session, record.id, text=f"Next: {after.title} →"))
        footer.value = " ".join(parts)

    session.on_refresh(draw)
    return footer


def _tabs(panes: list[tuple[str, Callable[[], w.Widget]]]) -> w.VBox:
    """One pane in focus at a time; panes are built the first time they are shown."""
    built: dict[str, w.Widget] = {}
    picker = w.ToggleButtons(options=[title for title, _ in panes], style={"button_width":
                                                                          "auto"})
    picker.add_class("pimw-tabs")
    body = w.VBox(layout=w.Layout(width="100%"))
    makers = dict(panes)

    def show(_: Any = None) -> None:
        if picker.value not in built:
            built[picker.value] = makers[picker.value]()
        body.children = (built[picker.value],)

    picker.observe(show, "value")
    show()
    return w.VBox([picker, body], layout=w.Layout(width="100%"))


# -- the pages ---------------------------------------------------------------------------
def _start(session: Session) -> w.Widget:
    content = session.content
    return _tabs([
        ("Parties", lambda: _parties_pane(session)),
        ("Defined purpose", lambda: w.VBox([
            heading("Defined purpose"),
            record_fields_form(session, PURPOSE_FIELDS)])),
        ("Trust statement", lambda: _trust_pane(session)),
        ("PIM process", lambda: w.VBox([
            heading("The PIM process"), html(f"<p>{escape(content.process.introduction)}</p>"
                                             + "<ol>" + "".join(
                f"<li>{escape(s.title)}</li>" for s in content.process.stages) + "</ol>"
                + f'<p class="pimw-hint">{escape(content.process.note or "")}</p>')])),
    ])


def _parties_pane(session: Session) -> w.Widget:
    aid, store = session.aid, session.store
    table = html("")
    roles = choices_of(Party.model_fields["role"].annotation)
    organisation = text("organisation")
    role = dropdown(roles)
    add = w.Button(description="Add party", icon="plus", button_style="primary")

    def draw(record: Record) -> None:
        rows = "".join(
            f"<tr><td>{escape(pid)}</td><td>{escape(p.organisation)}</td>"
            f"<td>{escape(label(p.role))}</td><td>{escape(', '.join(c.name for c in p.contacts))}"
            f"</td></tr>" for pid, p in record.parties.items())
        table.value = ('<table class="pimw-table"><tr><th>Party</th><th>Organisation</th>'
                       f"<th>Role</th><th>Contacts</th></tr>{rows}</table>")
        add.disabled = organisation.disabled = not session.is_facilitator

    def on_add(_: Any) -> None:
        name = organisation.value
        organisation.value = ""  # cleared before the table redraws, so no typing is lost
        if not session.write(lambda: store.add_party(aid, name, role.value,
                                                     actor=session.actor)):
            organisation.value = name

    add.on_click(on_add)
    session.on_refresh(draw)
    return w.VBox([heading("Parties"), table,
                   html('<p class="pimw-hint">Parties are added by the facilitator; each '
                        "new party can then be picked under “Answering as”.</p>"),
                   w.HBox([labelled("Organisation", organisation), labelled("Role", role),
                           add], layout=w.Layout(align_items="flex-end")),
                   heading("Edit a party", 3), _party_editor(session, roles)])


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
    picker = w.Dropdown(description="Party", layout=w.Layout(width="auto", min_width="24rem"))
    form = w.VBox(layout=w.Layout(width="100%"))
    forms: dict[str, list[w.Widget]] = {}

    def party_form(pid: str) -> list[w.Widget]:
        organisation, role = text("organisation"), dropdown(roles)
        contacts = textarea("one contact per line: name; position; email; phone", rows=3)
        for widget, field, read in (
                (organisation, "organisation", lambda r: r.parties[pid].organisation),
                (role, "role", lambda r: r.parties[pid].role),
                (contacts, "contacts", lambda r: _contacts_text(r.parties.get(pid)))):
            Bound(session, widget, read=read,
                  write=partial(_write_party, session, pid, field),
                  editable=lambda: session.is_facilitator, key=f"party-{pid}-{field}")
        return [labelled("Organisation", organisation), labelled("Role", role),
                labelled("Contacts", contacts)]

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
            return f"<b>{org}</b>: agreed by {escape(agreed.agreed_by)} on {agreed.agreed_on}"
        return f'<b>{org}</b>: <span class="pimw-badge pimw-diverge">not yet agreed</span>'

    rows = per_party(session, lambda r: list(r.parties), lambda pid: party_action(
        session, pid, placeholder="name of the person agreeing", button="We agree",
        icon="check", state=lambda r: state(r, pid),
        act=lambda name: session.store.agree_trust(session.aid, pid, name,
                                                   actor=session.actor)))
    return w.VBox([heading("Trust statement"), html(intro),
                   html(f'<div class="pimw-joint">{statement}</div>'),
                   html(f'<p class="pimw-hint">{escape(ts.breach)}</p>'), rows])


def _principles(session: Session) -> w.Widget:
    content = session.content
    statuses = choices_of(PrincipleCheck.model_fields["status"].annotation)
    rows: list[w.Widget] = [heading("The eight PIM principles"),
                            html(f"<p>{escape(content.principles_introduction)}</p>")]
    for principle in content.principles:
        status = dropdown(statuses)
        note = textarea("how the parties meet this principle; what is missing", rows=2)

        def read(r: Record, pid: str = principle.id) -> PrincipleCheck:
            return r.principles.get(pid) or PrincipleCheck()

        def write(field: str, value: Any, pid: str = principle.id) -> None:
            current = session.record.principles.get(pid) or PrincipleCheck()
            session.store.set(session.aid, f"principles/{pid}",
                              {**current.model_dump(), field: value}, actor=session.actor)

        Bound(session, status, read=partial(lambda read, r: read(r).status, read),
              write=partial(write, "status"))
        Bound(session, note, read=partial(lambda read, r: read(r).note, read),
              write=partial(write, "note"), key=f"principle-{principle.id}")
        rows.append(w.VBox([html(f"<h3>{escape(principle.title)}</h3>"
                                 f"<p>{escape(principle.description)}</p>"),
                            w.HBox([labelled("Status", status), labelled("Note", note)],
                                   layout=w.Layout(width="100%"))]))
    return w.VBox(rows, layout=w.Layout(width="100%"))


def _ecosystem(session: Session) -> w.Widget:
    eco, matrix = session.content.ecosystem, session.content.pim_matrix
    questions = "".join(f"<li>{escape(q.text)}</li>" for q in eco.questions)
    cats = "".join(f"<tr><td>{escape(c.title)}</td><td>{escape(c.description)}</td></tr>"
                   for c in matrix.categories)
    intro = html(f"<h2>{escape(eco.title)}</h2><p>{escape(eco.introduction)}</p>"
                 f"<ol>{questions}</ol><p>{escape(eco.recommendation)}</p>")
    categories = collapsible("PIM Matrix categories", html(
        f'<p class="pimw-hint">{escape(matrix.note)}</p><table class="pimw-table">'
        f"<tr><th>Category</th><th>Description (workbook's wording)</th></tr>{cats}</table>"))
    return w.VBox([intro, categories, _tabs([
        ("Stakeholders", lambda: collection_editor(
            session, "stakeholders", Stakeholder, STAKEHOLDER_FIELDS, title_field="name",
            noun="stakeholder")),
        ("Systems", lambda: collection_editor(
            session, "systems", InfoSystem, SYSTEM_FIELDS, title_field="name", noun="system",
            defaults=lambda r: {"category": session.content.pim_matrix.categories[0].id})),
        ("Data flows", lambda: collection_editor(
            session, "flows", DataFlow, FLOW_FIELDS, title_field="data", noun="flow",
            defaults=lambda r: dict.fromkeys(("source", "target"),
                                             next(iter(r.stakeholders), "")))),
        ("Picture", lambda: _ecosystem_picture(session)),
    ])])


def _ecosystem_picture(session: Session) -> w.Widget:
    from pim_workbook.outputs.plots import ecosystem_figure, png

    image = w.Image(format="png", layout=w.Layout(width="100%", max_width="72rem"))
    shown: list[Any] = [None]

    def draw(record: Record) -> None:
        key = (record.stakeholders, record.systems, record.flows)
        if key != shown[0]:
            shown[0] = key
            image.value = png(ecosystem_figure(record, session.content))

    session.on_refresh(draw)
    return image


def _step(session: Session, step: Step) -> w.Widget:
    panes: list[tuple[str, Callable[[], w.Widget]]] = [
        (q.id.split(".")[1], partial(question_card, session, q)) for q in step.questions]
    panes.append(("Actions", lambda: _actions_pane(session, step)))
    if step.id == "E2":
        panes += [
            ("Data items", lambda: w.VBox([
                heading("Data to share"),
                html('<p class="pimw-hint">Critical data needed for decision-making first; '
                     "nice-to-have data only if it is worth its risk.</p>"),
                collection_editor(session, "data_items", DataItem, DATA_ITEM_FIELDS,
                                  title_field="name", noun="data item")])),
            ("Register", lambda: _register(session)),
            ("Disclosure risk", lambda: _risk(session)),
            ("Arrangement", lambda: w.VBox([
                heading("Data-sharing arrangement"),
                section_form(session, "arrangement", Arrangement, ARRANGEMENT_FIELDS),
                heading("Who has access, and why", 3),
                collection_editor(session, "arrangement/access", AccessGrant, ACCESS_FIELDS,
                                  title_field="who", noun="access")])),
            ("Consent & decision", lambda: w.VBox([
                heading("Consent"), section_form(session, "consent", Consent, CONSENT_FIELDS),
                heading("Decision"),
                section_form(session, "decision", Decision, DECISION_FIELDS)])),
        ]
    if step.id == "E3":
        panes.append(("Incidents", lambda: w.VBox([
            heading("Incident and harm log"),
            collection_editor(session, "incidents", Incident, INCIDENT_FIELDS,
                              title_field="description", noun="incident",
                              defaults=lambda r: {"occurred_on": dt.date.today()})])))
    if step.id == "E4":
        panes.append(("Evaluation", lambda: w.VBox([
            heading("Evaluation"),
            section_form(session, "evaluation", Evaluation, EVALUATION_FIELDS)])))
    return w.VBox([heading(f"Step {step.number}: {step.title}"), _tabs(panes)],
                  layout=w.Layout(width="100%"))


def _register(session: Session) -> w.Widget:
    from pim_workbook.app.pages.risk import register_summary

    return w.VBox([
        heading("Data-sharing register"),
        html('<p class="pimw-hint">Each dataset shared under the arrangement, with the data '
             "items it carries. Exported as HXL-tagged CSV, JSON and one datapackage.json per "
             "dataset.</p>"),
        register_summary(session),
        heading("Edit the register", 3),
        collection_editor(session, "datasets", Dataset, DATASET_FIELDS, title_field="title",
                          noun="dataset")])


def _risk(session: Session) -> w.Widget:
    from pim_workbook.app.pages.risk import risk_pane

    return risk_pane(session)


def _actions_pane(session: Session, step: Step) -> w.Widget:
    return w.VBox([
        heading(f"Actions of step {step.number}"),
        action_checklist(session, step),
        heading("Actions of your own", 3),
        collection_editor(session, "custom_actions", CustomAction, CUSTOM_ACTION_FIELDS,
                          title_field="text", noun="action",
                          defaults=lambda r: {"step": step.id, "kind": "mitigate"}),
    ], layout=w.Layout(width="100%"))


BUILDERS: dict[str, Callable[[Session], w.Widget]] = {
    "start": _start, "principles": _principles, "ecosystem": _ecosystem,
    "record": record_page,
}


def build_page(key: str, session: Session) -> w.VBox:
    """The whole page widget for ``key`` ("start", "E.2", "record", ...)."""
    page = PAGE_BY_KEY.get(key)
    if page is None:
        raise KeyError(f"unknown page {key!r} (one of: {', '.join(PAGE_BY_KEY)})")
    if key.startswith("E."):
        body = _step(session, session.content.step(key))
    else:
        body = BUILDERS[key](session)
    return page_box(_header(session, page), body, _footer(session, page))


def page_box(*children: w.Widget) -> w.VBox:
    """A whole page: the workbook's stylesheet and the children, in the page's style."""
    box = w.VBox([html(f"<style>{CSS}</style>"), *children], layout=w.Layout(width="100%"))
    box.add_class("pimw-page")
    return box


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
    grant = getattr(store, "grant", None)
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
        opened = page_link(page, None, aid, text="Open it →", key=link_key)
        result.value = (f'<p class="pimw-ok">Created <b>{escape(aid)}</b>.</p>'
                        f'<p class="pimw-nav">{opened}</p>')

    create.on_click(on_create)
    return w.VBox([heading("Start a new assessment"), labelled("Title", title),
                   labelled("Your name", name), create, result])


def open_session(store: WorkbookStore, aid: str,
                 query: PageQuery | None = None) -> Session:
    query = query or PageQuery()
    return Session(store, aid, party=query.party or FACILITATOR, actor=query.name,
                   key=query.key)


def not_valid(reason: str) -> w.HTML:
    """What a page shows, and all it shows, without a valid link."""
    return html(f"<style>{CSS}</style><div class=\"pimw-page pimw-refused\">"
                "<h1>Link not valid</h1>"
                f"<p>{escape(reason)}</p><p class=\"pimw-hint\">Links to the workbook are "
                "personal: each organisation receives its own from the facilitator.</p></div>")


def guarded(store: Store, query: PageQuery) -> WorkbookStore:
    """The store as the page's link allows; raises AccessDenied without a valid link.

    Pages served by ``pim-workbook serve`` need a link; a notebook opened in JupyterLab or run
    by papermill (by someone who has the store file anyway) does not.
    """
    if not query.key and not links_required():
        return store
    if not query.key:
        raise AccessDenied("this page was opened without its link key: use the whole link "
                           "you were given")
    return GuardedStore(store, query.key)


def show_page(key: str, assessment_id: str = "", db_path: str = "") -> None:
    """Display a page in the notebook (or the assessment chooser when none is given)."""
    from IPython.display import display

    query = PageQuery.from_environment()
    try:
        store = guarded(Store(db_path or None), query)
        grant = getattr(store, "grant", None)
        aid = assessment_id or query.assessment or (grant.assessment_id if grant else "")
        if aid and grant is not None and not grant.may_open(aid):
            raise AccessDenied("this link does not open that assessment")
    except AccessDenied as exc:
        display(not_valid(str(exc)))
        return
    if not aid or not store.exists(aid):
        if aid:
            display(html(f'<p class="pimw-error">No assessment with id {escape(aid)}.</p>'))
        display(chooser(store, key, query.key))
        return
    session = open_session(store, aid, query)
    display(build_page(key, session))
    session.start_polling()


def show_step(step: str, assessment_id: str = "", db_path: str = "") -> None:
    """``show_step("E.2")``: the page of one step of the joint assessment."""
    show_page(step, assessment_id, db_path)
