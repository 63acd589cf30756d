"""Tests for pim_workbook.sdc.pram (invariant PRAM as sdcMicro's pram())."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pim_workbook.sdc.pram import invariant_matrix, pram


def _survey(n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` records with unequal category shares and a few missing values."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "region": rng.choice(["North", "South", "East", "West"], size=n, p=[.5, .3, .15, .05]),
        "sex": rng.choice(["F", "M"], size=n),
        "water": rng.choice(np.array(["pipe", "well", "river", None], dtype=object), size=n,
                            p=[.4, .3, .2, .1]),
        "weight": rng.uniform(1, 300, size=n),
    }, index=pd.RangeIndex(10, 10 + n))


def _sd_bound(counts: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expected counts after the draw and five standard deviations around them."""
    expected = counts @ matrix
    variance = counts @ (matrix * (1 - matrix))
    return expected, 5 * np.sqrt(variance)


def test_same_seed_same_output_byte_for_byte() -> None:
    df = _survey(3000)
    first = pram(df, ["region", "water"], pd=0.5, seed=42)
    second = pram(df, ["region", "water"], pd=0.5, seed=42)
    assert first.table.to_csv() == second.table.to_csv()
    assert first.changed == second.changed
    assert first.changed["region"] > 0 and first.changed["water"] > 0


def test_different_seed_different_output() -> None:
    df = _survey(3000)
    assert not pram(df, "region", seed=1).table.equals(pram(df, "region", seed=2).table)


def test_input_untouched_and_only_chosen_columns_differ() -> None:
    df = _survey(2000)
    kept = df.copy(deep=True)
    result = pram(df, ["region"], pd=0.3, seed=5)
    pd.testing.assert_frame_equal(df, kept)
    pd.testing.assert_frame_equal(result.table.drop(columns="region"),
                                  df.drop(columns="region"))
    pd.testing.assert_index_equal(result.table.index, df.index)
    differ = int((result.table["region"] != df["region"]).sum())
    assert result.changed == {"region": differ} and differ > 0


@pytest.mark.parametrize("options", [{"pd": 1}, {"alpha": 0}, {"pd": 1, "strata": "sex"},
                                     {"alpha": 0.0, "strata": ["sex"], "pd": 0.01}])
def test_nothing_changes_with_pd_1_or_alpha_0(options: dict) -> None:
    df = _survey(2000)
    result = pram(df, ["region", "water"], seed=3, **options)
    assert result.changed == {"region": 0, "water": 0}
    pd.testing.assert_frame_equal(result.table, df)


def test_missing_values_stay_missing_and_are_never_drawn() -> None:
    df = _survey(5000)
    result = pram(df, "water", pd=0.2, alpha=1, seed=11)
    after = result.table["water"]
    assert after.isna().equals(df["water"].isna())
    assert result.changed["water"] > 0


def test_categories_and_dtypes_are_kept() -> None:
    n = 600
    rng = np.random.default_rng(7)
    labels = rng.choice(["a", "b", "c"], size=n)
    df = pd.DataFrame({
        "text": pd.Series(labels, dtype=object),
        "string": pd.Series(labels, dtype="string"),
        "coded": rng.choice([1, 2, 5], size=n),
        "factor": pd.Categorical(labels, categories=["c", "b", "a", "unused"]),
    })
    df.loc[::10, ["text", "string", "factor"]] = None
    result = pram(df, list(df.columns), pd=0.2, seed=8)
    for column in df.columns:
        before, after = df[column], result.table[column]
        assert after.dtype == before.dtype, column
        assert set(after.dropna()) <= set(before.dropna()), column
        assert result.changed[column] > 0, column
    assert list(result.table["factor"].cat.categories) == ["c", "b", "a", "unused"]
    assert "unused" not in set(result.table["factor"])


def test_share_of_unchanged_values_is_what_the_matrix_predicts() -> None:
    df = _survey(40_000)
    result = pram(df, "region", pd=0.6, alpha=0.8, seed=2024)
    matrix = result.matrices["region"][()]
    counts = df["region"].value_counts().reindex(matrix.index).to_numpy()
    stay = np.diag(matrix.to_numpy())
    expected = counts @ stay
    tolerance = 5 * np.sqrt(counts @ (stay * (1 - stay)))
    unchanged = len(df) - result.changed["region"]
    assert expected < 0.95 * len(df)  # a test of the draw, not of values that never move
    assert abs(unchanged - expected) < tolerance


def test_matrix_is_invariant_and_stochastic() -> None:
    rng = np.random.default_rng(99)
    for size in (2, 3, 7, 15):
        counts = rng.integers(1, 1000, size=size).astype(float)
        counts[rng.integers(size)] = 0  # a category absent here
        diagonal = rng.uniform(0.05, 1, size=size)
        for alpha in (0.0, 0.3, 1.0):
            matrix = invariant_matrix(counts, diagonal, alpha)
            p = counts / counts.sum()
            np.testing.assert_allclose(p @ matrix, p, rtol=0, atol=1e-12)
            np.testing.assert_allclose(matrix.sum(axis=1), 1, rtol=0, atol=1e-12)
            assert (matrix >= 0).all()
            absent = np.flatnonzero(counts == 0)
            present = np.flatnonzero(counts > 0)
            assert (matrix[np.ix_(present, absent)] == 0).all()


def test_diagonal_of_1_gives_the_identity() -> None:
    matrix = invariant_matrix([5, 0, 3], [1, 1, 1], 0.5)
    np.testing.assert_array_equal(matrix, np.eye(3))


def test_frequencies_are_kept_on_100k_records() -> None:
    df = _survey(100_000)
    result = pram(df, ["region", "water"], pd=0.5, alpha=1, seed=123)
    for column in ("region", "water"):
        matrix = result.matrices[column][()]
        before = df[column].value_counts().reindex(matrix.index).to_numpy()
        after = result.table[column].value_counts().reindex(matrix.index).to_numpy()
        p = before / before.sum()
        np.testing.assert_allclose(p @ matrix.to_numpy(), p, rtol=0, atol=1e-12)
        expected, tolerance = _sd_bound(before, matrix.to_numpy())
        np.testing.assert_allclose(expected, before, rtol=1e-9)
        assert (np.abs(after - before) < tolerance).all(), (column, before, after)
        assert result.changed[column] > 0.1 * before.sum()


def test_strata_are_respected() -> None:
    n = 30_000
    rng = np.random.default_rng(4)
    camp = rng.choice(["camp", "town"], size=n)
    # the camp has shelters tent and hut; the town has hut and house
    shelter = np.where(camp == "camp", rng.choice(["tent", "hut"], size=n, p=[.7, .3]),
                       rng.choice(["hut", "house"], size=n, p=[.2, .8]))
    df = pd.DataFrame({"camp": camp, "shelter": shelter})
    result = pram(df, "shelter", pd=0.3, alpha=1, seed=77, strata="camp")
    after = result.table
    assert after["camp"].equals(df["camp"])
    assert set(after.loc[df["camp"] == "camp", "shelter"]) == {"tent", "hut"}
    assert set(after.loc[df["camp"] == "town", "shelter"]) == {"hut", "house"}
    assert set(result.matrices["shelter"]) == {("camp",), ("town",)}
    for stratum in ("camp", "town"):
        matrix = result.matrices["shelter"][(stratum,)]
        rows = df["camp"] == stratum
        before = df.loc[rows, "shelter"].value_counts().reindex(matrix.index, fill_value=0)
        moved = after.loc[rows, "shelter"].value_counts().reindex(matrix.index, fill_value=0)
        p = before.to_numpy() / before.sum()
        np.testing.assert_allclose(p @ matrix.to_numpy(), p, rtol=0, atol=1e-12)
        _, tolerance = _sd_bound(before.to_numpy(), matrix.to_numpy())
        assert (np.abs(moved.to_numpy() - before.to_numpy()) <= tolerance).all()
        assert (after.loc[rows, "shelter"] != df.loc[rows, "shelter"]).any()


def test_pd_per_column_and_per_category() -> None:
    df = _survey(3000)
    per_column = pram(df, ["region", "water"], pd={"region": 1, "water": 0.2}, seed=6)
    assert per_column.changed["region"] == 0 and per_column.changed["water"] > 0
    assert per_column.pd == {"region": 1.0, "water": 0.2}
    every = {"North": 1, "South": 1, "East": 1, "West": 1}
    per_category = pram(df, "region", pd={"region": every}, seed=6)
    assert per_category.changed == {"region": 0}


def test_records_its_parameters() -> None:
    result = pram(_survey(500), "sex", pd=0.7, alpha=0.25, seed=np.int64(31))
    assert (result.seed, result.pd, result.alpha) == (31, 0.7, 0.25)
    assert type(result.seed) is int


@pytest.mark.parametrize(("columns", "options", "message"), [
    (["nowhere"], {}, "unknown column"),
    ([], {}, "at least one column"),
    (["region"], {"strata": ["nowhere"]}, "unknown column"),
    (["region"], {"strata": "region"}, "both perturbed and a stratum"),
    (["region"], {"pd": 0}, "pd must be"),
    (["region"], {"pd": 1.5}, "pd must be"),
    (["region"], {"pd": "0.8"}, "pd must be"),
    (["region"], {"pd": float("nan")}, "pd must be"),
    (["region"], {"pd": {"water": 0.5}}, "not perturbed"),
    (["region", "sex"], {"pd": {"region": 0.5}}, "no value for column sex"),
    (["region"], {"pd": {"region": {"North": 0.5}}}, "no value for"),
    (["region"], {"pd": {"region": {"Mars": 0.5}}}, "does not have"),
    (["region"], {"alpha": -0.1}, "alpha must be"),
    (["region"], {"alpha": 1.01}, "alpha must be"),
    (["region"], {"alpha": True}, "alpha must be"),
    (["region"], {"seed": 1.5}, "seed"),
    (["region"], {"seed": "7"}, "seed"),
    (["region"], {"seed": -1}, "seed"),
    (["region"], {"seed": True}, "seed"),
    (["single"], {}, "single category"),
    (["empty"], {}, "only missing values"),
])
def test_bad_arguments_are_one_line_errors(columns: list[str], options: dict,
                                           message: str) -> None:
    df = _survey(200).assign(single="only", empty=None)
    arguments = {"seed": 1, **options}
    with pytest.raises(ValueError, match=message) as raised:
        pram(df, columns, **arguments)
    assert "\n" not in str(raised.value)


def test_not_a_table_is_an_error() -> None:
    with pytest.raises(ValueError, match="DataFrame"):
        pram([["a"], ["b"]], ["0"], seed=1)
