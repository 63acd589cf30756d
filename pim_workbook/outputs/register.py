"""The data-sharing register: every dataset shared under the arrangement, as HXL and JSON,
and a Frictionless Data Package descriptor (``datapackage.json``) for each dataset.

A register entry (:class:`~pim_workbook.record.model.Dataset`) refers to the data items, parties,
source system and access grants of the record; :func:`entries` resolves those references
into the values the register shows, so nothing is stored twice.

HXL convention
--------------
Core HXL hashtags are used where they mean the same thing (``#meta``, ``#description``,
``#org``, ``#contact``, ``#date``, ``#status``). HXL has no hashtag for sensitivity,
consent, data access or sharing conditions (``#access`` means *humanitarian* access), so the
register uses extension hashtags, which HXL reserves under the ``#x_`` prefix:

``#x_pim_category`` PIM Matrix category of the source system; ``#x_sensitivity`` low /
moderate / high; ``#x_personal`` yes / no; ``#x_consent`` consent basis; ``#x_aggregation``
level of aggregation; ``#x_channel`` sharing channel; ``#x_data_access`` who may access the
data and why; ``#x_conditions`` sharing conditions; ``#x_risk+k`` and ``#x_risk+global``
figures of the last disclosure-risk check; ``#x_treatment`` what was done to the data before
sharing. The shipped HXL schema (``schema/register.hxl-schema.csv``) states the rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import asdict, dataclass, field, fields
from importlib.resources import files
from pathlib import Path
from typing import Any

from pim_workbook.content.framework import Content
from pim_workbook.i18n import N_, _, format_number, format_percent
from pim_workbook.outputs.filenames import export_name, output_path, slug
from pim_workbook.outputs.spreadsheet import csv_text
from pim_workbook.record.labels import label
from pim_workbook.record.model import Dataset, Record, RiskEvidence
from pim_workbook.store.protocol import WorkbookStore

SENSITIVITY_ORDER = ("low", "moderate", "high")
# The same levels as a report shows an entry's sensitivity (through ``_()``); exports keep
# the codes.
SENSITIVITY_WORDS = (N_("low"), N_("moderate"), N_("high"))
SCHEMA_FILE = "register.hxl-schema.csv"


@dataclass(frozen=True)
class Entry:
    """One dataset of the register, with every reference resolved to readable text."""

    id: str = field(metadata={"header": "Dataset id", "hxl": "#meta+id"})
    title: str = field(metadata={"header": "Title", "hxl": "#meta+title"})
    assessment: str = field(metadata={"header": "Assessment", "hxl": "#meta+assessment"})
    data_items: str = field(metadata={"header": "Data items", "hxl": "#description+items"})
    owner: str = field(metadata={"header": "Owner", "hxl": "#org+owner"})
    owner_contact: str = field(metadata={"header": "Owner contact", "hxl": "#contact+owner"})
    recipients: str = field(metadata={"header": "Recipients", "hxl": "#org+recipient"})
    source_system: str = field(metadata={"header": "Source system", "hxl": "#meta+source"})
    pim_category: str = field(metadata={"header": "PIM Matrix category",
                                        "hxl": "#x_pim_category"})
    purpose: str = field(metadata={"header": "Purpose", "hxl": "#description+purpose"})
    sensitivity: str = field(metadata={"header": "Sensitivity", "hxl": "#x_sensitivity"})
    aggregation: str = field(metadata={"header": "Level of aggregation",
                                       "hxl": "#x_aggregation"})
    personal: str = field(metadata={"header": "Personal data", "hxl": "#x_personal"})
    consent: str = field(metadata={"header": "Consent basis", "hxl": "#x_consent"})
    format: str = field(metadata={"header": "Format", "hxl": "#meta+format"})
    frequency: str = field(metadata={"header": "Frequency", "hxl": "#meta+frequency"})
    channel: str = field(metadata={"header": "Channel", "hxl": "#x_channel"})
    access: str = field(metadata={"header": "Who may access, and why",
                                  "hxl": "#x_data_access"})
    retention_until: str = field(metadata={"header": "Delete by", "hxl": "#date+deletion"})
    licence: str = field(metadata={"header": "Licence", "hxl": "#meta+licence"})
    conditions: str = field(metadata={"header": "Sharing conditions", "hxl": "#x_conditions"})
    method: str = field(metadata={"header": "Collection method", "hxl": "#meta+method"})
    collected_from: str = field(metadata={"header": "Collected from", "hxl": "#date+start"})
    collected_to: str = field(metadata={"header": "Collected to", "hxl": "#date+end"})
    risk_checked: str = field(metadata={"header": "Risk checked on",
                                        "hxl": "#date+risk_checked"})
    risk_k: str = field(metadata={"header": "Smallest group (k)", "hxl": "#x_risk+k"})
    risk_global: str = field(metadata={"header": "Global risk", "hxl": "#x_risk+global"})
    risk_status: str = field(metadata={"header": "Risk status", "hxl": "#status+risk"})
    treatment: str = field(metadata={"header": "Treatment before sharing",
                                     "hxl": "#x_treatment"})


COLUMNS = tuple((f.name, f.metadata["header"], f.metadata["hxl"]) for f in fields(Entry))


def _join(values: list[str]) -> str:
    return "; ".join(v for v in values if v)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def sensitivity_of(record: Record, dataset: Dataset) -> str | None:
    """The highest sensitivity among the dataset's data items (None when none is set)."""
    levels = [record.data_items[d].sensitivity for d in dataset.data_items
              if d in record.data_items and record.data_items[d].sensitivity]
    return max(levels, key=SENSITIVITY_ORDER.index) if levels else None


def risk_status(check: RiskEvidence | None) -> str:
    """"not checked", "needs action" or "within thresholds" (in English, as the register
    exports it: a view shows it through ``_()``)."""
    if check is None:
        return N_("not checked")
    return N_("needs action") if check.needs_action else N_("within thresholds")


def entry(record: Record, content: Content, dsid: str) -> Entry:
    """The register entry of dataset ``dsid`` with its references resolved."""
    ds = record.datasets[dsid]
    arr = record.arrangement
    items = [record.data_items[d] for d in ds.data_items if d in record.data_items]
    purposes = {c.id: c.title for c in content.purposes}
    purpose_ids = list(dict.fromkeys(p for item in items for p in item.purposes))
    owner = record.parties.get(ds.owner) if ds.owner else None
    system = record.systems.get(ds.source_system) if ds.source_system else None
    categories = {c.id: c.title for c in content.pim_matrix.categories}
    grants = [arr.access[x] for x in ds.access if x in arr.access]
    consent = ds.consent_basis or record.consent.basis
    check = ds.risk_check
    last = ds.treatments[-1] if ds.treatments else None
    return Entry(
        id=dsid, title=ds.title, assessment=record.id,
        data_items=_join([i.name for i in items]),
        owner=owner.organisation if owner else "",
        owner_contact=_join([f"{c.name} <{c.email}>" if c.email else c.name
                             for c in owner.contacts]) if owner else "",
        recipients=_join([record.parties[p].organisation for p in ds.recipients
                          if p in record.parties]),
        source_system=system.name if system else "",
        pim_category=categories.get(system.category, system.category) if system else "",
        purpose=_join([purposes.get(p, p) for p in purpose_ids]) or record.purpose,
        sensitivity=sensitivity_of(record, ds) or "",
        aggregation=ds.aggregation or arr.aggregation,
        personal="yes" if any(i.personal for i in items) else "no",
        consent=label(consent, translate=False) if consent else "",
        format=ds.format or arr.form, frequency=ds.frequency or arr.frequency,
        channel=ds.channel or arr.channel,
        access=_join([f"{g.who}: {g.purpose}" if g.purpose else g.who for g in grants]),
        retention_until=_date(ds.retention_until), licence=ds.licence,
        conditions=ds.conditions or record.decision.conditions, method=ds.method,
        collected_from=_date(ds.collected_from), collected_to=_date(ds.collected_to),
        risk_checked=check.checked_at[:10] if check else "",
        risk_k=str(check.k) if check else "",
        risk_global=f"{check.global_risk:.6f}" if check else "",
        risk_status=risk_status(check),
        treatment=" ".join(last.steps) if last else "",
    )


def entries(record: Record, content: Content) -> list[Entry]:
    """Every dataset of the register, in the order they were added."""
    return [entry(record, content, dsid) for dsid in record.datasets]


# -- HXL -----------------------------------------------------------------------------------
def to_hxl_csv(record: Record, content: Content) -> str:
    """The register as CSV with the HXL hashtag row under the header row, safe to open in a
    spreadsheet."""
    return csv_text([[header for _, header, _ in COLUMNS], [tag for _, _, tag in COLUMNS],
                     *([getattr(e, name) for name, _, _ in COLUMNS]
                       for e in entries(record, content))])


def hxl_schema_rows() -> list[list[str]]:
    """The shipped HXL schema, as rows (header, hashtag row, rules)."""
    text = files("pim_workbook.outputs.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return list(csv.reader(io.StringIO(text)))


def validate_hxl(csv_text: str) -> list[str]:
    """Check an HXL register against the shipped schema; returns readable problems."""
    import hxl

    problems: list[str] = []

    def note(issue: Any) -> None:
        where = f"row {issue.row.row_number + 1}" if issue.row is not None else "dataset"
        column = f", column {issue.column.header!r}" if issue.column is not None else ""
        value = f": {issue.value!r}" if issue.value not in (None, "") else ""
        problems.append(f"{issue.rule.severity}: {where}{column} ({issue.rule.tag_pattern}) "
                        f"{issue.message}{value}")

    rows = list(csv.reader(io.StringIO(csv_text)))
    schema = hxl.schema(hxl.data(hxl_schema_rows()), callback=note)
    schema.validate(hxl.data(rows))
    return problems


# -- JSON ----------------------------------------------------------------------------------
def to_json(record: Record, content: Content) -> str:
    """The register as JSON: the resolved entries, the HXL columns, evidence and treatments."""
    datasets = []
    for e in entries(record, content):
        ds = record.datasets[e.id]
        datasets.append({
            **asdict(e),
            "references": ds.model_dump(mode="json", exclude={"risk_check", "treatments"}),
            "risk_check": ds.risk_check.model_dump(mode="json") if ds.risk_check else None,
            "treatments": [t.model_dump(mode="json") for t in ds.treatments],
        })
    document = {
        "assessment": record.id,
        "title": record.title,
        "columns": [{"field": n, "header": h, "hxl": t} for n, h, t in COLUMNS],
        "datasets": datasets,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# -- Frictionless Data Package -------------------------------------------------------------
def _slug(text: str) -> str:
    return slug(text, 60)


def dataset_folder(out_dir: Path, record: Record, dsid: str) -> Path:
    """Where a dataset's shared file and its ``datapackage.json`` live (inside ``out_dir``)."""
    return output_path(out_dir,
                       f"{record.id}-{dsid.lower()}-{_slug(record.datasets[dsid].title)}")


def data_file_name(dataset: Dataset, *, new: bool = False) -> str:
    """The name of a dataset's shared file next to its descriptor: the last treatment's
    output, else (or for a ``new`` treatment) the CSV named after the dataset."""
    last = dataset.treatments[-1].output if dataset.treatments and not new else ""
    return last or f"{_slug(dataset.title)}.csv"


def datapackage(record: Record, content: Content, dsid: str,
                data_file: str | None = None) -> dict[str, Any]:
    """The Data Package descriptor of one dataset; provenance and sharing terms under ``pim``.

    ``data_file`` is the shared file's name, relative to the descriptor; without it the
    resource names the file the dataset will be shared as.
    """
    e = entry(record, content, dsid)
    ds = record.datasets[dsid]
    name = _slug(f"{record.id}-{dsid}-{ds.title}")
    resource: dict[str, Any] = {
        "name": name,
        "path": data_file or data_file_name(ds),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
    }
    descriptor: dict[str, Any] = {
        "name": name,
        "title": ds.title,
        "description": e.purpose,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "keywords": [k for k in ("protection", e.pim_category, e.sensitivity) if k],
        "sources": [{"title": e.owner}] if e.owner else [],
        "resources": [resource],
        "pim": {
            "assessment": record.id,
            "dataset": dsid,
            "source_organisation": e.owner,
            "source_system": e.source_system,
            "pim_matrix_category": e.pim_category,
            "collection_method": e.method,
            "collected_from": e.collected_from or None,
            "collected_to": e.collected_to or None,
            "purpose": e.purpose,
            "data_items": e.data_items,
            "sensitivity": e.sensitivity or None,
            "personal_data": e.personal == "yes",
            "consent_basis": e.consent,
            "aggregation": e.aggregation,
            "recipients": e.recipients,
            "access_conditions": e.access,
            "sharing_conditions": e.conditions,
            "frequency": e.frequency,
            "channel": e.channel,
            "retention_until": e.retention_until or None,
            "risk_check": ds.risk_check.model_dump(mode="json") if ds.risk_check else None,
            "treatments": [{"done_at": t.done_at, "done_by": t.done_by, "steps": t.steps}
                           for t in ds.treatments],
        },
    }
    if ds.licence:
        descriptor["licenses"] = [{"name": _slug(ds.licence), "title": ds.licence}]
    return descriptor


def write_datapackage(record: Record, content: Content, dsid: str, folder: Path,
                      data_file: str | None = None) -> Path:
    """Write ``datapackage.json`` into ``folder``; with a data file, describe its columns."""
    descriptor = datapackage(record, content, dsid, data_file)
    resource = descriptor["resources"][0]
    data_path = output_path(folder, resource["path"])
    if data_path.is_file():
        from frictionless import Resource

        inferred = Resource(str(data_path))
        inferred.infer()
        resource["profile"] = "tabular-data-resource"
        resource["schema"] = inferred.schema.to_descriptor()
    target = output_path(folder, "datapackage.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
                      encoding="utf-8")
    return target


def check_file(path: Path) -> list[str]:
    """Problems with a file :func:`write_register` wrote (HXL or datapackage.json)."""
    if path.name.endswith(".hxl.csv"):
        return validate_hxl(path.read_text(encoding="utf-8"))
    if path.name == "datapackage.json":
        return validate_datapackage(path)
    return []


def validate_datapackage(path: Path) -> list[str]:
    """Problems with a ``datapackage.json`` (and its data, when the file is there)."""
    from frictionless import Package, validate

    descriptor = json.loads(path.read_text(encoding="utf-8"))
    data = path.parent / descriptor["resources"][0]["path"]
    report = validate(str(path)) if data.is_file() else Package.validate_descriptor(descriptor)
    return [f"{kind}: {note}" for kind, note in report.flatten(["type", "note"])]


# -- writing -------------------------------------------------------------------------------
def write_register(store: WorkbookStore, aid: str, out_dir: Path) -> list[Path]:
    """Write the HXL register, its JSON and every dataset's ``datapackage.json``."""
    record = store.get(aid)
    out_dir.mkdir(parents=True, exist_ok=True)
    hxl_path = output_path(out_dir, export_name(record, "-register.hxl.csv"))
    hxl_path.write_text(to_hxl_csv(record, store.content), encoding="utf-8")
    json_path = output_path(out_dir, export_name(record, "-register.json"))
    json_path.write_text(to_json(record, store.content), encoding="utf-8")
    written = [hxl_path, json_path]
    for dsid in record.datasets:
        written.append(write_datapackage(record, store.content, dsid,
                                         dataset_folder(out_dir, record, dsid)))
    return written


def describe_check(check: RiskEvidence) -> str:
    """One sentence on a risk check: the figures and the verdict, never data values."""
    sensitive = (_("; l-diversity {values}").format(
        values=", ".join(f"{c} {v}" for c, v in check.l_diversity.items()))
        if check.l_diversity else "")
    if check.checked_by:
        text = _("{file} checked on {date} by {person}: {records} records, quasi-identifiers "
                 "{quasi}; k = {k}, {uniques} sample uniques, global risk {risk}{l_diversity} "
                 "— {verdict} (target k ≥ {min_k}, global risk ≤ {max_risk}).")
    else:
        text = _("{file} checked on {date}: {records} records, quasi-identifiers {quasi}; "
                 "k = {k}, {uniques} sample uniques, global risk {risk}{l_diversity} — "
                 "{verdict} (target k ≥ {min_k}, global risk ≤ {max_risk}).")
    return text.format(
        file=check.file or _("a file"), date=check.checked_at[:10], person=check.checked_by,
        records=format_number(check.n), quasi=", ".join(check.quasi), k=check.k,
        uniques=format_number(check.sample_uniques),
        risk=format_percent(check.global_risk, 2), l_diversity=sensitive,
        verdict=_(risk_status(check)), min_k=check.min_k,
        max_risk=format_percent(check.max_risk, 1))


def evidence_lines(dataset: Dataset) -> list[str]:
    """The disclosure-risk evidence of a dataset, for reports (Step 2, Q3)."""
    lines = []
    for t in dataset.treatments:
        if t.done_by:
            text = _("Treated on {date} by {person}: {steps} Global risk {before} → {after}, "
                     "k {k_before} → {k_after}; {records} records shared as {file}.")
        else:
            text = _("Treated on {date}: {steps} Global risk {before} → {after}, "
                     "k {k_before} → {k_after}; {records} records shared as {file}.")
        lines.append(text.format(
            date=t.done_at[:10], person=t.done_by, steps=" ".join(t.steps),
            before=format_percent(t.before.global_risk, 2),
            after=format_percent(t.after.global_risk, 2), k_before=t.before.k,
            k_after=t.after.k, records=format_number(t.after.n), file=t.output or _("a file")))
    if dataset.risk_check and not (dataset.treatments and
                                   dataset.risk_check == dataset.treatments[-1].after):
        lines.append(_("Last check: {check}").format(check=describe_check(dataset.risk_check)))
    return lines
