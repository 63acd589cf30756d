"""The assessment record: one typed model of a joint data-sharing assessment.

The record is stored as *units* addressed by slash-separated paths
(``answers/E1.Q1/parties/A``, ``data_items/D1``, ``decision/outcome``). A path
ends either at a plain value inside a section, or at a whole collection item.
:func:`unit_type` resolves a path to the type its value must have, so every
write is validated before it reaches the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import typing
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from .content import Content
from .errors import RecordError
from .vocabulary import (
    ActionStatus,
    AnswerStatus,
    ConsentBasis,
    Importance,
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


STEP_IDS = ("E1", "E2", "E3", "E4")

# -- ids -----------------------------------------------------------------------------------
# Ids become parts of store paths, links and file names, so each kind has one pattern, used
# both when the workbook gives an id and when it reads one from an imported file.
ASSESSMENT_ID = r"^[a-z0-9][a-z0-9-]{2,31}$"
PARTY_ID = r"^[A-Z]$"  # parties get the letters A, B, C, ... in order
# Question, action, principle and category ids come from the framework content, whose schema
# fixes their form; a record only needs them to be plain names.
FRAMEWORK_ID = r"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$"
SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"  # what filenames.slug makes of a title
# Collections whose item ids the store assigns, with the prefix of those ids.
ITEM_PREFIX = {
    "stakeholders": "S",
    "systems": "Y",
    "flows": "F",
    "custom_actions": "C",
    "data_items": "D",
    "datasets": "DS",
    "incidents": "I",
    "arrangement/access": "X",
}


def item_id_pattern(collection: str) -> str:
    """The pattern of the ids the store gives a collection's items: its prefix and 1, 2, ..."""
    return rf"^{ITEM_PREFIX[collection]}[1-9][0-9]*$"


AssessmentId = Annotated[str, StringConstraints(pattern=ASSESSMENT_ID)]
PartyId = Annotated[str, StringConstraints(pattern=PARTY_ID)]
FrameworkId = Annotated[str, StringConstraints(pattern=FRAMEWORK_ID)]
StakeholderId = Annotated[str, StringConstraints(pattern=item_id_pattern("stakeholders"))]
SystemId = Annotated[str, StringConstraints(pattern=item_id_pattern("systems"))]
FlowId = Annotated[str, StringConstraints(pattern=item_id_pattern("flows"))]
CustomActionId = Annotated[str, StringConstraints(pattern=item_id_pattern("custom_actions"))]
DataItemId = Annotated[str, StringConstraints(pattern=item_id_pattern("data_items"))]
DatasetId = Annotated[str, StringConstraints(pattern=item_id_pattern("datasets"))]
IncidentId = Annotated[str, StringConstraints(pattern=item_id_pattern("incidents"))]
AccessId = Annotated[str, StringConstraints(pattern=item_id_pattern("arrangement/access"))]
# The shared file of a dataset, next to its datapackage.json: a slug of its title and .csv.
DataFileName = Annotated[str, StringConstraints(pattern=rf"^(?:{SLUG}\.csv)?$")]

_K = TypeVar("_K")
_V = TypeVar("_V")
# A collection keyed by ids: in the JSON Schema too, a key of another form is refused.
IdMap = Annotated[dict[_K, _V], Field(json_schema_extra={"additionalProperties": False})]


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


class RiskEvidence(BaseModel):
    """The figures of one disclosure-risk check: counts and fractions, never data values."""

    model_config = ConfigDict(extra="forbid")
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


class TreatmentRecord(BaseModel):
    """What was done to a dataset before sharing it: by whom, when, with what effect."""

    model_config = ConfigDict(extra="forbid")
    done_at: str
    done_by: Text = ""
    steps: list[Name]
    before: RiskEvidence
    after: RiskEvidence
    output: DataFileName = ""  # the treated file, written next to its datapackage.json


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
    signed_at: str
    revision: int
    record_hash: str


# -- sections ------------------------------------------------------------------------------
class QuestionAnswer(Section):
    parties: IdMap[PartyId, Text] = {}
    agreed: Text = ""
    status: AnswerStatus = "not_started"


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


# Fields set when an assessment is created and never through a path write.
FIXED_FIELDS = frozenset({"id", "content_version", "created_at"})  # the header
# Paths written only by dedicated store operations (with their own rules).
GUARDED_ROOTS = frozenset({"parties", "signoffs", "archived"})


# -- paths ---------------------------------------------------------------------------------
def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional wrappers, keep the core type."""
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _field_type(field: Any) -> Any:
    """A model field's full type, with the validators pydantic keeps apart as metadata."""
    if field.metadata:
        return Annotated[(field.annotation, *field.metadata)]
    return field.annotation


@lru_cache(maxsize=256)
def _resolve(pattern: tuple[str, ...]) -> Any:
    annotation: Any = Record
    for seg in pattern:
        core = _unwrap(annotation)
        if isinstance(core, type) and issubclass(core, Section):
            if seg not in core.model_fields:
                raise RecordError(f"unknown field {seg!r}")
            annotation = _field_type(core.model_fields[seg])
        elif typing.get_origin(core) is dict:
            annotation = typing.get_args(core)[1]
        else:
            raise RecordError(f"{seg!r} goes below a single value")
    core = _unwrap(annotation)
    if isinstance(core, type) and issubclass(core, Section):
        raise RecordError("a section is written field by field")
    if typing.get_origin(core) is dict:
        raise RecordError("a collection is written item by item")
    return annotation


@lru_cache(maxsize=32)
def _id_adapter(key_type: Any) -> TypeAdapter[str]:
    return TypeAdapter(key_type)


def _pattern(path: str) -> tuple[str, ...]:
    """Replace collection keys by '*' so paths of one shape share a type.

    Each key must be an id of the form the workbook gives that collection: keys end up in
    links and file names.
    """
    out: list[str] = []
    annotation: Any = Record
    for seg in path.split("/"):
        core = _unwrap(annotation)
        if typing.get_origin(core) is dict:
            key_type, annotation = typing.get_args(core)
            try:
                _id_adapter(key_type).validate_python(seg)
            except ValidationError as exc:
                raise RecordError(f"{seg!r} is not a valid id here "
                                  f"({exc.errors()[0]['msg']})") from None
            out.append("*")
        elif isinstance(core, type) and issubclass(core, Section) and seg in core.model_fields:
            out.append(seg)
            annotation = core.model_fields[seg].annotation
        else:
            out.append(seg)
            break
    return tuple(out) + tuple(path.split("/")[len(out):])


_SEGMENT = re.compile(r"^[A-Za-z0-9_.\-]+$")


def split_path(path: str) -> list[str]:
    parts = path.split("/")
    if not path or any(not _SEGMENT.match(p) for p in parts):
        raise RecordError(f"invalid path {path!r}")
    return parts


@lru_cache(maxsize=256)
def _adapter(pattern: tuple[str, ...]) -> TypeAdapter[Any]:
    return TypeAdapter(_resolve(pattern))


def unit_type(path: str) -> Any:
    """The type a value stored at ``path`` must have (raises RecordError if not a unit)."""
    split_path(path)
    try:
        return _resolve(_pattern(path))
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from None


def validate_unit(path: str, value: Any) -> Any:
    """Validate ``value`` for ``path``; return its JSON-ready form."""
    unit_type(path)
    adapter = _adapter(_pattern(path))
    try:
        parsed = adapter.validate_python(value)
    except ValidationError as exc:
        raise RecordError(f"{path}: {_explain(exc)}") from None
    return adapter.dump_python(parsed, mode="json")


def _explain(exc: ValidationError) -> str:
    msgs = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"]
        if err["type"].startswith("date"):
            msg = f"invalid date {err.get('input')!r} (use YYYY-MM-DD)"
        elif err["type"] in ("string_too_short", "too_short") and isinstance(
            err.get("input"), str
        ):
            msg = "must not be empty"
        elif err["type"] == "missing":
            msg = "is required"
        elif err["type"] in ("literal_error", "enum"):
            msg = f"must be {err['ctx']['expected']} (got {err.get('input')!r})"
        msgs.append(f"{where} {msg}".strip())
    return "; ".join(msgs)


def check_references(path: str, value: Any, load: Callable[[], Record],
                     content: Content,
                     party_ids: Callable[[], Iterable[str]] | None = None) -> None:
    """Check that the ids a unit names exist (parties, questions, actions, categories).

    ``load`` gives the current record; it is called only for paths that name its items, so
    the most frequent writes (answers to known questions, actions) check against the content
    alone, and ``party_ids`` (when given) answers "which parties exist" without it.
    """
    parts = path.split("/")
    root = parts[0]
    loaded: list[Record] = []

    def record() -> Record:
        if not loaded:
            loaded.append(load())
        return loaded[0]

    def need_party(pid: str | None, what: str = "party") -> None:
        if pid is None:
            return
        known = list(party_ids()) if party_ids else list(record().parties)
        if pid not in known:
            raise RecordError(f"{path}: unknown {what} {pid!r} "
                              f"(parties: {', '.join(known) or 'none yet'})")

    if root == "answers":
        qid = parts[1]
        if qid not in {q.id for q in content.questions()}:
            raise RecordError(f"{path}: unknown question id {qid!r}")
        if len(parts) == 4:
            need_party(parts[3])
    elif root in ("trust", "signoffs"):
        need_party(parts[1])
    elif root == "principles":
        if parts[1] not in {p.id for p in content.principles}:
            raise RecordError(f"{path}: unknown principle {parts[1]!r}")
    elif root == "actions":
        if parts[1] not in {a.id for a in content.actions()}:
            raise RecordError(f"{path}: unknown action id {parts[1]!r}")
    elif root == "systems" and value is not None:
        if value.get("holder") and value["holder"] not in record().stakeholders:
            raise RecordError(f"{path}: unknown stakeholder {value['holder']!r} as holder")
        cats = [c.id for c in content.pim_matrix.categories]
        if value["category"] not in cats:
            raise RecordError(
                f"{path}: unknown PIM Matrix category {value['category']!r} "
                f"(one of: {', '.join(cats)})"
            )
    elif root == "stakeholders" and value is not None:
        need_party(value.get("party"))
    elif root == "flows" and value is not None:
        for end in ("source", "target"):
            if value[end] not in record().stakeholders:
                raise RecordError(f"{path}: unknown stakeholder {value[end]!r} as {end}")
        if value.get("system") and value["system"] not in record().systems:
            raise RecordError(f"{path}: unknown system {value['system']!r}")
    elif root == "data_items" and value is not None:
        for field, choices in (("categories", "data_categories"), ("purposes", "purposes")):
            known = content.choice_ids(choices)
            for cid in value[field]:
                if cid not in known:
                    raise RecordError(
                        f"{path}: unknown {field[:-1]} {cid!r} (one of: {', '.join(known)})"
                    )
    elif root == "datasets" and value is not None:
        _check_dataset(path, value, record())
    elif root == "incidents" and value is not None:
        need_party(value.get("reported_by"))


def _check_dataset(path: str, value: dict[str, Any], record: Record) -> None:
    refs = (("data_items", "data item", record.data_items),
            ("recipients", "party", record.parties),
            ("access", "access grant", record.arrangement.access))
    for field, what, known in refs:
        for ref in value[field]:
            if ref not in known:
                raise RecordError(f"{path}: unknown {what} {ref!r} in {field} "
                                  f"(known: {', '.join(known) or 'none yet'})")
    if value.get("owner") and value["owner"] not in record.parties:
        raise RecordError(f"{path}: unknown party {value['owner']!r} as owner")
    if value.get("source_system") and value["source_system"] not in record.systems:
        raise RecordError(f"{path}: unknown system {value['source_system']!r} as source")


# -- assembling ----------------------------------------------------------------------------
def assemble(header: dict[str, Any], units: list[tuple[str, Any]]) -> Record:
    """Build the record from its header and its stored units (in stored order)."""
    data: dict[str, Any] = dict(header)
    for path, value in units:
        node = data
        parts = path.split("/")
        for seg in parts[:-1]:
            node = node.setdefault(seg, {})
        node[parts[-1]] = value
    return Record.model_validate(data)


def flatten(record: Record) -> list[tuple[str, Any]]:
    """Every unit of a record, defaults included, in record order (inverse of assemble)."""
    out: list[tuple[str, Any]] = []

    def walk(model: type[Section], prefix: str, data: dict[str, Any]) -> None:
        for name, field in model.model_fields.items():
            if not prefix and name in FIXED_FIELDS:
                continue
            core = _unwrap(field.annotation)
            value = data[name]
            if isinstance(core, type) and issubclass(core, Section):
                walk(core, f"{prefix}{name}/", value)
            elif typing.get_origin(core) is dict:
                item_type = _unwrap(typing.get_args(core)[1])
                for key, item in value.items():
                    if isinstance(item_type, type) and issubclass(item_type, Section):
                        walk(item_type, f"{prefix}{name}/{key}/", item)
                    else:
                        out.append((f"{prefix}{name}/{key}", item))
            else:
                out.append((f"{prefix}{name}", value))

    walk(Record, "", record.model_dump(mode="json"))
    return out


def canonical_json(data: Any) -> str:
    """The one serialisation used for exports, snapshots and hashes."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def record_hash(record: Record) -> str:
    """Hash of what parties sign: the whole record except signatures and archiving."""
    data = record.model_dump(mode="json", exclude={"signoffs", "archived"})
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def label(value: object) -> str:
    """Human label of a stored code (``share_with_conditions`` -> ``Share with conditions``)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


# -- derived views -------------------------------------------------------------------------
def signing_parties(record: Record) -> list[str]:
    """Parties whose signature freezes a revision (donors may sign but need not)."""
    return [pid for pid, p in record.parties.items() if p.role != "donor"]


def progress(record: Record, content: Content) -> dict[str, tuple[int, int]]:
    """Done / total per section of the workbook."""
    out: dict[str, tuple[int, int]] = {}
    parties = list(record.parties)
    start = [bool(record.purpose), len(parties) >= 2]
    start += [pid in record.trust for pid in parties]
    out["Start"] = (sum(start), len(start))
    checked = [p.id for p in content.principles if p.id in record.principles
               and record.principles[p.id].status != "not_checked"]
    out["Principles"] = (len(checked), len(content.principles))
    eco = [bool(record.stakeholders), bool(record.systems),
           bool(record.systems) and all(s.data_types for s in record.systems.values())]
    out["Ecosystem"] = (sum(eco), len(eco))
    for step in content.assessment.steps:
        items = [
            q.id in record.answers and record.answers[q.id].status == "agreed"
            for q in step.questions
        ]
        items += [a.id in record.actions for a in (*step.maximise.actions,
                                                   *step.mitigate.actions)]
        if step.id == "E2":
            arr = record.arrangement
            items += [bool(record.data_items),
                      bool(record.data_items)
                      and all(d.sensitivity for d in record.data_items.values()),
                      all([arr.form, arr.frequency, arr.channel, arr.aggregation]),
                      bool(arr.access), bool(arr.red_lines), bool(arr.retention),
                      bool(arr.time_frame), arr.next_review is not None,
                      record.consent.basis is not None, record.decision.outcome is not None]
        if step.id == "E4":
            items += [record.evaluation.evaluated_on is not None]
        out[f"Step {step.number}"] = (sum(items), len(items))
    signers = signing_parties(record)
    current = record_hash(record)
    signed = [pid for pid in signers
              if pid in record.signoffs and record.signoffs[pid].record_hash == current]
    out["Sign-off"] = (len(signed), len(signers))
    return out


def divergences(record: Record, content: Content) -> list[str]:
    """Question ids where parties' answers differ or a party has not answered.

    Only the signing parties are expected to answer; a donor's answer is shown but not awaited.
    """
    out = []
    answering = signing_parties(record)
    for q in content.questions():
        ans = record.answers.get(q.id)
        if ans is None or ans.status == "agreed":
            continue
        given = [ans.parties.get(pid, "") for pid in answering]
        if any(given) and (not all(given) or len({g.casefold() for g in given}) > 1):
            out.append(q.id)
    return out


def retired_answers(record: Record, content: Content) -> list[str]:
    """Answers kept for questions the current content no longer has."""
    known = {q.id for q in content.questions()}
    return [qid for qid in record.answers if qid not in known]


def status(record: Record, frozen_hash: str | None, today: dt.date | None = None) -> str:
    """The assessment-level status used in lists and filters."""
    today = today or dt.date.today()
    if record.archived:
        return "archived"
    current = record_hash(record)
    if frozen_hash == current:
        review = record.arrangement.next_review
        return "review_due" if review is not None and review <= today else "signed"
    if any(s.record_hash == current for s in record.signoffs.values()):
        return "awaiting_signoff"
    return "draft"


__all__ = [
    "AccessGrant",
    "ActionState",
    "Contact",
    "CustomAction",
    "DataFlow",
    "DataItem",
    "Incident",
    "InfoSystem",
    "Party",
    "PrincipleCheck",
    "Record",
    "RecordError",
    "Signoff",
    "Stakeholder",
    "TrustAgreement",
    "assemble",
    "canonical_json",
    "check_references",
    "divergences",
    "flatten",
    "progress",
    "record_hash",
    "retired_answers",
    "signing_parties",
    "status",
    "unit_type",
    "validate_unit",
]
