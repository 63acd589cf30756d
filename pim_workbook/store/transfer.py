"""Copying a whole store into a new one, either way between SQLite and PostgreSQL: an
organisation moving its workbook onto a shared PostgreSQL database, or taking one out.

Everything is copied as it is stored: the assessments and their units, the history with its
hashes (the chain is not recomputed: a copy that changed an entry would not verify), the
revisions with their seals, the import log, the links, the training sessions, the settings,
the keys the store trusts and the store's own key pair, so that the copy is the same store
(its seals are still "this store's"). The source is read in one consistent snapshot, so it
may be in use meanwhile; the destination is written in one transaction, so a copy that
fails leaves it empty. Rows keep their order (the history's, and the record's units'); the
numbers the databases give them (a history entry's id) are given anew.

The copy is then checked: the destination holds as many rows as were read, and every
assessment verifies there exactly as it did in the source (a record whose chain was broken
in the source is copied as it is, and stays broken).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from pim_workbook.content.framework import Content
from pim_workbook.errors import StoreError
from pim_workbook.i18n import _, ngettext
from pim_workbook.store.core import Store
from pim_workbook.store.dialect import is_postgres, masked, program, resolve
from pim_workbook.store.integrity import check
from pim_workbook.store.links import INVITE_COLUMNS

BATCH = 1_000  # rows inserted at once


@dataclass(frozen=True)
class Table:
    """A table as it is copied: the columns that carry data (not the numbers the database
    gives rows), and the order the rows are read and written in."""

    name: str
    columns: tuple[str, ...]
    order: str


# every table of the store, parents before the tables that refer to them
TABLES = (
    Table("assessments", ("id", "content_version", "created_at"), "id"),
    Table("units", ("assessment_id", "path", "value", "version"), "seq"),
    Table("history", ("assessment_id", "at", "actor", "party", "path", "old", "new", "via",
                      "hash"), "id"),
    Table("revisions", ("assessment_id", "number", "created_at", "record_hash", "snapshot"),
          "assessment_id, number"),
    Table("seals", ("assessment_id", "revision", "head", "public_key", "signature"), "id"),
    Table("imports", ("assessment_id", "at", "actor", "source", "unverified"), "id"),
    Table("trainings", ("id", "title", "created_at", "created_by"), "id"),
    Table("trainees", ("id", "training_id", "pseudonym", "joined_at"), "id"),
    Table("training_answers", ("trainee_id", "exercise_id", "chosen", "correct", "credit",
                               "at"), "trainee_id, exercise_id"),
    Table("invites", INVITE_COLUMNS, "id"),
    Table("settings", ("key", "value"), "key"),
    Table("store_key", ("id", "private_key", "public_key", "created_at"), "id"),
    Table("trusted_keys", ("fingerprint", "trusted_at", "trusted_by"), "fingerprint"),
)


@dataclass(frozen=True)
class Copied:
    """What a copy moved: the rows of each table, and the assessments that verify (those
    that do not verify did not in the source either)."""

    rows: dict[str, int]
    verified: int
    unverified: tuple[str, ...] = ()


def row_counts(store: Store) -> dict[str, int]:
    """The number of rows in each table of a store."""
    return {t.name: int(store._db.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0])
            for t in TABLES}


def _problems(store: Store) -> dict[str, list[str]]:
    """What does not verify in each assessment (read within the caller's transaction)."""
    return {aid: check(store.get(aid), store.history(aid), store.revisions(aid),
                       store.seals(aid), sealed_head=False)
            for aid in store.ids()}


def copy_store(source: Store, dest: Store) -> Copied:
    """Copy every row of ``source`` into ``dest``, which must be empty; then check the
    copy (see the module's description)."""
    if source.path == dest.path:
        raise StoreError(_("{address}: a store cannot be copied into itself")
                         .format(address=dest.where))
    rows: dict[str, int] = {}
    with source._reading(), dest._write() as out:
        held = {name: n for name, n in row_counts(dest).items() if n}
        if held:
            name, n = next(iter(held.items()))
            raise StoreError(ngettext("{address} is not empty ({count} row in {table}): copy "
                                      "into a new store",
                                      "{address} is not empty ({count} rows in {table}): copy "
                                      "into a new store", n)
                             .format(address=dest.where, count=n, table=name))
        for table in TABLES:
            columns = ", ".join(table.columns)
            cursor = source._db.execute(f"SELECT {columns} FROM {table.name} "
                                        f"ORDER BY {table.order}")
            insert = (f"INSERT INTO {table.name} ({columns}) "
                      f"VALUES ({', '.join('?' * len(table.columns))})")
            rows[table.name] = 0
            while batch := list(islice(cursor, BATCH)):
                out.executemany(insert, batch)
                rows[table.name] += len(batch)
        expected = _problems(source)
    found = row_counts(dest)
    if found != rows:
        name = next(name for name in rows if found[name] != rows[name])
        raise StoreError(_("{address}: the copy holds {found} rows in {table}, not {count}")
                         .format(address=dest.where, found=found[name], table=name,
                                 count=rows[name]))
    with dest._reading():
        copied = _problems(dest)
    for aid, problems in expected.items():
        if copied.get(aid) != problems:
            differs = [p for p in copied.get(aid, []) if p not in problems]
            raise StoreError(_("{address}: assessment {id} does not verify in the copy as in "
                               "the source ({problem})")
                             .format(address=dest.where, id=aid,
                                     problem=differs[0] if differs else
                                     _("it is missing") if aid not in copied else
                                     _("a problem found in the source is not found in the "
                                       "copy")))
    return Copied(rows, sum(not p for p in expected.values()),
                  tuple(aid for aid, p in expected.items() if p))


def copy(source: str | os.PathLike[str], dest: str | os.PathLike[str],
         content: Content | None = None) -> Copied:
    """Copy the store at ``source`` into a new store at ``dest`` (a file is made; a
    PostgreSQL database must exist, without the workbook's tables or with them empty)."""
    where = resolve(source)
    if not is_postgres(where) and not Path(where).is_file():
        raise StoreError(_("{path}: no store file there to copy").format(path=masked(where)))
    with Store(source, content=content) as origin, Store(dest, content=content) as target:
        return copy_store(origin, target)


def backup(store: Store, dest: str | os.PathLike[str]) -> Path:
    """A backup of ``store`` at ``dest``: its own kind (SQLite's online backup, a
    ``pg_dump`` archive), or, for a PostgreSQL store on a host without ``pg_dump``, a copy
    into a new store file, which ``store copy`` brings back."""
    target = Path(dest).expanduser().resolve()
    if not is_postgres(store.path) or program("pg_dump") is not None:
        return store.backup(target)
    if target.exists():
        raise StoreError(_("{path} exists: a backup goes to a new file").format(path=target))
    with Store(target, content=store.content) as copied:
        copy_store(store, copied)
    return target
