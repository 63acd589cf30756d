"""Household risk as sdcMicro 5.8.1's ``measure_risk(hid=)`` computes it, on the invented
household survey its figures were taken from (``tests/fixtures/sdc-reference-*``)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pim_workbook.cli import main
from pim_workbook.sdc.risk import household_risk, individual_risk, measure_risk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sdc-reference-sample.csv"
KEYS = ["admin2", "age_group", "sex", "nationality", "disability"]


def reference() -> dict[str, dict[str, float]]:
    """sdcMicro's measure_risk figures, without and with weights."""
    figures = {}
    for line in (FIXTURES / "sdc-reference-figures.txt").read_text().splitlines():
        if line.startswith("measure_risk "):
            values = dict(re.findall(r"(\w+)=([\w.]+)", line))
            weight = values.pop("weight")
            figures[weight] = {k: float(v) for k, v in values.items()}
    return figures


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    # only empty fields are missing: "n/a" in marital_status is a category
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    return table.assign(weight=table["weight"].astype(float))


@pytest.mark.parametrize("weight", ["none", "weight"])
def test_household_and_individual_risk_match_sdcmicro(survey, weight):
    expected = reference()[weight]
    column = None if weight == "none" else weight
    household = household_risk(survey, KEYS, "hh_id", weight=column)
    assert household.households == 1500 and household.n == 6179
    assert household.expected_reidentifications == pytest.approx(
        expected["household_expected_reidentifications"], rel=1e-9)
    assert household.risk == pytest.approx(expected["household_risk"], rel=1e-9)
    result = measure_risk(survey, KEYS, weight=column)
    assert (result.classes, result.sample_uniques, result.below_k["3"], result.below_k["5"]) \
        == (expected["classes"], expected["sample_uniques"], expected["fk_lt3"],
            expected["fk_lt5"])
    assert result.global_risk == pytest.approx(expected["global_risk"], rel=1e-9)


def test_a_household_is_as_exposed_as_all_its_members_together():
    table = pd.DataFrame({"hh": ["a", "a", "b", "b", "b"],
                          "sex": ["f", "m", "f", "f", "m"]})
    r = individual_risk(table, ["sex"]).to_numpy()  # 1/3, 1/2, 1/3, 1/3, 1/2
    a = 1 - (1 - r[0]) * (1 - r[1])
    b = 1 - np.prod(1 - r[2:])
    result = household_risk(table, ["sex"], "hh")
    assert result.expected_reidentifications == pytest.approx(2 * a + 3 * b)
    assert result.risk == pytest.approx((2 * a + 3 * b) / 5)
    # a member unique in the file makes the whole household certain
    unique = household_risk(table.assign(sex=["f", "f", "x", "f", "f"]), ["sex"], "hh")
    assert unique.expected_reidentifications == pytest.approx(2 * (1 - (3 / 4) ** 2) + 3)


def test_a_missing_or_absent_household_id_is_refused_in_one_line():
    table = pd.DataFrame({"hh": ["a", None], "sex": ["f", "m"]})
    with pytest.raises(ValueError, match=r"^1 records have no household id in column 'hh'"):
        household_risk(table, ["sex"], "hh")
    with pytest.raises(ValueError, match=r"^no household-id column 'home'; the table has"):
        household_risk(table, ["sex"], "home")


def test_the_risk_command_reports_the_household_risk(capsys):
    assert main(["risk", str(SAMPLE), "--quasi", ",".join(KEYS), "--household", "hh_id",
                 "--weight", "weight"]) == 0
    out = capsys.readouterr().out
    assert "household risk (1500 households in hh_id): expected re-identifications " \
           "106.8612   share 1.73 %" in out


@pytest.mark.parametrize("seed", range(5))
def test_a_household_is_never_safer_than_its_members(seed):
    rng = np.random.default_rng(seed)
    n = 300
    table = pd.DataFrame({"hh": rng.integers(0, 80, n), "a": rng.integers(0, 4, n),
                          "b": rng.integers(0, 3, n), "w": rng.uniform(1, 30, n)})
    for weight in (None, "w"):
        individual = individual_risk(table, ["a", "b"], weight)
        household = household_risk(table, ["a", "b"], "hh", weight=weight)
        assert household.expected_reidentifications >= individual.sum() - 1e-9
