"""The JSON file of one assessment, with its published JSON Schema: the record, its
history and its signed revisions. Importing it into an empty store and exporting again
gives the same bytes; an import is refused whole, naming the file and the field, when any
part breaks the record's rules.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from pim_workbook.errors import ImportRefused
from pim_workbook.record.hashing import canonical_json, record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.paths import flatten
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


