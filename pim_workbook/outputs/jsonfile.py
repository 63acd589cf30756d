"""The JSON file of one assessment, with its published JSON Schema: the record, its
history as a hash chain, its signed revisions, and the seals that make them tamper-evident
with the public keys that made them. Importing it into an empty store and exporting again
gives the same bytes; an import is refused whole, naming the file and the field, when any
part breaks the record's rules, and naming what failed when its chain or a seal does not
verify (unless taken ``unverified``, which the store then says).
"""

from __future__ import annotations

import dataclasses
import json
import re
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pim_workbook.errors import ImportRefused
from pim_workbook.record.hashing import canonical_json, record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.paths import flatten
from pim_workbook.store.chain import GENESIS
from pim_workbook.store.core import Store
from pim_workbook.store.integrity import check
from pim_workbook.store.protocol import WorkbookStore
from pim_workbook.store.rows import Change, Revision, Seal
from pim_workbook.store.seals import fingerprint

FORMAT = "pim-workbook-assessment"
FORMAT_VERSION = 2  # 2: history chained, revisions and history sealed; 1 had neither
SCHEMA_PATH = Path(__file__).with_name("schema") / "assessment-export.schema.json"
# An export nests about ten levels deep; a deeper file is refused before it is validated.
MAX_DEPTH = 32


HASH_PATTERN = r"^([0-9a-f]{64})?$"  # a SHA-256 in hex, or empty: the head of no history
FINGERPRINT_PATTERN = r"^[0-9a-f]{4}( [0-9a-f]{4}){3}$"


class RevisionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int
    created_at: str
    record_hash: str
    record: Record


class SealEntry(BaseModel):
    """A store's Ed25519 signature over a point of the history."""

    model_config = ConfigDict(extra="forbid")
    revision: int | None = Field(description=(
        "the signed revision sealed when it was frozen; null: the history, sealed when "
        "exported"))
    head: str = Field(pattern=HASH_PATTERN, description=(
        "the chain hash of the last history entry the seal covers"))
    key: str = Field(pattern=FINGERPRINT_PATTERN,
                     description="the fingerprint of the key that sealed it (see keys)")
    signature: str = Field(pattern=r"^[A-Za-z0-9+/]{86}==$", description="base64")


class KeyEntry(BaseModel):
    """The public key of a store that sealed something in the file."""

    model_config = ConfigDict(extra="forbid")
    fingerprint: str = Field(pattern=FINGERPRINT_PATTERN, description=(
        "the first 16 hex digits of the SHA-256 of the raw public key, by fours"))
    public_key: str = Field(pattern=r"^[A-Za-z0-9+/]{43}=$",
                            description="the raw 32-byte Ed25519 public key, base64")


DESCRIPTION = (
    "The JSON export of one assessment: the record, its history and its signed revisions, "
    "with the seals that make them tamper-evident. Each history entry's `hash` is the SHA-256 "
    "(hex) of the JSON array [previous entry's hash (\"\" for the first), assessment id, at, "
    "actor, party, path, old, new, via], serialised with sorted keys, no spaces and non-ASCII "
    "escaped as \\uXXXX; the record must be what its history makes it. A store seals each "
    "revision when it is frozen, with an Ed25519 signature over [\"pim-workbook revision "
    "seal\", assessment id, revision number, record hash, hash of the history's last entry "
    "then], and the history when it exports it, over [\"pim-workbook history seal\", "
    "assessment id, hash of the last entry] (serialised the same way). `keys` holds the "
    "public key of every store whose seal is in the file, with its fingerprint (the first 16 "
    "hex digits of the SHA-256 of the raw key). What is verified: that the record, its "
    "history and its revisions were not changed since a store holding that key sealed them. "
    "What is not: which organisation holds the key (compare the fingerprint with the one "
    "that store shows, then trust it), who typed each change, or anything done before it was "
    "sealed. A seal is not a legal electronic signature."
)


class ExportDocument(BaseModel):
    """The JSON export of one assessment (:data:`DESCRIPTION` says what is verified)."""

    model_config = ConfigDict(extra="forbid", title="PIM Data-Sharing Workbook assessment",
                              json_schema_extra={"description": DESCRIPTION})
    format: Literal["pim-workbook-assessment"]
    format_version: Literal[1, 2]
    record: Record
    history: list[Change]
    revisions: list[RevisionEntry]
    seals: list[SealEntry] = []
    keys: list[KeyEntry] = []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of an export file (shipped as ``schema/assessment-export.schema.json``)."""
    schema = ExportDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- JSON ----------------------------------------------------------------------------------
def _sealing(store: WorkbookStore) -> AbstractContextManager[Store]:
    """The store that seals an export: ``store`` itself, or for a link's view of one (which
    holds no key) the store file it guards, sealing what the link may read."""
    if isinstance(store, Store):
        return nullcontext(store)
    return Store(store.path, content=store.content)


def to_document(store: WorkbookStore, aid: str) -> dict[str, Any]:
    record = store.get(aid)
    history = store.history(aid)
    revisions = store.revisions(aid)
    with _sealing(store) as own:
        seals = own.export_seals(aid, history[-1].hash if history else GENESIS)
    keys = {seal.public_key: fingerprint(seal.public_key) for seal in seals}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "record": record.model_dump(mode="json"),
        "history": [dataclasses.asdict(c) for c in history],
        "revisions": [dataclasses.asdict(r) for r in revisions],
        "seals": [{"revision": s.revision, "head": s.head, "key": keys[s.public_key],
                   "signature": s.signature} for s in seals],
        "keys": [{"fingerprint": fp, "public_key": key} for key, fp in keys.items()],
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


def _seals(doc: ExportDocument) -> tuple[list[Seal], list[str]]:
    """The file's seals with the keys they name, and what is wrong with its keys."""
    problems, keys = [], {}
    for entry in doc.keys:
        if fingerprint(entry.public_key) != entry.fingerprint:
            problems.append(f"the key listed as {entry.fingerprint} has another fingerprint")
        else:
            keys[entry.fingerprint] = entry.public_key
    seals = []
    for seal in doc.seals:
        if seal.key in keys:
            seals.append(Seal(seal.revision, seal.head, keys[seal.key], seal.signature))
        else:
            problems.append(f"a seal names the key {seal.key}, which the file does not carry")
    return seals, problems


def _summary(problems: list[str]) -> str:
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def import_json(store: Store, text: str | bytes, *, actor: str, source: str = "",
                replace: bool = False, unverified: bool = False) -> str:
    """Validate an export, verify its history chain and seals, and load it into the store;
    returns the assessment id.

    ``text`` may be the file's bytes, so a file that is not UTF-8 is refused by name. A
    refused file changes nothing; ``replace`` overwrites an assessment with the same id. A
    file whose chain or seals do not verify is refused, unless ``unverified``: then it is
    loaded and the store keeps why it was not verified. Seals by a store this one does not
    know verify all the same; the store reports them (:meth:`Store.verify`).
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
    revisions = [Revision(r.number, r.created_at, r.record_hash, r.record.model_dump(mode="json"))
                 for r in doc.revisions]
    seals, problems = _seals(doc)
    problems += check(record, doc.history, revisions, seals, sealed_head=True)
    if doc.format_version == 1:
        problems = ["an export from before records were sealed (format_version 1): nothing in "
                    "it can be verified"]
    if problems and not unverified:
        raise ImportRefused(f"{name}: {_summary(problems)}; nothing was imported "
                            "(--unverified takes it as it is, marked as not verified)")
    store.load_raw(
        {"id": record.id, "content_version": record.content_version,
         "created_at": record.created_at},
        flatten(record), doc.history, revisions, actor=actor, source=source,
        replace=replace, seals=seals, unverified=_summary(problems) if problems else None,
    )
    return record.id
