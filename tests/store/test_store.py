"""The durable store: persistence, concurrency, history, revisions, migrations, lifecycle."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys

import pytest
from raw_store import raw, readable

from pim_workbook.errors import ConflictError, RecordError, StoreError
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.readiness import open_items
from pim_workbook.store.core import Store
from pim_workbook.store.migrations import MIGRATIONS, SCHEMA_VERSION


def _read_in_new_process(db_path, aid, path):
    code = (
        "import json, sys; from pim_workbook.store.core import Store; "
        f"print(json.dumps(Store({str(db_path)!r}).unit({aid!r}, {path!r})[0]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_an_answer_is_on_disk_when_the_setter_returns(store, aid, db_path):
    store.answer(aid, "E1.Q1", "A", "Safety of returnees", actor="amal")
    assert _read_in_new_process(db_path, aid, "answers/E1.Q1/parties/A") == \
        '"Safety of returnees"'


@pytest.mark.sqlite_only
def test_the_store_uses_wal(store, db_path):
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _writer(db_path: str, aid: str, party: str, worker: int, count: int) -> None:
    with Store(db_path) as s:
        for i in range(count):
            s.set(aid, f"answers/E{1 + i % 4}.Q1/parties/{party}", f"w{worker}-{i}",
                  actor=f"worker{worker}")
            s.add(aid, "data_items", {"name": f"item {worker}-{i}"}, actor=f"worker{worker}")


def test_concurrent_processes_lose_no_write(store, db_path):
    aid = store.create("Concurrent", actor="fac")
    parties = [store.add_party(aid, f"Org {n}", "recipient", actor="fac") for n in range(4)]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), aid, pid, n, 20))
             for n, pid in enumerate(parties)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    record = store.get(aid)
    assert len(record.data_items) == 4 * 20
    assert {d.name for d in record.data_items.values()} == {
        f"item {w}-{i}" for w in range(4) for i in range(20)}
    for n, pid in enumerate(parties):
        assert record.answers["E1.Q1"].parties[pid].startswith(f"w{n}-")
    writes = [c for c in store.history(aid) if c.actor.startswith("worker")]
    assert len(writes) == 4 * 20 * 2
    assert store.verify(aid).ok  # each writer chained its rows onto the head it found


def test_same_unit_last_writer_wins_and_both_are_in_history(store, aid, db_path):
    other = Store(db_path)
    store.set(aid, "arrangement/channel", "SFTP", actor="amal")
    other.set(aid, "arrangement/channel", "Encrypted email", actor="ben")
    assert store.get(aid).arrangement.channel == "Encrypted email"
    changes = [c for c in store.history(aid) if c.path == "arrangement/channel"]
    assert [(c.actor, c.old, c.new) for c in changes] == [
        ("amal", None, "SFTP"), ("ben", "SFTP", "Encrypted email")]


def test_expected_version_reports_a_conflict_instead(store, aid):
    _, version = store.unit(aid, "purpose")
    store.set(aid, "purpose", "First", actor="amal", expected_version=version)
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.set(aid, "purpose", "Second", actor="ben", expected_version=version)
    assert store.get(aid).purpose == "First"


def test_history_says_who_changed_what_for_which_party(store, aid):
    store.answer(aid, "E1.Q1", "B", "Cluster analysis", actor="ben")
    change = next(c for c in store.history(aid) if c.path == "answers/E1.Q1/parties/B")
    assert (change.actor, change.party, change.old, change.new) == (
        "ben", "B", None, "Cluster analysis")
    assert change.at.endswith("Z")


def test_unchanged_values_write_no_history(store, aid):
    store.set(aid, "purpose", "Same", actor="amal")
    n = len(store.history(aid))
    store.set(aid, "purpose", " Same ", actor="amal")
    assert len(store.history(aid)) == n


def test_every_change_needs_an_actor(store, aid):
    with pytest.raises(RecordError, match="actor"):
        store.set(aid, "purpose", "x", actor=" ")


def test_invalid_assessment_values(store):
    with pytest.raises(RecordError, match="title: must not be empty"):
        store.create("  ", actor="fac")
    with pytest.raises(StoreError, match="no assessment with id 'nope'"):
        store.set("nope", "purpose", "x", actor="fac")
    assert store.ids() == []


def test_parties_get_letters_and_guarded_paths_need_their_operation(store, aid):
    assert list(store.get(aid).parties) == ["A", "B"]
    assert store.add_party(aid, "Municipality", "recipient", actor="fac") == "C"
    with pytest.raises(RecordError, match="dedicated operation"):
        store.set(aid, "parties/D", {"organisation": "X", "role": "other"}, actor="fac")
    store.update_party(aid, "C", {"contacts": [{"name": "Lina", "email": "l@example.org"}]},
                       actor="fac")
    assert store.get(aid).parties["C"].contacts[0].name == "Lina"


def test_collections_add_update_remove(store, aid):
    did = store.add(aid, "data_items", {"name": "Counts", "sensitivity": "low"}, actor="amal")
    assert did == "D1"
    store.update(aid, "data_items/D1", {"sensitivity": "high"}, actor="ben")
    assert store.get(aid).data_items["D1"].name == "Counts"
    assert store.get(aid).data_items["D1"].sensitivity == "high"
    store.remove(aid, "data_items/D1", actor="amal")
    assert store.get(aid).data_items == {}
    assert store.history(aid)[-1].new is None


def _sign_all(store, aid):
    store.sign(aid, "A", "Amal Haddad", actor="amal",
               acknowledged=open_items(store.get(aid), store.content))
    return store.sign(aid, "B", "Ben Okafor", actor="ben",
                      acknowledged=open_items(store.get(aid), store.content))


def test_last_signature_freezes_a_revision_and_edits_start_the_next(store, aid):
    store.set(aid, "purpose", "Response planning", actor="amal")
    assert store.sign(aid, "A", "Amal Haddad", actor="amal",
                      acknowledged=open_items(store.get(aid), store.content)) is None
    assert store.status(aid) == "awaiting_signoff"
    assert store.sign(aid, "B", "Ben Okafor", actor="ben",
                      acknowledged=open_items(store.get(aid), store.content)) == 1
    rev = store.revisions(aid)[0]
    assert rev.record_hash == record_hash(store.get(aid))
    assert rev.record["purpose"] == "Response planning"
    assert store.status(aid) == "signed"
    with pytest.raises(StoreError, match="already signed"):
        store.sign(aid, "A", "Amal Haddad", actor="amal",
                   acknowledged=open_items(store.get(aid), store.content))

    store.set(aid, "purpose", "Response planning and advocacy", actor="ben")
    assert store.status(aid) == "draft"
    assert store.revisions(aid)[0].record["purpose"] == "Response planning"  # immutable
    assert _sign_all(store, aid) == 2
    assert [r.number for r in store.revisions(aid)] == [1, 2]


def test_a_signature_on_older_content_does_not_count(store, aid):
    store.sign(aid, "A", "Amal Haddad", actor="amal",
               acknowledged=open_items(store.get(aid), store.content))
    store.set(aid, "purpose", "Changed after A signed", actor="ben")
    assert store.sign(aid, "B", "Ben Okafor", actor="ben",
                      acknowledged=open_items(store.get(aid), store.content)) is None
    assert store.revisions(aid) == []


def test_donors_need_not_sign(store, aid):
    store.add_party(aid, "Donor", "donor", actor="fac")
    assert _sign_all(store, aid) == 1


def test_migrates_an_older_store_forward(tmp_path, content):
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
        db.execute("INSERT INTO assessments VALUES ('old001', '0.9.0', '2025-01-01T00:00:00Z')")
        db.execute("INSERT INTO units (assessment_id, path, value) "
                   "VALUES ('old001', 'title', '\"Old one\"')")
        db.execute("INSERT INTO history (assessment_id, at, actor, party, path, old, new) "
                   "VALUES ('old001', '2025-01-01T00:00:00Z', 'amal', NULL, 'title', NULL, "
                   "'\"Old one\"')")
    with Store(path, content=content) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.get("old001").title == "Old one"
        assert s.get("old001").content_version == "0.9.0"
        assert s.history("old001")[0].via == ""
        assert s.history("old001")[0].hash and s.verify("old001").ok
        s.set_setting("k", "v")


def test_migration_chains_the_history_an_older_store_holds(tmp_path, content):
    """A version-4 store holding two assessments written in turns, one signed, one imported:
    opening it chains each history in id order, as the store chains new changes."""
    source = tmp_path / "source.sqlite"
    with Store(source, content=content) as current:
        signed = current.create("Signed before seals", actor="fac", aid="old-signed")
        other = current.create("Imported before seals", actor="fac", aid="old-import")
        for org, role in (("Org A", "provider"), ("Org B", "recipient")):
            current.add_party(signed, org, role, actor="fac")
            current.add_party(other, org, role, actor="fac")
        current.set(signed, "purpose", "Response planning", actor="amal")
        current.set(other, "purpose", "Advocacy", actor="ben")
        assert _sign_all(current, signed) == 1
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as db:
        for step in MIGRATIONS[:4]:
            db.executescript(step)
        db.execute("PRAGMA user_version = 4")
        db.execute("ATTACH DATABASE ? AS source", (str(source),))
        for table in ("assessments", "units", "revisions"):
            db.execute(f"INSERT INTO {table} SELECT * FROM source.{table}")
        db.execute("INSERT INTO history SELECT id, assessment_id, at, actor, party, path, "
                   "old, new, via FROM source.history")
        db.execute("INSERT INTO imports (assessment_id, at, actor, source) "
                   "VALUES ('old-import', '2026-01-01T00:00:00Z', 'fac', 'old.json')")
        assert {aid for aid, in db.execute(  # the two histories interleave
            "SELECT assessment_id FROM history WHERE id IN (2, 3)")} == {signed, other}
    with sqlite3.connect(source) as db:
        chained_when_written = db.execute("SELECT id, hash FROM history ORDER BY id").fetchall()

    with Store(old, content=content) as s:
        assert s.schema_version == SCHEMA_VERSION
        with sqlite3.connect(old) as db:
            assert db.execute("SELECT id, hash FROM history ORDER BY id").fetchall() == \
                chained_when_written
        assert s.seals(signed) == []  # signed before seals: the chain covers its sign-offs
        assert s.verify(signed).ok
        assert s.verify(other).problems == (
            "imported, not verified: imported before the workbook verified imports",)
        s.set(signed, "purpose", "Changed after the upgrade", actor="amal")
        assert s.verify(signed).ok
        text = to_json(s, signed)
        fingerprint = s.own_fingerprint()
    with Store(tmp_path / "elsewhere.sqlite", content=content) as elsewhere:
        assert import_json(elsewhere, text, actor="t") == signed
        result = elsewhere.verify(signed)
        assert result.problems == () and result.unknown == [fingerprint]


def test_refuses_a_store_from_a_newer_version(tmp_path, content):
    path = tmp_path / "new.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer pim-workbook"):
        Store(path, content=content)


@pytest.mark.sqlite_only
def test_backup_while_another_connection_writes(store, aid, db_path, tmp_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a writer holds the lock
    other.execute("UPDATE units SET value='\"in flight\"' WHERE path='title'")
    target = store.backup(tmp_path / "backup.sqlite")
    other.execute("ROLLBACK")
    with Store(target) as copy:
        assert copy.get(aid).title == "Protection monitoring to cluster"
        assert len(copy.history(aid)) == len(store.history(aid))
    with pytest.raises(StoreError, match="another file"):
        store.backup(db_path)


def test_delete_needs_confirmation_and_removes_everything(store, aid, db_path):
    store.answer(aid, "E1.Q1", "A", "x", actor="amal")
    with pytest.raises(StoreError, match="confirm"):
        store.delete(aid, confirm="yes")
    assert store.exists(aid)
    with raw(db_path) as db:
        assert db.execute("SELECT count(*) FROM history WHERE assessment_id=?",
                          (aid,)).fetchone()[0] > 0
    store.delete(aid, confirm=aid)
    assert not store.exists(aid)
    with raw(db_path) as db:
        for table in ("units", "history", "revisions", "seals", "invites"):
            n = db.execute(f"SELECT count(*) FROM {table} WHERE assessment_id=?", (aid,))
            assert n.fetchone()[0] == 0


def test_a_purged_assessment_leaves_no_readable_trace_in_the_files(store, aid, db_path):
    """SQLite overwrites the freed pages; PostgreSQL's VACUUM removes the deleted rows."""
    secret = "purge-me-0777-contact@example.org"
    store.update_party(aid, "A", {"contacts": [{"name": "Amal", "email": secret}]},
                       actor="fac")
    store.answer(aid, "E1.Q1", "A", f"Call {secret}", actor="amal")
    assert readable(db_path, secret)
    store.delete(aid, confirm=aid)
    assert not readable(db_path, secret)


def test_archive_and_restore(store, aid):
    store.archive(aid, actor="fac")
    assert store.status(aid) == "archived"
    store.archive(aid, actor="fac", archived=False)
    assert store.status(aid) == "draft"


def test_default_path_comes_from_the_environment_and_is_absolute(monkeypatch, tmp_path,
                                                                 content):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIM_WORKBOOK_DB", "rel/w.sqlite")
    with Store(content=content) as s:
        assert s.path == tmp_path / "rel" / "w.sqlite"


def test_a_record_with_open_items_is_signed_only_with_them_acknowledged(store, aid):
    still_open = open_items(store.get(aid), store.content)
    assert still_open  # a new assessment is far from complete
    with pytest.raises(StoreError, match=r"open item\(s\).*acknowledge them.*nothing was saved"):
        store.sign(aid, "A", "Amal Haddad", actor="amal")
    with pytest.raises(StoreError, match="nothing was saved"):  # seen before a later change
        store.sign(aid, "A", "Amal Haddad", actor="amal", acknowledged=still_open[1:])
    assert store.get(aid).signoffs == {}
    store.sign(aid, "A", "Amal Haddad", actor="amal", title="Head of Protection",
               acknowledged=still_open)
    signed = store.get(aid).signoffs["A"]
    assert (signed.title, signed.open_items) == ("Head of Protection", still_open)
    assert store.sign(aid, "B", "Ben Okafor", actor="ben", acknowledged=still_open) == 1
    frozen = store.revisions(aid)[0].record["signoffs"]
    assert frozen["B"]["open_items"] == still_open  # printed with every report of it
