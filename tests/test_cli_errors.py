"""Every error of the command is one line naming the option or file it is about."""

from __future__ import annotations

import sqlite3

import pytest
from pg_cluster import PASSWORD

from pim_workbook.cli import main
from pim_workbook.store.core import Store
from pim_workbook.store.dialect import masked
from pim_workbook.training import sessions as training


@pytest.fixture
def env(tmp_path, monkeypatch, db_path):
    """A store with one assessment and one training session; files to point options at."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIM_WORKBOOK_DB", str(db_path))
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.setenv("PIM_WORKBOOK_ACTOR", "Test Facilitator")
    with Store(db_path) as store:
        store.create("Monitoring data", actor="F", aid="mon1")
        training.new_training(store, "Basics", actor="Trainer")
        tid = store.trainings()[0].id
    (tmp_path / "folder").mkdir()
    (tmp_path / "latin1.csv").write_bytes("district,age\nSégou,30\n".encode("latin-1"))
    (tmp_path / "table.csv").write_text("district,age\nA,30\nB,40\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a store\n", encoding="utf-8")
    (tmp_path / "alias.yaml").write_text("a: &x 1\nb: *x\n", encoding="utf-8")
    return tid


def _error(capsys, argv: list[str], code: int = 1) -> str:
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.startswith("pim-workbook: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "Errno" not in err and PASSWORD not in err
    return err


CASES = [
    (["export", "mon1", "--out", "/dev/null"], "--out /dev/null: exists and is not a folder"),
    (["export", "mon1", "--out", "notes.txt/sub"], "--out notes.txt/sub: a part of this path"),
    (["register", "mon1", "--out", "notes.txt"], "--out notes.txt: exists and is not a folder"),
    (["report", "mon1", "--out", "/dev/null"], "--out /dev/null: exists and is not a folder"),
    (["report", "mon1", "--format", "pdf,odt"], "--format pdf,odt: give some of html, pdf"),
    (["batch", "--review-due", "2027-02-30"],
     "--review-due 2027-02-30: not a date (day is out of range for month); give one as "
     "YYYY-MM-DD"),
    (["batch", "--review-due", "soon"], "--review-due soon: not a date; give one as"),
    (["invite", "mon1", "--party", "A", "--expires", "2027-13-01"],
     "--expires 2027-13-01: not a date (month must be in 1..12)"),
    (["risk", "latin1.csv", "--quasi", "district"], "latin1.csv"),
    (["risk", "table.csv", "--quasi", "region"], "table.csv: missing column(s): region"),
    (["import", "latin1.csv"], "latin1.csv"),
    (["import", "missing.json"], "missing.json: No such file"),
    (["--db", "folder", "list"], "folder is a folder: give the store file"),
    (["--db", "notes.txt", "list"], "notes.txt: not a workbook store that can be opened"),
    (["--content", "missing.yaml", "list"], "missing.yaml: cannot be read"),
    (["--content", "alias.yaml", "list"], "alias.yaml, line 1: YAML anchors and aliases"),
    (["backup", "folder"], "folder is a folder: give the backup's file name"),
]


@pytest.mark.parametrize(("argv", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_an_error_names_its_option_or_file(env, capsys, argv, message):
    assert message in _error(capsys, argv)


@pytest.mark.parametrize(("where", "message"), [
    ("missing/results.csv", "--csv missing/results.csv: the folder missing does not exist"),
    ("folder", "--csv folder: is a folder: give a file name"),
])
def test_a_results_file_that_cannot_be_written_is_named(env, capsys, where, message):
    assert message in _error(capsys, ["training", "results", env, "--csv", where])


@pytest.mark.parametrize(("argv", "message"), [
    (["batch", "--jobs", "0"], "argument --jobs: '0': give a whole number, 1 or more"),
    (["settings", "--risk-max-risk", "5"], "argument --risk-max-risk: '5': give a fraction"),
    (["risk", "table.csv", "--quasi", "age", "--min-k", "x"], "argument --min-k: 'x'"),
    (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
])
def test_a_usage_error_is_one_line_too(env, capsys, argv, message):
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and message in err
    assert err.startswith("pim-workbook: ") and "--help)" in err


def test_a_store_failing_midway_is_named(env, capsys, monkeypatch, db_path, store_kind):
    """The database's own error, naming the store (a PostgreSQL one without its password)."""
    if store_kind == "sqlite":
        failure = sqlite3.OperationalError("database is locked")
    else:
        import psycopg

        failure = psycopg.OperationalError("database is locked")

    def locked(*args, **kwargs):
        raise failure

    monkeypatch.setattr(Store, "summaries", locked)
    assert _error(capsys, ["list"]) == f"pim-workbook: {masked(db_path)}: database is locked\n"
    assert f"--db {masked(db_path)}: database is locked" in \
        _error(capsys, ["--db", str(db_path), "list"])


def test_a_content_file_with_several_problems_is_still_one_line(env, capsys, tmp_path):
    (tmp_path / "bad.yaml").write_text("assessment: {}\n", encoding="utf-8")
    err = _error(capsys, ["--content", "bad.yaml", "list"])
    assert "bad.yaml does not follow the schema: " in err and "; " in err
