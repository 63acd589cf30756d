"""CSV and HXL files written for people neutralise formula cells with a leading ``'``; plain
numbers, the JSON export and a treated microdata file keep their exact values."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from pim_workbook.content.exercises import load_exercises
from pim_workbook.evidence import record_treatment
from pim_workbook.outputs.exports import export
from pim_workbook.outputs.jsonfile import to_json
from pim_workbook.outputs.register import validate_hxl, write_register
from pim_workbook.outputs.spreadsheet import csv_text, safe_cell
from pim_workbook.sdc.workspace import evidence
from pim_workbook.training import sessions as training

FORMULAS = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "+1+1", "@SUM(A1)", "-2+3"]
NUMBERS = ["-3", "-0.5", "+1", "42", "-1e-3"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _file_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("value", [*FORMULAS, "\tx", "\rx", "-", "=", "-x", "+", "@"])
def test_a_formula_cell_gets_a_leading_quote(value):
    assert safe_cell(value) == "'" + value
    assert _rows(csv_text([[value, "plain"]])) == [["'" + value, "plain"]]


@pytest.mark.parametrize("value", [*NUMBERS, "", "text", "'quoted", " =spaced", 3, -3, -0.5,
                                   None])
def test_plain_numbers_and_other_cells_stay(value):
    assert safe_cell(value) == value


def test_action_notes_are_neutralised_in_the_csv_but_exact_in_json(store, aid, content,
                                                                    tmp_path):
    notes = dict(zip((a.id for a in content.actions()), FORMULAS + NUMBERS, strict=False))
    for action_id, note in notes.items():
        store.set_action(aid, action_id, note=note, owner=note, actor="amal")
    store.add(aid, "custom_actions", {"step": "E2", "kind": "mitigate", "text": FORMULAS[0]},
              actor="ben")
    header, *body = _file_rows(export(store, aid, "csv", tmp_path))
    rows = {r["id"]: r for r in (dict(zip(header, row, strict=True)) for row in body)}
    for action_id, note in notes.items():
        shown = note if note in NUMBERS else "'" + note
        assert (rows[action_id]["note"], rows[action_id]["owner"]) == (shown, shown)
    assert rows["C1"]["action"] == "'" + FORMULAS[0]
    record = json.loads(to_json(store, aid))["record"]
    assert {a: record["actions"][a]["note"] for a in notes} == notes
    assert record["custom_actions"]["C1"]["text"] == FORMULAS[0]


def test_register_fields_are_neutralised_and_the_hxl_still_validates(store, aid, tmp_path):
    store.update_party(aid, "A", {"organisation": FORMULAS[0]}, actor="fac")
    fields = {"format": FORMULAS[1], "frequency": FORMULAS[2], "channel": FORMULAS[3],
              "conditions": FORMULAS[4], "licence": "-3", "method": "-0.5"}
    store.add(aid, "datasets", {"title": "=1+1", "owner": "A", **fields}, actor="fac")
    hxl_file, json_file = write_register(store, aid, tmp_path)[:2]
    _, tags, row = _file_rows(hxl_file)
    assert all(tag.startswith("#") for tag in tags)
    assert validate_hxl(hxl_file.read_text("utf-8")) == []
    by_tag = dict(zip(tags, row, strict=True))
    assert by_tag["#meta+title"] == "'=1+1"
    assert by_tag["#org+owner"] == "'" + FORMULAS[0]
    assert [by_tag[t] for t in ("#meta+format", "#meta+frequency", "#x_channel",
                                "#x_conditions")] == ["'" + f for f in FORMULAS[1:]]
    assert (by_tag["#meta+licence"], by_tag["#meta+method"]) == ("-3", "-0.5")
    entry = json.loads(json_file.read_text("utf-8"))["datasets"][0]
    assert (entry["title"], entry["owner"], entry["conditions"]) == \
        ("=1+1", FORMULAS[0], FORMULAS[4])


def test_training_results_never_carry_a_pseudonym_and_neutralise_their_cells(store):
    exercises = load_exercises()
    session = training.new_training(store, FORMULAS[0], actor="Trainer")
    trainee = training.join(store, session, FORMULAS[1])
    first = exercises.exercises[0]
    training.answer(store, trainee, exercises, first.id, first.answer)
    result = training.results(store, session, exercises)
    assert [t.name for t in result.trainees] == [FORMULAS[1]]
    text = training.results_csv(result)
    assert FORMULAS[1] not in text and FORMULAS[0] not in text
    cells = [cell for row in _rows(text) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    # whatever text reaches the file is neutralised, numbers stay
    crafted = training.Results("\tx", [training.ExerciseResult(
        "=1+1", "@SUM(A1)", "\rx", 1, 1, 1.0)], [], [])
    assert _rows(training.results_csv(crafted))[1] == ["'\tx", "'=1+1", "'@SUM(A1)", "'\rx",
                                                         "1", "1", "1.000", "100"]


def test_a_treated_microdata_file_keeps_its_values_exactly(store, aid, tmp_path):
    dsid = store.add(aid, "datasets", {"title": "Survey"}, actor="fac")
    values = [*FORMULAS, *NUMBERS]
    treated = pd.DataFrame({"district": values, "note": list(reversed(values))})
    check = evidence({"n": 10, "k": 3, "classes": 3, "sample_uniques": 0,
                      "below_k": {"2": 0, "3": 0, "5": 4}, "expected_reidentifications": 1.0,
                      "global_risk": 0.1, "needs_action": True},
                     file="survey.csv", quasi=["district"], sensitive=[], weight=None,
                     actor="Analyst")
    package = record_treatment(store, aid, dsid, treated, steps=["Nothing changed."],
                               before=check, after=check, actor="Analyst", out_dir=tmp_path)
    written = package.parent / store.get(aid).datasets[dsid].treatments[0].output
    assert _file_rows(written) == [["district", "note"],
                    *([a, b] for a, b in zip(values, reversed(values), strict=True))]
