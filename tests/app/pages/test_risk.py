"""Step 2's register and disclosure-risk panes, driven as a user would, without a browser."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys

import ipywidgets as w
import pandas as pd
import pytest

from pim_workbook.app.pages.risk import RiskPane
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import FACILITATOR, Session
from pim_workbook.outputs.register import validate_datapackage

from ..helpers import find, tab

QUASI = ("district", "age_group", "sex", "nationality")


@pytest.fixture
def exports_dir(tmp_path, monkeypatch):
    folder = tmp_path / "exports"
    monkeypatch.setenv("PIM_WORKBOOK_EXPORTS", str(folder))
    return folder


@pytest.fixture
def pane(store, sample) -> RiskPane:
    return RiskPane(Session(store, sample, party="A", actor="Ana"))


def _figures(pane: RiskPane) -> dict[str, list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", pane.result.value)
    cells = [re.findall(r"<t[dh]>(.*?)</t[dh]>", row) for row in rows]
    return {html.unescape(row[0]): row[1:] for row in cells[1:]}


def test_a_new_user_brings_the_sample_under_the_threshold_and_records_it(pane, store, sample,
                                                                        exports_dir):
    pane.use_sample()
    assert "2,000 records" in pane.loaded.value
    pane.quasi.value = QUASI
    pane.sensitive.value = ("protection_concern",)
    pane.check()
    assert "Needs action" in pane.result.value
    assert _figures(pane)["Global risk"] == ["10.30%"]
    assert "Combinations shared by fewer than 3" in pane.riskiest.value
    assert "protection_concern" not in pane.riskiest.value  # quasi-identifiers only

    pane.merge_column.value = "age_group"
    pane.age_bands()
    pane.replace_column.value, pane.replace_by.value = "district", "admin1"
    pane.replace()
    after = _figures(pane)
    assert after["Global risk"][0] == "10.30%" and after["Global risk"][1] == "2.15%"
    pane.drop()
    assert "Within the thresholds" in pane.result.value
    assert _figures(pane)["Smallest group (k)"][1] == "3"

    pane.dataset.value = "DS2"
    pane.record_treatment()
    assert "Treatment recorded for DS2" in pane.recorded.value
    ds = store.get(sample).datasets["DS2"]
    assert [t.done_by for t in ds.treatments] == ["Ana (Sahel Community Protection Network "
                                                  "(SCPN))"]
    assert len(ds.treatments[0].steps) == 3 and ds.risk_check.k == 3
    assert ds.treatments[0].before.global_risk == pytest.approx(0.103)
    package = next(exports_dir.glob("sample-ds2-*/datapackage.json"))
    assert validate_datapackage(package) == []
    shared = pd.read_csv(package.parent / ds.treatments[0].output)
    assert len(shared) == ds.risk_check.n and set(shared["age_group"]) == {"0-17", "18-59",
                                                                          "60+"}


def test_merging_chosen_categories_and_undo(pane):
    pane.use_sample()
    pane.quasi.value = ("age_group", "sex")
    pane.merge_column.value = "age_group"
    assert "40-59" in pane.merge_values.options
    pane.merge_values.value = ("40-59", "60+")
    pane.merge_label.value = "40+"
    pane.merge()
    assert "40+" in pane.merge_values.options and "60+" not in pane.merge_values.options
    assert "into 40+" in pane.steps.value
    pane.undo()
    assert pane.steps.value == "" and "60+" in pane.merge_values.options
    assert pane.undo_button.disabled


def test_bad_input_gives_a_clear_message_and_saves_nothing(store, sample, tmp_path,
                                                          monkeypatch):
    (tmp_path / "empty.csv").write_text("a,b\n")
    monkeypatch.setenv("PIM_WORKBOOK_DATA_DIR", str(tmp_path))
    pane = RiskPane(Session(store, sample, party="A", actor="Ana"))
    before = store.history(sample)
    pane.check_button.click()
    assert "load a file first" in pane.message.value
    pane.server_file.value = "empty.csv"
    (tmp_path / "empty.csv").unlink()
    pane.read_button.click()
    assert "empty.csv: no such file in the data folder" in pane.message.value
    (tmp_path / "empty.csv").write_text("a,b\n")
    pane.read_button.click()
    assert "has no records" in pane.message.value
    pane.sample_button.click()
    pane.check_button.click()
    assert "choose the quasi-identifiers" in pane.message.value
    pane.quasi.value = ("sex",)
    pane.suppress_column.value = "sex"
    pane.suppress_button.click()
    assert "every quasi-identifier has been suppressed" in pane.message.value
    assert store.history(sample) == before


def test_an_uploaded_file_is_read_and_a_large_one_is_refused(pane, monkeypatch):
    data = b"place;age\nNorth;20\nNorth;20\nSouth;30\n"
    pane.upload.value = ({"name": "small.csv", "type": "text/csv", "size": len(data),
                          "content": memoryview(data), "last_modified": dt.datetime(2026, 11, 1)},)
    assert "small.csv: 3 records, 2 columns" in pane.loaded.value
    monkeypatch.setattr("pim_workbook.app.pages.risk.UPLOAD_LIMIT", 10)
    pane.upload.value = ({"name": "big.csv", "type": "text/csv", "size": len(data),
                          "content": memoryview(data), "last_modified": dt.datetime(2026, 11, 1)},)
    assert "give it to the facilitator" in pane.message.value


def test_thresholds_are_saved_as_settings_and_drive_the_verdict(pane, store, sample):
    assert pane.min_k.disabled  # a party's page: the workbook's settings are not its to change
    pane = RiskPane(Session(store, sample, party=FACILITATOR, actor="Fatima"))
    assert not pane.min_k.disabled
    pane.use_sample()
    pane.quasi.value = ("admin1", "sex")
    pane.min_k.value = 500
    pane.check()
    assert "Needs action" in pane.result.value
    assert store.setting("risk_min_k") == "500"
    pane.min_k.value = 3
    pane.max_risk.value = 1.0
    pane.check()
    assert "Within the thresholds" in pane.result.value
    assert float(store.setting("risk_max_risk")) == pytest.approx(0.01)


def test_small_cells_of_the_treated_table(pane):
    pane.use_sample()
    pane.quasi.value = QUASI
    pane.cells_by.value = ("district", "nationality")
    pane.check_cells()
    assert "with 1–4 records" in pane.cells.value and "<td>flag</td>" in pane.cells.value


def test_the_check_is_recorded_as_evidence(pane, store, sample):
    pane.use_sample()
    pane.quasi.value = QUASI
    pane.dataset.value = "DS2"
    pane.record_check()
    check = store.get(sample).datasets["DS2"].risk_check
    assert (check.k, check.sample_uniques, check.file) == (1, 39,
                                                           "protection-monitoring-microdata.csv")
    assert store.history(sample)[-1].party == "A"


def test_the_register_is_edited_and_exported_from_step_2(store, sample, exports_dir):
    session = Session(store, sample, party=FACILITATOR, actor="Fatima")
    page = build_page("E.2", session)
    tab(page, "Register")
    title = find(page, w.Text, text="new dataset")[0]
    title.value = "Referral forms"
    find(page, w.Button, text="Add dataset")[0].click()
    assert store.get(sample).datasets["DS3"].title == "Referral forms"
    item = next(x for x in find(page, w.Checkbox) if x.description.startswith("D2 · "))
    item.value = True
    assert store.get(sample).datasets["DS3"].data_items == ["D2"]
    find(page, w.Button, text="Export the register")[0].click()
    assert session.last_error == ""
    register = next(exports_dir.glob("*-register.hxl.csv")).read_text()
    assert "Referral forms" in register and ",high," in register
    assert len(list(exports_dir.glob("*/datapackage.json"))) == 3
    exported = json.loads(next(exports_dir.glob("*-register.json")).read_text())
    assert [d["id"] for d in exported["datasets"]] == ["DS1", "DS2", "DS3"]


def test_the_step_2_page_opens_without_pandas(tmp_path):
    code = (
        "import sys\n"
        "from pim_workbook.store.core import Store\n"
        "from pim_workbook.sample.assessment import build_sample\n"
        "from pim_workbook.app.pages.workbook import build_page\n"
        "from pim_workbook.app.session import Session\n"
        f"store = Store({str(tmp_path / 'w.sqlite')!r})\n"
        "session = Session(store, build_sample(store))\n"
        "build_page('E.2', session)\n"
        "print('pandas' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def test_the_drivers_of_the_risk_are_shown_per_combination(pane):
    pane.use_sample()
    pane.quasi.value = ("district", "age_group", "sex")
    pane.show_drivers()
    rows = re.findall(r"<tr>(.*?)</tr>", pane.drivers.value)
    assert len(rows) == 1 + 7  # header and every combination of three
    assert "<td>district, age_group, sex</td>" in pane.drivers.value


def test_step_2_question_3_shows_the_recorded_evidence(pane, store, sample, content):
    from pim_workbook.app.widgets.question import question_card

    card = question_card(pane.session, content.question("E2.Q3"))
    evidence = next(x for x in find(card, w.HTML) if "Evidence:" in x.value)
    assert "DS2 · Protection monitoring interview records (proposed)" in evidence.value
    assert "not checked yet" in evidence.value
    pane.use_sample()
    pane.quasi.value = QUASI
    pane.dataset.value = "DS2"
    pane.record_check()
    assert "k = 1, 39 sample uniques, global risk 10.30%" in evidence.value
    assert not any("Evidence:" in x.value for x in find(
        question_card(pane.session, content.question("E2.Q2")), w.HTML))


def test_suppression_pram_and_the_information_loss_go_into_the_register_with_a_recipe(
        store, sample, exports_dir):
    from pim_workbook.outputs.jsonfile import json_schema
    from pim_workbook.record.hashing import record_hash

    pane = RiskPane(Session(store, sample, party=FACILITATOR, actor="Fatima"))
    pane.use_sample()
    pane.quasi.value = QUASI
    pane.sensitive.value = ("protection_concern",)
    pane.tabulate.value = ("admin1", "sex")
    pane.check()
    assert "Suppress values to reach k = 3" in pane.local_button.description
    pane.keep.value = "sex, nationality, age_group, district"
    pane.local_suppression()
    assert int(_figures(pane)["Smallest group (k)"][1]) >= 3
    assert "kept longest: sex, nationality, age_group, district" in pane.steps.value
    assert "Information loss" in pane.loss.value and "Table of admin1 × sex" in pane.loss.value
    pane.pram_columns.value = ("protection_concern",)
    pane.pram_seed.value = 2026
    pane.pram()
    assert "seed 2026" in pane.steps.value and "Perturbed" in pane.loss.value
    link = re.search(r'href="data:application/json;base64,([^"]+)"', pane.recipe_link.value)
    recipe = json.loads(__import__("base64").b64decode(html.unescape(link.group(1))))
    assert [s["kind"] for s in recipe["steps"]] == ["local_suppression", "pram"]
    assert recipe["tabulate"] == ["admin1", "sex"]

    pane.dataset.value = "DS2"
    unsigned_before = record_hash(store.get(sample))
    pane.record_treatment()
    done = store.get(sample).datasets["DS2"].treatments[-1]
    assert done.recipe == recipe
    assert done.information_loss.columns["protection_concern"].perturbed > 0
    assert sum(c.suppressed for c in done.information_loss.columns.values()) > 0
    assert done.information_loss.tabulation.columns == ["admin1", "sex"]
    assert "cells" not in done.model_dump(mode="json")["information_loss"]["tabulation"]
    assert record_hash(store.get(sample)) != unsigned_before
    assert "information_loss" in json.dumps(json_schema())

    # the same recipe, followed on a fresh load of the file, gives the same steps
    follower = RiskPane(Session(store, sample, party=FACILITATOR, actor="Fatima"))
    follower.use_sample()
    data = json.dumps(recipe).encode()
    follower.recipe_upload.value = ({"name": "recipe.json", "type": "application/json",
                                     "size": len(data), "content": memoryview(data),
                                     "last_modified": dt.datetime(2026, 12, 1)},)
    assert follower.message.value == ""
    assert follower.steps.value == pane.steps.value
    assert follower.quasi.value == QUASI
    assert follower.work.treated()[0].equals(pane.work.treated()[0])


def test_a_record_from_before_the_new_treatment_fields_dumps_and_hashes_as_it_did():
    from pim_workbook.record.model import RiskEvidence, TreatmentRecord

    figures = {"checked_at": "2026-01-01T00:00:00+00:00", "quasi": ["sex"], "n": 4, "k": 2,
               "classes": 2, "sample_uniques": 0, "below_k": {"2": 0},
               "expected_reidentifications": 2.0, "global_risk": 0.5, "needs_action": True}
    old = {"done_at": "2026-01-01T00:00:00+00:00", "done_by": "Ana", "steps": ["Merged."],
           "before": RiskEvidence(**figures).model_dump(mode="json"),
           "after": RiskEvidence(**figures).model_dump(mode="json"), "output": ""}
    assert "household_risk" not in old["before"]
    assert TreatmentRecord.model_validate(old).model_dump(mode="json") == old


def test_the_pane_s_narrow_boxes_leave_every_other_box_at_the_page_width(pane):
    from pim_workbook.app.widgets.controls import text

    assert {pane.keep.layout.width, pane.merge_label.layout.width} == {"24rem", "16rem"}
    assert text("any other box").layout.width == "100%"
