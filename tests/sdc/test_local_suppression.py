"""Local suppression to k-anonymity (pim_workbook.sdc.suppression), against sdcMicro's kAnon."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pim_workbook.sdc import suppression
from pim_workbook.sdc.risk import _codes, individual_risk, measure_risk
from pim_workbook.sdc.suppression import Suppression, local_suppression

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
KEYS = ["admin2", "age_group", "sex", "nationality", "disability"]
Case = tuple[pd.DataFrame, list[str], int]  # a table, its keys and k


# --------------------------------------------------------------------------- kAnon, plainly


def compatible(a: np.ndarray, b: np.ndarray) -> bool:
    return all(x < 0 or y < 0 or x == y for x, y in zip(a, b, strict=True))


def kanon_plain(codes: np.ndarray, order: list[int], k: int) -> np.ndarray:
    """sdcMicro's kAnon greedy (R/localSuppression.R, src/calcSuppInds.cpp) record by
    record: each pass takes the records with f_k < k, most at risk first, and suppresses in
    each the least important key where it differs from one of its nearest records."""
    mat = codes.copy()
    n, m = mat.shape
    while True:
        fk = [sum(compatible(mat[i], mat[j]) for j in range(n)) for i in range(n)]
        problem = sorted((i for i in range(n) if fk[i] < k), key=lambda i: fk[i])
        if not problem:
            return mat != codes
        for i in problem:
            def differs(j: int, c: int, i: int = i) -> bool:
                return bool(mat[i, c] >= 0 and mat[j, c] >= 0 and mat[i, c] != mat[j, c])
            dist = [sum(differs(j, c) for c in range(m)) for j in range(n)]
            if not any(dist):  # compatible with every record (sdcMicro stops here)
                continue
            nearest = [j for j in range(n) if dist[j] == min(d for d in dist if d > 0)]
            col = next(c for c in order if any(differs(j, c) for j in nearest))
            mat[i, col] = -1


def suppression_order(keys: list[str], result: Suppression) -> list[int]:
    """Key positions from the one suppressed first to the one kept longest."""
    return [keys.index(c) for c in reversed(result.importance)]


def kanon_total(df: pd.DataFrame, keys: list[str], k: int, order: list[int],
                strata: str | None = None) -> int:
    codes = _codes(df, keys)
    groups = [np.arange(len(df))] if strata is None else \
        [np.flatnonzero((df[strata] == s).to_numpy()) for s in df[strata].unique()]
    return sum(int(kanon_plain(codes[rows], order, k).sum()) for rows in groups)


# --------------------------------------------------------------------------- hand examples


def test_a_lone_record_loses_its_least_important_key() -> None:
    df = pd.DataFrame({"region": ["a", "a", "a", "b"], "sex": ["f", "f", "f", "f"]})
    result = local_suppression(df, ["region", "sex"], 3)
    # sex has 1 category, region 2: sex is kept longest. (b, f) is alone; without its
    # region it matches all 4 records (1 value), where lifting it to 3 with donors would
    # take the region of two (a, f) records (2 values).
    assert result.importance == ["sex", "region"]
    assert result.table["region"].isna().tolist() == [False, False, False, True]
    assert result.suppressions == {"region": 1, "sex": 0}
    assert (result.total, result.records_suppressed, result.k) == (1, 1, 3)
    assert df["region"].tolist() == ["a", "a", "a", "b"]  # the input is untouched


def test_on_a_tie_a_safe_record_gives_up_its_value() -> None:
    df = pd.DataFrame({"region": ["a", "a", "b"], "sex": ["f", "f", "f"]})
    result = local_suppression(df, ["region", "sex"], 2)
    # (b, f) alone: its own region (1 value) or the region of one (a, f) record (1 value),
    # which then matches both others: the donor, the last (a, f) record, wins the tie
    assert result.table["region"].isna().tolist() == [False, True, False]
    assert individual_risk(result.table, ["region", "sex"]).tolist() == [0.5, 1 / 3, 0.5]


def test_one_donor_lifts_a_whole_class_where_kanon_suppresses_each_record() -> None:
    df = pd.DataFrame({"region": ["a", "a", "a", "b", "b"], "sex": ["f"] * 5})
    result = local_suppression(df, ["region", "sex"], 3)
    # (b, f) has 2 records, f_k = 2. kAnon suppresses region in both (2 values). One record
    # of (a, f) giving up its region (1 value) matches everything: (b, f) reaches 3 and the
    # other two (a, f) keep 3. The last (a, f) record in the data is the donor.
    assert result.table["region"].isna().tolist() == [False, False, True, False, False]
    assert result.total == 1
    order = suppression_order(["region", "sex"], result)
    assert kanon_total(df, ["region", "sex"], 3, order) == 2
    assert suppression._kanon_greedy(_codes(df, ["region", "sex"]), order, 3).sum() == 2


def test_pruning_gives_back_a_value_that_is_no_longer_needed() -> None:
    df = pd.DataFrame({"region": ["a", "a", "b", "b"], "sex": ["f", "f", "f", "m"]})
    result = local_suppression(df, ["region", "sex"], 2, importance=["sex", "region"])
    # Greedy: (b, f) is lifted by row 1 giving up its region; then (b, m) by row 2 giving
    # up its sex (row 2 matches itself, (NA, f) and (b, m)). Now row 1 can have its region
    # back: (a, f) x2 has 2 matches, (b, NA) keeps (b, m) and itself. One value in the end.
    assert result.table["region"].isna().sum() == 0
    assert result.table["sex"].isna().tolist() == [False, False, True, False]
    assert result.total == 1


def test_where_kanon_does_better_than_the_greedy_its_choices_are_returned() -> None:
    df = pd.DataFrame({"q0": ["v2", "v1", "v2", "v2"], "q1": ["v0", "v0", "v1", "v0"],
                       "q2": ["v1", "v0", "v1", "v0"]})
    keys = ["q0", "q1", "q2"]
    result = local_suppression(df, keys, 3, importance=keys)
    # the greedy needs 5 values here, more than the 4 records at risk (kAnon's floor), so
    # kAnon's greedy runs too: 4 values, (v2, v0, NA) (NA, v0, v0) (v2, NA, v1) (v2, v0, NA),
    # every record then matching 4, 3, 3 and 4 records; nothing can be given back
    expected = suppression._kanon_greedy(_codes(df, keys), [2, 1, 0], 3)
    assert expected.sum() == 4
    np.testing.assert_array_equal(result.table[keys].isna().to_numpy(), expected)
    assert individual_risk(result.table, keys).tolist() == [1 / 4, 1 / 3, 1 / 3, 1 / 4]


def test_existing_missing_values_are_wildcards_not_suppressions() -> None:
    df = pd.DataFrame({"region": ["a", "a", None, "b"], "sex": ["f", "m", "f", "m"]})
    # (NA, f) matches (a, f): 2; (a, f): 2; (a, m): 1; (b, m): 1
    result = local_suppression(df, ["region", "sex"], 2)
    assert result.table["region"].isna().iloc[2]
    assert result.total >= 1
    assert result.total == int(result.table[["region", "sex"]].isna().sum().sum()) - 1
    assert (individual_risk(result.table, ["region", "sex"]) <= 0.5).all()


def test_strata_are_anonymised_separately() -> None:
    df = pd.DataFrame({"region": ["a", "a", "b", "b", "b"], "sex": ["f"] * 5,
                       "zone": ["n", "n", "n", "s", "s"]})
    # without strata (a, f) x2 and (b, f) x3 are 2-anonymous; in zone n, (b, f) is alone
    assert local_suppression(df, ["region", "sex"], 2).total == 0
    result = local_suppression(df, ["region", "sex"], 2, strata="zone")
    # zone n: (b, f) is lifted by the last (a, f) of its zone giving up its region
    assert result.table["region"].isna().tolist() == [False, True, False, False, False]
    assert result.table["zone"].tolist() == df["zone"].tolist()


def test_household_members_with_the_same_value_lose_it_together() -> None:
    df = pd.DataFrame({"region": ["a", "a", "a", "b", "b"], "sex": ["f"] * 5,
                       "hh": [1, 1, 1, 2, 3]})
    result = local_suppression(df, ["region", "sex"], 3, household="hh")
    # the donor (row 2) belongs to household 1, whose other members also live in a
    assert result.table["region"].isna().tolist() == [True, True, True, False, False]
    assert result.suppressions == {"region": 3, "sex": 0}


def test_max_risk_suppresses_the_riskiest_records_until_the_global_risk_is_met() -> None:
    df = pd.DataFrame({"region": ["a", "a", "a", "b", "b"], "sex": ["f"] * 5})
    # after k = 3: f_k = 3, 3, 5, 3, 3 -> global risk (4/3 + 1/5) / 5 = 0.3067 > 0.3. The
    # first unit at the top risk, (a, f) x2, loses region: every record then matches 5.
    result = local_suppression(df, ["region", "sex"], 3, max_risk=0.3)
    assert result.table["region"].isna().tolist() == [True, True, True, False, False]
    assert individual_risk(result.table, ["region", "sex"]).mean() == pytest.approx(0.2)
    assert local_suppression(df, ["region", "sex"], 3, max_risk=0.31).total == 1


def test_max_risk_with_weights_uses_the_weighted_risk() -> None:
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"region": rng.choice(list("abcdef"), 200),
                       "sex": rng.choice(list("fm"), 200),
                       "w": rng.uniform(5, 50, 200)})
    before = individual_risk(df, ["region", "sex"], weight="w").mean()  # about 0.0024
    # half of it is out of reach unweighted (all suppressed: 1/200), not with the weights
    result = local_suppression(df, ["region", "sex"], 2, max_risk=before / 2, weight="w")
    assert individual_risk(result.table, ["region", "sex"], weight="w").mean() <= before / 2
    assert individual_risk(result.table, ["region", "sex"]).mean() > 1 / 200
    assert result.total > 0


def test_an_unreachable_max_risk_is_refused() -> None:
    df = pd.DataFrame({"region": ["a", "b", "c", "d"]})
    # everything suppressed: every record matches 4, risk 1/4
    with pytest.raises(ValueError, match="max_risk"):
        local_suppression(df, ["region"], 2, max_risk=0.2)


def test_suppressed_values_read_back_as_missing_in_every_dtype() -> None:
    df = pd.DataFrame({"n": [1, 1, 1, 2], "b": [True, True, True, False],
                       "c": pd.Categorical(["x", "x", "x", "y"]),
                       "s": pd.array(["p", "p", "p", "q"], dtype="string"),
                       "f": [0.5, 0.5, 0.5, 1.5]})
    for col in df.columns:
        result = local_suppression(df, [col], 3)
        assert result.table[col].isna().tolist() == [False, False, False, True], col
        assert result.table[col].iloc[0] == df[col].iloc[0]
    assert str(local_suppression(df, ["n"], 3).table["n"].dtype) == "Int64"
    assert str(local_suppression(df, ["b"], 3).table["b"].dtype) == "boolean"


# --------------------------------------------------------------------------- sdcMicro


def reference_figures() -> list[tuple[int, list[str] | None, dict[str, int], int]]:
    """sdcMicro 5.8.1's kAnon suppressions on the reference survey."""
    out = []
    for line in (FIXTURES / "sdc-reference-figures.txt").read_text().splitlines():
        found = re.match(r"kAnon k=(\d+) importance=(\S+) suppressions: (.*) total=(\d+)", line)
        if found:
            k, importance, counts, total = found.groups()
            ranks = importance.split(",") if importance[0].isdigit() else None
            keys = None if ranks is None else [KEYS[ranks.index(str(r))] for r in range(1, 6)]
            per_key = {key: int(v) for key, v in re.findall(r"(\w+)=(\d+)", counts)}
            out.append((int(k), keys, per_key, int(total)))
    return out


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "sdc-reference-sample.csv", dtype=str,
                       keep_default_na=False, na_values=[""])


def test_the_reference_figures_are_all_there() -> None:
    assert [(k, total) for k, _keys, _per, total in reference_figures()] == \
        [(3, 620), (3, 630), (5, 1216), (5, 1263)]


@pytest.mark.parametrize(("k", "importance", "theirs", "total"), reference_figures())
def test_no_more_suppressions_than_sdcmicro_on_the_reference_survey(
        survey: pd.DataFrame, k: int, importance: list[str] | None, theirs: dict[str, int],
        total: int) -> None:
    result = local_suppression(survey, KEYS, k, importance=importance)
    assert result.total <= total
    assert measure_risk(result.table, KEYS).k >= k
    # kAnon's greedy as reproduced here makes exactly sdcMicro's choices
    order = suppression_order(KEYS, result)
    replayed = suppression._kanon_greedy(_codes(survey, KEYS), order, k).sum(axis=0)
    assert dict(zip(KEYS, replayed.tolist(), strict=True)) == theirs


def test_default_importance_keeps_the_key_with_fewest_categories_longest(
        survey: pd.DataFrame) -> None:
    result = local_suppression(survey.head(300), KEYS, 2)
    counts = [survey.head(300)[c].nunique() for c in result.importance]
    assert counts == sorted(counts)
    assert result.importance[-1] == "admin2"


# --------------------------------------------------------------------------- properties


@st.composite
def tables(draw: st.DrawFn, extra: bool = False) -> Case:
    n = draw(st.integers(4, 24))
    m = draw(st.integers(1, 4))
    keys = [f"q{j}" for j in range(m)]
    data: dict[str, Sequence[object]] = {}
    for key in keys:
        card = draw(st.integers(1, 4))
        values = draw(st.lists(st.integers(-1, card - 1), min_size=n, max_size=n))
        data[key] = [None if v < 0 and draw(st.booleans()) else f"v{max(v, 0)}"
                     for v in values]
    if extra:
        data["zone"] = draw(st.lists(st.sampled_from("xy"), min_size=n, max_size=n))
        data["hh"] = draw(st.lists(st.integers(0, n // 3), min_size=n, max_size=n))
    df = pd.DataFrame(data)
    k = draw(st.integers(1, 4 if not extra else max(1, min(4, *df["zone"].value_counts()))))
    return df, keys, min(k, n)


@given(tables())
@settings(max_examples=80, deadline=None)
def test_random_tables_become_k_anonymous_without_raising_any_risk(case: Case) -> None:
    df, keys, k = case
    result = local_suppression(df, keys, k)
    before = individual_risk(df, keys).to_numpy()
    after = individual_risk(result.table, keys).to_numpy()
    assert (after <= 1 / k + 1e-12).all()
    assert (after <= before + 1e-12).all()
    new = result.table[keys].isna() & ~df[keys].isna()
    assert result.suppressions == {c: int(new[c].sum()) for c in keys}
    assert result.total == int(new.to_numpy().sum())
    assert result.records_suppressed == int(new.any(axis=1).sum())
    kept = result.table[keys].notna()
    assert result.table[keys].where(kept).equals(df[keys].where(kept))
    again = local_suppression(df, keys, k)
    pd.testing.assert_frame_equal(again.table, result.table)


@given(tables())
@settings(max_examples=80, deadline=None)
def test_random_tables_never_need_more_suppressions_than_kanon(case: Case) -> None:
    df, keys, k = case
    result = local_suppression(df, keys, k)
    order = suppression_order(keys, result)
    assert result.total <= kanon_total(df, keys, k, order)
    reverse = local_suppression(df, keys, k, importance=list(reversed(result.importance)))
    assert reverse.total <= kanon_total(df, keys, k, order[::-1])


@given(tables())
@settings(max_examples=60, deadline=None)
def test_the_vectorised_kanon_makes_the_same_choices_as_the_plain_one(case: Case) -> None:
    df, keys, k = case
    codes = _codes(df, keys)
    order = list(range(len(keys)))[::-1]
    np.testing.assert_array_equal(suppression._kanon_greedy(codes, order, k),
                                  kanon_plain(codes, order, k))


@given(tables(extra=True))
@settings(max_examples=60, deadline=None)
def test_strata_and_households_are_respected(case: Case) -> None:
    df, keys, k = case
    result = local_suppression(df, keys, k, strata="zone", household="hh")
    table = result.table
    for zone in ("x", "y"):
        part = table[table["zone"] == zone]
        if len(part):
            assert (individual_risk(part, keys) <= 1 / k + 1e-12).all()
    assert households_are_consistent(df, table, keys)
    plain = local_suppression(df, keys, k, strata="zone")
    assert plain.total <= result.total
    assert plain.total <= kanon_total(df, keys, k, suppression_order(keys, plain), "zone")


def households_are_consistent(before: pd.DataFrame, after: pd.DataFrame,
                              keys: list[str]) -> bool:
    """A key lost by one member is lost by every member of its household with that value."""
    for key in keys:
        lost = after[key].isna() & before[key].notna()
        same = before.assign(lost=lost)[before[key].notna()].groupby(["hh", key])["lost"]
        if not (same.transform("all") == same.transform("any")).all():
            return False
    return True


@given(tables(extra=True), st.floats(0.02, 0.6))
@settings(max_examples=60, deadline=None)
def test_max_risk_is_met_with_weights_and_households(case: Case, ceiling: float) -> None:
    df, keys, k = case
    df = df.assign(w=np.linspace(1.0, 30.0, len(df)))
    try:
        result = local_suppression(df, keys, k, household="hh", max_risk=ceiling, weight="w")
    except ValueError:  # only when even suppressing every key value is not enough
        blank = df.assign(**{key: None for key in keys})
        assert individual_risk(blank, keys, weight="w").mean() > ceiling
        return
    assert individual_risk(result.table, keys, weight="w").mean() <= ceiling + 1e-12
    assert (individual_risk(result.table, keys) <= 1 / k + 1e-12).all()
    assert households_are_consistent(df, result.table, keys)


def test_key_sets_priced_in_small_chunks_give_the_same_result(
        survey: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = survey.head(800)
    expected = local_suppression(sample, KEYS, 4, importance=KEYS)
    monkeypatch.setattr(suppression, "_CHUNK", 2)
    chunked = local_suppression(sample, KEYS, 4, importance=KEYS)
    pd.testing.assert_frame_equal(chunked.table, expected.table)


def test_a_result_that_is_not_k_anonymous_is_never_returned(
        monkeypatch: pytest.MonkeyPatch) -> None:
    df = pd.DataFrame({"region": ["a", "a", "b"]})
    monkeypatch.setattr(suppression, "_k_anonymous",
                        lambda codes, *args: np.zeros(len(codes), dtype=np.int64))
    with pytest.raises(RuntimeError, match="fewer than k = 2"):
        local_suppression(df, ["region"], 2)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"keys": ["nope"]}, "missing column"),
    ({"k": 0}, "k must be"),
    ({"k": True}, "k must be"),
    ({"k": 2.5}, "k must be"),
    ({"k": 9}, "fewer than k = 9"),
    ({"importance": ["region"]}, "importance must list each key"),
    ({"importance": ["region", "region"]}, "importance must list each key"),
    ({"importance": ["region", "zone"]}, "importance must list each key"),
    ({"strata": "nope"}, "missing column"),
    ({"strata": "region"}, "also a key"),
    ({"strata": "zone", "k": 3}, "strata have fewer than k = 3"),
    ({"household": "hh"}, "no household id"),
    ({"max_risk": 0}, "max_risk must be"),
    ({"max_risk": 1.5}, "max_risk must be"),
    ({"weight": "region"}, "also a quasi-identifier"),
])
def test_bad_input_is_refused_in_one_line(kwargs: dict[str, Any], message: str) -> None:
    df = pd.DataFrame({"region": list("aabbcc"), "sex": list("fmfmfm"),
                       "zone": list("xxxxyy"), "hh": [1, 1, 2, None, 3, 3]})
    args = {"keys": ["region", "sex"], "k": 2, **kwargs}
    with pytest.raises(ValueError, match=message) as error:
        local_suppression(df, **args)
    assert "\n" not in str(error.value)


def test_max_risk_is_met_when_the_units_outgrow_their_first_arrays() -> None:
    """One household of twelve whose risk ceiling needs more suppression patterns than the
    unit arrays first hold (found by the property above)."""
    rows = ["0000", "0100", "0110", "0000", "0000", "0000", "0000", "0000", "1000", "0010",
            "0001", "0002"]
    keys = ["q0", "q1", "q2", "q3"]
    df = pd.DataFrame([[f"v{c}" for c in row] for row in rows], columns=keys).assign(
        hh=0, w=np.linspace(1.0, 30.0, len(rows)))
    result = local_suppression(df, keys, 1, household="hh", max_risk=0.0234375, weight="w")
    assert individual_risk(result.table, keys, weight="w").mean() <= 0.0234375 + 1e-12
    assert households_are_consistent(df, result.table, keys)
