"""Tests for pim_workbook.sdc.loss (what the treatments of a table cost, as counts)."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from pim_workbook.sdc.loss import information_loss
from pim_workbook.sdc.pram import pram
from pim_workbook.sdc.treatments import DropRecords, Generalise, Suppress


@pytest.fixture
def people() -> pd.DataFrame:
    return pd.DataFrame({
        "admin1": ["North", "North", "South", "East", None, "South"],
        "sex": ["F", "M", "F", "F", "M", None],
        "age": ["0-4", "5-11", None, "60+", "60+", "0-4"],
        "size": [1, 2, 2, 5, 3, 1],
    }, index=[101, 102, 103, 104, 105, 106])


def _column(people: pd.DataFrame, stages: list, column: str) -> dict:
    return information_loss(people, stages).to_dict()["columns"][column]


def test_no_stage_costs_nothing(people: pd.DataFrame) -> None:
    result = information_loss(people, []).to_dict()
    assert result["records_dropped"] == 0 and result["tabulation"] is None
    assert result["columns"]["admin1"] == {"suppressed": 0, "recoded": 0, "perturbed": 0,
                                           "categories_before": 3, "categories_after": 3}
    assert result["columns"]["size"]["categories_before"] == 4


def test_recoded(people: pd.DataFrame) -> None:
    merged = people.assign(admin1=people["admin1"].replace({"East": "South",
                                                             "North": "N"}))
    assert _column(people, [("recoded", merged)], "admin1") == {
        "suppressed": 0, "recoded": 3, "perturbed": 0,
        "categories_before": 3, "categories_after": 2}


def test_a_recoding_may_blank_and_fill_values(people: pd.DataFrame) -> None:
    # 0-4 becomes missing (2 values suppressed), the missing age becomes "unknown" (not a
    # loss), 5-11 becomes 5-17 (1 recoded)
    recoded = people.assign(age=["missing", "5-17", "unknown", "60+", "60+", "missing"])
    recoded["age"] = recoded["age"].replace({"missing": None})
    assert _column(people, [("recoded", recoded)], "age") == {
        "suppressed": 2, "recoded": 1, "perturbed": 0,
        "categories_before": 3, "categories_after": 3}


def test_suppressed(people: pd.DataFrame) -> None:
    blanked = people.copy()
    blanked.loc[[102, 103, 104], "age"] = None  # 103 was missing already
    assert _column(people, [("suppressed", blanked)], "age") == {
        "suppressed": 2, "recoded": 0, "perturbed": 0,
        "categories_before": 3, "categories_after": 2}


def test_perturbed(people: pd.DataFrame) -> None:
    swapped = people.assign(sex=["M", "F", "F", "F", "M", None])
    assert _column(people, [("perturbed", swapped)], "sex") == {
        "suppressed": 0, "recoded": 0, "perturbed": 2,
        "categories_before": 2, "categories_after": 2}


def test_removed(people: pd.DataFrame) -> None:
    result = information_loss(people, [("removed", people.drop(columns=["age", "size"]))])
    assert result.to_dict()["columns"]["age"] == {
        "suppressed": 0, "recoded": 0, "perturbed": 0,
        "categories_before": 3, "categories_after": 0}
    assert result.columns["sex"].categories_after == 2


def test_dropped_matches_records_by_index(people: pd.DataFrame) -> None:
    kept = people.loc[[106, 101, 104, 103]]  # in another order: rows match by index
    result = information_loss(people, [("dropped", kept)]).to_dict()
    assert result["records_dropped"] == 2
    assert result["columns"]["admin1"] == {"suppressed": 0, "recoded": 0, "perturbed": 0,
                                           "categories_before": 3, "categories_after": 3}
    assert result["columns"]["sex"]["categories_after"] == 1


def test_pipeline_of_recoding_suppression_pram_and_drop() -> None:
    rng = np.random.default_rng(12)
    n = 400
    original = pd.DataFrame({
        "admin1": rng.choice(["North", "South", "East"], size=n),
        "age": rng.choice(["0-4", "5-11", "12-17", "18-59", "60+"], size=n),
        "sex": rng.choice(["F", "M"], size=n),
        "concern": rng.choice(["c1", "c2", "c3"], size=n),
    }, index=pd.RangeIndex(1000, 1000 + n))
    merge = {"0-4": "0-17", "5-11": "0-17", "12-17": "0-17"}
    recoded = Generalise(column="age", mapping=merge).apply(original)
    suppressed = recoded.copy()
    suppressed.loc[suppressed.index[:30], "concern"] = None
    perturbed = pram(suppressed, "sex", pd=0.5, seed=9)
    removed = Suppress(column="concern").apply(perturbed.table)
    drop = DropRecords(quasi=("admin1", "age", "sex"), below=30)
    dropped = drop.apply(removed)
    stages = [("recoded", recoded), ("suppressed", suppressed),
              ("perturbed", perturbed.table), ("removed", removed), ("dropped", dropped)]

    result = information_loss(original, stages, tabulate=["admin1", "sex"]).to_dict()

    young = int(original["age"].isin(list(merge)).sum())
    assert result["columns"]["age"] == {
        "suppressed": 0, "recoded": young, "perturbed": 0, "categories_before": 5,
        "categories_after": dropped["age"].nunique()}
    assert result["columns"]["concern"] == {
        "suppressed": 30, "recoded": 0, "perturbed": 0,
        "categories_before": 3, "categories_after": 0}
    assert result["columns"]["sex"]["perturbed"] == perturbed.changed["sex"] > 0
    assert result["records_dropped"] == len(original) - len(dropped) > 0
    cells = {tuple(c["cell"]): (c["before"], c["after"]) for c in result["tabulation"]["cells"]}
    assert sum(before for before, _ in cells.values()) == len(original)
    assert sum(after for _, after in cells.values()) == len(dropped)
    assert json.loads(json.dumps(result)) == result


def test_tabulation_by_hand() -> None:
    original = pd.DataFrame({
        "admin1": ["North"] * 4 + ["South"] * 4 + [None] * 2,
        "sex": ["F", "F", "F", "M", "F", "F", "M", "M", "F", "M"],
    })
    # cells before: (North, F) 3, (North, M) 1, (South, F) 2, (South, M) 2,
    #               (missing, F) 1, (missing, M) 1
    recoded = original.copy()
    recoded.loc[3, "admin1"] = "North-East"  # (North, M) 1 -> 0; new cell (North-East, M)
    recoded.loc[9, "admin1"] = "South"  # (missing, M) 1 -> 0, (South, M) 2 -> 3
    dropped = recoded.drop(index=[0])  # (North, F) 3 -> 2
    result = information_loss(original, [("recoded", recoded), ("dropped", dropped)],
                              tabulate=["admin1", "sex"])
    tabulation = result.tabulation
    assert tabulation is not None
    counts = {c.cell: (c.before, c.after) for c in tabulation.cells}
    assert counts == {
        ("North", "F"): (3, 2), ("North", "M"): (1, 0), ("South", "F"): (2, 2),
        ("South", "M"): (2, 3), ("(missing)", "F"): (1, 1), ("(missing)", "M"): (1, 0),
        ("North-East", "M"): (0, 1),
    }
    # |0 - 1| / 1 for (North, M) and (missing, M); 1/3 for (North, F); 1/2 for (South, M)
    assert tabulation.largest_relative_change == 1.0
    assert tabulation.new_cells == 1
    assert result.to_dict()["tabulation"]["columns"] == ["admin1", "sex"]


def test_largest_relative_change_without_emptied_cells() -> None:
    original = pd.DataFrame({"sex": ["F"] * 4 + ["M"] * 5})
    kept = original.drop(index=[0, 5, 6])  # F 4 -> 3 (0.25), M 5 -> 3 (0.4)
    tabulation = information_loss(original, [("dropped", kept)], tabulate=["sex"]).tabulation
    assert tabulation is not None
    assert tabulation.largest_relative_change == pytest.approx(0.4)
    assert tabulation.new_cells == 0


def test_to_dict_has_plain_json_types_only() -> None:
    original = pd.DataFrame({"code": np.array([1, 2, 2, 3], dtype=np.int64),
                             "flag": [True, False, True, True]})
    result = information_loss(original, [("dropped", original.iloc[1:])],
                              tabulate=["code", "flag"]).to_dict()
    assert set(result) == {"columns", "records_dropped", "tabulation"}
    assert set(result["tabulation"]) == {"columns", "largest_relative_change", "cells"}
    assert set(result["columns"]["code"]) == {"suppressed", "recoded", "perturbed",
                                              "categories_before", "categories_after"}
    cells = result["tabulation"]["cells"]
    assert [c["cell"] for c in cells] == [[1, True], [2, False], [2, True], [3, True]]
    assert all(type(c["cell"][0]) is int and type(c["cell"][1]) is bool for c in cells)
    assert all(type(v) is int for c in cells for v in (c["before"], c["after"]))
    assert type(result["records_dropped"]) is int
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("tabulate", [None, []])
def test_no_tabulation_unless_asked(people: pd.DataFrame, tabulate: list | None) -> None:
    assert information_loss(people, [], tabulate=tabulate).to_dict()["tabulation"] is None


@pytest.mark.parametrize(("stages", "message"), [
    (lambda t: [("shuffled", t)], "expected one of"),
    (lambda t: [t], "is not a pair"),
    (lambda t: [("recoded", t.to_dict())], "not a pandas DataFrame"),
    (lambda t: [("dropped", pd.concat([t.iloc[:2], t.iloc[:1]]))], "same index"),
    (lambda t: [("dropped", t.assign(sex="F"))], "changes values of column sex"),
    (lambda t: [("suppressed", t.assign(sex="F"))], "changes values of column sex"),
    (lambda t: [("perturbed", t.assign(age=None))], "changes values of column age"),
    (lambda t: [("removed", t.assign(age="0-4"))], "changes values of column age"),
    (lambda t: [("recoded", t.iloc[1:])], "drops records"),
    (lambda t: [("suppressed", t.drop(columns="age"))], "removes columns"),
    (lambda t: [("recoded", t.assign(extra=1))], "adds column"),
    (lambda t: [("dropped", t.rename(index={101: 999}))], "records that the table before"),
])
def test_inconsistent_stages_are_one_line_errors(people: pd.DataFrame,
                                                 stages: Callable[[pd.DataFrame], list],
                                                 message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        information_loss(people, stages(people))
    assert "\n" not in str(raised.value)


def test_tabulating_unknown_or_removed_columns_is_an_error(people: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown column"):
        information_loss(people, [], tabulate=["admin1", "camp"])
    with pytest.raises(ValueError, match="not in the treated table"):
        information_loss(people, [("removed", people.drop(columns="sex"))],
                         tabulate=["admin1", "sex"])


def test_original_with_repeated_index_is_an_error(people: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="same index"):
        information_loss(people.set_axis([1, 1, 2, 3, 4, 5]), [])
