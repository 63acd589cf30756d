"""The data-sharing register: references, HXL (libhxl), datapackage.json (frictionless)."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from pim_workbook.errors import RecordError
from pim_workbook.evidence import pick_dataset, record_check, record_treatment
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.outputs.register import (
    COLUMNS,
    datapackage,
    entries,
    to_hxl_csv,
    validate_datapackage,
    validate_hxl,
    write_register,
)
from pim_workbook.record.model import RiskEvidence
from pim_workbook.sdc.microdata import read_bytes
from pim_workbook.sdc.workspace import evidence
from pim_workbook.store.core import Store
from pim_workbook.store.settings import set_thresholds, thresholds


def _check(n: int = 10, k: int = 1, risk: float = 0.2) -> RiskEvidence:
    result = {"n": n, "k": k, "classes": 4, "sample_uniques": 2,
              "below_k": {"2": 2, "3": 4, "5": 8}, "expected_reidentifications": risk * n,
              "global_risk": risk, "l_diversity": {"concern": 1}, "min_k": 3,
              "max_risk": 0.03, "needs_action": k < 3 or risk > 0.03}
    return evidence(result, file="/srv/data/secret-folder/raw.csv", quasi=["loc", "age"],
                    sensitive=["concern"], weight=None, actor="Analyst")


def test_entries_resolve_references_instead_of_copying_them(store, sample):
    record = store.get(sample)
    first = entries(record, store.content)[0]
    assert first.owner == record.parties["A"].organisation
    assert first.recipients == record.parties["B"].organisation
    assert first.pim_category == "Protection Monitoring"  # from the source system Y1
    assert first.sensitivity == record.data_items["D1"].sensitivity == "moderate"
    assert first.personal == "no" and first.risk_status == "not checked"
    # a change to the data item shows in the register at once: nothing was copied
    store.update(sample, "data_items/D1", {"sensitivity": "high", "personal": True},
                 actor="t")
    again = entries(store.get(sample), store.content)[0]
    assert (again.sensitivity, again.personal) == ("high", "yes")


def test_dataset_sensitivity_is_the_highest_of_its_items(store, aid):
    low = store.add(aid, "data_items", {"name": "Gaps", "sensitivity": "low"}, actor="t")
    high = store.add(aid, "data_items", {"name": "Cases", "sensitivity": "high"}, actor="t")
    dsid = store.add(aid, "datasets", {"title": "Both", "data_items": [low, high]}, actor="t")
    assert entries(store.get(aid), store.content)[0].sensitivity == "high"
    store.update(aid, f"datasets/{dsid}", {"data_items": [low]}, actor="t")
    assert entries(store.get(aid), store.content)[0].sensitivity == "low"


@pytest.mark.parametrize(("value", "message"), [
    ({"title": "x", "data_items": ["D9"]}, "unknown data item 'D9'"),
    ({"title": "x", "owner": "Z"}, "unknown party 'Z' as owner"),
    ({"title": "x", "recipients": ["Q"]}, "unknown party 'Q'"),
    ({"title": "x", "source_system": "Y7"}, "unknown system 'Y7'"),
    ({"title": "x", "access": ["X4"]}, "unknown access grant 'X4'"),
    ({"title": ""}, "title"),
])
def test_bad_references_are_refused_and_nothing_is_saved(store, aid, value, message):
    with pytest.raises(RecordError, match=message):
        store.add(aid, "datasets", value, actor="t")
    assert store.get(aid).datasets == {}


def test_hxl_register_has_a_hashtag_row_and_validates_with_libhxl(store, sample):
    record_check(store, sample, "DS2", _check(), actor="Analyst")
    text = to_hxl_csv(store.get(sample), store.content)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [header for _, header, _ in COLUMNS]
    assert rows[1][0] == "#meta+id" and all(tag.startswith("#") for tag in rows[1])
    assert [r[0] for r in rows[2:]] == ["DS1", "DS2"]
    assert validate_hxl(text) == []
    ds2 = dict(zip(rows[1], rows[3], strict=True))
    assert ds2["#x_risk+k"] == "1" and ds2["#status+risk"] == "needs action"
    assert ds2["#x_sensitivity"] == "high" and ds2["#x_personal"] == "yes"


def test_hxl_schema_catches_bad_values(store, sample):
    text = to_hxl_csv(store.get(sample), store.content)
    rows = list(csv.reader(io.StringIO(text)))
    col = {tag: i for i, tag in enumerate(rows[1])}
    rows[2][col["#x_sensitivity"]] = "extreme"
    rows[2][col["#x_risk+global"]] = "1.5"
    rows[3][col["#meta+id"]] = "DS1"
    rows[3][col["#date+deletion"]] = "next spring"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    problems = "\n".join(validate_hxl(out.getvalue()))
    for expected in ("#x_sensitivity", "'extreme'", "#x_risk+global", "#meta+id",
                     "#date+deletion", "'next spring'"):
        assert expected in problems


def test_datapackage_carries_provenance_and_validates_with_frictionless(store, sample,
                                                                        tmp_path):
    record = store.get(sample)
    descriptor = datapackage(record, store.content, "DS1")
    pim = descriptor["pim"]
    assert pim["source_organisation"] == record.parties["A"].organisation
    assert (pim["collected_from"], pim["retention_until"]) == ("2026-03-01", "2028-02-28")
    assert pim["sensitivity"] == "moderate" and pim["consent_basis"] == "Informed consent"
    assert descriptor["licenses"][0]["title"] == "Not for redistribution"
    written = write_register(store, sample, tmp_path)
    packages = [p for p in written if p.name == "datapackage.json"]
    assert len(packages) == 2
    for path in packages:
        assert validate_datapackage(path) == []
    broken = json.loads(packages[0].read_text())
    broken["name"] = "Not A Valid Name"
    packages[0].write_text(json.dumps(broken))
    assert any("name" in p for p in validate_datapackage(packages[0]))


def test_a_treatment_writes_the_file_and_records_what_was_done_never_the_rows(store, sample,
                                                                           tmp_path):
    treated = pd.DataFrame({"loc": ["North"] * 4, "age": ["0-17", "0-17", "18+", "18+"]})
    before, after = _check(), _check(n=4, k=2, risk=0.5)
    package = record_treatment(store, sample, "DS2", treated, steps=["Merged age groups."],
                               before=before, after=after, actor="Analyst",
                               out_dir=tmp_path)
    ds = store.get(sample).datasets["DS2"]
    assert ds.treatments[0].steps == ["Merged age groups."]
    assert ds.treatments[0].done_by == "Analyst" and ds.risk_check == ds.treatments[0].after
    assert ds.treatments[0].before.file == "raw.csv"  # the name only, never the folder
    data_file = package.parent / ds.treatments[0].output
    assert pd.read_csv(data_file).equals(treated)
    descriptor = json.loads(package.read_text())
    assert [f["name"] for f in descriptor["resources"][0]["schema"]["fields"]] == ["loc", "age"]
    assert validate_datapackage(package) == []
    assert "North" not in json.dumps(ds.model_dump(mode="json"))


def test_register_survives_export_and_import(store, sample, content, tmp_path):
    record_check(store, sample, "DS2", _check(), actor="Analyst")
    text = to_json(store, sample)
    with Store(tmp_path / "other.sqlite", content=content) as other:
        import_json(other, text, actor="t")
        assert other.get(sample).datasets == store.get(sample).datasets
        assert to_json(other, sample) == text


def test_pick_dataset(store, aid, sample):
    assert pick_dataset(store, aid, None, "raw", actor="t") == "DS1"  # made for the file
    assert store.get(aid).datasets["DS1"].title == "raw"
    assert pick_dataset(store, aid, None, "other", actor="t") == "DS1"  # the only one
    with pytest.raises(ValueError, match="several datasets"):
        pick_dataset(store, sample, None, "raw", actor="t")
    with pytest.raises(ValueError, match="no dataset 'DS9'"):
        pick_dataset(store, sample, "DS9", "raw", actor="t")


def test_thresholds_are_settings(store):
    assert thresholds(store) == (3, 0.03)
    set_thresholds(store, 5, 0.01)
    assert thresholds(store) == (5, 0.01)
    with pytest.raises(ValueError, match="fraction"):
        set_thresholds(store, max_risk=3)
    with pytest.raises(ValueError, match="whole number"):
        set_thresholds(store, min_k=0)
    assert thresholds(store) == (5, 0.01)


def test_uploaded_bytes_are_read_as_a_table_or_refused():
    table = read_bytes(b"a;b\n1;2\n3;4\n", "small.csv")
    assert list(table.columns) == ["a", "b"] and len(table) == 2
    with pytest.raises(ValueError, match="not a readable table"):
        read_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.xlsx")
    with pytest.raises(ValueError, match="has no records"):
        read_bytes(b"a,b\n", "empty.csv")


def test_an_excel_file_is_read_like_a_csv(tmp_path):
    from pim_workbook.sdc.microdata import read_table

    table = pd.DataFrame({"district": ["Ouré", "Billo"], "age_group": ["0-4", "60+"]})
    path = tmp_path / "survey.xlsx"
    table.to_excel(path, index=False)
    assert read_table(path).equals(table)
    (tmp_path / "broken.xlsx").write_bytes(b"not a spreadsheet")
    with pytest.raises(ValueError, match=r"broken\.xlsx is not a readable table"):
        read_table(tmp_path / "broken.xlsx")
