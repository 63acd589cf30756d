"""The two databases a store can live in, and what differs between them.

A store address is a file path (SQLite, the default: one host) or a ``postgresql://``
address (PostgreSQL: several hosts share one store). The store's SQL is written once, with
``?`` placeholders and the upserts both accept (``INSERT … ON CONFLICT … DO …``); what
cannot be written once is here: opening, the schema version, the start of a write
transaction, a consistent read, freeing deleted rows for good, and backups.

Writers queue on both: SQLite's ``BEGIN IMMEDIATE`` takes the file's write lock, and on
PostgreSQL each write transaction first takes one transaction-level advisory lock (in READ
COMMITTED, so that what it reads next is what the writer before it committed). A change
reads the history's head and appends to it in one transaction: writers that did not queue
would fork the chain.

psycopg is imported only when a ``postgresql://`` address is opened.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote

from pim_workbook.errors import StoreError
from pim_workbook.i18n import _
from pim_workbook.store.migrations import (
    MIGRATIONS,
    POSTGRES_FIRST,
    POSTGRES_SCHEMA,
    SCHEMA_VERSION,
)

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK = 0x70696D2D776F726B  # the advisory lock every writer of a PostgreSQL store takes
LOCK_TIMEOUT = "30s"  # how long a writer waits for the one before it (SQLite: busy_timeout)


class Cursor(Protocol):
    """What the store reads from a statement's result."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection as the store uses it: :class:`sqlite3.Connection`, or
    :class:`PostgresConnection` for PostgreSQL."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...
    @property
    def in_transaction(self) -> bool: ...
    def close(self) -> None: ...


# -- addresses -----------------------------------------------------------------------------
def is_postgres(address: object) -> bool:
    """Whether a store address names a PostgreSQL database."""
    return isinstance(address, str) and address.startswith(SCHEMES)


def _split(address: str) -> tuple[str, str, str, str]:
    """scheme://, user information (without the @), the rest, and the password (decoded).
    The user information ends at the last @ before the parameters, so that a password with
    a / or an @ left unencoded is still taken whole."""
    scheme, rest = address.split("://", 1)
    end = rest.find("?") if "?" in rest else len(rest)
    userinfo, at, _host = rest[:end].rpartition("@")
    if not at:
        return f"{scheme}://", "", rest, ""
    _user, colon, password = userinfo.partition(":")
    return f"{scheme}://", userinfo, rest[len(userinfo) + 1:], unquote(password) if colon \
        else ""


def masked(address: str | os.PathLike[str]) -> str:
    """An address as messages show it: a password in it replaced by ``***``."""
    text = os.fspath(address)
    if not is_postgres(text):
        return text
    scheme, userinfo, rest, _password = _split(text)
    if ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    rest = re.sub(r"([?&]password=)[^&]*", r"\1***", rest)
    return f"{scheme}{userinfo}@{rest}" if userinfo else f"{scheme}{rest}"


def without_password(address: str) -> str:
    """A ``postgresql://`` address less the password in its user information (libpq then
    takes it from ``PGPASSWORD`` or the password file)."""
    scheme, userinfo, rest, _password = _split(address)
    return f"{scheme}{userinfo.split(':', 1)[0]}@{rest}" if userinfo else f"{scheme}{rest}"


def resolve(address: str | os.PathLike[str]) -> Path | str:
    """A store address as the store keeps it: a file path made absolute, or a
    ``postgresql://`` address as given."""
    if is_postgres(address):
        return str(address)
    return Path(address).expanduser().resolve()


def driver_errors() -> tuple[type[Exception], ...]:
    """The databases' own errors (psycopg's once a PostgreSQL store was opened)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, psycopg.Error) if psycopg else (sqlite3.Error,)


# -- SQLite --------------------------------------------------------------------------------
class SQLite:
    """One file in WAL mode; freed pages are overwritten (``secure_delete``)."""

    def connect(self, address: Path | str, where: str) -> sqlite3.Connection:
        path = Path(address)
        if path.is_dir():
            raise StoreError(_("{path} is a folder: give the store file (e.g. {example})")
                             .format(path=where, example=path / "workbook.sqlite"))
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(path, isolation_level=None, timeout=30,
                                 check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA secure_delete = ON")  # a purge leaves no readable remains
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.DatabaseError as exc:  # another kind of file, or not readable
            raise StoreError(_("{path}: not a workbook store that can be opened ({error})")
                             .format(path=where, error=exc)) from None
        if mode != "wal":
            raise StoreError(_("{path}: cannot use WAL mode here (got {mode})")
                             .format(path=where, mode=repr(mode)))
        db.execute("PRAGMA synchronous = FULL")
        return db

    def schema_version(self, db: Database) -> int:
        return int(db.execute("PRAGMA user_version").fetchone()[0])

    def steps(self, current: int) -> list[tuple[int, str]]:
        """The migration scripts from ``current`` on, each with the version it makes."""
        return [(version + 1, MIGRATIONS[version])
                for version in range(current, SCHEMA_VERSION)]

    def set_schema_version(self, db: Database, version: int) -> None:
        db.execute(f"PRAGMA user_version = {int(version)}")

    def begin_write(self, db: Database) -> None:
        db.execute("BEGIN IMMEDIATE")

    def begin_read(self, db: Database) -> None:
        db.execute("BEGIN")

    def scrub(self, db: Database, tables: Sequence[str]) -> None:
        """After rows were deleted: their pages were overwritten as they were freed; the
        write-ahead log, which still holds them, is folded into the file and emptied."""
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def backup(self, db: Database, address: Path | str, where: str, target: Path) -> Path:
        """A consistent copy of the file, taken while the store is in use."""
        if target == address:
            raise StoreError(_("the backup must go to another file than the store"))
        if target.is_dir():
            raise StoreError(_("{path} is a folder: give the backup's file name")
                             .format(path=target))
        target.parent.mkdir(parents=True, exist_ok=True)
        if not isinstance(db, sqlite3.Connection):
            raise TypeError("a SQLite store has a sqlite3 connection")
        with sqlite3.connect(target) as out:
            db.backup(out)
        out.close()
        return target


# -- PostgreSQL ----------------------------------------------------------------------------
@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """The store's SQL in psycopg's style: ``%s`` placeholders, a literal % doubled."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresConnection:
    """A psycopg connection with the interface the store uses of SQLite's: ``?``
    placeholders, ``execute`` and ``executemany`` on the connection, ``in_transaction``.

    It is in autocommit mode, so that each read outside a transaction sees what was
    committed last, and the store begins and ends its transactions itself.
    """

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self._connection.execute(_placeholders(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor:
        cursor = self._connection.cursor()
        cursor.executemany(_placeholders(sql), [tuple(row) for row in parameters])
        return cursor

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self._connection.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self._connection.close()


def _scrubbed(text: str, address: str) -> str:
    """A driver's message about ``address`` without the password in it: the address is
    masked, and so is the password itself unless it is too short to tell from the words
    around it (and so no secret)."""
    password = _split(address)[3]
    text = text.replace(address, masked(address))
    return text.replace(password, "***") if len(password) >= 4 else text


class PostgreSQL:
    """One database (its schema on the search path) that several hosts share."""

    def connect(self, address: Path | str, where: str) -> PostgresConnection:
        try:
            import psycopg
        except ImportError:
            raise StoreError(_("{address}: a PostgreSQL store needs psycopg (pip install "
                               "'pim-workbook[postgresql]')").format(address=where)) from None
        try:
            # no prepared statements: they outlive a migration made by another host, and a
            # pooler between the hosts and the server may not keep them
            connection = psycopg.connect(str(address), autocommit=True,
                                         prepare_threshold=None)
            connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
        except psycopg.Error as exc:
            error = " ".join(_scrubbed(str(exc), str(address)).split())
            raise StoreError(_("{address}: cannot open the store ({error})")
                             .format(address=where, error=error)) from None
        return PostgresConnection(connection)

    def schema_version(self, db: Database) -> int:
        if db.execute("SELECT to_regclass('store_schema')").fetchone()[0] is None:
            return 0
        return int(db.execute("SELECT version FROM store_schema").fetchone()[0])

    def steps(self, current: int) -> list[tuple[int, str]]:
        """The migration scripts from ``current`` on: a new store is made at
        :data:`POSTGRES_FIRST` in one step, and the steps after it follow."""
        first = [(POSTGRES_FIRST, POSTGRES_SCHEMA)] if current == 0 else []
        return first + [(version + 1, MIGRATIONS[version])
                        for version in range(max(current, POSTGRES_FIRST), SCHEMA_VERSION)]

    def set_schema_version(self, db: Database, version: int) -> None:
        db.execute("UPDATE store_schema SET version = ?", (version,))

    def begin_write(self, db: Database) -> None:
        db.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
        try:
            db.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
        except BaseException:  # waited past the lock timeout: nothing was done
            db.execute("ROLLBACK")
            raise

    def begin_read(self, db: Database) -> None:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def scrub(self, db: Database, tables: Sequence[str]) -> None:
        """After rows were deleted: ``VACUUM`` removes them from the tables (PostgreSQL
        keeps deleted rows until then), outside any transaction. It does not overwrite the
        space they took: see the README."""
        db.execute(f"VACUUM {', '.join(tables)}")

    def backup(self, db: Database, address: Path | str, where: str, target: Path) -> Path:
        """A ``pg_dump`` archive (custom format, for ``pg_restore``) of the database, a
        consistent snapshot taken while the store is in use."""
        if target.is_dir():
            raise StoreError(_("{path} is a folder: give the backup's file name")
                             .format(path=target))
        pg_dump = program("pg_dump")
        if pg_dump is None:
            raise StoreError(_("{address}: backing up a PostgreSQL store needs pg_dump "
                               "(Debian: apt-get install postgresql-client); or copy it to "
                               "a store file with `pim-workbook store copy`")
                             .format(address=where))
        target.parent.mkdir(parents=True, exist_ok=True)
        address = str(address)
        env, password = dict(os.environ), _split(address)[3]
        if password:  # not on the command line, which other users of the host can see
            env["PGPASSWORD"] = password
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", "--file", str(target),
                               "--dbname", without_password(address)], env=env,
                              capture_output=True, text=True)
        if done.returncode:
            error = " ".join(done.stderr.split()) or f"exit status {done.returncode}"
            raise StoreError(_("{address}: pg_dump failed: {error}")
                             .format(address=where, error=_scrubbed(error, address)))
        return target


def program(name: str) -> str | None:
    """A PostgreSQL client program: on PATH, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: (len(p.parent.parent.name), p.parent.parent.name))
    return str(candidates[-1]) if candidates else None


def dialect_of(address: Path | str) -> SQLite | PostgreSQL:
    """The database a resolved store address names."""
    return PostgreSQL() if is_postgres(address) else SQLite()
