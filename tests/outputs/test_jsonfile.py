"""Imported files cannot name paths: ids and keys follow the workbook's own patterns, a bad
file is refused whole with one line naming the file and the field, and every file written
under exports/ stays inside its folder."""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pim_workbook.cli import main
from pim_workbook.content.framework import Content
from pim_workbook.errors import ImportRefused, RecordError
from pim_workbook.outputs import exports, jsonfile, register, reports
from pim_workbook.outputs.filenames import output_path
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.record.hashing import record_hash
from pim_workbook.record.model import Record
from pim_workbook.record.readiness import open_items
from pim_workbook.store import seals
from pim_workbook.store.chain import GENESIS, link
from pim_workbook.store.core import Store
from pim_workbook.store.rows import Change

EVIL_ID = "../../../../x"


@pytest.fixture(scope="module")
def sample_doc(sample_export: str, tmp_path_factory: pytest.TempPathFactory,
               content: Content) -> dict[str, Any]:
    """The sample assessment's export, with one treatment so every kind of id is present
    (recorded through a store, so that the file verifies)."""
    check = {"checked_at": "2026-05-01T10:00:00+00:00", "quasi": ["district"], "n": 10,
             "k": 3, "classes": 3, "sample_uniques": 0, "below_k": {"2": 0, "3": 0, "5": 4},
             "expected_reidentifications": 1.0, "global_risk": 0.1, "needs_action": True}
    with Store(tmp_path_factory.mktemp("treated") / "s.sqlite", content=content) as store:
        aid = import_json(store, sample_export, actor="tests")
        store.update(aid, "datasets/DS1", {"treatments": [{
            "done_at": "2026-05-01T10:05:00+00:00", "steps": ["Removed the village column."],
            "before": check, "after": check, "output": "monthly-incident-counts.csv"}]},
            actor="Analyst")
        return json.loads(to_json(store, aid))


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


# -- tamper evidence -----------------------------------------------------------------------
def _entry(doc: dict[str, Any], path: str) -> dict[str, Any]:
    """The last history entry of a file that changed ``path``."""
    return next(e for e in reversed(doc["history"]) if e["path"] == path)


def _forge_revision(doc: dict[str, Any]) -> None:
    """Change the signed revision and recompute its hash with the workbook's own function."""
    revision = doc["revisions"][0]
    revision["record"]["purpose"] = "Quietly widened to any purpose"
    revision["record_hash"] = record_hash(Record.model_validate(revision["record"]))


def _append_forged_change(doc: dict[str, Any]) -> None:
    """A change chained correctly after the sealed end, the record changed to match."""
    old = doc["record"]["purpose"]
    forged = Change("2026-06-01T00:00:00.000Z", "Mallory", None, "purpose", old, "Anything",
                    "cli")
    entry = {**dataclasses.asdict(forged),
             "hash": link(doc["history"][-1]["hash"], doc["record"]["id"], forged)}
    doc["history"].append(entry)
    doc["record"]["purpose"] = "Anything"


def _flip(text: str) -> str:
    return text[:20] + ("A" if text[20] != "A" else "B") + text[21:]


# (what is changed, what the error says failed)
TAMPERED = {
    "an entry's actor": (lambda d: _entry(d, "purpose").update(actor="Mallory"),
                         "does not match its chain hash"),
    "an entry's party": (lambda d: _entry(d, "answers/E1.Q1/parties/A").update(party="B"),
                         "does not match its chain hash"),
    "an entry's old value": (lambda d: _entry(d, "purpose").update(old="Something else"),
                             "does not match its chain hash"),
    "an entry's new value": (
        lambda d: _entry(d, "answers/E1.Q1/parties/A").update(new="Something else"),
        "does not match its chain hash"),
    "an entry's link": (lambda d: _entry(d, "purpose").update(via="cli"),
                        "does not match its chain hash"),
    "an entry removed": (lambda d: d["history"].remove(_entry(d, "purpose")),
                         "does not match its chain hash"),
    "the record": (lambda d: d["record"].update(purpose="Anything"),
                   "the record is not what its history makes it"),
    "a revision re-hashed": (_forge_revision, "the seal of revision 1 by"),
    "a revision's seal": (lambda d: d["seals"][0].update(signature=_flip(
        d["seals"][0]["signature"])), "the seal of revision 1 by"),
    "the history's seal": (lambda d: d["seals"][-1].update(signature=_flip(
        d["seals"][-1]["signature"])), "the seal of the history by"),
    "the sealed head": (lambda d: d["seals"][-1].update(head=d["history"][0]["hash"]),
                        "the seal of the history by"),
    "a public key": (lambda d: d["keys"][0].update(public_key=_flip(d["keys"][0]["public_key"])),
                     "has another fingerprint"),
    "a change appended": (_append_forged_change, "the end of the history is not sealed"),
    "the history's seal removed": (lambda d: d["seals"].pop(), "the end of the history is not "
                                   "sealed"),
}


@pytest.mark.parametrize("case", TAMPERED)
def test_a_tampered_file_is_refused_whole_with_one_line(sample_doc, target, case):
    change, failed = TAMPERED[case]
    doc = copy.deepcopy(sample_doc)
    change(doc)
    before = _state(target)
    with pytest.raises(ImportRefused) as refused:
        import_json(target, json.dumps(doc), actor="x", source="evil.json")
    message = str(refused.value)
    assert message.startswith("evil.json: ") and failed in message and "\n" not in message
    assert "nothing was imported" in message
    assert _state(target) == before


def test_the_sample_file_carries_chain_seals_and_keys(sample_doc, target):
    assert sample_doc["format_version"] == 2
    history = sample_doc["history"]
    assert all(len(e["hash"]) == 64 for e in history)
    revision, exported, treated = sample_doc["seals"]  # by the sample's store, then by the
    assert (revision["revision"], exported["revision"], treated["revision"]) == (1, None, None)
    assert (exported["head"], treated["head"]) == (history[-2]["hash"], history[-1]["hash"])
    assert revision["key"] == exported["key"] != treated["key"]  # store that treated DS1
    assert [k["fingerprint"] for k in sample_doc["keys"]] == [exported["key"], treated["key"]]
    aid = import_json(target, json.dumps(sample_doc), actor="x")
    assert target.verify(aid).problems == ()


def _reseal(doc: dict[str, Any]) -> str:
    """Re-chain and re-seal a changed file with a key of one's own, as a forger would;
    returns the forger's fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    aid, head = doc["record"]["id"], GENESIS
    for entry in doc["history"]:
        fields = {k: v for k, v in entry.items() if k != "hash"}
        head = entry["hash"] = link(head, aid, Change(**fields))
    key = Ed25519PrivateKey.generate()
    public = base64.b64encode(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    fp = seals.fingerprint(public.decode())

    def seal(revision: int | None, message: bytes) -> dict[str, Any]:
        return {"revision": revision, "head": head, "key": fp,
                "signature": base64.b64encode(key.sign(message)).decode()}

    doc["seals"] = [seal(r["number"], seals.revision_message(aid, r["number"],
                                                             r["record_hash"], head))
                    for r in doc["revisions"]]
    doc["seals"].append(seal(None, seals.head_message(aid, head)))
    doc["keys"] = [{"fingerprint": fp, "public_key": public.decode()}]
    return fp


def test_a_file_resealed_by_another_key_shows_who_sealed_it(sample_export, store):
    original = json.loads(sample_export)["keys"][0]["fingerprint"]
    doc = json.loads(sample_export)
    _entry(doc, "purpose").update(actor="Mallory")
    _forge_revision(doc)
    forger = _reseal(doc)
    aid = import_json(store, json.dumps(doc), actor="x")
    store.trust(original, actor="fac")
    result = store.verify(aid)
    assert result.problems == () and not result.ok
    assert result.signers == ((forger, "unknown"),) and result.unknown == [forger]


def test_an_export_of_another_store_is_by_an_unknown_store_until_trusted(sample_export, store):
    aid = import_json(store, sample_export, actor="x")
    fp = json.loads(sample_export)["keys"][0]["fingerprint"]
    result = store.verify(aid)
    assert result.problems == () and result.unknown == [fp] and not result.ok
    store.trust(fp.replace(" ", "").upper(), actor="fac")
    result = store.verify(aid)
    assert result.ok and result.signers == ((fp, "trusted"),) and result.signer == fp


def test_an_export_of_this_same_store_verifies_with_its_own_key(store, aid):
    store.set(aid, "purpose", "Response planning", actor="amal")
    store.sign(aid, "A", "Amal", actor="amal",
               acknowledged=open_items(store.get(aid), store.content))
    text = to_json(store, aid)
    import_json(store, text, actor="x", replace=True)
    result = store.verify(aid)
    assert result.ok and result.signers == ((store.own_fingerprint(), "this store"),)
    assert to_json(store, aid) == text


def test_unverified_imports_the_file_and_marks_it(sample_export, target):
    doc = json.loads(sample_export)
    _entry(doc, "purpose").update(actor="Mallory")
    assert import_json(target, json.dumps(doc), actor="x", source="evil.json",
                       unverified=True) == "sample"
    assert _entry(json.loads(to_json(target, "sample")), "purpose")["actor"] == "Mallory"
    reason = target.unverified_import("sample")
    assert reason is not None and "does not match its chain hash" in reason
    result = target.verify("sample")
    assert not result.ok and result.problems[0] == f"imported, not verified: {reason}"
    assert target.unverified_import("here") is None
    import_json(target, sample_export, actor="x", replace=True)  # the genuine file
    assert target.unverified_import("sample") is None
    assert target.verify("sample").problems == ()


def test_an_export_from_before_seals_imports_only_unverified(sample_export, target):
    doc = json.loads(sample_export)
    doc["format_version"] = 1
    del doc["seals"], doc["keys"]
    for entry in doc["history"]:
        del entry["hash"]
    with pytest.raises(ImportRefused, match=r"^old\.json: an export from before records were "
                                            r"sealed \(format_version 1\)"):
        import_json(target, json.dumps(doc), actor="x", source="old.json")
    assert import_json(target, json.dumps(doc), actor="x", unverified=True) == "sample"
    assert target.verify("sample").problems[0].startswith(
        "imported, not verified: an export from before records were sealed")


def test_the_private_key_never_leaves_the_store(store, aid, db_path):
    text = to_json(store, aid)
    with sqlite3.connect(db_path) as db:
        private = db.execute("SELECT private_key FROM store_key").fetchone()[0]
    for form in (base64.b64encode(private).decode(), private.hex()):
        assert form not in text
    assert json.loads(text)["keys"] == [{"fingerprint": store.own_fingerprint(),
                                         "public_key": store.public_key()}]


def test_a_links_view_exports_a_file_the_store_seals(store, aid, tmp_path, content):
    from pim_workbook.access import GuardedStore, create_invite

    store.set(aid, "purpose", "Response planning", actor="amal")
    _, key = create_invite(store, role="observer", actor="fac", assessment_id=aid)
    text = to_json(GuardedStore(store, key), aid)
    assert text == to_json(store, aid)
    with Store(tmp_path / "elsewhere.sqlite", content=content) as elsewhere:
        import_json(elsewhere, text, actor="x")
        assert elsewhere.verify(aid).signers == ((store.own_fingerprint(), "unknown"),)
