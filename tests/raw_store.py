"""A store's tables seen from outside the store, as someone holding the file or the database
would see them: for the tests of tamper evidence and of what deleting leaves behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pim_workbook.store.dialect import Database, dialect_of, is_postgres, resolve
from pim_workbook.store.transfer import TABLES


@contextmanager
def raw(db_path: Path | str) -> Iterator[Database]:
    """A connection of its own to the store's database (``?`` placeholders, each statement
    committed as it runs)."""
    address = resolve(db_path)
    db = dialect_of(address).connect(address, str(address))
    try:
        yield db
    finally:
        db.close()


def stored_text(db_path: Path | str) -> str:
    """Every row of every table of the store, as text."""
    with raw(db_path) as db:
        return "\n".join(repr(row) for table in TABLES
                         for row in db.execute(f"SELECT * FROM {table.name}"))


def readable(db_path: Path | str, secret: str) -> bool:
    """Whether ``secret`` can still be read where the store keeps its rows: SQLite's file
    and its write-ahead log; every row version that PostgreSQL's tables hold, the deleted
    ones it has not vacuumed away included (read with the pageinspect extension)."""
    if not is_postgres(db_path):
        path = Path(db_path)
        return any(secret.encode() in f.read_bytes()
                   for f in (path, path.with_name(path.name + "-wal")) if f.exists())
    with raw(db_path) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        relations = [t.name for t in TABLES] + [name for (name,) in db.execute(
            "SELECT reltoastrelid::regclass::text FROM pg_class WHERE reltoastrelid <> 0 "
            "AND relname IN ({})".format(", ".join("?" * len(TABLES))),
            [t.name for t in TABLES])]
        return any(db.execute(
            "SELECT count(*) FROM generate_series(0, (pg_relation_size(?) / "
            "current_setting('block_size')::int)::int - 1) AS block, "
            "heap_page_items(get_raw_page(?, block)) AS item "
            "WHERE position(?::bytea IN item.t_data) > 0",
            (relation, relation, secret.encode())).fetchone()[0] for relation in relations)
