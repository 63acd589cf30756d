"""The fields of the workbook's forms and where their choices come from (the content or
the record), declared once for every page that edits them.
"""

from __future__ import annotations

from typing import Any

from pim_workbook.app.session import Session
from pim_workbook.app.widgets.editors import (
    Field,
)
from pim_workbook.i18n import N_
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


# Captions and hints are marked with N_ here and translated where the editors show them.
STAKEHOLDER_FIELDS = (
    Field("name", N_("Name")),
    Field("kind", N_("Kind"), hint=N_("NGO, UN agency, authority, community…")),
    Field("party", N_("Is this party"), "choice", choices=_parties),
    Field("information", N_("What information and data it has"), "long"),
)
SYSTEM_FIELDS = (
    Field("name", N_("System")), Field("category", N_("PIM Matrix category"), "choice",
                                       choices=_categories),
    Field("holder", N_("Held by"), "choice", choices=_stakeholders),
    Field("operated_by", N_("Operated by (details)")), Field("where", N_("Where")),
    Field("data_types", N_("What data, information and analysis it produces"), "long"),
    Field("used_by", N_("Who uses it")),
)
FLOW_FIELDS = (
    Field("data", N_("What is shared")),
    Field("source", N_("From"), "choice", choices=_stakeholders),
    Field("target", N_("To"), "choice", choices=_stakeholders),
    Field("system", N_("Through system"), "choice", choices=_systems),
)
DATA_ITEM_FIELDS = (
    Field("name", N_("Data item")), Field("description", N_("Description"), "long"),
    Field("importance", N_("Critical for decision-making, or nice to have"), "choice"),
    Field("personal", N_("Personal data"), "check"), Field("sensitive", N_("Sensitive"), "check"),
    Field("sensitivity", N_("Sensitivity (potential harm)"), "choice", choices=_sensitivity),
    Field("aggregation", N_("Level of aggregation"),
          hint=N_("e.g. individual, household, commune")),
    Field("categories", N_("Data categories"), "multi", choices=_data_categories),
    Field("purposes", N_("Collected to inform"), "multi", choices=_purposes),
)
def _data_items(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{did} · {d.name}", did) for did, d in r.data_items.items()]


def _grants(s: Session, r: Record) -> list[tuple[str, Any]]:
    return [(f"{xid} · {x.who}", xid) for xid, x in r.arrangement.access.items()]


DATASET_FIELDS = (
    Field("title", N_("Dataset")),
    Field("data_items", N_("Data items it carries"), "multi", choices=_data_items,
          hint=N_("sensitivity, personal data and purposes are read from them")),
    Field("owner", N_("Owner (source organisation)"), "choice", choices=_parties),
    Field("recipients", N_("Recipients"), "multi", choices=_parties),
    Field("source_system", N_("Source system"), "choice", choices=_systems,
          hint=N_("gives the PIM Matrix category")),
    Field("aggregation", N_("Level of aggregation"), hint=N_("empty: as in the arrangement")),
    Field("consent_basis", N_("Consent basis"), "choice",
          hint=N_("empty: the assessment's consent basis")),
    Field("format", N_("Format"), hint=N_("e.g. CSV")), Field("frequency", N_("Frequency")),
    Field("channel", N_("Channel")),
    Field("access", N_("Who may access it"), "multi", choices=_grants),
    Field("retention_until", N_("Delete by"), "date"),
    Field("licence", N_("Licence")), Field("conditions", N_("Sharing conditions"), "long"),
    Field("method", N_("Collection method")),
    Field("collected_from", N_("Collected from"), "date"),
    Field("collected_to", N_("Collected to"), "date"),
)
ACCESS_FIELDS = (Field("who", N_("Who has access")),
                 Field("purpose", N_("For which purpose"), "long"))
INCIDENT_FIELDS = (
    Field("description", N_("What happened")), Field("occurred_on", N_("Date"), "date"),
    Field("harm", N_("Harm (to whom, what kind)"), "long"),
    Field("severity", N_("Severity"), "choice"),
    Field("reported_by", N_("Reported by"), "choice", choices=_parties),
    Field("corrective_action", N_("Corrective action"), "long"),
    Field("status", N_("Status"), "choice"),
)
CUSTOM_ACTION_FIELDS = (
    Field("text", N_("Action")), Field("kind", N_("Maximise or mitigate"), "choice"),
    Field("status", N_("Status"), "choice"), Field("owner", N_("Owner")),
    Field("due", N_("Due"), "date"),
    Field("note", N_("Note")),
)
ARRANGEMENT_FIELDS = (
    Field("form", N_("Form"), hint=N_("e.g. aggregated tables, individual referral forms")),
    Field("frequency", N_("Frequency")), Field("channel", N_("Channel")),
    Field("aggregation", N_("Level of aggregation")),
    Field("practices", N_("Actual practices in the network"), "long",
          hint=N_("e.g. self-censoring, informal decisions on how to share")),
    Field("red_lines", N_("Red lines"), "long",
          hint=N_("thresholds that require remedial measures or stop the sharing")),
    Field("retention", N_("Retention plan"), "long"),
    Field("time_frame", N_("Time frame for which the data may be used"), "long"),
    Field("next_review", N_("Next review date"), "date"),
)
CONSENT_FIELDS = (
    Field("basis", N_("Basis"), "choice"), Field("details", N_("Details"), "long"),
    Field("limitations", N_("Limitations of the consent obtained"), "long"),
)
DECISION_FIELDS = (
    Field("outcome", N_("Decision"), "choice"), Field("rationale", N_("Rationale"), "long"),
    Field("conditions", N_("Conditions"), "long"), Field("decided_on", N_("Decided on"), "date"),
)
EVALUATION_FIELDS = (
    Field("sufficiency", N_("Information shared was"), "choice"),
    Field("benefits_achieved", N_("Were the intended benefits achieved?"), "choice"),
    Field("shared_as_planned", N_("Was the identified information shared as planned?"), "choice"),
    Field("risks_mitigated", N_("Were risks mitigated effectively?"), "choice"),
    Field("unanticipated", N_("Benefits or risks not anticipated, and how they were addressed"),
          "long"),
    Field("resources", N_("Resources to support sharing (funds, people, systems)"), "long"),
    Field("community_feedback", N_("Feedback from affected populations"), "long"),
    Field("recommendations", N_("Findings and recommendations"), "long"),
    Field("evaluated_on", N_("Evaluated on"), "date"),
)
PURPOSE_FIELDS = (
    Field("purpose", N_("Defined purpose"), "long",
          hint=N_("protection objectives and activities the shared data will inform")),
    Field("expected_benefits", N_("Expected benefits"), "long"),
    Field("harms_of_not_sharing", N_("Potential harms of not sharing"), "long"),
)


