"""Tests for pim_workbook.sdc.small_cells (small-cell check of an aggregate table)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pim_workbook.sdc.small_cells import MISSING, SmallCells, small_cells
from pim_workbook.sdc.synthetic import synthetic_microdata


def records(cells: dict[tuple, int], by: tuple[str, ...] = ("a", "b")) -> pd.DataFrame:
    """Microdata with ``n`` records for each combination of values."""
    rows = [key for key, n in cells.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=list(by))


def cell(result: SmallCells, *key) -> pd.Series:
    match = np.logical_and.reduce([result.table[c] == v for c, v in zip(result.by, key,
                                                                           strict=True)])
    (row,) = result.table.index[match]
    return result.table.loc[row]


def test_two_by_two_with_one_recoverable_cell():
    df = records({("x", "u"): 2, ("x", "v"): 10, ("y", "u"): 20, ("y", "v"): 7})
    r = small_cells(df, ["a", "b"])
    assert list(r.table.columns) == ["a", "b", "count", "status", "recoverable"]
    assert r.table[["a", "b", "count", "status"]].values.tolist() == [
        ["x", "u", 2, "flag"], ["x", "v", 10, "ok"], ["y", "u", 20, "ok"], ["y", "v", 7, "review"],
    ]
    assert r.table["recoverable"].tolist() == [True, False, False, False]
    assert (r.cells, r.flagged, r.to_review, r.recoverable) == (4, 1, 1, 1)


def test_one_column_two_flagged_cells_are_not_recoverable():
    df = records({("x",): 3, ("y",): 2, ("z",): 30}, by=("a",))
    r = small_cells(df, ["a"])
    assert r.table["status"].tolist() == ["flag", "flag", "ok"]
    assert not r.table["recoverable"].any()
    # a single flagged cell is the grand total minus the others
    alone = small_cells(records({("x",): 3, ("z",): 30}, by=("a",)), "a")
    assert alone.table["recoverable"].tolist() == [True, False]


def test_flagged_rectangle_shares_every_line():
    # every row and column holding a flagged cell holds two of them
    df = records({("x", "u"): 1, ("x", "v"): 2, ("y", "u"): 3, ("y", "v"): 4,
                  ("x", "w"): 12, ("y", "w"): 12, ("z", "u"): 12, ("z", "v"): 12})
    r = small_cells(df, ["a", "b"])
    assert r.flagged == 4
    assert r.recoverable == 0


def test_recovered_cells_make_others_recoverable():
    # (y, u) is alone in row y and (x, v) in column v; once known, (x, u) is alone in row x
    df = records({("x", "u"): 1, ("x", "v"): 1, ("y", "u"): 1, ("y", "v"): 30})
    r = small_cells(df, ["a", "b"])
    assert r.flagged == 3
    assert r.recoverable == 3


def test_three_columns_lines_vary_one_column():
    df = records({("x", "u", "m"): 2, ("x", "u", "f"): 2, ("x", "v", "m"): 2,
                  ("x", "v", "f"): 2, ("y", "u", "m"): 20, ("y", "u", "f"): 20,
                  ("y", "v", "m"): 20, ("y", "v", "f"): 20}, by=("a", "b", "c"))
    r = small_cells(df, ["a", "b", "c"])
    assert r.cells == 8 and r.flagged == 4
    # each flagged cell is alone on its a-line (the other a is large)
    assert r.recoverable == 4
    assert bool(cell(r, "x", "v", "f")["recoverable"])


def test_thresholds():
    df = records({("x",): 1, ("y",): 4, ("z",): 5, ("w",): 9, ("v",): 10}, by=("a",))
    r = small_cells(df, ["a"])
    assert dict(zip(r.table["a"], r.table["status"], strict=True)) == {
        "v": "ok", "w": "review", "x": "flag", "y": "flag", "z": "review"}
    r = small_cells(df, ["a"], flag_max=1, review_max=1)
    assert (r.flagged, r.to_review) == (1, 0)
    r = small_cells(df, ["a"], flag_max=9, review_max=10)
    assert (r.flagged, r.to_review) == (4, 1)


def test_zero_cells_are_ok_and_known():
    # (y, u) is empty: zero, "ok", and it leaves (x, u) alone in column u
    df = records({("x", "u"): 1, ("x", "v"): 1, ("y", "v"): 40})
    r = small_cells(df, ["a", "b"])
    zero = cell(r, "y", "u")
    assert zero["count"] == 0 and zero["status"] == "ok" and not zero["recoverable"]
    assert r.cells == 4 and r.flagged == 2 and r.recoverable == 2


def test_missing_values_are_a_category():
    df = pd.DataFrame({"a": ["x", None, "x", "y"], "b": [1.0, 1.0, np.nan, 2.0]})
    r = small_cells(df, ["a", "b"])
    assert r.table["a"].unique().tolist() == ["x", "y", MISSING]
    assert r.table["b"].unique().tolist() == [1.0, 2.0, MISSING]
    assert r.cells == 9
    assert r.table["count"].sum() == 4
    assert cell(r, MISSING, 1.0)["count"] == 1
    assert cell(r, "x", MISSING)["count"] == 1


def test_to_dict_has_counts_only():
    df = records({("secret-x", "u"): 2, ("secret-y", "v"): 12})
    d = small_cells(df, ["a", "b"]).to_dict()
    assert d == {"by": ["a", "b"], "cells": 4, "flagged": 1, "to_review": 0,
                 "recoverable": 1, "flag_max": 4, "review_max": 9}
    assert "secret" not in json.dumps(d)


def test_input_not_modified():
    df = pd.DataFrame({"a": ["x", None, "y"]})
    before = df.copy()
    small_cells(df, ["a"])
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(by=[]), "no column"),
        (dict(by=["a", "nope", "zip"]), "missing column.*nope, zip$"),
        (dict(by=["a", "a"]), "more than once"),
        (dict(by=["count"]), "reserved.*count"),
        (dict(by=["a"], flag_max=0), "flag_max"),
        (dict(by=["a"], flag_max=True), "flag_max"),
        (dict(by=["a"], flag_max=5, review_max=4), r"review_max.*\(5\)"),
        (dict(by=["a"], review_max=9.5), "review_max"),
    ],
)
def test_validation_errors(kwargs, message):
    df = pd.DataFrame({"a": ["x", "y"], "count": [1, 2]})
    with pytest.raises(ValueError, match=message):
        small_cells(df, **kwargs)


def test_empty_and_oversized_tables():
    with pytest.raises(ValueError, match="empty"):
        small_cells(pd.DataFrame({"a": []}), ["a"])
    wide = pd.DataFrame({c: range(200) for c in "abc"})
    with pytest.raises(ValueError, match="8000000 cells"):
        small_cells(wide, ["a", "b", "c"])


def test_synthetic_microdata_table():
    df = synthetic_microdata()
    r = small_cells(df, ["district", "age_group", "sex"])
    assert r.cells == df["district"].nunique() * df["age_group"].nunique() * 2
    assert r.table["count"].sum() == len(df)
    assert r.flagged == (r.table["status"] == "flag").sum() > 0
    assert r.recoverable <= r.flagged
    assert not r.table.loc[r.table["status"] != "flag", "recoverable"].any()
