"""The history of an assessment as a hash chain: each entry's hash covers the previous
entry's hash and the entry itself, so changing, removing or reordering any entry changes
every hash after it — and the head, which seals sign.

The canonical serialisation of an entry is the JSON array ``[previous hash, assessment id,
at, actor, party, path, old, new, via]`` with sorted keys, no spaces and non-ASCII escaped
(Python's ``json.dumps(..., sort_keys=True, separators=(",", ":"))``); its hash is the
SHA-256 of those bytes, in hex. The first entry's previous hash is :data:`GENESIS`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

from pim_workbook.store.dialect import Database
from pim_workbook.store.rows import Change

GENESIS = ""  # the "previous hash" of an assessment's first entry: the head of no history
# the SQL window function that chains existing rows (migration 5, run on SQLite only: a
# PostgreSQL store starts at version 5)
SQL_FOLD = "history_chain"


def link(prev: str, aid: str, change: Change) -> str:
    """The chain hash of ``change``, the entry after the one whose hash is ``prev``."""
    data = [prev, aid, change.at, change.actor, change.party, change.path, change.old,
            change.new, change.via]
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def stored_change(at: str, actor: str, party: str | None, path: str, old: str | None,
                  new: str | None, via: str) -> Change:
    """A history row as the store keeps it (values as JSON text), as the chain reads it."""
    return Change(at, actor, party, path, None if old is None else json.loads(old),
                  None if new is None else json.loads(new), via)


def head(db: Database, aid: str) -> str:
    """The hash of an assessment's latest history entry (:data:`GENESIS` for none)."""
    row = db.execute("SELECT hash FROM history WHERE assessment_id=? ORDER BY id DESC LIMIT 1",
                     (aid,)).fetchone()
    return row[0] if row else GENESIS


class _Fold:
    """SQLite window function over one assessment's rows in id order: the chain so far."""

    def __init__(self) -> None:
        self.head = GENESIS

    def step(self, *row: Any) -> None:
        aid, *fields = row
        self.head = link(self.head, aid, stored_change(*fields))

    def inverse(self, *row: Any) -> None:
        raise NotImplementedError("the chain is folded from the first row: the frame only grows")

    def value(self) -> str:
        return self.head

    def finalize(self) -> str:
        return self.head


def register(db: sqlite3.Connection) -> None:
    """Make :data:`SQL_FOLD` available to the migrations run on ``db``."""
    # typeshed wants step and inverse as settable attributes, which methods are not
    db.create_window_function(SQL_FOLD, 8, _Fold)  # type: ignore[arg-type]
