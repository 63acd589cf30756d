"""What counts as missing when a microdata file is read (pim_workbook.sdc.microdata).

Only empty fields by default, as in sdcMicro's reference files where NA, n/a and None are
categories; the caller may name more.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from pim_workbook.sdc.microdata import read_bytes, read_table

CSV = (b"id,status,answer,weight\n"
       b"1,NA,yes,1.5\n"
       b"2,n/a,None,2\n"
       b"3,None,,\n"
       b"4,,null,3.25\n"
       b"5,NA,no,1\n")


def test_only_empty_fields_are_missing_by_default() -> None:
    table = read_bytes(CSV, "survey.csv")
    assert table["status"].tolist()[:3] == ["NA", "n/a", "None"]
    assert table["status"].isna().tolist() == [False, False, False, True, False]
    assert table["answer"].isna().tolist() == [False, False, True, False, False]
    assert set(table["answer"].dropna()) == {"yes", "None", "null", "no"}
    assert table["status"].value_counts()["NA"] == 2


def test_weights_are_still_numbers() -> None:
    table = read_bytes(CSV, "survey.csv")
    assert pd.api.types.is_float_dtype(table["weight"])
    assert table["weight"].isna().tolist() == [False, False, True, False, False]
    assert table["weight"].sum() == pytest.approx(7.75)
    assert pd.api.types.is_integer_dtype(table["id"])


def test_na_values_add_missing_texts() -> None:
    table = read_bytes(CSV, "survey.csv", na_values=["NA", "n/a"])
    assert table["status"].isna().tolist() == [True, True, False, True, True]
    assert table["status"].dropna().tolist() == ["None"]
    assert table["answer"].isna().sum() == 1  # None and null are still answers


def test_one_text_is_one_missing_value() -> None:
    table = read_bytes(CSV, "survey.csv", na_values="n/a")
    assert table["status"].isna().tolist() == [False, True, False, True, False]


def test_a_weight_column_with_a_missing_code_reads_as_numbers_once_named() -> None:
    data = b"id;weight\n1;12.5\n2;NA\n3;7\n"
    assert not pd.api.types.is_numeric_dtype(read_bytes(data, "w.csv")["weight"])
    weight = read_bytes(data, "w.csv", na_values=["NA"])["weight"]
    assert pd.api.types.is_float_dtype(weight)
    assert weight.isna().tolist() == [False, True, False]


def test_read_table_passes_na_values_on(tmp_path: Path) -> None:
    path = tmp_path / "survey.csv"
    path.write_bytes(CSV)
    assert read_table(path)["status"].isna().sum() == 1
    assert read_table(path, na_values=["None"])["status"].isna().sum() == 2


def test_excel_follows_the_same_rule(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    sheet = pd.DataFrame({
        "status": ["NA", "n/a", None, "None"],
        "weight": [1.5, None, 2.0, 3.0],
    })
    buffer = io.BytesIO()
    sheet.to_excel(buffer, index=False)
    path = tmp_path / "survey.xlsx"
    path.write_bytes(buffer.getvalue())

    table = read_table(path)
    assert table["status"].isna().tolist() == [False, False, True, False]
    assert table["status"].dropna().tolist() == ["NA", "n/a", "None"]
    assert pd.api.types.is_float_dtype(table["weight"])
    assert table["weight"].isna().tolist() == [False, True, False, False]

    named = read_bytes(buffer.getvalue(), "survey.xlsx", na_values=["NA", "None"])
    assert named["status"].isna().tolist() == [True, False, True, True]
