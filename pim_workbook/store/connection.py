"""Opening a store: one SQLite file in WAL mode, each write one short transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from pim_workbook.content.framework import Content, load_content
from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.migrations import MIGRATIONS, SCHEMA_VERSION

DB_ENV = "PIM_WORKBOOK_DB"
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


def decode_value(text: str | None) -> Any:
    """A stored JSON value (None stays None: a unit that was absent)."""
    return None if text is None else json.loads(text)


def encode_value(value: Any) -> str:
    """The compact JSON the store keeps for a value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))




class Connection:
    """One open store file: migrated on opening, written one transaction at a time."""

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 content: Content | None = None) -> None:
        self.path = Path(path).expanduser().resolve() if path else default_db_path()
        self.content = content or load_content()
        if self.path.is_dir():
            raise StoreError(_("{path} is a folder: give the store file (e.g. {example})")
                             .format(path=self.path, example=self.path / "workbook.sqlite"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30,
                                       check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA secure_delete = ON")  # a purge leaves no readable remains
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:  # another kind of file, or not readable
            raise StoreError(_("{path}: not a workbook store that can be opened ({error})")
                             .format(path=self.path, error=exc)) from None
        if mode != "wal":
            raise StoreError(_("{path}: cannot use WAL mode here (got {mode})")
                             .format(path=self.path, mode=repr(mode)))
        self._db.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
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
                    _("{path} was written by a newer pim-workbook (store schema {schema}, "
                      "this one knows {known})")
                    .format(path=self.path, schema=current, known=SCHEMA_VERSION)
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

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole store, taken while it is in use."""
        target = Path(dest).expanduser().resolve()
        if target == self.path:
            raise StoreError(_("the backup must go to another file than the store"))
        if target.is_dir():
            raise StoreError(_("{path} is a folder: give the backup's file name")
                             .format(path=target))
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(target) as out:
            self._db.backup(out)
        out.close()
        return target

