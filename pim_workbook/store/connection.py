"""Opening a store: a SQLite file in WAL mode or a PostgreSQL database (see
:mod:`pim_workbook.store.dialect`), migrated on opening; each write one short transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from pim_workbook.content.framework import Content, load_content
from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.dialect import Database, dialect_of, driver_errors, masked, resolve
from pim_workbook.store.migrations import SCHEMA_VERSION

DB_ENV = "PIM_WORKBOOK_DB"


def now() -> str:
    """UTC time stamp with milliseconds, as stored in history and sign-offs."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_db_path() -> Path | str:
    """``$PIM_WORKBOOK_DB`` (a file or a ``postgresql://`` address), else
    ``workbook.sqlite`` in the user's data folder."""
    env = os.environ.get(DB_ENV)
    if env:
        return resolve(env)
    from platformdirs import user_data_path

    return user_data_path("pim-workbook") / "workbook.sqlite"


def decode_value(text: str | None) -> Any:
    """A stored JSON value (None stays None: a unit that was absent)."""
    return None if text is None else json.loads(text)


def encode_value(value: Any) -> str:
    """The compact JSON the store keeps for a value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))




class Connection:
    """One open store: migrated on opening, written one transaction at a time.

    ``path`` is the store's address as given (a file path made absolute, or a
    ``postgresql://`` address); ``where`` is how messages name it, without a password.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None,
                 content: Content | None = None) -> None:
        self.path = resolve(path) if path else default_db_path()
        self.where = masked(self.path)
        self.content = content or load_content()
        self._dialect = dialect_of(self.path)
        self._db: Database = self._dialect.connect(self.path, self.where)
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
        return self._dialect.schema_version(self._db)

    def _migrate(self) -> None:
        with self._write():
            current = self.schema_version
            if current > SCHEMA_VERSION:
                raise StoreError(
                    _("{path} was written by a newer pim-workbook (store schema {schema}, "
                      "this one knows {known})")
                    .format(path=self.where, schema=current, known=SCHEMA_VERSION)
                )
            for version, script in self._dialect.steps(current):
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._dialect.set_schema_version(self._db, version)

    @contextmanager
    def _write(self) -> Iterator[Database]:
        """One write transaction; writers queue (see :mod:`pim_workbook.store.dialect`)."""
        self._dialect.begin_write(self._db)
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """One consistent view of the store for several reads."""
        self._dialect.begin_read(self._db)
        try:
            yield
        finally:
            self._db.execute("COMMIT")

    def _scrub(self, tables: Sequence[str]) -> None:
        """After a delete: no readable remains of the deleted rows that the database can
        remove (see the dialects' ``scrub``). The delete itself was committed before."""
        try:
            self._dialect.scrub(self._db, tables)
        except driver_errors() as exc:
            raise StoreError(_("{path}: deleted, but the deleted rows are still in the "
                               "database ({error}); run VACUUM {tables} there")
                             .format(path=self.where, error=" ".join(str(exc).split()),
                                     tables=", ".join(tables))) from None

    def backup(self, dest: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole store, taken while it is in use: a SQLite file,
        or a ``pg_dump`` archive of a PostgreSQL store."""
        target = Path(dest).expanduser().resolve()
        return self._dialect.backup(self._db, self.path, self.where, target)
