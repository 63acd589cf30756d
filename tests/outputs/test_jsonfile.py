"""Imported files cannot name paths: ids and keys follow the workbook's own patterns, a bad
file is refused whole with one line naming the file and the field, and every file written
under exports/ stays inside its folder."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pim_workbook.cli import main
from pim_workbook.errors import ImportRefused, RecordError
from pim_workbook.outputs import exports, jsonfile, register, reports
from pim_workbook.outputs.filenames import output_path
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.record.model import Record
from pim_workbook.store.core import Store

EVIL_ID = "../../../../x"


@pytest.fixture(scope="module")
def sample_doc(sample_export: str) -> dict[str, Any]:
    """The sample assessment's export, with one treatment so every kind of id is present."""
    doc = json.loads(sample_export)
    check = {"checked_at": "2026-05-01T10:00:00+00:00", "quasi": ["district"], "n": 10,
             "k": 3, "classes": 3, "sample_uniques": 0, "below_k": {"2": 0, "3": 0, "5": 4},
             "expected_reidentifications": 1.0, "global_risk": 0.1, "needs_action": True}
    doc["record"]["datasets"]["DS1"]["treatments"] = [{
        "done_at": "2026-05-01T10:05:00+00:00", "steps": ["Removed the village column."],
        "before": check, "after": check, "output": "monthly-incident-counts.csv"}]
    return doc


@pytest.fixture
def target(tmp_path, content):
    """A store that already holds one assessment, to show a refused import changes nothing."""
    with Store(tmp_path / "target.sqlite", content=content) as store:
        store.create("Already here", actor="fac", aid="here")
        yield store


def _rename_key(mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)


def _state(store: Store) -> tuple[Any, ...]:
    return store.ids(), store.imports(), [to_json(store, a) for a in store.ids()]


# (what is changed, the field the error names)
MUTATIONS = {
    "assessment id": (lambda r: r.update(id=EVIL_ID), "record/id"),
    "party key": (lambda r: _rename_key(r["parties"], "B", "A/../B"), "record/parties"),
    "party key with a newline": (lambda r: _rename_key(r["parties"], "B", "B\n"),
                                 "record/parties"),
    "data item id": (lambda r: _rename_key(r["data_items"], "D1", "../D1"),
                     "record/data_items"),
    "dataset id": (lambda r: _rename_key(r["datasets"], "DS1", "DS1/../../x"),
                   "record/datasets"),
    "stakeholder id": (lambda r: _rename_key(r["stakeholders"], "S1", "S1.."),
                       "record/stakeholders"),
    "system id": (lambda r: _rename_key(r["systems"], "Y1", "/etc/Y1"), "record/systems"),
    "flow id": (lambda r: _rename_key(r["flows"], "F1", "F-1"), "record/flows"),
    "own action id": (lambda r: _rename_key(r["custom_actions"], "C1", "C1/x"),
                      "record/custom_actions"),
    "incident id": (lambda r: _rename_key(r["incidents"], "I1", "I0"), "record/incidents"),
    "access grant id": (lambda r: _rename_key(r["arrangement"]["access"], "X1", "X/1"),
                        "record/arrangement/access"),
    "answer's party": (lambda r: _rename_key(r["answers"]["E1.Q1"]["parties"], "A", ".."),
                       "record/answers/E1.Q1/parties"),
    "action id": (lambda r: _rename_key(r["actions"], "E1.maximise.1", "E1/../maximise"),
                  "record/actions"),
    "signature's party": (lambda r: _rename_key(r["signoffs"], "A", "a"), "record/signoffs"),
    "dataset owner": (lambda r: r["datasets"]["DS1"].update(owner="../A"),
                      "record/datasets/DS1/owner"),
    "dataset's data item": (lambda r: r["datasets"]["DS1"].update(data_items=["D1/.."]),
                            "record/datasets/DS1/data_items/0"),
    "flow source": (lambda r: r["flows"]["F1"].update(source="S1/../S2"),
                    "record/flows/F1/source"),
    "treated file name": (
        lambda r: r["datasets"]["DS1"]["treatments"][0].update(output="../../evil.csv"),
        "record/datasets/DS1/treatments/0/output"),
}


@pytest.mark.parametrize("case", MUTATIONS)
def test_a_bad_id_is_refused_naming_the_file_and_field_and_nothing_changes(sample_doc, target,
                                                                           case):
    change, field = MUTATIONS[case]
    doc = copy.deepcopy(sample_doc)
    change(doc["record"])
    before = _state(target)
    with pytest.raises(ImportRefused) as refused:
        import_json(target, json.dumps(doc), actor="x", source="evil.json")
    message = str(refused.value)
    assert message.startswith(f"evil.json: {field}")
    assert "\n" not in message
    assert _state(target) == before


def test_the_untouched_sample_with_its_treatment_imports(sample_doc, target):
    assert import_json(target, json.dumps(sample_doc), actor="x") == "sample"
    assert target.get("sample").datasets["DS1"].treatments[0].output == \
        "monthly-incident-counts.csv"


def test_a_bad_id_inside_a_signed_revision_is_refused(sample_doc, target):
    doc = copy.deepcopy(sample_doc)
    doc["revisions"][0]["record"]["parties"]["A/../B"] = \
        doc["revisions"][0]["record"]["parties"].pop("B")
    with pytest.raises(ImportRefused, match=r"^evil\.json: revisions/0/record/parties: "):
        import_json(target, json.dumps(doc), actor="x", source="evil.json")
    assert target.ids() == ["here"]


def test_the_schema_refuses_what_the_model_refuses(sample_doc):
    import jsonschema

    doc = copy.deepcopy(sample_doc)
    _rename_key(doc["record"]["parties"], "B", "A/../B")
    with pytest.raises(jsonschema.ValidationError, match=r"A/\.\./B"):
        jsonschema.validate(doc, jsonfile.json_schema())


def test_the_store_gives_and_accepts_only_ids_of_the_same_form(store, aid):
    assert store.add(aid, "data_items", {"name": "Counts"}, actor="t") == "D1"
    assert store.add(aid, "arrangement/access", {"who": "Analysts"}, actor="t") == "X1"
    for path, value in (("data_items/../D1", {"name": "x"}),
                        ("data_items/D1x", {"name": "x"}),
                        ("answers/E1.Q1/parties/..", "text"),
                        ("trust/b", {"agreed_by": "x", "agreed_on": "2026-01-01"})):
        with pytest.raises(RecordError, match="is not a valid id here"):
            store.set(aid, path, value, actor="t")
    assert list(store.get(aid).data_items) == ["D1"]


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", ["assessment id", "party key", "data item id"])
def test_the_command_line_refuses_a_bad_id_with_one_line(sample_doc, tmp_path, capsys, case):
    db = str(tmp_path / "cli.sqlite")
    assert _cli(capsys, "--db", db, "--actor", "fac", "new", "Existing")[0] == 0
    change, field = MUTATIONS[case]
    doc = copy.deepcopy(sample_doc)
    change(doc["record"])
    evil = tmp_path / "evil.json"
    evil.write_text(json.dumps(doc), encoding="utf-8")
    before = _cli(capsys, "--db", db, "list")[1]
    code, out, err = _cli(capsys, "--db", db, "import", str(evil))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "evil.json: " + field in err
    assert _cli(capsys, "--db", db, "list")[1] == before
    assert not (tmp_path.parent / "x").exists()


def test_deeply_nested_json_is_refused_with_one_line(target, tmp_path, capsys):
    for depth in (100_000, 40):
        text = "[" * depth + "]" * depth
        with pytest.raises(ImportRefused, match=r"^deep\.json: nested deeper than 32 levels"):
            import_json(target, text, actor="x", source="deep.json")
    deep = tmp_path / "deep.json"
    deep.write_text('{"history": [{"old": ' + "[" * 100_000 + "]" * 100_000 + "}]}",
                    encoding="utf-8")
    code, _, err = _cli(capsys, "--db", str(target.path), "import", str(deep))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "deep.json: nested deeper than" in err
    assert target.ids() == ["here"]


def test_a_binary_file_is_refused_with_one_line_naming_it(target, tmp_path, capsys):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"
    with pytest.raises(ImportRefused, match=r"^pic\.png: not a UTF-8 text file"):
        import_json(target, png, actor="x", source="pic.png")
    picture = tmp_path / "pic.png"
    picture.write_bytes(png)
    code, _, err = _cli(capsys, "--db", str(target.path), "import", str(picture))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "pic.png: not a UTF-8 text file" in err and "codec" not in err
    assert target.ids() == ["here"]


# -- writing under exports/ ----------------------------------------------------------------
@pytest.mark.parametrize("names", [("../x.json",), ("a/../../x",), ("/etc/passwd",),
                                   ("audit", "../../x"), (".",), ("",)])
def test_output_path_refuses_anything_outside_the_folder(tmp_path, names):
    with pytest.raises(ValueError, match="refused to write") as refused:
        output_path(tmp_path / "exports", *names)
    assert "\n" not in str(refused.value)


def test_output_path_keeps_names_inside_the_folder(tmp_path):
    folder = tmp_path / "exports"
    assert output_path(folder, "audit", "r.ipynb") == folder.resolve() / "audit" / "r.ipynb"
    assert output_path(folder, "a..b.csv") == folder.resolve() / "a..b.csv"


@pytest.fixture
def evil_record(store, aid) -> Record:
    """A record whose ids were never validated (as if a check were missing upstream)."""
    record = store.get(aid)
    dataset = store.add(aid, "datasets", {"title": "Counts"}, actor="t")
    record = store.get(aid)
    return record.model_copy(update={"id": EVIL_ID, "datasets": {
        "x/../../../DS9": record.datasets[dataset]}})


def _nothing_outside(tmp_path: Path, folder: Path) -> None:
    outside = [p for p in tmp_path.rglob("*") if p.is_file()
               and not p.is_relative_to(folder) and p.suffix not in (".sqlite", ".sqlite-wal",
                                                                      ".sqlite-shm")]
    assert outside == []


def test_export_and_register_refuse_to_write_outside_the_folder(store, aid, evil_record,
                                                               tmp_path, monkeypatch):
    folder = tmp_path / "deep" / "er" / "exports"
    monkeypatch.setattr(store, "get", lambda _aid: evil_record)
    with pytest.raises(ValueError, match="refused to write"):
        exports.export(store, aid, "csv", folder)
    with pytest.raises(ValueError, match="refused to write"):
        register.write_register(store, aid, folder)
    with pytest.raises(ValueError, match="refused to write"):
        register.dataset_folder(folder, evil_record.model_copy(update={"id": "fine"}),
                                "x/../../../DS9")
    with pytest.raises(ValueError, match="refused to write"):
        register.write_datapackage(store.get(aid), store.content, "x/../../../DS9",
                                   folder / "ds", data_file="../../../escape.csv")
    _nothing_outside(tmp_path, folder)


def test_report_refuses_to_write_outside_the_folder(store, aid, evil_record, tmp_path,
                                                    monkeypatch):
    folder = tmp_path / "deep" / "er" / "exports"
    monkeypatch.setattr(reports, "record_at", lambda *_args: evil_record)
    result = reports.run_report(aid, db_path=store.path, out_dir=folder, formats=["html"])
    assert result.status == "failed" and "refused to write" in result.error
    assert result.files == []
    _nothing_outside(tmp_path, folder)


def test_exports_of_the_sample_stay_inside_the_folder(store, sample, tmp_path):
    aid = sample
    folder = tmp_path / "exports"
    written = [exports.export(store, aid, fmt, folder) for fmt in exports.FORMATS]
    written += register.write_register(store, aid, folder)
    assert len(written) == 4 + 2 + 2
    assert all(p.is_file() and p.is_relative_to(folder.resolve()) for p in written)
