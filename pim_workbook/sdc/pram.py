"""Post-randomisation (PRAM) of categorical columns, as sdcMicro's ``pram()`` does it.

Each non-missing value of a perturbed column is replaced by a category drawn at random from
the row of a transition matrix for its current category. The matrix is *invariant*: the
expected frequency of every category after PRAM equals its frequency before, so tables of
one column keep their shape while no single value can be trusted.

The matrix, per column and per stratum (sdcMicro's ``R/pram.R``), over the ``L`` categories of
the column, with ``p`` the shares of the categories among the non-missing values:

1. ``P``: row ``i`` has ``d_i`` on the diagonal and ``(1 - d_i) / (L - 1)`` elsewhere, where
   ``d_i`` is drawn uniformly between ``pd_i`` and 1 (``pd`` is the smallest probability that
   a value stays).
2. ``Q[k, j] = P[j, k] p_j / sum_m p_m P[m, k]``: the probability of having been ``j`` when
   ``P`` gave ``k``.
3. ``R = P Q``, for which ``p R = p``; then ``Rs = alpha R + (1 - alpha) I``, also invariant
   (``alpha`` = 0 leaves every value as it is).

A category absent from a stratum has ``p_j = 0`` and so cannot be drawn there: values never
take a category that their stratum does not hold, and never one the column does not hold.
The random numbers come from ``numpy.random.default_rng(seed)``: the same table, arguments
and seed give the same output, which is how a recorded treatment is reproduced (R's random
numbers are not).
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas

from pim_workbook.i18n import _

__all__ = ["Pram", "invariant_matrix", "pram"]

Stratum = tuple[Hashable, ...]
MinimumDiagonal = float | Mapping[str, float | Mapping[Any, float]]


@dataclass(frozen=True)
class Pram:
    """The perturbed table and what is needed to state and reproduce the treatment.

    ``pd`` and ``alpha`` are the arguments as given. ``matrices[column][stratum]`` is the
    transition matrix that was drawn from (rows: category before; columns: after); the
    stratum is the tuple of the strata values, ``()`` without strata.
    """

    table: pandas.DataFrame
    changed: dict[str, int]
    seed: int
    pd: float | dict
    alpha: float
    matrices: dict[str, dict[Stratum, pandas.DataFrame]]


def invariant_matrix(counts: Sequence[float] | np.ndarray,
                     diagonal: Sequence[float] | np.ndarray, alpha: float) -> np.ndarray:
    """sdcMicro's invariant matrix ``Rs`` for category ``counts`` and drawn ``diagonal`` of P.

    Rows sum to 1 and ``p @ Rs == p`` for ``p = counts / sum(counts)``; a category with no
    count gets probability 0 in every row, and its own row stays on itself.
    """
    p = np.asarray(counts, dtype=float)
    p = p / p.sum()
    d = np.asarray(diagonal, dtype=float)
    size = p.size
    forward = np.repeat(((1 - d) / (size - 1))[:, None], size, axis=1)
    np.fill_diagonal(forward, d)
    arriving = p @ forward  # s_k: the share that P sends to category k
    backward = np.eye(size)
    reached = arriving > 0
    backward[reached] = (forward * p[:, None]).T[reached] / arriving[reached, None]
    return alpha * (forward @ backward) + (1 - alpha) * np.eye(size)


def pram(df: pandas.DataFrame, columns: str | Sequence[str], *, pd: MinimumDiagonal = 0.8,
         alpha: float = 0.5, seed: int | np.integer[Any],
         strata: str | Sequence[str] | None = None) -> Pram:
    """PRAM on ``columns`` of ``df``, each column on its own, within ``strata`` if given.

    ``pd`` is one number for every column, or a mapping column -> number, or column ->
    {category: number} for a minimum per category. ``df`` is never modified; in the returned
    table only ``columns`` differ, keep their dtype and their categories, and missing values
    stay missing.
    """
    if not isinstance(df, pandas.DataFrame):
        raise ValueError(_("expected a pandas DataFrame, got {type}")
                         .format(type=type(df).__name__))
    chosen = _names(df, columns)
    if not chosen:
        raise ValueError(_("choose at least one column to perturb"))
    groups = _names(df, strata or [])
    for column in chosen:
        if column in groups:
            raise ValueError(_("column {column} cannot be both perturbed and a stratum")
                             .format(column=column))
    _check_pd(pd, chosen)
    if not _within(alpha, 0, 1):
        raise ValueError(_("alpha must be a number from 0 to 1, got {value}")
                         .format(value=repr(alpha)))
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(_("the seed must be a whole number from 0 up, got {value}")
                         .format(value=repr(seed)))

    if groups:
        strata_rows = {(key if isinstance(key, tuple) else (key,)): rows for key, rows in
                       df.groupby(groups, dropna=False, sort=False).indices.items()}
    else:
        strata_rows = {(): np.arange(len(df))}
    rng = np.random.default_rng(int(seed))
    table = df.copy()
    changed: dict[str, int] = {}
    matrices: dict[str, dict[Stratum, pandas.DataFrame]] = {}
    for column in chosen:
        codes, categories = _codes(df[column])
        minimum = _minimum_diagonal(pd, column, categories, np.unique(codes[codes >= 0]))
        drawn = codes.copy()
        matrices[column] = {}
        for stratum, rows in strata_rows.items():
            present = rows[codes[rows] >= 0]
            if present.size == 0:
                continue
            diagonal = rng.uniform(minimum, 1.0)
            counts = np.bincount(codes[present], minlength=len(categories))
            matrix = invariant_matrix(counts, diagonal, float(alpha))
            matrices[column][stratum] = pandas.DataFrame(matrix, index=categories,
                                                         columns=categories)
            for category in np.flatnonzero(counts):
                at = present[codes[present] == category]
                drawn[at] = rng.choice(len(categories), size=at.size, p=matrix[category])
        moved = np.flatnonzero(drawn != codes)
        changed[column] = int(moved.size)
        if moved.size:
            table[column] = _with_codes(df[column], categories, moved, drawn[moved])
    return Pram(table=table, changed=changed, seed=int(seed), pd=_recorded(pd),
                alpha=float(alpha), matrices=matrices)


def _names(df: pandas.DataFrame, columns: str | Sequence[str]) -> list[str]:
    names = [columns] if isinstance(columns, str) else list(dict.fromkeys(columns))
    unknown = [str(c) for c in names if c not in df.columns]
    if unknown:
        raise ValueError(_("unknown column(s): {columns}").format(columns=", ".join(unknown)))
    return names


def _within(value: object, low: float, high: float, *, open_low: bool = False) -> bool:
    """Whether ``value`` is a real number (not a bool, not NaN) from ``low`` to ``high``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    number = float(value)
    return (low < number if open_low else low <= number) and number <= high


def _check_probability(value: object) -> None:
    if not _within(value, 0, 1, open_low=True):
        raise ValueError(_("pd must be a number greater than 0 and at most 1, got {value}")
                         .format(value=repr(value)))


def _check_pd(pd: MinimumDiagonal, columns: list[str]) -> None:
    """Every number in ``pd`` is a probability, and a mapping gives exactly ``columns``."""
    if not isinstance(pd, Mapping):
        _check_probability(pd)
        return
    for column in pd:
        if column not in columns:
            raise ValueError(_("pd names column {column}, which is not perturbed")
                             .format(column=column))
    for column in columns:
        if column not in pd:
            raise ValueError(_("pd gives no value for column {column}").format(column=column))
        value = pd[column]
        for number in value.values() if isinstance(value, Mapping) else [value]:
            _check_probability(number)


def _codes(values: pandas.Series) -> tuple[np.ndarray, pandas.Index]:
    """Category codes (-1 for missing) and the categories of a column with at least two."""
    if isinstance(values.dtype, pandas.CategoricalDtype):
        codes, categories = values.cat.codes.to_numpy(), values.cat.categories
    else:
        try:
            codes, categories = pandas.factorize(values, sort=True)
        except TypeError:  # labels of several types that do not sort together
            codes, categories = pandas.factorize(values)
    observed = np.unique(codes[codes >= 0]).size
    if observed == 0:
        raise ValueError(_("column {column} has only missing values: PRAM has nothing to "
                           "perturb").format(column=values.name))
    if observed == 1:
        raise ValueError(_("column {column} has a single category: PRAM has nothing to "
                           "perturb").format(column=values.name))
    return np.asarray(codes, dtype=np.int64), pandas.Index(categories)


def _minimum_diagonal(pd: MinimumDiagonal, column: str, categories: pandas.Index,
                      observed: np.ndarray) -> np.ndarray:
    """``pd`` as one minimum per category of ``column``.

    A minimum per category must cover the categories present; an unused category of a
    categorical column is never a value to move, so its minimum does not matter (1 here).
    """
    value = pd[column] if isinstance(pd, Mapping) else pd
    if not isinstance(value, Mapping):
        return np.full(len(categories), float(value))
    unknown = [repr(k) for k in value if k not in categories]
    if unknown:
        raise ValueError(_("pd for column {column} names categories it does not have: "
                           "{categories}").format(column=column, categories=", ".join(unknown)))
    absent = [repr(categories[i]) for i in observed if categories[i] not in value]
    if absent:
        raise ValueError(_("pd for column {column} gives no value for {categories}")
                         .format(column=column, categories=", ".join(absent)))
    return np.array([float(value.get(c, 1.0)) for c in categories])


def _with_codes(values: pandas.Series, categories: pandas.Index, rows: np.ndarray,
                codes: np.ndarray) -> pandas.Series:
    """``values`` with the category of ``codes`` at positions ``rows``, dtype unchanged."""
    if isinstance(values.dtype, pandas.CategoricalDtype):
        new = values.cat.codes.to_numpy().copy()
        new[rows] = codes
        return pandas.Series(pandas.Categorical.from_codes(new, dtype=values.dtype),
                             index=values.index, name=values.name)
    out = values.copy()
    out.iloc[rows] = categories.take(codes).to_numpy()
    return out


def _recorded(pd: MinimumDiagonal) -> float | dict:
    if not isinstance(pd, Mapping):
        return float(pd)
    return {column: dict(value) if isinstance(value, Mapping) else float(value)
            for column, value in pd.items()}
