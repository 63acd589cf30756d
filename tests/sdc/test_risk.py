"""Tests for pim_workbook.sdc.risk (sdcMicro-compatible disclosure-risk measures)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_workbook.sdc.risk import RiskResult, individual_risk, measure_risk

# --------------------------------------------------------------------------- hand examples


@pytest.fixture
def six() -> pd.DataFrame:
    # classes: (a, x) size 1, (b, x) size 2, (c, y) size 3
    return pd.DataFrame(
        {
            "region": ["a", "b", "b", "c", "c", "c"],
            "sex": ["x", "x", "x", "y", "y", "y"],
            "disease": ["flu", "flu", "cold", "flu", "flu", "flu"],
            "income": [1, 2, 3, 4, 5, np.nan],
        }
    )


def test_hand_computed_unweighted(six):
    r = measure_risk(six, ["region", "sex"], sensitive=["disease", "income"])
    assert r.n == 6
    assert r.k == 1
    assert r.classes == 3
    assert r.sample_uniques == 1
    assert r.below_k == {"2": 1, "3": 3, "5": 6}
    # 1/1 + 2 * (1/2) + 3 * (1/3) = 3
    assert r.expected_reidentifications == pytest.approx(3.0)
    assert r.global_risk == pytest.approx(0.5)
    # disease: class sizes 1/2/3 hold 1, 2, 1 distinct values -> min 1
    # income: class (c, y) holds 4, 5 and a missing value -> 3; class (a, x) -> 1
    assert r.l_diversity == {"disease": 1, "income": 1}
    assert r.needs_action  # k = 1 < 3


def test_individual_risk_unweighted(six):
    risk = individual_risk(six, ["region", "sex"])
    assert list(risk.index) == list(six.index)
    assert risk.tolist() == pytest.approx([1, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3])


def test_l_diversity_counts_missing_as_extra_value():
    df = pd.DataFrame({"q": ["a"] * 3 + ["b"] * 2, "s": ["u", "v", None, None, None]})
    r = measure_risk(df, "q", sensitive="s")
    # class a: u, v + missing -> 3 ; class b: only missing -> 0 (as sdcMicro)
    assert r.l_diversity == {"s": 0}
    r = measure_risk(df.iloc[:3], "q", sensitive=["s"])
    assert r.l_diversity == {"s": 3}


def test_needs_action_and_to_dict(six):
    big = pd.concat([six[["region", "sex"]]] * 5, ignore_index=True)  # classes 5, 10, 15
    r = measure_risk(big, ["region", "sex"], min_k=5, max_risk=0.2)
    assert r.k == 5 and r.global_risk == pytest.approx(3 / 30)
    assert not r.needs_action
    assert measure_risk(big, ["region", "sex"], min_k=6).needs_action
    assert measure_risk(big, ["region", "sex"], max_risk=0.05).needs_action
    d = r.to_dict()
    assert set(d) == {
        "n", "k", "classes", "sample_uniques", "below_k", "below_k_share",
        "expected_reidentifications", "global_risk", "l_diversity", "risk_bands", "min_k",
        "max_risk", "needs_action",
    }
    assert d["below_k_share"] == {"2": 0.0, "3": 0.0, "5": 0.0}
    assert measure_risk(six, ["region", "sex"]).to_dict()["below_k_share"]["2"] == \
        pytest.approx(measure_risk(six, ["region", "sex"]).sample_uniques / len(six))
    text = json.dumps(d)
    for value in ("a", "b", "c", "x", "y"):
        assert f'"{value}"' not in text  # no data values leak into the summary
    assert isinstance(r, RiskResult)


def test_weighted_formulas_by_hand():
    # f=1, F=10: p=0.1 ; f=2, F=2+8=10 (weights 2, 8): p=0.2 ; f=3, F=30: p=0.1 ; f=F -> 1/f
    df = pd.DataFrame(
        {
            "q": ["u", "d", "d", "t", "t", "t", "e", "e"],
            "w": [10.0, 2.0, 8.0, 10.0, 10.0, 10.0, 1.0, 1.0],
        }
    )
    risk = individual_risk(df, ["q"], weight="w")
    p1, p2, p3 = 0.1, 0.2, 0.1
    r1 = p1 / (1 - p1) * math.log(1 / p1)
    r2 = p2 / (1 - p2) - (p2 / (1 - p2)) ** 2 * math.log(1 / p2)
    r3 = p3 / (3 - (1 - p3))
    assert risk.tolist() == pytest.approx([r1, r2, r2, r3, r3, r3, 0.5, 0.5])


# --------------------------------------------------------------------------- SDC Practice Guide

# Table 4.1 of the SDC Practice Guide ("Measuring Risk" chapter, ihsn/SDCPractice,
# measure_risk.rst); sdcMicro's output is shown there in Example 4.3.
GUIDE = pd.DataFrame(
    {
        "Residence": ["Urban"] * 4 + ["Rural"] + ["Urban"] * 5,
        "Gender": ["Female", "Female", "Female", "Male", "Female",
                   "Male", "Female", "Male", "Female", "Female"],
        "Educ": ["Secondary incomplete", "Secondary incomplete", "Primary incomplete",
                 "Secondary complete", "Secondary complete", "Secondary complete",
                 "Primary complete", "Post-secondary", "Secondary incomplete",
                 "Secondary incomplete"],
        "Lstat": ["Employed", "Employed", "Non-LF", "Employed", "Unemployed",
                  "Employed", "Non-LF", "Unemployed", "Non-LF", "Non-LF"],
        "weight": [180, 180, 215, 76, 186, 76, 180, 215, 186, 76],
    }
)
GUIDE_KEYS = ["Residence", "Gender", "Educ", "Lstat"]


def test_sdc_practice_guide_example():
    r = measure_risk(GUIDE, GUIDE_KEYS, weight="weight")
    assert r.sample_uniques == 4
    assert r.classes == 7
    assert r.below_k == {"2": 4, "3": 10, "5": 10}  # guide: 4 violate 2-, 10 violate 3-anonymity
    assert r.expected_reidentifications == pytest.approx(0.1582346, abs=1e-7)
    assert r.global_risk == pytest.approx(0.01582346, abs=1e-8)
    risk = individual_risk(GUIDE, GUIDE_KEYS, weight="weight")
    expected = [0.005424520, 0.005424520, 0.025096439, 0.012563425, 0.028247279,
                0.012563425, 0.029010932, 0.025096439, 0.007403834, 0.007403834]
    assert risk.tolist() == pytest.approx(expected, abs=1e-9)


# --------------------------------------------------------------------------- missing values


def _brute_force(df, keys, w):
    """Pairwise wildcard matching, as sdcMicro's original C routine (f2.C)."""
    vals = df[keys].to_numpy(dtype=object)
    miss = df[keys].isna().to_numpy()
    n = len(df)
    fk = np.zeros(n)
    Fk = np.zeros(n)
    for i in range(n):
        for j in range(n):
            ok = all(miss[i, a] or miss[j, a] or vals[i, a] == vals[j, a]
                     for a in range(len(keys)))
            if ok:
                fk[i] += 1
                Fk[i] += w[j]
    return fk, Fk


def test_missing_values_are_wildcards_by_hand():
    df = pd.DataFrame({"a": ["x", "x", None, "y"], "b": [1, 2, 1, None]})
    # row0 (x,1) ~ row2 (?,1) ; row1 (x,2) alone ; row2 ~ row0 and row3 (y,?) ; row3 ~ row2
    risk = individual_risk(df, ["a", "b"])
    assert risk.tolist() == pytest.approx([1 / 2, 1, 1 / 3, 1 / 2])
    r = measure_risk(df, ["a", "b"])
    assert r.k == 1 and r.sample_uniques == 1 and r.classes == 4
    all_missing = pd.DataFrame({"a": ["x", None, "y"], "b": [1, None, 2]})
    assert individual_risk(all_missing, ["a", "b"]).tolist() == pytest.approx([1 / 2, 1 / 3, 1 / 2])


keys_with_missing = st.lists(
    st.tuples(
        st.sampled_from(["p", "q", None]),
        st.sampled_from([1.0, 2.0, 3.0, np.nan]),
        st.sampled_from(["m", "f", None]),
        st.integers(1, 50),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(keys_with_missing)
def test_wildcard_frequencies_match_brute_force(rows):
    df = pd.DataFrame(rows, columns=["a", "b", "c", "w"])
    keys = ["a", "b", "c"]
    fk, Fk = _brute_force(df, keys, df["w"].to_numpy(dtype=float))
    assert individual_risk(df, keys).tolist() == pytest.approx((1 / fk).tolist())
    p = fk / Fk
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = p / (1 - p)
        expected = np.where(
            fk == 1, odds * np.log(1 / p),
            np.where(fk == 2, odds - odds**2 * np.log(1 / p), p / (fk - (1 - p))))
    expected = np.where(fk == Fk, 1 / fk, expected)
    got = individual_risk(df, keys, weight="w").to_numpy()
    assert got == pytest.approx(expected)
    r = measure_risk(df, keys, weight="w")
    assert r.k == int(fk.min()) and r.sample_uniques == int((fk == 1).sum())


# --------------------------------------------------------------------------- properties

complete_rows = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from(["a", "b", "c"]), st.floats(1.0, 1000.0)
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=80, deadline=None)
@given(complete_rows)
def test_risk_is_a_probability(rows):
    df = pd.DataFrame(rows, columns=["k1", "k2", "w"])
    for weight in (None, "w"):
        risk = individual_risk(df, ["k1", "k2"], weight=weight)
        assert ((risk >= 0) & (risk <= 1)).all()
        r = measure_risk(df, ["k1", "k2"], weight=weight)
        assert 0 <= r.global_risk <= 1


@settings(max_examples=80, deadline=None)
@given(complete_rows, st.integers(0, 3), st.integers(0, 3))
def test_merging_categories_never_lowers_k(rows, c1, c2):
    df = pd.DataFrame(rows, columns=["k1", "k2", "w"])
    merged = df.assign(k1=df["k1"].replace(c1, c2))
    before = measure_risk(df, ["k1", "k2"])
    after = measure_risk(merged, ["k1", "k2"])
    assert after.k >= before.k
    assert after.classes <= before.classes


@settings(max_examples=80, deadline=None)
@given(complete_rows)
def test_unweighted_risks_sum_to_number_of_classes(rows):
    df = pd.DataFrame(rows, columns=["k1", "k2", "w"])
    r = measure_risk(df, ["k1", "k2"])
    assert r.expected_reidentifications == pytest.approx(r.classes)
    assert r.classes == len(df.drop_duplicates(["k1", "k2"]))


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(quasi=[]), "no quasi-identifier"),
        (dict(quasi=["region", "nope", "zip"]), "missing column.*nope, zip"),
        (dict(quasi=["region"], weight="wt"), "missing column.*wt"),
        (dict(quasi=["region"], sensitive=["gone"]), "missing column.*gone"),
        (dict(quasi=["region"], weight="sex"), "not numeric"),
        (dict(quasi=["region"], weight="neg"), "negative"),
        (dict(quasi=["region"], weight="zero"), "zero"),
        (dict(quasi=["region"], weight="nan"), "missing values"),
        (dict(quasi=["region"], sensitive=["region"]), "also used as quasi-identifier"),
        (dict(quasi=["region", "region"]), "more than once"),
    ],
)
def test_validation_errors(six, kwargs, message):
    df = six.assign(neg=[1, 2, -1, 1, 1, 1], zero=[1, 0, 1, 1, 1, 1],
                    nan=[1, np.nan, 1, 1, 1, 1])
    with pytest.raises(ValueError, match=message):
        measure_risk(df, **kwargs)
    if "sensitive" not in kwargs:
        with pytest.raises(ValueError, match=message):
            individual_risk(df, kwargs["quasi"], weight=kwargs.get("weight"))


def test_empty_table():
    with pytest.raises(ValueError, match="empty"):
        measure_risk(pd.DataFrame({"a": []}), ["a"])
    with pytest.raises(ValueError, match="empty"):
        individual_risk(pd.DataFrame({"a": []}), ["a"])


def test_bad_settings(six):
    with pytest.raises(ValueError, match="min_k"):
        measure_risk(six, ["region"], min_k=0)
    with pytest.raises(ValueError, match="max_risk"):
        measure_risk(six, ["region"], max_risk=1.5)


def test_weights_just_above_one_stay_stable():
    # sdcMicro's literal f_k = 2 expression cancels catastrophically here (gives 1.5);
    # the limit for p -> 1 is 1/f_k.
    df = pd.DataFrame({"q": ["a", "a", "b"], "w": [1 + 2e-16, 1 + 2e-16, 1 + 1e-12]})
    risk = individual_risk(df, ["q"], weight="w")
    assert risk.tolist() == pytest.approx([0.5, 0.5, 1.0])
    # continuity across the series / closed-form switch (q = 1e-3)
    for total in (2.0019, 2.0021):
        p = 2 / total
        odds = p / (1 - p)
        literal = odds - odds**2 * math.log(1 / p)
        two = pd.DataFrame({"q": ["a", "a"], "w": [1.0, total - 1.0]})
        assert individual_risk(two, ["q"], weight="w")[0] == pytest.approx(literal, rel=1e-9)


def test_every_combination_is_measured_and_more_keys_never_raise_k():
    from pim_workbook.sdc.risk import measure_by_subset
    from pim_workbook.sdc.synthetic import synthetic_microdata

    table = synthetic_microdata(500, seed=11)
    quasi = ["district", "age_group", "sex", "nationality"]
    results = dict((tuple(cols), r) for cols, r in measure_by_subset(table, quasi))
    assert len(results) == 2**4 - 1
    full = measure_risk(table, quasi)
    assert results[tuple(quasi)].to_dict() == full.to_dict()
    for cols, r in results.items():
        for other, s in results.items():
            if set(cols) < set(other):
                assert r.k >= s.k and r.classes <= s.classes
    with pytest.raises(ValueError, match="at most 2 quasi-identifiers"):
        measure_by_subset(table, quasi, max_columns=2)


def test_the_risk_bands_count_every_record_once(six):
    r = measure_risk(six, ["region", "sex"])  # risks 1, 1/2, 1/2, 1/3, 1/3, 1/3
    assert r.risk_bands == {"up to 1%": 0, "1–5%": 0, "5–20%": 0, "20–50%": 5,
                            "over 50%": 1}
    weighted = measure_risk(six.assign(w=[100.0] * 6), ["region", "sex"], weight="w")
    assert sum(weighted.risk_bands.values()) == 6
    assert weighted.risk_bands["over 50%"] == 0  # each record stands for 100 people
