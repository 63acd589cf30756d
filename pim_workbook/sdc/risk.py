"""Disclosure-risk measures for categorical quasi-identifiers, as sdcMicro computes them.

Pure functions on a :class:`pandas.DataFrame`: no widgets, no files, no store. The results
never contain values of the data, only counts and fractions.

Definitions (records are grouped by their *key*: the combination of quasi-identifier values)

* ``f_k`` -- sample frequency of a record's key: how many records share it.
* ``F_k`` -- estimated population frequency: the sum of the sampling weights of those records.
* ``k`` -- the smallest ``f_k`` (the file is k-anonymous for this k).
* ``sample_uniques`` -- records with ``f_k == 1``.
* ``below_k[str(t)]`` -- records with ``f_k < t`` for t in 2, 3, 5 (they violate t-anonymity);
  ``below_k_share`` gives them as fractions of all records.
* ``classes`` -- number of distinct key combinations in the sample.
* ``expected_reidentifications`` -- the sum of the individual risks; ``global_risk`` is that
  sum divided by the number of records.
* ``risk_bands`` -- how many records have an individual risk up to 1 %, 1-5 %, 5-20 %,
  20-50 % and over 50 % (the distribution of the per-record risk, never the records).
* ``l_diversity[col]`` -- for a sensitive column, the smallest number of distinct values found
  within one equivalence class (sdcMicro's "distinct l-diversity"; a missing value counts as
  one extra value when the class also holds non-missing values).

Individual risk (sdcMicro ``indivRisk(method="approx")``, called from ``measure_risk``)

* Without weights (sdcMicro's ``survey=FALSE``): ``r = 1 / f_k``.
* With weights, the Benedetti-Franconi approximation, with ``p = f_k / F_k``:

  - ``f_k == 1``: ``r = p / (1 - p) * log(1 / p)``
  - ``f_k == 2``: ``r = p / (1 - p) - (p / (1 - p))**2 * log(1 / p)``
  - ``f_k >= 3``: ``r = p / (f_k - (1 - p))``
  - and whenever ``f_k == F_k`` (every weight in the class is 1) the risk is ``1 / f_k``.

  These are evaluated in a numerically stable way (``log1p``; for ``f_k == 2`` and ``p``
  within 1e-3 of 1, the series ``p * (1/2 + q/6 + q**2/12 + ...)`` with ``q = 1 - p``, which
  is the same function). sdcMicro evaluates them literally, which for weights just above 1
  loses all precision (it can report risks above 1); elsewhere the results agree to rounding.

  Weights below 1 make ``p`` exceed 1, where these formulas stop being probabilities; sdcMicro
  does not guard against that and neither does this module (weights must merely be > 0).

Missing values in key columns (as sdcMicro's ``freqCalc``)

A missing key value is a *wildcard*: it matches any value of that variable. Two records are
counted together when, on every key variable, their values are equal or at least one of them
is missing. ``f_k`` (and ``F_k``) of a record is the number (weight) of records compatible with
it, itself included; a record whose keys are all missing is compatible with every record.
This relation is not an equivalence, so with missing values the individual risks no longer
sum to the number of classes. ``classes`` and ``l_diversity`` are computed on the exact
combinations, a missing value being its own category there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pim_workbook.i18n import N_, _

__all__ = ["HouseholdRisk", "RiskResult", "household_risk", "individual_risk",
           "measure_by_subset", "measure_risk"]

K_THRESHOLDS = (2, 3, 5)
# individual-risk bands (upper bounds, inclusive) for the distribution of risk over records;
# the names are the keys of RiskResult.risk_bands (stored as they are), shown as _(name)
RISK_BANDS = ((0.01, N_("up to 1%")), (0.05, N_("1–5%")), (0.2, N_("5–20%")),
              (0.5, N_("20–50%")), (1.0, N_("over 50%")))


@dataclass(frozen=True)
class RiskResult:
    """Summary of the disclosure risk of one table for one set of quasi-identifiers."""

    n: int
    k: int
    classes: int
    sample_uniques: int
    below_k: dict[str, int]
    expected_reidentifications: float
    global_risk: float
    l_diversity: dict[str, int] = field(default_factory=dict)
    min_k: int = 3
    max_risk: float = 0.03
    risk_bands: dict[str, int] = field(default_factory=dict)  # records per risk band

    @property
    def needs_action(self) -> bool:
        """True when the file is not ``min_k``-anonymous or its global risk exceeds ``max_risk``."""
        return self.k < self.min_k or self.global_risk > self.max_risk

    def to_dict(self) -> dict:
        """JSON-ready summary: counts and fractions only, never values of the data."""
        return {
            "n": self.n,
            "k": self.k,
            "classes": self.classes,
            "sample_uniques": self.sample_uniques,
            "below_k": dict(self.below_k),
            "below_k_share": {t: count / self.n for t, count in self.below_k.items()},
            "expected_reidentifications": self.expected_reidentifications,
            "global_risk": self.global_risk,
            "l_diversity": dict(self.l_diversity),
            "risk_bands": dict(self.risk_bands),
            "min_k": self.min_k,
            "max_risk": self.max_risk,
            "needs_action": self.needs_action,
        }


# --------------------------------------------------------------------------- validation


def _as_names(cols: str | Iterable[str] | None) -> list[str]:
    if cols is None:
        return []
    if isinstance(cols, str):
        return [cols]
    return list(cols)


def _validate(df: pd.DataFrame, quasi: Sequence[str], weight: str | None,
              sensitive: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(_("expected a pandas DataFrame, got {type}")
                         .format(type=type(df).__name__))
    quasi = _as_names(quasi)
    sensitive = _as_names(sensitive)
    if not quasi:
        raise ValueError(_("no quasi-identifier given: name at least one key column"))
    if len(set(quasi)) != len(quasi):
        raise ValueError(_("quasi-identifiers listed more than once: {columns}").format(
            columns=", ".join(sorted({c for c in quasi if quasi.count(c) > 1}))))
    wanted = quasi + sensitive + ([weight] if weight is not None else [])
    missing = [c for c in dict.fromkeys(wanted) if c not in df.columns]
    if missing:
        raise ValueError(_("missing column(s): {columns}")
                         .format(columns=", ".join(map(str, missing))))
    if len(df) == 0:
        raise ValueError(_("the table is empty: no records to measure"))
    both = [c for c in sensitive if c in quasi]
    if both:
        raise ValueError(_("sensitive column(s) also used as quasi-identifier: {columns}")
                         .format(columns=", ".join(both)))
    if weight is not None:
        if weight in quasi:
            raise ValueError(_("weight column {weight} is also a quasi-identifier")
                             .format(weight=repr(weight)))
        w = df[weight]
        if not pd.api.types.is_numeric_dtype(w) or pd.api.types.is_bool_dtype(w):
            raise ValueError(_("weight column {weight} is not numeric")
                             .format(weight=repr(weight)))
        values = w.to_numpy(dtype="float64", na_value=np.nan)
        if np.isnan(values).any():
            raise ValueError(_("weight column {weight} has missing values")
                             .format(weight=repr(weight)))
        if not np.isfinite(values).all():
            raise ValueError(_("weight column {weight} has infinite values")
                             .format(weight=repr(weight)))
        if (values < 0).any():
            raise ValueError(_("weight column {weight} has negative weights")
                             .format(weight=repr(weight)))
        if (values == 0).any():
            raise ValueError(_("weight column {weight} has zero weights")
                             .format(weight=repr(weight)))
    return quasi, sensitive


# --------------------------------------------------------------------------- frequencies


def _codes(df: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """Integer codes per column (n x m); -1 marks a missing value."""
    out = np.empty((len(df), len(cols)), dtype=np.int64)
    for j, c in enumerate(cols):
        out[:, j] = _factorize(df[c])
    return out


def _factorize(column: pd.Series) -> np.ndarray:
    """Codes of a column's values (-1 for missing); text is hashed as plain objects, which
    pandas does several times faster than through its string extension type."""
    if pd.api.types.is_string_dtype(column.dtype) and \
            not isinstance(column.dtype, pd.CategoricalDtype):
        return pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=True)[0]
    return pd.factorize(column, use_na_sentinel=True)[0]


def _group_ids(codes: np.ndarray) -> np.ndarray:
    """Dense ids 0..G-1 of the distinct rows of ``codes`` (-1 is an ordinary value here)."""
    n, m = codes.shape
    if m == 0:
        return np.zeros(n, dtype=np.int64)
    shifted = codes + 1  # 0 .. card - 1 per column
    cards = shifted.max(axis=0) + 1
    if float(np.prod(cards.astype(np.float64))) < 2.0**62:
        # one mixed-radix key per row, then a single factorisation
        key = np.zeros(n, dtype=np.int64)
        for j in range(m):
            key = key * int(cards[j]) + shifted[:, j]
        return pd.factorize(key)[0].astype(np.int64)
    ids = pd.factorize(shifted[:, 0])[0].astype(np.int64)
    for j in range(1, m):
        # ids < n and card <= n + 1, so the product cannot overflow int64
        ids = pd.factorize(ids * int(cards[j]) + shifted[:, j])[0].astype(np.int64)
    return ids


def _frequencies(
    codes: np.ndarray, w: np.ndarray, ids: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``f_k`` and ``F_k`` per record, missing key values acting as wildcards."""
    n, m = codes.shape
    miss = codes < 0
    if not miss.any():
        ids = _group_ids(codes) if ids is None else ids
        return np.bincount(ids)[ids].astype(np.float64), np.bincount(ids, weights=w)[ids]

    fk = np.zeros(n)
    Fk = np.zeros(n)
    pattern = (miss.astype(np.int64) << np.arange(m, dtype=np.int64)).sum(axis=1)
    pats = np.unique(pattern)
    rows = {int(p): np.flatnonzero(pattern == p) for p in pats}
    for p, rp in rows.items():
        for q, rq in rows.items():
            common = [j for j in range(m) if not ((p | q) >> j) & 1]
            if not common:
                fk[rp] += len(rq)
                Fk[rp] += w[rq].sum()
                continue
            ids = _group_ids(np.concatenate([codes[rp][:, common], codes[rq][:, common]]))
            ip, iq = ids[: len(rp)], ids[len(rp):]
            size = int(ids.max()) + 1
            fk[rp] += np.bincount(iq, minlength=size)[ip]
            Fk[rp] += np.bincount(iq, weights=w[rq], minlength=size)[ip]
    return fk, Fk


def _risk_from_frequencies(fk: np.ndarray, Fk: np.ndarray, weighted: bool) -> np.ndarray:
    if not weighted:
        return 1.0 / fk
    p = fk / Fk
    q = 1.0 - p
    with np.errstate(divide="ignore", invalid="ignore"):
        # log(1/p) = -log1p(-q), accurate when p is close to 1
        log_inv = -np.log1p(-q)
        # f == 1: p/(1-p) * log(1/p), written as p * (log(1/p) / q)
        r1 = p * log_inv / q
        # f == 2: p/q - (p/q)**2 * log(1/p).  For small q both terms are ~1/q and cancel, so
        # there use the series p * sum_{j>=2} q**(j-2) / (j*(j-1)) = p * (1/2 + q/6 + ...)
        odds = p / q
        r2 = odds - odds**2 * log_inv
        series = sum(q ** (j - 2) / (j * (j - 1)) for j in range(2, 12))
        r2 = np.where(np.abs(q) < 1e-3, p * series, r2)
        r3 = p / (fk - q)
        r = np.where(fk == 1, r1, np.where(fk == 2, r2, r3))
    return np.where(fk == Fk, 1.0 / fk, r)


def _weights(df: pd.DataFrame, weight: str | None) -> np.ndarray:
    if weight is None:
        return np.ones(len(df))
    return df[weight].to_numpy(dtype="float64")


# --------------------------------------------------------------------------- public API


def individual_risk(df: pd.DataFrame, quasi: Sequence[str],
                    weight: str | None = None) -> pd.Series:
    """Individual re-identification risk of every record (index of ``df``), as sdcMicro.

    See the module docstring for the formulas and the treatment of missing key values.
    """
    quasi = _validate(df, quasi, weight)[0]
    fk, Fk = _frequencies(_codes(df, quasi), _weights(df, weight))
    risk = _risk_from_frequencies(fk, Fk, weight is not None)
    return pd.Series(risk, index=df.index, name="risk")


@dataclass(frozen=True)
class HouseholdRisk:
    """sdcMicro's household (hierarchical) risk: knowing one member identifies the household.

    Each record carries its household's risk ``1 - prod(1 - r_i)`` over the household's
    members' individual risks ``r_i``; ``expected_reidentifications`` is the sum over the
    records (sdcMicro's ``hier_risk_ER``) and ``risk`` that sum over the number of records
    (``hier_risk``)."""

    n: int
    households: int
    expected_reidentifications: float
    risk: float


def household_risk(df: pd.DataFrame, quasi: Sequence[str], household: str, *,
                   weight: str | None = None) -> HouseholdRisk:
    """The household risk of ``df`` for ``quasi``, households given by the ``household``
    column (unweighted, or with the ``weight`` column as for the individual risk)."""
    if household not in df.columns:
        raise ValueError(_("no household-id column {column}; the table has: {columns}")
                         .format(column=repr(household), columns=", ".join(map(str, df.columns))))
    ids, _households = pd.factorize(df[household], use_na_sentinel=True)
    if (ids < 0).any():
        raise ValueError(_("{count} records have no household id in column {column}: give "
                           "every record its household")
                         .format(count=int((ids < 0).sum()), column=repr(household)))
    risk = np.minimum(individual_risk(df, quasi, weight).to_numpy(), 1.0)
    with np.errstate(divide="ignore"):  # a member at risk 1: its household at risk 1
        kept = np.bincount(ids, weights=np.log1p(-risk))  # log of prod(1 - r_i)
    per_record = -np.expm1(kept)[ids]
    expected = float(per_record.sum())
    return HouseholdRisk(n=len(df), households=int(ids.max()) + 1,
                         expected_reidentifications=expected, risk=expected / len(df))


def _l_diversity(df: pd.DataFrame, ids: np.ndarray, n_groups: int, col: str) -> int:
    codes = _factorize(df[col]).astype(np.int64)
    present = codes >= 0
    card = int(codes.max()) + 1 if present.any() else 1
    pairs = pd.unique(ids[present] * card + codes[present])
    distinct = np.bincount(pairs // card, minlength=n_groups)
    has_missing = np.bincount(ids[~present], minlength=n_groups) > 0
    distinct = distinct + (has_missing & (distinct > 0))
    return int(distinct.min())


def measure_risk(
    df: pd.DataFrame,
    quasi: Sequence[str],
    *,
    sensitive: Sequence[str] = (),
    weight: str | None = None,
    min_k: int = 3,
    max_risk: float = 0.03,
) -> RiskResult:
    """k-anonymity, individual/global risk and l-diversity of ``df`` for ``quasi``.

    ``quasi``: the quasi-identifier (key) columns; ``sensitive``: columns whose
    l-diversity is reported; ``weight``: the sampling-weight column (optional).
    ``min_k`` and ``max_risk`` only drive :attr:`RiskResult.needs_action`.
    """
    quasi, sensitive = _validate(df, quasi, weight, sensitive)
    if isinstance(min_k, bool) or not isinstance(min_k, (int, np.integer)) or min_k < 1:
        raise ValueError(_("min_k must be a whole number >= 1, got {value}")
                         .format(value=repr(min_k)))
    if not 0 <= float(max_risk) <= 1:
        raise ValueError(_("max_risk must be a fraction between 0 and 1, got {value}")
                         .format(value=repr(max_risk)))

    codes = _codes(df, quasi)
    ids = _group_ids(codes)
    fk, Fk = _frequencies(codes, _weights(df, weight), ids)
    risk = _risk_from_frequencies(fk, Fk, weight is not None)
    n = len(df)
    n_groups = int(ids.max()) + 1
    expected = float(risk.sum())
    return RiskResult(
        n=n,
        k=int(fk.min()),
        classes=n_groups,
        sample_uniques=int((fk == 1).sum()),
        below_k={str(t): int((fk < t).sum()) for t in K_THRESHOLDS},
        expected_reidentifications=expected,
        global_risk=expected / n,
        l_diversity={c: _l_diversity(df, ids, n_groups, c) for c in sensitive},
        min_k=int(min_k),
        max_risk=float(max_risk),
        risk_bands=_bands(risk),
    )


def _bands(risk: np.ndarray) -> dict[str, int]:
    """How many records fall in each individual-risk band (a distribution, not the rows)."""
    edges = np.array([upper for upper, _name in RISK_BANDS])
    counts = np.bincount(np.searchsorted(edges, np.minimum(risk, 1.0), side="left"),
                         minlength=len(RISK_BANDS))
    return {name: int(c) for (_upper, name), c in zip(RISK_BANDS, counts, strict=True)}


def measure_by_subset(
    df: pd.DataFrame,
    quasi: Sequence[str],
    *,
    sensitive: Sequence[str] = (),
    weight: str | None = None,
    min_k: int = 3,
    max_risk: float = 0.03,
    max_columns: int = 6,
) -> list[tuple[list[str], RiskResult]]:
    """The risk for every combination of the quasi-identifiers (singles, pairs, … all).

    Shows which variables drive the risk, so the team knows what to generalise first. At
    most ``max_columns`` quasi-identifiers (2**6 - 1 = 63 measures).
    """
    from itertools import combinations

    quasi = _validate(df, quasi, weight)[0]
    if len(quasi) > max_columns:
        raise ValueError(_("at most {limit} quasi-identifiers for the combinations "
                           "(got {count})").format(limit=max_columns, count=len(quasi)))
    return [(list(cols), measure_risk(df, list(cols), sensitive=sensitive, weight=weight,
                                      min_k=min_k, max_risk=max_risk))
            for size in range(1, len(quasi) + 1) for cols in combinations(quasi, size)]
