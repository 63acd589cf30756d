"""The pim-workbook command: each subcommand end to end, errors as one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from raw_store import raw, readable

from pim_workbook.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch, db_path):
    """The test's store (on each kind of store) as the default one; files in tmp_path."""
    monkeypatch.setenv("PIM_WORKBOOK_DB", str(db_path))
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.setenv("PIM_WORKBOOK_ACTOR", "Test Facilitator")
    return tmp_path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _new(capsys) -> str:
    code, out, _ = run(capsys, "new", "Monitoring data to cluster",
                       "--party", "Helping Hands:provider", "--party", "Cluster Lead:recipient",
                       "--purpose", "Target the response")
    assert code == 0
    return out.strip()


def test_new_list_show(env, capsys):
    aid = _new(capsys)
    code, out, _ = run(capsys, "list")
    assert code == 0 and aid in out and "Helping Hands, Cluster Lead" in out and "draft" in out
    code, out, _ = run(capsys, "show", aid)
    assert "party B: Cluster Lead (recipient)" in out
    assert "purpose: Target the response" in out
    code, out, _ = run(capsys, "list", "--status", "signed")
    assert "no assessments match" in out


def test_export_all_formats_then_import_into_another_store(env, capsys):
    aid = _new(capsys)
    code, out, _ = run(capsys, "export", aid)
    files = out.split()
    assert code == 0 and len(files) == 4
    assert all(os.path.exists(f) and f.startswith(str(env / "exports")) for f in files)
    json_file = next(f for f in files if f.endswith(".json"))
    code, out, _ = run(capsys, "--db", str(env / "other.sqlite"), "import", json_file)
    assert code == 0 and out.strip() == aid
    code, out, _ = run(capsys, "--db", str(env / "other.sqlite"), "show", aid)
    assert "Monitoring data to cluster" in out
    code, _, err = run(capsys, "import", json_file)
    assert code == 1 and "--replace" in err
    run(capsys, "archive", aid)
    code, out, _ = run(capsys, "import", "--replace", json_file)
    assert code == 0 and "draft" in run(capsys, "list")[1]


def test_schema_prints_the_json_schema(env, capsys):
    _code, out, _ = run(capsys, "schema")
    assert json.loads(out)["title"] == "PIM Data-Sharing Workbook assessment"


def test_sample_loads_once(env, capsys):
    code, out, _ = run(capsys, "sample")
    assert code == 0 and out.strip() == "sample"
    code, out, _ = run(capsys, "sample")
    assert "already loaded" in out
    code, out, _ = run(capsys, "list")
    assert "sample" in out


def test_backup_archive_delete(env, capsys):
    aid = _new(capsys)
    code, out, _ = run(capsys, "backup", str(env / "b.sqlite"))
    assert code == 0 and (env / "b.sqlite").exists()
    run(capsys, "archive", aid)
    assert "archived" in run(capsys, "list")[1]
    code, _, err = run(capsys, "delete", aid)  # no terminal: refuses without --confirm
    assert code == 1 and f"--confirm {aid}" in err
    code, out, _ = run(capsys, "delete", aid, "--confirm", aid)
    assert code == 0 and "deleted" in out
    assert "no assessments yet" in run(capsys, "list")[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "zzzzzz"], "no assessment with id 'zzzzzz'"),
        (["new", "T", "--party", "X:boss"], "role must be"),
        (["new", " "], "title: must not be empty"),
        (["import", "missing.json"], "No such file"),
        (["--content", "missing.yaml", "list"], "missing.yaml"),
    ],
)
def test_errors_are_one_clear_line(env, capsys, argv, message):
    code, _out, err = run(capsys, *argv)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_help_is_instant_and_import_is_light():
    code = ("import sys, pim_workbook, pim_workbook.cli; "
            "heavy = {'pandas', 'matplotlib', 'papermill', 'nbconvert', 'pydantic'}; "
            "print(sorted(heavy & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
    result = subprocess.run([sys.executable, "-m", "pim_workbook.cli", "export", "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "--format" in result.stdout


def test_an_assessment_opens_under_adapted_content_and_keeps_retired_answers(env, capsys):
    import yaml

    from pim_workbook.content.framework import DEFAULT_CONTENT
    from pim_workbook.store.core import Store

    aid = _new(capsys)
    with Store() as store:
        store.answer(aid, "E4.Q3", "A", "Community meetings each quarter", actor="amal")
    data = yaml.safe_load(DEFAULT_CONTENT.read_text(encoding="utf-8"))
    data["version"] = "2.0.0"
    step4 = data["assessment"]["steps"][3]
    step4["questions"] = [q for q in step4["questions"] if q["id"] != "E4.Q3"]
    adapted = env / "adapted.yaml"
    adapted.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    code, out, _ = run(capsys, "--content", str(adapted), "show", aid)
    assert code == 0
    assert "content version 1.0.0" in out
    assert "no longer in the content (kept): E4.Q3" in out
    code, out, _ = run(capsys, "--content", str(adapted), "export", aid, "--format", "html")
    assert "Community meetings each quarter" in Path(out.strip()).read_text(encoding="utf-8")


MICRODATA = ("loc,age,sex,status,w\nA,20-29,F,x,10\nA,20-29,F,y,12\nB,30-39,M,x,8\n"
             "B,30-39,M,x,9\nB,30-39,M,z,11\nC,40-49,F,x,20\n")


def test_risk_prints_json_with_the_documented_keys(tmp_path, capsys):
    data = tmp_path / "m.csv"
    data.write_text(MICRODATA, encoding="utf-8")
    code, out, _ = run(capsys, "risk", str(data), "--quasi", "loc,age,sex",
                       "--sensitive", "status", "--json")
    result = json.loads(out)
    assert code == 0
    assert (result["n"], result["k"], result["classes"], result["sample_uniques"]) == (6, 1, 3, 1)
    assert result["below_k"] == {"2": 1, "3": 3, "5": 6}
    assert result["expected_reidentifications"] == pytest.approx(3.0)
    assert result["global_risk"] == pytest.approx(0.5)
    assert result["l_diversity"] == {"status": 1}
    code, out, _ = run(capsys, "risk", str(data), "--quasi", "loc,age,sex", "--json",
                       "--by-combination")
    combos = json.loads(out)["by_combination"]
    assert [c["quasi"] for c in combos][:3] == [["loc"], ["age"], ["sex"]] and len(combos) == 7
    assert combos[-1]["k"] == result["k"]
    code, out, _ = run(capsys, "risk", str(data), "--quasi", "loc", "--weight", "w")
    assert code == 0 and "NEEDS ACTION" in out and "global risk" in out


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        (MICRODATA, ["--quasi", "nope"], "missing column(s): nope"),
        ("", ["--quasi", "loc"], "is not a readable table"),
        (MICRODATA.replace(",10\n", ",-10\n"), ["--quasi", "loc", "--weight", "w"],
         "negative"),
        (MICRODATA, ["--quasi", "loc", "--weight", "sex"], "not numeric"),
    ],
)
def test_risk_refuses_bad_input_in_one_line(tmp_path, capsys, text, argv, message):
    data = tmp_path / "bad.csv"
    data.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "risk", str(data), *argv)
    assert code == 1 and message in err and err.count("\n") == 1


def test_risk_with_assessment_records_evidence_and_register_checks_it(env, capsys):
    data = env / "m.csv"
    data.write_text(MICRODATA, encoding="utf-8")
    aid = _new(capsys)
    code, out, err = run(capsys, "risk", str(data), "--quasi", "loc,age,sex",
                         "--sensitive", "status", "--assessment", aid, "--json")
    assert code == 0 and json.loads(out)["k"] == 1
    assert f"recorded as evidence in {aid}, dataset DS1" in err
    code, out, _ = run(capsys, "settings", "--risk-min-k", "1", "--risk-max-risk", "0.6")
    assert code == 0 and "risk target k: 1" in out
    code, out, _ = run(capsys, "risk", str(data), "--quasi", "loc,age,sex",
                       "--assessment", aid, "--dataset", "DS1")
    assert code == 0 and "within the thresholds (k >= 1, global risk <= 60.0 %)" in out
    code, out, _ = run(capsys, "register", aid)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("-register.hxl.csv") and lines[-1].endswith("datapackage.json")
    problems = [line for line in lines if line.startswith("  ")]
    assert problems == ["  warning: row 1, column 'Owner' (#org+owner) Expected at least 1 "
                        "matching non-empty value(s)"]  # the dataset made for the file
    hxl_rows = Path(lines[0]).read_text(encoding="utf-8").splitlines()
    assert hxl_rows[2].startswith("DS1,m,") and ",within thresholds," in hxl_rows[2]
    code, _, err = run(capsys, "risk", str(data), "--quasi", "loc", "--assessment", aid,
                       "--dataset", "DS7")
    assert code == 1 and "no dataset 'DS7'" in err
    code, _, err = run(capsys, "risk", str(data), "--quasi", "loc", "--assessment", "nope")
    assert code == 1 and err.count("\n") == 1


def test_invite_list_and_revoke_links(env, capsys, db_path):
    aid = _new(capsys)
    code, out, err = run(capsys, "invite", aid, "--party", "Helping Hands", "--url",
                         "http://workbook.example.org", "--expires", "2099-01-31")
    assert code == 0 and "party A · Helping Hands" in err and "until 2099-01-31" in err
    url = out.strip()
    assert url.startswith("http://workbook.example.org/voila/render/01-start.ipynb?")
    assert f"assessment={aid}" in url and "&key=l" in url
    code, out, err = run(capsys, "invite", aid, "--party", "Cluster Lead", "--read-only")
    assert code == 0 and out.startswith("http://127.0.0.1:8866/")
    assert "observer B · Cluster Lead" in err
    code, out, _ = run(capsys, "invites", aid)
    lines = out.splitlines()
    assert len(lines) == 3 and "party" in lines[1] and "observer" in lines[2]
    assert "2099-01-31" in lines[1] and lines[1].endswith("active")
    link_id = lines[1].split()[0]
    secret = url.split("key=")[1].split("&")[0].split(".")[1]
    assert secret not in out and not readable(db_path, secret)
    code, out, _ = run(capsys, "revoke", link_id)
    assert code == 0 and "revoked" in out
    code, out, _ = run(capsys, "invites", aid)
    assert out.splitlines()[1].endswith("revoked")
    for argv, message in ((["invite", aid], "name the party"),
                          (["invite", aid, "--party", "Nobody"], "no party matches"),
                          (["invite", aid, "--party", "A", "--expires", "soon"], "YYYY-MM-DD"),
                          (["invite", "--facilitator", aid], "give no ID"),
                          (["revoke", "lmissing"], "no link with id")):
        code, _, err = run(capsys, *argv)
        assert code == 1 and message in err and err.count("\n") == 1


def test_training_sessions_from_the_command_line(env, capsys, db_path):
    from pim_workbook.content.exercises import load_exercises
    from pim_workbook.store.core import Store
    from pim_workbook.training import sessions as training

    code, out, err = run(capsys, "training", "new", "Kessaly, March")
    assert code == 0 and "09-training.ipynb?key=l" in out
    tid = err.split()[2].rstrip(":")
    exercises = load_exercises()
    first = exercises.exercises[0]
    with Store(db_path) as store:
        training.answer(store, training.join(store, tid, "Owl"), exercises, first.id,
                        first.answer)
    code, out, _ = run(capsys, "training", "list")
    assert code == 0 and tid in out and "1 trainee" in out
    code, out, _ = run(capsys, "training", "results", tid)
    assert code == 0 and "100%" in out and "Applying the PIM principles" in out
    code, out, _ = run(capsys, "training", "results", tid, "--csv", str(env / "r.csv"))
    assert (env / "r.csv").read_text().splitlines()[1] == \
        f"{tid},{first.id},{first.competency},{first.kind},1,1,1.000,100"
    code, _, err = run(capsys, "training", "purge", tid)
    assert code == 1 and "--confirm" in err
    code, out, _ = run(capsys, "training", "purge", tid, "--confirm", tid)
    assert code == 0 and "removed 1 trainees" in out
    code, _, err = run(capsys, "training", "results", "tnope")
    assert code == 1 and "no training session" in err


def _exported(capsys, aid: str) -> Path:
    code, out, _ = run(capsys, "export", aid, "--format", "json")
    assert code == 0
    return Path(out.strip())


def test_verify_show_and_trust_an_export_of_another_store(env, capsys):
    aid = _new(capsys)
    code, out, _ = run(capsys, "verify", aid)
    assert code == 0 and out == f"{aid}: verified — the history chain is intact; nothing is " \
        "sealed yet\n"
    code, out, _ = run(capsys, "trust")
    own = out.splitlines()[0].removeprefix("this store: ")
    assert code == 0 and len(own) == 19
    exported = _exported(capsys, aid)
    other = ["--db", str(env / "other.sqlite")]
    code, out, err = run(capsys, *other, "import", str(exported))
    assert code == 0 and out.strip() == aid
    assert f"sealed by an unknown store (fingerprint {own})" in err
    code, out, _ = run(capsys, *other, "show", aid)
    assert code == 0 and f"verifies: not yet — sealed by an unknown store (fingerprint {own})" \
        in out and f"sealed by: {own} (unknown)" in out
    code, out, err = run(capsys, *other, "verify", aid)
    assert code == 1 and out.count("\n") == 1 and "unknown store" in out
    assert err == f"pim-workbook: {aid} does not verify (1 problem)\n"
    code, out, _ = run(capsys, *other, "trust", *own.split())
    assert code == 0 and f"trusted: seals by {own}" in out
    code, out, _ = run(capsys, *other, "verify", aid)
    assert code == 0 and out == f"{aid}: verified — sealed by {own} (trusted)\n"
    code, out, _ = run(capsys, *other, "show", aid)
    assert "verifies: yes" in out and f"sealed by: {own} (trusted)" in out
    assert run(capsys, *other, "trust")[1].splitlines()[1:] == [f"trusted: {own}"]
    code, _, err = run(capsys, *other, "trust", "12 34")
    assert code == 1 and "is not a fingerprint" in err and err.count("\n") == 1


def test_a_tampered_file_is_refused_in_one_line_or_imported_unverified(env, capsys):
    aid = _new(capsys)
    doc = json.loads(_exported(capsys, aid).read_text(encoding="utf-8"))
    next(e for e in doc["history"] if e["path"] == "purpose")["actor"] = "Mallory"
    evil = env / "evil.json"
    evil.write_text(json.dumps(doc), encoding="utf-8")
    other = ["--db", str(env / "other.sqlite")]
    code, out, err = run(capsys, *other, "import", str(evil))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "evil.json: history entry 4 (" in err and "does not match its chain hash" in err
    assert "no assessments yet" in run(capsys, *other, "list")[1]
    code, out, err = run(capsys, *other, "import", "--unverified", str(evil))
    assert code == 0 and out.strip() == aid and "imported, not verified: history entry 4" in err
    code, out, _ = run(capsys, *other, "show", aid)
    assert "verifies: no — imported, not verified: history entry 4" in out
    code, out, err = run(capsys, *other, "verify", aid)
    assert code == 1 and out.startswith("imported, not verified: ") and "does not verify" in err


def test_verify_names_each_change_made_in_the_store_file(env, capsys, db_path):
    aid = _new(capsys)
    with raw(db_path) as db:
        db.execute("UPDATE history SET actor='Mallory' WHERE path LIKE 'parties/%'")
    code, out, err = run(capsys, "verify", aid)
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2 and all("does not match its chain hash" in line
                                                 for line in lines)
    assert "parties/A" in lines[0] and "parties/B" in lines[1]
    assert err == f"pim-workbook: {aid} does not verify (2 problems)\n"
    assert "verifies: no — history entry 2" in run(capsys, "show", aid)[1]
