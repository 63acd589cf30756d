"""A step of the Joint Benefit and Risk Assessment: its questions, its actions and the
sections the record declares for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from html import escape

import ipywidgets as w

from pim_workbook.app.fields import (
    ACCESS_FIELDS,
    ARRANGEMENT_FIELDS,
    CONSENT_FIELDS,
    CUSTOM_ACTION_FIELDS,
    DATA_ITEM_FIELDS,
    DATASET_FIELDS,
    DECISION_FIELDS,
    EVALUATION_FIELDS,
    INCIDENT_FIELDS,
)
from pim_workbook.app.session import Session
from pim_workbook.app.shell import Mark, Tabs
from pim_workbook.app.widgets.controls import (
    heading,
    html,
)
from pim_workbook.app.widgets.editors import (
    action_checklist,
    collection_editor,
    section_form,
)
from pim_workbook.app.widgets.question import question_card, question_state
from pim_workbook.content.framework import Step
from pim_workbook.i18n import N_, _
from pim_workbook.record.model import (
    AccessGrant,
    Arrangement,
    Consent,
    CustomAction,
    DataItem,
    Dataset,
    Decision,
    Evaluation,
    Incident,
    Record,
)
from pim_workbook.record.sections import sections_of


def step_page(session: Session, step: Step) -> w.Widget:
    """The step's questions, its actions, then one tab per section the record declares."""
    panes: list[tuple[str, Callable[[], w.Widget]]] = [
        (q.id.split(".")[1], partial(question_card, session, q)) for q in step.questions]
    marks: dict[str, Mark] = {
        q.id.split(".")[1]: partial(_state, session, q.id) for q in step.questions}
    # a pane's key is its English title, marked with N_: its tab shows it translated
    panes.append((N_("Actions"), lambda: _actions_pane(session, step)))
    panes += [(section.title, partial(SECTION_PANES[section.key], session))
              for section in sections_of(step.id)]
    title = heading(_("Step {number}: {title}").format(number=step.number, title=step.title))
    title.add_class("pimw-step-title")
    return w.VBox([title, Tabs(panes, session, marks, stepper=True)],
                  layout=w.Layout(width="100%"))


def _state(session: Session, qid: str, record: Record) -> tuple[str, str]:
    return question_state(record, session.content, qid)


def _data_items(session: Session) -> w.Widget:
    return w.VBox([
        heading(_("Data to share")),
        html('<p class="pimw-hint">' + escape(_(
            "Critical data needed for decision-making first; nice-to-have data only if it is "
            "worth its risk.")) + "</p>"),
        collection_editor(session, "data_items", DataItem, DATA_ITEM_FIELDS,
                          title_field="name", noun=_("data item"))])


def _arrangement(session: Session) -> w.Widget:
    return w.VBox([
        heading(_("Data-sharing arrangement")),
        section_form(session, "arrangement", Arrangement, ARRANGEMENT_FIELDS),
        heading(_("Who has access, and why"), 3),
        collection_editor(session, "arrangement/access", AccessGrant, ACCESS_FIELDS,
                          title_field="who", noun=_("access"))])


def _consent_decision(session: Session) -> w.Widget:
    return w.VBox([
        heading(_("Consent")), section_form(session, "consent", Consent, CONSENT_FIELDS),
        heading(_("Decision")),
        section_form(session, "decision", Decision, DECISION_FIELDS)])


def _incidents(session: Session) -> w.Widget:
    return w.VBox([
        heading(_("Incident and harm log")),
        collection_editor(session, "incidents", Incident, INCIDENT_FIELDS,
                          title_field="description", noun=_("incident"),
                          defaults=lambda r: {"occurred_on": dt.date.today()})])


def _evaluation(session: Session) -> w.Widget:
    return w.VBox([heading(_("Evaluation")),
                   section_form(session, "evaluation", Evaluation, EVALUATION_FIELDS)])


def _register(session: Session) -> w.Widget:
    from pim_workbook.app.pages.risk import register_summary

    return w.VBox([
        heading(_("Data-sharing register")),
        html('<p class="pimw-hint">' + escape(_(
            "Each dataset shared under the arrangement, with the data items it carries. "
            "Exported as HXL-tagged CSV, JSON and one datapackage.json per dataset.")) + "</p>"),
        register_summary(session),
        heading(_("Edit the register"), 3),
        collection_editor(session, "datasets", Dataset, DATASET_FIELDS, title_field="title",
                          noun=_("dataset"))])


def _risk(session: Session) -> w.Widget:
    from pim_workbook.app.pages.risk import risk_pane

    return risk_pane(session)


def _actions_pane(session: Session, step: Step) -> w.Widget:
    return w.VBox([
        heading(_("Actions of step {number}").format(number=step.number)),
        action_checklist(session, step),
        heading(_("Actions of your own"), 3),
        collection_editor(session, "custom_actions", CustomAction, CUSTOM_ACTION_FIELDS,
                          title_field="text", noun=_("action"),
                          defaults=lambda r: {"step": step.id, "kind": "mitigate"}),
    ], layout=w.Layout(width="100%"))


# The pane of each section of :mod:`pim_workbook.record.sections`, by its key.
SECTION_PANES: dict[str, Callable[[Session], w.Widget]] = {
    "data_items": _data_items, "register": _register, "risk": _risk,
    "arrangement": _arrangement, "consent_decision": _consent_decision,
    "incidents": _incidents, "evaluation": _evaluation,
}
