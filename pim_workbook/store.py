"""The durable store: one SQLite file holding every assessment, its history and revisions.

Each change is one short ``BEGIN IMMEDIATE`` transaction: the unit is validated
against the record rules, written (UPSERT), and appended to the history, so it is
on disk (WAL, ``synchronous=FULL``) when the call returns.

Concurrent writers: different units never interfere. Two writers on the *same*
unit: the last one wins and both changes stay in the history. A caller that wants
to be told instead passes ``expected_version`` (from :meth:`Store.unit`) and gets a
:class:`ConflictError` when someone else changed the unit first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import sqlite3
import string
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

from .content import Content, load_content
from .errors import ConflictError, StoreError, TextTooLongError
from .record import (
    ASSESSMENT_ID,
    GUARDED_ROOTS,
    ITEM_PREFIX,
    Record,
    RecordError,
    assemble,
    canonical_json,
    check_references,
    progress,
    record_hash,
    signing_parties,
    split_path,
    status,
    validate_unit,
)

DB_ENV = "PIM_WORKBOOK_DB"
SCHEMA_VERSION = 4
_ID_PATTERN = re.compile(ASSESSMENT_ID)
_ID_ALPHABET = "".join(c for c in string.ascii_lowercase + string.digits if c not in "01lo")

# Each entry brings a store from version i to i + 1.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE assessments (
        id TEXT PRIMARY KEY,
        content_version TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE units (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (assessment_id, path)
    );
    CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        party TEXT,
        path TEXT NOT NULL,
        old TEXT,
        new TEXT
    );
    CREATE INDEX history_assessment ON history(assessment_id, id);
    CREATE TABLE revisions (
        assessment_id TEXT NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        record_hash TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        PRIMARY KEY (assessment_id, number)
    );
    """,
    """
    ALTER TABLE history ADD COLUMN via TEXT NOT NULL DEFAULT '';
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        assessment_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE invites (
        id TEXT PRIMARY KEY,
        assessment_id TEXT REFERENCES assessments(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        party TEXT,
        salt TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_on TEXT,
        last_used_at TEXT,
        revoked_at TEXT
    );
    CREATE INDEX invites_assessment ON invites(assessment_id);
    """,
    """
    CREATE TABLE trainings (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
    );
    CREATE TABLE trainees (
        id TEXT PRIMARY KEY,
        training_id TEXT NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
        pseudonym TEXT NOT NULL DEFAULT '',
        joined_at TEXT NOT NULL
    );
    CREATE TABLE training_answers (
        trainee_id TEXT NOT NULL REFERENCES trainees(id) ON DELETE CASCADE,
        exercise_id TEXT NOT NULL,
        chosen TEXT NOT NULL,
        correct INTEGER NOT NULL,
        credit REAL NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (trainee_id, exercise_id)
    );
    ALTER TABLE invites ADD COLUMN training_id TEXT REFERENCES trainings(id) ON DELETE CASCADE;
    """,
]
INVITE_COLUMNS = ("id", "assessment_id", "role", "party", "salt", "secret_hash", "created_at",
                  "created_by", "expires_on", "last_used_at", "revoked_at", "training_id")


TEXT_LIMIT = 20_000  # characters: pages more than long enough, and reports that stay printable


def check_text_lengths(value: Any, noun: str = "a text") -> None:
    """Refuse a value holding a string (at any depth) longer than :data:`TEXT_LIMIT`."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > TEXT_LIMIT:
                raise TextTooLongError(
                    f"{noun} is limited to {TEXT_LIMIT:,} characters (this one has "
                    f"{len(item):,}); shorten it — nothing was saved")
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Change:
    """One entry of an assessment's history (also the shape of history in the JSON export)."""

    at: str
    actor: str
    party: str | None
    path: str
    old: Any
    new: Any
    via: str


@dataclass(frozen=True)
class Revision:
    """A frozen, signed snapshot of the record."""

    number: int
    created_at: str
    record_hash: str
    record: dict[str, Any]


@dataclass(frozen=True)
class Summary:
    """What lists and filters show of an assessment."""

    id: str
    title: str
    status: str
    parties: list[str]
    created_at: str
    revision: int
    next_review: str | None
    done: int = 0  # progress: items done of all the workbook's items
    total: int = 0


class WorkbookStore(Protocol):
    """What pages and services need of a store. :class:`Store` provides it, and so does
    :class:`~pim_workbook.access.GuardedStore`, the store as one link sees it (which checks
    the link on every call): code typed against this works with either."""

    content: Content
    path: Path

    def exists(self, aid: str) -> bool: ...
    def ids(self) -> list[str]: ...
    def get(self, aid: str) -> Record: ...
    def summary(self, aid: str, today: dt.date | None = None) -> Summary: ...
    def summaries(self, today: dt.date | None = None) -> list[Summary]: ...
    def status(self, aid: str, today: dt.date | None = None) -> str: ...
    def unit(self, aid: str, path: str) -> tuple[Any, int]: ...
    def revisions(self, aid: str) -> list[Revision]: ...
    def last_change(self, aid: str) -> int: ...
    def history(self, aid: str) -> list[Change]: ...
    def set(self, aid: str, path: str, value: Any, *, actor: str, party: str | None = None,
            expected_version: int | None = None, via: str = "") -> Any: ...
    def update(self, aid: str, path: str, changes: dict[str, Any], *, actor: str,
               party: str | None = None, via: str = "") -> Any: ...
    def add(self, aid: str, collection: str, value: dict[str, Any], *, actor: str,
            party: str | None = None, via: str = "") -> str: ...
    def remove(self, aid: str, path: str, *, actor: str, party: str | None = None,
               via: str = "") -> None: ...
    def set_action(self, aid: str, action_id: str, *, actor: str, via: str = "",
                   party: str | None = None, **fields: Any) -> None: ...
    def answer(self, aid: str, question_id: str, party: str, text: str, *, actor: str,
               expected_version: int | None = None, via: str = "") -> None: ...
    def agree(self, aid: str, question_id: str, text: str, *, actor: str,
              status: str = "agreed", via: str = "") -> None: ...
    def agree_trust(self, aid: str, party: str, agreed_by: str, *, actor: str,
                    on: dt.date | str | None = None, via: str = "") -> None: ...
    def sign(self, aid: str, party: str, signatory: str, *, actor: str,
             via: str = "") -> int | None: ...
    def create(self, title: str, *, actor: str, aid: str | None = None,
               via: str = "") -> str: ...
    def add_party(self, aid: str, organisation: str, role: str, *, actor: str,
                  contacts: list[dict[str, str]] | None = None, via: str = "") -> str: ...
    def update_party(self, aid: str, pid: str, changes: dict[str, Any], *, actor: str,
                     via: str = "") -> None: ...
    def archive(self, aid: str, *, actor: str, archived: bool = True,
                via: str = "") -> None: ...
    def setting(self, key: str, default: str | None = None) -> str | None: ...
    def set_setting(self, key: str, value: str) -> None: ...
    def invites(self, aid: str | None = None) -> list[dict[str, Any]]: ...
    def add_invite(self, row: dict[str, Any]) -> None: ...
    def revoke_invite(self, iid: str) -> None: ...
    def trainings(self) -> list[dict[str, Any]]: ...
    def training(self, tid: str) -> dict[str, Any] | None: ...
    def trainee(self, trainee_id: str) -> dict[str, Any] | None: ...
    def trainees(self, training_id: str) -> list[dict[str, Any]]: ...
    def add_trainee(self, training_id: str, trainee_id: str, pseudonym: str) -> None: ...
    def add_training(self, tid: str, title: str, *, actor: str) -> None: ...
    def training_answers(self, training_id: str, trainee_id: str | None = None
                         ) -> list[dict[str, Any]]: ...
    def put_training_answer(self, trainee_id: str, exercise_id: str, chosen: list[str],
                            correct: bool, credit: float) -> bool: ...
    def purge_training(self, training_id: str) -> int: ...


def now() -> str:
    """UTC time stamp with milliseconds, as stored in history and sign-offs."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_db_path() -> Path:
    """``$PIM_WORKBOOK_DB``, else ``workbook.sqlite`` in the user's data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_path

    return user_data_path("pim-workbook") / "workbook.sqlite"


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    """All assessments of one workbook, in one SQLite file."""

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 content: Content | None = None) -> None:
        self.path = Path(path).expanduser().resolve() if path else default_db_path()
        self.content = content or load_content()
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a folder: give the store file (e.g. "
                             f"{self.path / 'workbook.sqlite'})")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                       check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA secure_delete = ON")  # a purge leaves no readable remains
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:  # another kind of file, or not readable
            raise StoreError(f"{self.path}: not a workbook store that can be opened ({exc})") \
                from None
        if mode != "wal":
            raise StoreError(f"{self.path}: cannot use WAL mode here (got {mode!r})")
        self._db.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self._write():
            current = self.schema_version
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer pim-workbook "
                    f"(store schema {current}, this one knows {SCHEMA_VERSION})"
                )
            for version in range(current, SCHEMA_VERSION):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- assessments -------------------------------------------------------------------
    def create(self, title: str, *, actor: str, aid: str | None = None, via: str = "") -> str:
        """Start a new assessment; returns its short stable id (random unless given)."""
        clean = validate_unit("title", title)
        if aid is not None and not _ID_PATTERN.match(aid):
            raise RecordError(f"invalid assessment id {aid!r}: use 3-32 of a-z, 0-9 and '-'")
        with self._write() as db:
            if aid is not None and self.exists(aid):
                raise StoreError(f"an assessment with id {aid!r} already exists")
            while aid is None:
                candidate = "".join(secrets.choice(_ID_ALPHABET) for _ in range(6))
                if not self.exists(candidate):
                    aid = candidate
            db.execute("INSERT INTO assessments VALUES (?,?,?)",
                       (aid, self.content.version, now()))
            self._put(aid, "title", clean, actor=actor, party=None, via=via)
        return aid

    def exists(self, aid: str) -> bool:
        return bool(self._db.execute("SELECT 1 FROM assessments WHERE id=?", (aid,)).fetchone())

    def ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM assessments ORDER BY created_at")]

    def _header(self, aid: str) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT id, content_version, created_at FROM assessments WHERE id=?", (aid,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no assessment with id {aid!r} (see `pim-workbook list`)")
        return {"id": row[0], "content_version": row[1], "created_at": row[2]}

    def get(self, aid: str) -> Record:
        """The current record of an assessment."""
        header = self._header(aid)
        rows = self._db.execute(
            "SELECT path, value FROM units WHERE assessment_id=? ORDER BY seq", (aid,)
        )
        return assemble(header, [(p, json.loads(v)) for p, v in rows])

    def summary(self, aid: str, today: dt.date | None = None) -> Summary:
        record = self.get(aid)
        revs = self.revisions(aid)
        frozen = revs[-1].record_hash if revs else None
        sections = progress(record, self.content).values()
        return Summary(
            id=aid, title=record.title, status=status(record, frozen, today),
            parties=[p.organisation for p in record.parties.values()],
            created_at=record.created_at, revision=len(revs),
            next_review=(record.arrangement.next_review.isoformat()
                         if record.arrangement.next_review else None),
            done=sum(d for d, _ in sections), total=sum(t for _, t in sections),
        )

    def summaries(self, today: dt.date | None = None) -> list[Summary]:
        return [self.summary(aid, today) for aid in self.ids()]

    def status(self, aid: str, today: dt.date | None = None) -> str:
        revs = self.revisions(aid)
        return status(self.get(aid), revs[-1].record_hash if revs else None, today)

    # -- units -------------------------------------------------------------------------
    def unit(self, aid: str, path: str) -> tuple[Any, int]:
        """The stored value of a unit and its version (``(None, 0)`` if never set)."""
        row = self._db.execute(
            "SELECT value, version FROM units WHERE assessment_id=? AND path=?", (aid, path)
        ).fetchone()
        return (json.loads(row[0]), row[1]) if row else (None, 0)

    def set(self, aid: str, path: str, value: Any, *, actor: str, party: str | None = None,
            expected_version: int | None = None, via: str = "") -> Any:
        """Validate and store one unit; returns the value as stored."""
        parts = split_path(path)
        if parts[0] in GUARDED_ROOTS:
            raise RecordError(f"{path}: use the dedicated operation for {parts[0]}")
        clean = validate_unit(path, value)
        with self._write():
            self._check(aid, path, clean)
            self._put(aid, path, clean, actor=actor, party=party or _party_of(path),
                      expected_version=expected_version, via=via)
        return clean

    def update(self, aid: str, path: str, changes: dict[str, Any], *, actor: str,
               party: str | None = None, via: str = "") -> Any:
        """Change some fields of a collection item, keeping the others."""
        with self._write():
            current, _ = self.unit(aid, path)
            if current is None:
                raise StoreError(f"{path}: no such item in assessment {aid}")
            merged = validate_unit(path, {**current, **changes})
            self._check(aid, path, merged)
            self._put(aid, path, merged, actor=actor, party=party, via=via)
        return merged

    def add(self, aid: str, collection: str, value: dict[str, Any], *, actor: str,
            party: str | None = None, via: str = "") -> str:
        """Add an item to a collection (``data_items``, ``incidents``, ...); returns its id."""
        prefix = ITEM_PREFIX.get(collection)
        if prefix is None:
            raise RecordError(f"unknown collection {collection!r} "
                              f"(one of: {', '.join(ITEM_PREFIX)})")
        with self._write() as db:
            taken = {p for (p,) in db.execute(
                "SELECT path FROM units WHERE assessment_id=? AND path LIKE ?",
                (aid, f"{collection}/%"))}
            n = 1
            while f"{collection}/{prefix}{n}" in taken:
                n += 1
            path = f"{collection}/{prefix}{n}"
            clean = validate_unit(path, value)
            self._check(aid, path, clean)
            self._put(aid, path, clean, actor=actor, party=party, via=via)
        return f"{prefix}{n}"

    def remove(self, aid: str, path: str, *, actor: str, party: str | None = None,
               via: str = "") -> None:
        """Remove a collection item (or reset a value to its default)."""
        split_path(path)
        if path.split("/")[0] in GUARDED_ROOTS or path == "title":
            raise RecordError(f"{path}: cannot be removed this way")
        with self._write():
            self._put(aid, path, None, actor=actor, party=party or _party_of(path), via=via)

    def _check(self, aid: str, path: str, value: Any) -> None:
        """The record rules on references, reading the record only when they need it."""
        check_references(path, value, lambda: self.get(aid), self.content,
                         party_ids=lambda: self._party_ids(aid))

    def _party_ids(self, aid: str) -> list[str]:
        self._header(aid)
        return [p.split("/", 1)[1] for (p,) in self._db.execute(
            "SELECT path FROM units WHERE assessment_id=? AND path LIKE 'parties/%' ORDER BY seq",
            (aid,))]

    def _put(self, aid: str, path: str, value: Any, *, actor: str, party: str | None,
             expected_version: int | None = None, via: str = "") -> None:
        """Write one unit and its history row; the caller holds the transaction."""
        if not actor or not actor.strip():
            raise RecordError("every change needs the name of who makes it (actor)")
        check_text_lengths(value, "an answer" if path.startswith("answers/") else "a text")
        check_text_lengths(actor, "a name")
        self._header(aid)
        old, version = self.unit(aid, path)
        if expected_version is not None and expected_version != version:
            raise ConflictError(
                f"{path} was changed by someone else meanwhile (now {old!r}); "
                "reload and try again"
            )
        if old == value and version:
            return
        if value is None:
            if not version:
                return
            self._db.execute("DELETE FROM units WHERE assessment_id=? AND path=?", (aid, path))
        else:
            self._db.execute(
                "INSERT INTO units (assessment_id, path, value) VALUES (?,?,?) "
                "ON CONFLICT (assessment_id, path) DO UPDATE "
                "SET value=excluded.value, version=version+1",
                (aid, path, _dumps(value)),
            )
        self._db.execute(
            "INSERT INTO history (assessment_id, at, actor, party, path, old, new, via) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (aid, now(), actor.strip(), party, path,
             None if old is None else _dumps(old), None if value is None else _dumps(value),
             via),
        )

    # -- typed helpers used by the notebooks and the CLI ---------------------------------
    def add_party(self, aid: str, organisation: str, role: str, *, actor: str,
                  contacts: list[dict[str, str]] | None = None, via: str = "") -> str:
        """Add a party; parties get the letters A, B, C, ... in order."""
        with self._write():
            record = self.get(aid)
            letters = [c for c in string.ascii_uppercase if c not in record.parties]
            if not letters:
                raise RecordError("an assessment has at most 26 parties")
            pid = letters[0]
            value = validate_unit(f"parties/{pid}", {
                "organisation": organisation, "role": role, "contacts": contacts or []})
            self._put(aid, f"parties/{pid}", value, actor=actor, party=pid, via=via)
        return pid

    def update_party(self, aid: str, pid: str, changes: dict[str, Any], *, actor: str,
                     via: str = "") -> None:
        with self._write():
            current, _ = self.unit(aid, f"parties/{pid}")
            if current is None:
                raise RecordError(f"unknown party {pid!r}")
            value = validate_unit(f"parties/{pid}", {**current, **changes})
            self._put(aid, f"parties/{pid}", value, actor=actor, party=pid, via=via)

    def answer(self, aid: str, question_id: str, party: str, text: str, *, actor: str,
               expected_version: int | None = None, via: str = "") -> None:
        """One party's answer to a question; moves the question to 'discussing'."""
        self.set(aid, f"answers/{question_id}/parties/{party}", text, actor=actor,
                 party=party, expected_version=expected_version, via=via)
        current, _ = self.unit(aid, f"answers/{question_id}/status")
        if current in (None, "not_started") and text.strip():
            self.set(aid, f"answers/{question_id}/status", "discussing", actor=actor,
                     party=party, via=via)

    def agree(self, aid: str, question_id: str, text: str, *, actor: str,
              status: str = "agreed", via: str = "") -> None:
        """The joint answer to a question, and its status."""
        self.set(aid, f"answers/{question_id}/agreed", text, actor=actor, via=via)
        self.set(aid, f"answers/{question_id}/status", status, actor=actor, via=via)

    def set_action(self, aid: str, action_id: str, *, actor: str, via: str = "",
                   party: str | None = None, **fields: Any) -> None:
        """Status, owner, due date or note of a framework action."""
        path = f"actions/{action_id}"
        with self._write():
            current, _ = self.unit(aid, path)
            value = validate_unit(path, {**(current or {}), **fields})
            self._check(aid, path, value)
            self._put(aid, path, value, actor=actor, party=party, via=via)

    def agree_trust(self, aid: str, party: str, agreed_by: str, *, actor: str,
                    on: dt.date | str | None = None, via: str = "") -> None:
        self.set(aid, f"trust/{party}",
                 {"agreed_by": agreed_by, "agreed_on": on or dt.date.today()},
                 actor=actor, party=party, via=via)

    # -- sign-off and revisions --------------------------------------------------------
    def sign(self, aid: str, party: str, signatory: str, *, actor: str,
             via: str = "") -> int | None:
        """A party's signatory confirms the record as it is now.

        When the last signing party signs the same content, the record is frozen as
        the next numbered revision, whose number is returned.
        """
        with self._write() as db:
            record = self.get(aid)
            revs = self.revisions(aid)
            number = len(revs) + 1
            current = record_hash(record)
            if revs and revs[-1].record_hash == current:
                raise StoreError(f"revision {revs[-1].number} is already signed; "
                                 "nothing has changed since")
            path = f"signoffs/{party}"
            value = validate_unit(path, {"signatory": signatory, "signed_at": now(),
                                         "revision": number, "record_hash": current})
            check_references(path, value, lambda: record, self.content)
            self._put(aid, path, value, actor=actor, party=party, via=via)
            record = self.get(aid)
            signers = signing_parties(record)
            if len(signers) < 2:
                return None
            if all(pid in record.signoffs and record.signoffs[pid].record_hash == current
                   for pid in signers):
                snapshot = canonical_json(record.model_dump(mode="json"))
                db.execute("INSERT INTO revisions VALUES (?,?,?,?,?)",
                           (aid, number, now(), current, snapshot))
                return number
        return None

    def revisions(self, aid: str) -> list[Revision]:
        rows = self._db.execute(
            "SELECT number, created_at, record_hash, snapshot FROM revisions "
            "WHERE assessment_id=? ORDER BY number", (aid,))
        return [Revision(n, c, h, json.loads(s)) for n, c, h, s in rows]

    def last_change(self, aid: str) -> int:
        """A number that grows with every change to the assessment (cheap to poll)."""
        row = self._db.execute("SELECT max(id) FROM history WHERE assessment_id=?",
                               (aid,)).fetchone()
        return row[0] or 0

    def history(self, aid: str) -> list[Change]:
        self._header(aid)
        rows = self._db.execute(
            "SELECT at, actor, party, path, old, new, via FROM history "
            "WHERE assessment_id=? ORDER BY id", (aid,))
        return [Change(at, actor, party, path, _loads(old), _loads(new), via)
                for at, actor, party, path, old, new, via in rows]

    # -- lifecycle ---------------------------------------------------------------------
    def archive(self, aid: str, *, actor: str, archived: bool = True, via: str = "") -> None:
        with self._write():
            self._put(aid, "archived", archived, actor=actor, party=None, via=via)

    def delete(self, aid: str, *, confirm: str) -> None:
        """Delete an assessment with its history and revisions; ``confirm`` must be its id."""
        if confirm != aid:
            raise StoreError(f"to delete {aid}, confirm with its id")
        with self._write():
            self._header(aid)
            self._delete(aid)
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _delete(self, aid: str) -> None:
        self._db.execute("DELETE FROM assessments WHERE id=?", (aid,))
        self._db.execute("DELETE FROM imports WHERE assessment_id=?", (aid,))

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole store, taken while it is in use."""
        target = Path(dest).expanduser().resolve()
        if target == self.path:
            raise StoreError("the backup must go to another file than the store")
        if target.is_dir():
            raise StoreError(f"{target} is a folder: give the backup's file name")
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(target) as out:
            self._db.backup(out)
        out.close()
        return target

    # -- settings and raw import -------------------------------------------------------
    # -- partner links (the rules are in access.py) --------------------------------------
    def add_invite(self, row: dict[str, Any]) -> None:
        """Store a link's hashed secret and what it grants (never the secret itself)."""
        if row.get("assessment_id"):
            self._header(row["assessment_id"])
        with self._write() as db:
            db.execute(f"INSERT INTO invites ({', '.join(row)}) VALUES "
                       f"({', '.join('?' * len(row))})", tuple(row.values()))

    def invite(self, iid: str) -> dict[str, Any] | None:
        row = self._db.execute(f"SELECT {', '.join(INVITE_COLUMNS)} FROM invites WHERE id=?",
                               (iid,)).fetchone()
        return dict(zip(INVITE_COLUMNS, row, strict=True)) if row else None

    def invites(self, aid: str | None = None) -> list[dict[str, Any]]:
        """The links of one assessment (or all links), oldest first."""
        where, args = ("WHERE assessment_id=?", (aid,)) if aid else ("", ())
        rows = self._db.execute(f"SELECT {', '.join(INVITE_COLUMNS)} FROM invites {where} "
                                "ORDER BY created_at, id", args)
        return [dict(zip(INVITE_COLUMNS, row, strict=True)) for row in rows]

    def touch_invite(self, iid: str) -> None:
        with self._write() as db:
            db.execute("UPDATE invites SET last_used_at=? WHERE id=?", (now(), iid))

    def revoke_invite(self, iid: str) -> None:
        with self._write() as db:
            changed = db.execute("UPDATE invites SET revoked_at=? WHERE id=? AND revoked_at "
                                 "IS NULL", (now(), iid)).rowcount
            if not changed and self.invite(iid) is None:
                raise StoreError(f"no link with id {iid!r} (pim-workbook invites ID lists them)")

    # -- training sessions (the rules are in training.py) ---------------------------------
    def add_training(self, tid: str, title: str, *, actor: str) -> None:
        check_text_lengths(title, "a title")
        check_text_lengths(actor, "a name")
        with self._write() as db:
            db.execute("INSERT INTO trainings VALUES (?,?,?,?)", (tid, title, now(), actor))

    def trainings(self) -> list[dict[str, Any]]:
        """Training sessions, newest first, with how many trainees joined."""
        rows = self._db.execute(
            "SELECT t.id, t.title, t.created_at, t.created_by, count(p.id) FROM trainings t "
            "LEFT JOIN trainees p ON p.training_id = t.id GROUP BY t.id "
            "ORDER BY t.created_at DESC, t.id")
        keys = ("id", "title", "created_at", "created_by", "trainees")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def training(self, tid: str) -> dict[str, Any] | None:
        return next((t for t in self.trainings() if t["id"] == tid), None)

    def trainee(self, trainee_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT id, training_id, pseudonym, joined_at FROM trainees "
                               "WHERE id=?", (trainee_id,)).fetchone()
        keys = ("id", "training_id", "pseudonym", "joined_at")
        return dict(zip(keys, row, strict=True)) if row else None

    def add_trainee(self, training_id: str, trainee_id: str, pseudonym: str) -> None:
        with self._write() as db:
            if db.execute("SELECT 1 FROM trainings WHERE id=?", (training_id,)).fetchone() \
                    is None:
                raise StoreError(f"no training session with id {training_id!r}")
            db.execute("INSERT INTO trainees VALUES (?,?,?,?)",
                       (trainee_id, training_id, pseudonym, now()))

    def trainees(self, training_id: str) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT id, pseudonym, joined_at FROM trainees WHERE "
                                "training_id=? ORDER BY joined_at, id", (training_id,))
        return [dict(zip(("id", "pseudonym", "joined_at"), row, strict=True)) for row in rows]

    def put_training_answer(self, trainee_id: str, exercise_id: str, chosen: list[str],
                            correct: bool, credit: float) -> bool:
        """Keep a trainee's first answer to an exercise; False if one was already kept."""
        with self._write() as db:
            return db.execute(
                "INSERT OR IGNORE INTO training_answers VALUES (?,?,?,?,?,?)",
                (trainee_id, exercise_id, json.dumps(chosen), int(correct), credit,
                 now())).rowcount == 1

    def training_answers(self, training_id: str, trainee_id: str | None = None
                         ) -> list[dict[str, Any]]:
        """The kept answers of a session (or of one of its trainees), oldest first."""
        rows = self._db.execute(
            "SELECT a.trainee_id, a.exercise_id, a.chosen, a.correct, a.credit, a.at "
            "FROM training_answers a JOIN trainees p ON p.id = a.trainee_id "
            "WHERE p.training_id=? AND (? IS NULL OR a.trainee_id=?) ORDER BY a.at",
            (training_id, trainee_id, trainee_id))
        keys = ("trainee_id", "exercise_id", "chosen", "correct", "credit", "at")
        return [{**dict(zip(keys, row, strict=True)), "chosen": json.loads(row[2]),
                 "correct": bool(row[3])} for row in rows]

    def purge_training(self, training_id: str) -> int:
        """Delete the trainees (their pseudonyms) and answers of a session; returns how many
        trainees were removed. The pages of the freed rows are overwritten (secure_delete).
        :func:`pim_workbook.practice.purge` also removes the session's practice copies."""
        with self._write() as db:
            return db.execute("DELETE FROM trainees WHERE training_id=?",
                              (training_id,)).rowcount

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write() as db:
            db.execute("INSERT INTO settings VALUES (?,?) ON CONFLICT(key) DO UPDATE "
                       "SET value=excluded.value", (key, value))

    def load_raw(self, header: dict[str, Any], units: list[tuple[str, Any]],
                 history: list[Change], revisions: list[Revision], *, actor: str,
                 source: str, replace: bool = False) -> None:
        """Insert an already validated assessment as it was exported (used by import).

        With ``replace``, an assessment with the same id is replaced in the same transaction.
        The import itself is logged in the store's import log, not in the record's history.
        """
        with self._write() as db:
            if self.exists(header["id"]):
                if not replace:
                    raise StoreError(
                        f"an assessment with id {header['id']} is already in the store "
                        f"({self.path}); use --replace to overwrite it with the file")
                self._delete(header["id"])
            db.execute("INSERT INTO assessments VALUES (?,?,?)",
                       (header["id"], header["content_version"], header["created_at"]))
            db.executemany("INSERT INTO units (assessment_id, path, value) VALUES (?,?,?)",
                           [(header["id"], p, _dumps(v)) for p, v in units if v is not None])
            db.executemany(
                "INSERT INTO history (assessment_id, at, actor, party, path, old, new, via) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [(header["id"], c.at, c.actor, c.party, c.path,
                  None if c.old is None else _dumps(c.old),
                  None if c.new is None else _dumps(c.new), c.via) for c in history])
            db.executemany("INSERT INTO revisions VALUES (?,?,?,?,?)",
                           [(header["id"], r.number, r.created_at, r.record_hash,
                             canonical_json(r.record)) for r in revisions])
            db.execute("INSERT INTO imports (assessment_id, at, actor, source) VALUES (?,?,?,?)",
                       (header["id"], now(), actor, source))

    def imports(self) -> list[tuple[str, str, str, str]]:
        return list(self._db.execute(
            "SELECT assessment_id, at, actor, source FROM imports ORDER BY id"))


def _party_of(path: str) -> str | None:
    """The party a unit belongs to, when its path names one."""
    parts = path.split("/")
    if parts[0] == "answers" and len(parts) == 4 and parts[2] == "parties":
        return parts[3]
    if parts[0] in ("trust", "signoffs") and len(parts) == 2:
        return parts[1]
    return None
