"""Views of one record: JSON (with its published JSON Schema), HTML, Markdown, CSV.

The JSON export holds the record, its history and its signed revisions; importing
it into an empty store and exporting again gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pim_workbook.content.framework import Content
from pim_workbook.errors import ImportRefused, StoreError
from pim_workbook.outputs.filenames import default_exports_dir, export_name, output_path
from pim_workbook.outputs.register import entries as register_entries
from pim_workbook.outputs.register import evidence_lines
from pim_workbook.outputs.spreadsheet import csv_text
from pim_workbook.record.hashing import canonical_json, record_hash
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.record.paths import flatten
from pim_workbook.record.progress import divergences, progress, retired_answers, signing_parties
from pim_workbook.store.core import Store
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.rows import Change, Revision

FORMAT = "pim-workbook-assessment"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("schema") / "assessment-export.schema.json"
# An export nests about ten levels deep; a deeper file is refused before it is validated.
MAX_DEPTH = 32


class RevisionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int
    created_at: str
    record_hash: str
    record: Record


class ExportDocument(BaseModel):
    """The JSON export of one assessment."""

    model_config = ConfigDict(extra="forbid", title="PIM Data-Sharing Workbook assessment")
    format: Literal["pim-workbook-assessment"]
    format_version: Literal[1]
    record: Record
    history: list[Change]
    revisions: list[RevisionEntry]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an export file (shipped as ``schema/assessment-export.schema.json``)."""
    schema = ExportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- JSON ----------------------------------------------------------------------------------
def to_document(store: WorkbookStore, aid: str) -> dict[str, Any]:
    record = store.get(aid)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "record": record.model_dump(mode="json"),
        "history": [dataclasses.asdict(c) for c in store.history(aid)],
        "revisions": [dataclasses.asdict(r) for r in store.revisions(aid)],
    }


def to_json(store: WorkbookStore, aid: str) -> str:
    return canonical_json(to_document(store, aid))


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.\-]+|\[key\]")  # pydantic names a refused key [key]


def _where(location: Any) -> str:
    """Where in a file a problem is, as ``record/parties``; odd keys are quoted."""
    parts = [str(p) if isinstance(p, int) or _PLAIN_KEY.fullmatch(str(p)) else repr(p)
             for p in location]
    return "/".join(parts) or "(top level)"


def _too_deep(data: Any) -> bool:
    """Whether lists and objects nest deeper than :data:`MAX_DEPTH` (checked without
    recursion, so a hostile file cannot exhaust the stack)."""
    stack = [(data, 1)] if isinstance(data, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def import_json(store: Store, text: str | bytes, *, actor: str, source: str = "",
                replace: bool = False) -> str:
    """Validate an export and load it into the store; returns the assessment id.

    ``text`` may be the file's bytes, so a file that is not UTF-8 is refused by name. A
    refused file changes nothing; ``replace`` overwrites an assessment with the same id.
    """
    name = source or "input"
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ImportRefused(f"{name}: not a UTF-8 text file (byte {exc.start}: "
                                f"{exc.reason}); give the JSON export itself") from None
    too_deep = ImportRefused(f"{name}: nested deeper than {MAX_DEPTH} levels, which no "
                             "export is")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(f"{name}: not JSON ({exc})") from None
    except RecursionError:
        raise too_deep from None
    if _too_deep(data):
        raise too_deep
    import jsonschema

    validator = jsonschema.Draft202012Validator(json_schema())
    problem = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if problem is not None:
        raise ImportRefused(f"{name}: {_where(problem.absolute_path)}: {problem.message}")
    try:
        doc = ExportDocument.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ImportRefused(f"{name}: {_where(err['loc'])}: {err['msg']}") from None
    for rev in doc.revisions:
        if record_hash(rev.record) != rev.record_hash:
            raise ImportRefused(f"{name}: revision {rev.number} does not match "
                                "its content hash (the file was altered)")
    record = doc.record
    store.load_raw(
        {"id": record.id, "content_version": record.content_version,
         "created_at": record.created_at},
        flatten(record),
        doc.history,
        [Revision(r.number, r.created_at, r.record_hash, r.record.model_dump(mode="json"))
         for r in doc.revisions],
        actor=actor, source=source, replace=replace,
    )
    return record.id


# -- CSV -----------------------------------------------------------------------------------
ACTION_COLUMNS = ["id", "step", "kind", "action", "status", "owner", "due", "overdue", "note"]


def action_rows(record: Record, content: Content,
                today: dt.date | None = None) -> list[dict[str, str]]:
    """The action plan: every framework action and every custom action."""
    today = today or dt.date.today()
    rows = []
    for step in content.assessment.steps:
        for kind in ("maximise", "mitigate"):
            for action in getattr(step, kind).actions:
                state = record.actions.get(action.id)
                rows.append(_action_row(action.id, step.id, kind, action.text, state, today))
    for cid, custom in record.custom_actions.items():
        rows.append(_action_row(cid, custom.step, custom.kind, custom.text, custom, today))
    return rows


def _action_row(aid: str, step: str, kind: str, text: str, state: Any,
                today: dt.date) -> dict[str, str]:
    due = state.due if state else None
    done = state is not None and state.status in ("done", "not_applicable")
    return {
        "id": aid, "step": step, "kind": kind, "action": text,
        "status": state.status if state else "not_considered",
        "owner": state.owner if state else "",
        "due": due.isoformat() if due else "",
        "overdue": "yes" if due and due < today and not done else "",
        "note": state.note if state else "",
    }


def actions_csv(record: Record, content: Content, today: dt.date | None = None) -> str:
    """The action plan as CSV, safe to open in a spreadsheet."""
    rows = action_rows(record, content, today)
    return csv_text([ACTION_COLUMNS, *([row[c] for c in ACTION_COLUMNS] for row in rows)])


# -- HTML and Markdown ---------------------------------------------------------------------
def record_at(store: WorkbookStore, aid: str, revision: int | None = None) -> Record:
    """The current record, or the frozen snapshot of a signed revision."""
    if revision is None:
        return store.get(aid)
    for rev in store.revisions(aid):
        if rev.number == revision:
            return Record.model_validate(rev.record)
    known = ", ".join(str(r.number) for r in store.revisions(aid)) or "none yet"
    raise StoreError(f"assessment {aid} has no signed revision {revision} (revisions: {known})")


def report_context(store: WorkbookStore, aid: str, today: dt.date | None = None,
                   revision: int | None = None, *, figures: bool = False,
                   history: bool = True) -> dict[str, Any]:
    """Everything the human-readable views show, computed once.

    With ``revision``, the views show that signed revision instead of the current record;
    ``figures`` adds the report's charts (PNG data URIs); ``history`` the list of changes.
    """
    record = record_at(store, aid, revision)
    content = store.content
    open_questions = set(divergences(record, content))
    answering = signing_parties(record)  # donors' columns only where they answered
    steps = []
    for step in content.assessment.steps:
        questions = []
        for q in step.questions:
            ans = record.answers.get(q.id)
            given = ans.parties if ans else {}
            questions.append({
                "id": q.id, "text": q.text,
                "answers": [(p.organisation, given.get(pid, ""))
                            for pid, p in record.parties.items()
                            if pid in answering or pid in given],
                "agreed": ans.agreed if ans else "",
                "status": ans.status if ans else "not_started",
                "diverges": q.id in open_questions,
            })
        steps.append({"id": step.id, "number": step.number, "title": step.title,
                      "questions": questions})
    actions = action_rows(record, content, today)
    sections = progress(record, content)
    return {
        "record": record,
        "content": content,
        "status": store.status(aid, today) if revision is None else "signed",
        "revision": revision,
        "progress": sections,
        "steps": steps,
        "actions": actions,
        "open_items": open_items(record, sections, sorted(open_questions), actions),
        "figures": report_figures(record, content, actions) if figures else {},
        "principles": [(p, record.principles.get(p.id)) for p in content.principles],
        "categories": {c.id: c.title for c in content.pim_matrix.categories},
        "register": [(e, evidence_lines(record.datasets[e.id]))
                     for e in register_entries(record, content)],
        "retired": retired_answers(record, content),
        "open_questions": sorted(open_questions),
        "history": store.history(aid) if history else [],
        "revisions": store.revisions(aid),
        "label": label,
    }


def open_items(record: Record, sections: dict[str, tuple[int, int]],
               open_questions: list[str], actions: list[dict[str, str]]) -> list[str]:
    """What still needs doing, in words: the report's closing list."""
    items = [f"{name}: {done} of {total} done" for name, (done, total) in sections.items()
             if done < total]
    items += [f"{qid}: answers differ or are missing" for qid in open_questions]
    items += [f"{a['id']}: overdue since {a['due']} ({a['owner'] or 'no owner'})"
              for a in actions if a["overdue"]]
    if record.decision.outcome is None:
        items.append("No decision on the data sharing yet")
    return items


def report_figures(record: Record, content: Content,
                   actions: list[dict[str, str]]) -> dict[str, str]:
    """The report's charts as PNG data URIs (matplotlib is imported only here)."""
    import base64

    from pim_workbook.outputs import plots

    figures = {
        "progress": plots.progress_figure(record, content),
        "ecosystem": plots.ecosystem_figure(record, content),
        "sensitivity": plots.sensitivity_figure(record, content),
        "actions": plots.actions_figure(actions),
    }
    return {name: "data:image/png;base64," + base64.b64encode(plots.png(fig)).decode()
            for name, fig in figures.items()}


def _environment(autoescape: bool) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pim_workbook.outputs", "templates"),
        autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md"] = markdown_escape
    env.filters["label"] = label
    return env


def to_html(store: WorkbookStore, aid: str, today: dt.date | None = None, **options: Any) -> str:
    """The record as one self-contained HTML page (all user text escaped).

    ``options`` go to :func:`report_context` (``revision``, ``figures``, ``history``).
    """
    return _environment(True).get_template("record.html.j2").render(
        **report_context(store, aid, today, **options))


def report_fragment(store: WorkbookStore, aid: str, today: dt.date | None = None,
                    **options: Any) -> str:
    """The record's HTML without the page around it (its style included), for notebooks."""
    env = _environment(True)
    context = report_context(store, aid, today, **options)
    return (env.get_template("record_style.html.j2").render(**context)
            + env.get_template("record_body.html.j2").render(**context))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#])")


def markdown_escape(text: object) -> str:
    """Escape Markdown and HTML syntax so user text renders as typed, on one line."""
    escaped = _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return escaped.replace("\r", "").replace("\n", "<br>")


def to_markdown(store: WorkbookStore, aid: str, today: dt.date | None = None) -> str:
    return _environment(False).get_template("record.md.j2").render(
        **report_context(store, aid, today))


# -- writing files -------------------------------------------------------------------------
FORMATS = {"json": ".json", "html": ".html", "md": ".md", "csv": "-actions.csv"}


def export(store: WorkbookStore, aid: str, fmt: str, out_dir: str | os.PathLike[str] | None = None,
           today: dt.date | None = None) -> Path:
    """Write one view of an assessment to ``out_dir`` (default ``exports/``)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (one of: {', '.join(FORMATS)})")
    record = store.get(aid)
    if fmt == "json":
        text = to_json(store, aid)
    elif fmt == "html":
        text = to_html(store, aid, today)
    elif fmt == "md":
        text = to_markdown(store, aid, today)
    else:
        text = actions_csv(record, store.content, today)
    target = output_path(out_dir or default_exports_dir(), export_name(record, FORMATS[fmt]))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
