"""The assessment record: one typed model of a joint data-sharing assessment.

Every write and every import is validated against these pydantic models, so the store,
the pages and the exports share one definition of what a record may hold.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from pim_workbook.record.ids import (
    AccessId,
    AssessmentId,
    CustomActionId,
    DataFileName,
    DataItemId,
    DatasetId,
    FlowId,
    FrameworkId,
    IdMap,
    IncidentId,
    PartyId,
    StakeholderId,
    SystemId,
)
from pim_workbook.record.vocabulary import (
    ActionStatus,
    AnswerStatus,
    ConsentBasis,
    Importance,
    Language,
    Outcome,
    PartyRole,
    PrincipleStatus,
    Rating,
    Sensitivity,
    Sufficiency,
)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _date_or_none(value: Any) -> Any:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


Text = Annotated[str, BeforeValidator(_strip)]
Name = Annotated[str, BeforeValidator(_strip), StringConstraints(min_length=1)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_date_or_none)]



class Section(BaseModel):
    """A group of fields; each field is stored (and changed) on its own."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Item(BaseModel):
    """A collection entry; it is stored (and changed) as a whole."""

    model_config = ConfigDict(extra="forbid")


# -- collection items --------------------------------------------------------------------
class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Text = ""
    phone: Text = ""
    position: Text = ""


class Party(Item):
    organisation: Name
    role: PartyRole
    contacts: list[Contact] = []


class TrustAgreement(Item):
    agreed_by: Name
    agreed_on: dt.date


class PrincipleCheck(Item):
    status: PrincipleStatus = "not_checked"
    note: Text = ""


class Stakeholder(Item):
    name: Name
    kind: Text = ""  # e.g. NGO, UN agency, authority, community group
    party: PartyId | None = None  # the party this stakeholder is, if any
    information: Text = ""  # who has what information and data


class InfoSystem(Item):
    name: Name
    category: FrameworkId  # a PIM Matrix category id
    holder: StakeholderId | None = None  # who holds it
    operated_by: Text = ""  # by whom, in detail
    where: Text = ""
    data_types: Text = ""  # what data, information and analysis it produces
    used_by: Text = ""


class DataFlow(Item):
    source: StakeholderId
    target: StakeholderId
    data: Text = ""
    system: SystemId | None = None


class ActionState(Item):
    status: ActionStatus = "planned"
    owner: Text = ""
    due: OptionalDate = None
    note: Text = ""


class CustomAction(ActionState):
    step: Literal["E1", "E2", "E3", "E4"]
    kind: Literal["maximise", "mitigate"]
    text: Name


class DataItem(Item):
    name: Name
    description: Text = ""
    importance: Importance = "critical"
    personal: bool = False
    sensitive: bool = False
    categories: list[FrameworkId] = []  # data category ids from the content
    sensitivity: Sensitivity | None = None
    aggregation: Text = ""
    purposes: list[FrameworkId] = []  # purpose ids from the content


class AccessGrant(Item):
    who: Name
    purpose: Text = ""


class Incident(Item):
    occurred_on: dt.date
    description: Name
    harm: Text = ""
    severity: Sensitivity = "moderate"
    reported_by: PartyId | None = None
    corrective_action: Text = ""
    status: Literal["open", "closed"] = "open"


class _Grown(BaseModel):
    """A model that gained fields after records were signed: those fields are left out of
    its dump while empty, so a record written before them dumps, and hashes, as it did."""

    model_config = ConfigDict(extra="forbid")
    grown: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _without_empty_grown(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in self.grown:
            if data.get(name) is None:
                data.pop(name, None)
        return data


class RiskEvidence(_Grown):
    """The figures of one disclosure-risk check: counts and fractions, never data values.

    With a household-id column, the household risk (sdcMicro's ``measure_risk(hid=)``) is
    kept too, and it is the risk the verdict weighs against ``max_risk``."""

    grown = ("household", "households", "household_expected_reidentifications",
             "household_risk")
    checked_at: str
    checked_by: Text = ""
    file: Text = ""  # the file's name only, never its folder
    quasi: list[str]
    sensitive: list[str] = []
    weight: str | None = None
    n: int
    k: int
    classes: int
    sample_uniques: int
    below_k: dict[str, int]
    below_k_share: dict[str, float] = {}
    expected_reidentifications: float
    global_risk: float
    l_diversity: dict[str, int] = {}
    risk_bands: dict[str, int] = {}
    min_k: int = 3
    max_risk: float = 0.03
    needs_action: bool
    household: str | None = None  # the household-id column
    households: int | None = None
    household_expected_reidentifications: float | None = None
    household_risk: float | None = None


class ColumnLoss(BaseModel):
    """What a treatment did to one column: values changed by kind, categories kept."""

    model_config = ConfigDict(extra="forbid")
    suppressed: int = 0
    recoded: int = 0
    perturbed: int = 0
    categories_before: int
    categories_after: int


class TabulationLoss(BaseModel):
    """How far a tabulation the user picked moved (the cells themselves are not kept)."""

    model_config = ConfigDict(extra="forbid")
    columns: list[str]
    largest_relative_change: float | None = None


class InformationLoss(BaseModel):
    """The cost of a treatment in counts: per column, records dropped, one tabulation."""

    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnLoss] = {}
    records_dropped: int = 0
    tabulation: TabulationLoss | None = None


class TreatmentRecord(_Grown):
    """What was done to a dataset before sharing it: by whom, when, with what effect, and
    the recipe that does it again on the next delivery of the same dataset."""

    grown = ("recipe", "information_loss")
    done_at: str
    done_by: Text = ""
    steps: list[Name]
    before: RiskEvidence
    after: RiskEvidence
    output: DataFileName = ""  # the treated file, written next to its datapackage.json
    # the replayable recipe (pim_workbook/sdc/recipe.schema.json): columns, methods,
    # parameters and seeds, never values of the rows beyond the category labels recoded
    recipe: dict[str, Any] | None = Field(default=None, json_schema_extra={
        "description": "The treatment as a replayable recipe (recipe.schema.json)"})
    information_loss: InformationLoss | None = None


class Dataset(Item):
    """A dataset shared under the arrangement: an entry of the data-sharing register.

    It refers to the data items it carries, the parties, the source system and the access
    grants by id; what those already say (sensitivity, personal data, purposes, PIM Matrix
    category) is read from them, not copied. Empty text fields fall back to the arrangement.
    """

    title: Name
    data_items: list[DataItemId] = []
    owner: PartyId | None = None
    recipients: list[PartyId] = []
    source_system: SystemId | None = None  # gives the PIM Matrix category
    aggregation: Text = ""
    consent_basis: ConsentBasis | None = None  # None: the assessment's consent basis
    format: Text = ""
    frequency: Text = ""
    channel: Text = ""
    access: list[AccessId] = []
    retention_until: OptionalDate = None
    licence: Text = ""
    conditions: Text = ""  # sharing conditions
    method: Text = ""  # collection method
    collected_from: OptionalDate = None
    collected_to: OptionalDate = None
    risk_check: RiskEvidence | None = None
    treatments: list[TreatmentRecord] = []


class Signoff(Item):
    signatory: Name
    title: Text = ""  # the signatory's position
    signed_at: str
    revision: int
    record_hash: str
    open_items: list[Text] = []  # what was still open, seen and acknowledged at signing


# -- sections ------------------------------------------------------------------------------
class QuestionAnswer(Section):
    parties: IdMap[PartyId, Text] = {}
    agreed: Text = ""
    status: AnswerStatus = "not_started"


class TypedIn(Section):
    """The language a question's answers were typed in, where the page knew it: answers
    stay as typed, and a reader of another language knows what the words are."""

    parties: IdMap[PartyId, Language] = {}
    agreed: Language | None = None


class Arrangement(Section):
    form: Text = ""
    frequency: Text = ""
    channel: Text = ""
    aggregation: Text = ""
    access: IdMap[AccessId, AccessGrant] = {}
    practices: Text = ""
    red_lines: Text = ""
    retention: Text = ""
    time_frame: Text = ""
    next_review: OptionalDate = None


class Consent(Section):
    basis: ConsentBasis | None = None
    details: Text = ""
    limitations: Text = ""


class Decision(Section):
    outcome: Outcome | None = None
    rationale: Text = ""
    conditions: Text = ""
    decided_on: OptionalDate = None


class Evaluation(Section):
    sufficiency: Sufficiency = "unknown"
    benefits_achieved: Rating = "unknown"
    shared_as_planned: Rating = "unknown"
    risks_mitigated: Rating = "unknown"
    unanticipated: Text = ""
    resources: Text = ""
    community_feedback: Text = ""
    recommendations: Text = ""
    evaluated_on: OptionalDate = None


class Record(Section):
    """Everything the framework asks two or more organisations to document."""

    id: AssessmentId
    title: Name
    content_version: str
    created_at: str
    archived: bool = False
    purpose: Text = ""
    expected_benefits: Text = ""
    harms_of_not_sharing: Text = ""
    parties: IdMap[PartyId, Party] = {}
    trust: IdMap[PartyId, TrustAgreement] = {}
    principles: IdMap[FrameworkId, PrincipleCheck] = {}
    stakeholders: IdMap[StakeholderId, Stakeholder] = {}
    systems: IdMap[SystemId, InfoSystem] = {}
    flows: IdMap[FlowId, DataFlow] = {}
    answers: IdMap[FrameworkId, QuestionAnswer] = {}
    typed_in: IdMap[FrameworkId, TypedIn] = {}  # not signed: a fact about the typing
    actions: IdMap[FrameworkId, ActionState] = {}
    custom_actions: IdMap[CustomActionId, CustomAction] = {}
    data_items: IdMap[DataItemId, DataItem] = {}
    datasets: IdMap[DatasetId, Dataset] = {}
    arrangement: Arrangement = Arrangement()
    consent: Consent = Consent()
    decision: Decision = Decision()
    incidents: IdMap[IncidentId, Incident] = {}
    evaluation: Evaluation = Evaluation()
    signoffs: IdMap[PartyId, Signoff] = {}


