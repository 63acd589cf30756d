"""The fields of the workbook's forms and where their choices come from (the content or
the record), declared once for every page that edits them.
"""

from __future__ import annotations

from typing import Any

from pim_workbook.app.session import Session
from pim_workbook.app.widgets.editors import (
    Field,
)
from pim_workbook.record.model import (
    Record,
)


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


