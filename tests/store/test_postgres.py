"""What is PostgreSQL's own: addresses and their passwords, its schema against SQLite's,
schema versions, opening errors, psycopg loaded only for it, and backups with pg_dump.
(Everything else runs on both stores in the other tests.)"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pg_cluster import PASSWORD, Cluster
from raw_store import raw

from pim_workbook.cli import main
from pim_workbook.errors import StoreError
from pim_workbook.store.core import Store
from pim_workbook.store.dialect import WRITE_LOCK, is_postgres, masked, resolve
from pim_workbook.store.migrations import SCHEMA_VERSION
from pim_workbook.store.transfer import TABLES

IDENTITY = {"units": "seq", "history": "id", "imports": "id", "seals": "id"}  # numbered rows


@pytest.mark.parametrize(("address", "shown"), [
    ("postgresql://pim:s3cret@db.example.org:5433/workbook",
     "postgresql://pim:***@db.example.org:5433/workbook"),
    ("postgres://pim:p%40ss%2Fw@[::1]/workbook?sslmode=require",
     "postgres://pim:***@[::1]/workbook?sslmode=require"),
    ("postgresql://pim:s3/cr@t@db/workbook", "postgresql://pim:***@db/workbook"),
    ("postgresql://pim@db/workbook?password=s3cret&sslmode=require",
     "postgresql://pim@db/workbook?password=***&sslmode=require"),
    ("postgresql:///workbook?host=/run/postgresql", "postgresql:///workbook?host=/run/postgresql"),
    ("postgresql://db.example.org/workbook", "postgresql://db.example.org/workbook"),
    ("/home/fatima/workbook.sqlite", "/home/fatima/workbook.sqlite"),
])
def test_messages_show_an_address_without_its_password(address, shown):
    assert masked(address) == shown
    assert is_postgres(address) == address.startswith("postgres")
    assert resolve(address) == (address if is_postgres(address) else Path(address))


def test_a_new_store_has_sqlite_tables_in_postgresql_types(pg_address, tmp_path, content):
    """The PostgreSQL schema is made in one step; it must hold what SQLite's steps make,
    and a copy must carry every column of it."""
    with Store(pg_address, content=content) as store:
        assert store.schema_version == SCHEMA_VERSION
    Store(tmp_path / "w.sqlite", content=content).close()
    with raw(tmp_path / "w.sqlite") as db:
        on_sqlite = {table: [(r[1], bool(r[3])) for r in db.execute(
            f"PRAGMA table_info({table})")] for (table,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name<>'sqlite_sequence'")}
    with raw(pg_address) as db:
        on_postgres = {table: [] for (table,) in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='public' "
            "AND table_name<>'store_schema'")}
        for table in on_postgres:
            on_postgres[table] = [(name, nullable == "NO") for name, nullable in db.execute(
                "SELECT column_name, is_nullable FROM information_schema.columns "
                "WHERE table_schema='public' AND table_name=? ORDER BY ordinal_position",
                (table,))]
    nullable_keys = {"id", "key", "fingerprint"}  # SQLite lets a TEXT primary key be NULL
    assert {t: [c for c, _ in cols] for t, cols in on_postgres.items()} == \
        {t: [c for c, _ in cols] for t, cols in on_sqlite.items()}
    for table, columns in on_sqlite.items():
        for (name, required), (_, required_here) in zip(columns, on_postgres[table],
                                                         strict=True):
            assert required == required_here or name in nullable_keys | set(IDENTITY.values())
    assert {t.name: list(t.columns) for t in TABLES} == {
        table: [c for c, _ in cols if c != IDENTITY.get(table)]
        for table, cols in on_postgres.items()}


def test_a_store_of_a_newer_workbook_is_refused(pg_address, content):
    Store(pg_address, content=content).close()
    with raw(pg_address) as db:
        db.execute("UPDATE store_schema SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer pim-workbook") as info:
        Store(pg_address, content=content)
    assert masked(pg_address) in str(info.value) and PASSWORD not in str(info.value)


def test_a_store_that_cannot_be_reached_is_named_without_its_password(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nothing listens there once the socket is closed
    address = f"postgresql://pim:{PASSWORD}@127.0.0.1:{closed}/workbook"
    with pytest.raises(StoreError, match="cannot open the store") as info:
        Store(address)
    message = str(info.value)
    assert message.startswith(f"{masked(address)}: ") and PASSWORD not in message
    assert main(["--db", address, "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and PASSWORD not in err and "pim:***@127.0.0.1" in err


def test_without_psycopg_a_postgresql_store_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(StoreError, match=r"^postgresql://pim:\*\*\*@db/w: a PostgreSQL store "
                                         r"needs psycopg \(pip install "
                                         r"'pim-workbook\[postgresql\]'\)$"):
        Store(f"postgresql://pim:{PASSWORD}@db/w")


def test_psycopg_is_loaded_only_for_a_postgresql_store(tmp_path):
    code = ("import sys; from pim_workbook.store.core import Store; "
            f"Store({str(tmp_path / 'w.sqlite')!r}).close(); print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_address_can_come_from_the_environment(pg_address, monkeypatch, content):
    monkeypatch.setenv("PIM_WORKBOOK_DB", pg_address)
    with Store(content=content) as store:
        assert (store.path, store.where) == (pg_address, masked(pg_address))
        store.create("From the environment", actor="fac", aid="from-env")
    with Store(pg_address, content=content) as store:
        assert store.ids() == ["from-env"]


def test_backup_is_a_pg_dump_archive_that_restores(pg_address, postgres: Cluster,
                                                  pg_database, tmp_path, content, capsys):
    with Store(pg_address, content=content) as store:
        aid = store.create("Backed up", actor="fac")
        store.set(aid, "purpose", "Planning", actor="amal")
        assert main(["--db", pg_address, "backup", str(tmp_path / "w.dump")]) == 0
        assert capsys.readouterr().out.strip() == str(tmp_path / "w.dump")
        store.set(aid, "purpose", "After the backup", actor="amal")
        history = store.history(aid)
    assert (tmp_path / "w.dump").read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
    restored = postgres.create_database(f"{pg_database}_restored")
    subprocess.run([str(postgres.bin_dir / "pg_restore"), "--no-owner", "--dbname",
                    postgres.address(f"{pg_database}_restored", password=False),
                    str(tmp_path / "w.dump")], check=True)
    with Store(restored, content=content) as store:
        assert store.history(aid) == history[:-1] and store.verify(aid).ok
        assert store.get(aid).purpose == "Planning"
    with pytest.raises(StoreError, match="is a folder"):
        Store(pg_address, content=content).backup(tmp_path)


def test_a_vacuum_that_cannot_run_says_the_rows_are_deleted_but_not_yet_gone(
        pg_address, monkeypatch, content):
    monkeypatch.setattr("pim_workbook.store.dialect.LOCK_TIMEOUT", "200ms")
    with Store(pg_address, content=content) as store, raw(pg_address) as other:
        aid = store.create("To delete", actor="fac")
        other.execute("BEGIN")
        other.execute("LOCK TABLE units IN SHARE UPDATE EXCLUSIVE MODE")  # as a VACUUM does
        with pytest.raises(StoreError, match=r"deleted, but the deleted rows are still in the "
                                             r"database \(.*lock timeout\); run VACUUM "
                                             r"assessments, units, .* there") as info:
            store.delete(aid, confirm=aid)
        other.execute("ROLLBACK")
        assert not store.exists(aid) and PASSWORD not in str(info.value)


def test_a_writer_waits_for_the_one_before_and_gives_up_after_the_timeout(
        pg_address, monkeypatch, content):
    import psycopg

    monkeypatch.setattr("pim_workbook.store.dialect.LOCK_TIMEOUT", "200ms")
    with Store(pg_address, content=content) as store, raw(pg_address) as other:
        aid = store.create("Queued", actor="fac")
        other.execute("SELECT pg_advisory_lock(?)", (WRITE_LOCK,))  # a writer, mid-change
        with pytest.raises(psycopg.errors.LockNotAvailable):
            store.set(aid, "purpose", "Waited too long", actor="amal")
        assert store.get(aid).purpose == ""  # readers do not wait
        other.execute("SELECT pg_advisory_unlock(?)", (WRITE_LOCK,))
        store.set(aid, "purpose", "After the other writer", actor="amal")
        assert store.get(aid).purpose == "After the other writer" and store.verify(aid).ok
