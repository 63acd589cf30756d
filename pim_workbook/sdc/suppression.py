"""Local suppression to k-anonymity: set as few key values as possible to missing.

The counterpart of sdcMicro's ``kAnon`` / ``localSuppression``. A missing key value is a
wildcard, as in :mod:`pim_workbook.sdc.risk`: it matches any value of its variable, so
``f_k`` of a record is the number of records compatible with it, itself included. A record
is safe when ``f_k >= k`` (within its stratum when ``strata`` is given).

How the suppressions are chosen

Records are handled by *unit*: all records of one original key combination that carry the
same suppressions. Records of a unit are interchangeable, so the work is a loop over the
(few) units at risk, each step vectorised over all units; nothing loops over records.

1. Greedy. The units with ``f_k < k`` are visited from the smallest ``f_k`` up (ties in the
   order of the data); a unit already made safe meanwhile is skipped. Two repairs are priced
   and the cheaper one applied (donors on a tie):

   * *self*: suppress in every record of the unit the smallest set of keys that makes it
     compatible with ``k`` records (among sets of that size, the one that spares the most
     important keys), costing ``records x keys``;
   * *donors*: a record that is safe (``f_k >= k``) and differs from the unit in the keys
     ``D`` becomes compatible with it when ``D`` is suppressed in that record; it stays safe
     (it only gains matches) and lifts ``f_k`` of the unit by one. The ``k - f_k`` cheapest
     such records (fewest keys, then least important keys) cost the sum of their ``|D|``.

   A donor helps every unit that differs from it only in ``D``: one suppressed ``admin2``
   lifts all small classes sharing the other keys, where kAnon suppresses once per record.
   That is also why donors win a tie: their wildcards serve every small class sharing the
   donor's other keys, and they sit in records that were safe already.

2. Pruning: a suppressed value is given back, most important keys first, to as many
   records of a unit as k-anonymity allows (the record must stay safe, and so must every
   record that would lose it as a match); repeated until nothing more can be given back.

3. Guarantee against kAnon. kAnon's first pass suppresses one value in every record at
   risk (each record once), so it suppresses at least as many values as there are records
   at risk. When step 2 ends above that floor, sdcMicro's greedy is run as well, exactly:
   passes over the records with ``f_k < k`` (taken at the start of the pass, from the
   smallest ``f_k``, ties in the order of the data), each losing one value, in the least
   important key in which it differs from one of its nearest records (fewest differing
   non-missing keys), until every record is safe. Its result is pruned as in step 2, and
   the smaller of the two is returned (ours on a tie).

Why the total never exceeds kAnon's: either it is at most kAnon's floor, or it is at most
kAnon's own choices minus what pruning gave back. Step 1 is what makes it smaller in
practice: on the reference survey it suppresses 25 to 60 % of kAnon's count (153, 381, 294
and 589 values where kAnon sets 620, 630, 1216 and 1263; see the tests).

After k-anonymity (in this order)

* ``household``: a suppression is extended to the household: when a key's value is
  suppressed for one member, that key is suppressed for every member of the same household
  holding the same value, so it cannot be read off another member. Adding wildcards never
  lowers ``f_k``, so k-anonymity holds.
* ``max_risk``: while the global risk (mean individual risk, with ``weight`` as in
  :func:`~pim_workbook.sdc.risk.individual_risk`) exceeds it, the unit at the highest
  individual risk (the first in the data on a tie; records whose keys are all missing are
  passed over) loses its least important remaining key value in all its records; then
  households are made consistent again. When no value is left to suppress and the risk is
  still above ``max_risk``, a ``ValueError`` is raised.

Both add suppressions after the comparison with kAnon, which covers k-anonymity alone.

Existing missing values are wildcards from the start and never counted as suppressions.
Finally ``f_k >= k`` is checked for every record from the treated codes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from pim_workbook.i18n import _
from pim_workbook.sdc.risk import (
    _codes,
    _frequencies,
    _group_ids,
    _risk_from_frequencies,
    _validate,
    _weights,
)

__all__ = ["Suppression", "local_suppression"]

# candidate key sets priced at once when searching the smallest set that makes a unit safe
_CHUNK = 4096


@dataclass(frozen=True)
class Suppression:
    """The treated table and how many key values were set to missing.

    ``table``: a copy of the input, the suppressed values missing (a whole-number or boolean
    key that loses values becomes pandas' nullable ``Int64`` / ``boolean``). ``suppressions``:
    per key, in the order given, the values set to missing (values already missing in the
    input are not counted); ``total``: their sum; ``records_suppressed``: records that lost
    at least one value; ``importance``: the order used, from the key kept longest to the one
    suppressed first; ``k``: the k reached.
    """

    table: pd.DataFrame
    suppressions: dict[str, int]
    total: int
    records_suppressed: int
    importance: list[str]
    k: int


# --------------------------------------------------------------------------- units


def _bit_matrix(masks: np.ndarray, m: int) -> np.ndarray:
    """0/1 matrix (len x m): bit j of each mask."""
    return (masks[:, None] >> np.arange(m, dtype=np.int64)) & 1


def _first_rows(ids: np.ndarray) -> np.ndarray:
    """Index of the first row of each id (ids dense, 0..G-1)."""
    first = np.empty(int(ids.max()) + 1, dtype=np.int64)
    first[ids[::-1]] = np.arange(len(ids) - 1, -1, -1)
    return first


class _Units:
    """Records grouped by original class and suppression mask, ``f_k`` kept up to date.

    All records of a unit share their current key, so ``f_k`` (and ``F_k``) belong to the
    unit. Moving records between units changes ``f_k`` only of the units compatible with one
    key and not the other, by the number moved: each move costs O(units x keys).
    """

    def __init__(self, base: np.ndarray, stratum: np.ndarray, cls: np.ndarray,
                 mask: np.ndarray, count: np.ndarray, wsum: np.ndarray) -> None:
        self.base = base  # codes of the original classes (-1: missing in the data)
        self.class_stratum = stratum
        self.m = base.shape[1]
        self.size = len(cls)
        cap = max(2 * self.size, 16)
        self.cls = np.zeros(cap, dtype=np.int64)
        self.mask = np.zeros(cap, dtype=np.int64)
        self.count = np.zeros(cap, dtype=np.int64)
        self.wsum = np.zeros(cap)
        self.cur = np.full((self.m, cap), -1, dtype=np.int64)  # one row per key
        self.stratum = np.zeros(cap, dtype=np.int64)
        self.f = np.zeros(cap)
        self.F = np.zeros(cap)
        n = self.size
        self.cls[:n], self.mask[:n], self.count[:n], self.wsum[:n] = cls, mask, count, wsum
        self.stratum[:n] = stratum[cls]
        self.cur[:, :n] = self._key(cls, mask).T
        both = np.column_stack([self.cur[:, :n].T, self.stratum[:n]])
        self.f[:n] = _frequencies(both, count.astype(np.float64))[1]
        self.F[:n] = _frequencies(both, wsum)[1]
        self.index = {pair: i for i, pair in enumerate(zip(cls.tolist(), mask.tolist(),
                                                            strict=True))}

    @classmethod
    def from_records(cls, base: np.ndarray, stratum: np.ndarray, record_class: np.ndarray,
                     record_mask: np.ndarray, w: np.ndarray) -> tuple[_Units, np.ndarray]:
        """Units of records given by their class and suppression mask (one per class for
        the records without suppressions, one per (class, mask) for the others), and the
        unit of each record."""
        n_class = len(base)
        sel = np.flatnonzero(record_mask)
        ids = rows = sel
        if len(sel):
            ids = _group_ids(np.column_stack([record_class[sel], record_mask[sel]]))
            rows = sel[_first_rows(ids)]
        plain = np.ones(len(record_class), dtype=bool)
        plain[sel] = False
        unit_of = record_class.copy()
        unit_of[sel] = n_class + ids
        units = cls(base, stratum,
                    np.concatenate([np.arange(n_class), record_class[rows]]),
                    np.concatenate([np.zeros(n_class, dtype=np.int64), record_mask[rows]]),
                    np.concatenate([np.bincount(record_class[plain], minlength=n_class),
                                    np.bincount(ids, minlength=len(rows))]),
                    np.concatenate([np.bincount(record_class[plain], weights=w[plain],
                                                minlength=n_class),
                                    np.bincount(ids, weights=w[sel], minlength=len(rows))]))
        return units, unit_of

    def _key(self, cls: np.ndarray, mask: np.ndarray) -> np.ndarray:
        key = self.base[cls].copy()
        key[_bit_matrix(mask, self.m).astype(bool)] = -1
        return key

    def live(self) -> np.ndarray:
        return self.count[: self.size] > 0

    def compatible(self, key: np.ndarray, stratum: int) -> np.ndarray:
        """Which units (live or not) are compatible with ``key`` in ``stratum``."""
        n = self.size
        out = self.stratum[:n] == stratum
        for j in np.flatnonzero(key >= 0):
            col = self.cur[j, :n]
            out &= (col == key[j]) | (col < 0)
        return out

    def differences(self, u: int) -> tuple[np.ndarray, np.ndarray]:
        """Live units of ``u``'s stratum and the mask of keys in which each differs from
        ``u`` (both values present and unequal)."""
        n = self.size
        masks = np.zeros(n, dtype=np.int64)
        for j in np.flatnonzero(self.cur[:, u] >= 0):
            col = self.cur[j, :n]
            masks |= ((col != self.cur[j, u]) & (col >= 0)).astype(np.int64) << j
        idx = np.flatnonzero(self.live() & (self.stratum[:n] == self.stratum[u]))
        return idx, masks[idx]

    def unit(self, c: int, mask: int) -> int:
        """The unit of class ``c`` with suppressions ``mask``, created empty if new."""
        found = self.index.get((c, mask))
        if found is not None:
            return found
        if self.size == len(self.cls):
            self._grow()
        i = self.size
        self.size += 1
        self.cls[i], self.mask[i] = c, mask
        self.stratum[i] = self.class_stratum[c]
        self.cur[:, i] = self._key(np.array([c]), np.array([mask]))[0]
        self.count[i], self.wsum[i] = 0, 0.0
        self.index[(c, mask)] = i
        return i

    def _grow(self) -> None:
        for name in ("cls", "mask", "count", "wsum", "stratum", "f", "F"):
            old = getattr(self, name)
            new = np.zeros(2 * len(old), dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        cur = np.full((self.m, 2 * self.cur.shape[1]), -1, dtype=np.int64)
        cur[:, : self.size] = self.cur[:, : self.size]
        self.cur = cur

    def move(self, u: int, mask: int, t: int, weight: float) -> None:
        """Give ``t`` records of unit ``u`` (``weight`` in all) the suppressions ``mask``."""
        created = (int(self.cls[u]), mask) not in self.index
        v = self.unit(int(self.cls[u]), mask)
        s = int(self.stratum[u])
        after = self.compatible(self.cur[:, v], s)
        if created:
            self.f[v] = self.count[: self.size][after].sum()
            self.F[v] = self.wsum[: self.size][after].sum()
        gain = after.astype(np.int64) - self.compatible(self.cur[:, u], s)
        self.f[: self.size] += t * gain
        self.F[: self.size] += weight * gain
        self.count[u] -= t
        self.count[v] += t
        self.wsum[u] -= weight
        self.wsum[v] += weight

    def total(self) -> int:
        n = self.size
        return int((_bit_matrix(self.mask[:n], self.m).sum(axis=1) * self.count[:n]).sum())

    def record_masks(self, record_class: np.ndarray) -> np.ndarray:
        """A suppression mask per record: the records of each class, in the order of the
        data, take that class's masks, fewest suppressions first."""
        n = self.size
        live = np.flatnonzero((self.count[:n] > 0) & (self.mask[:n] != 0))
        out = np.zeros(len(record_class), dtype=np.int64)
        touched = np.zeros(len(self.base), dtype=bool)
        touched[self.cls[live]] = True
        live = np.flatnonzero((self.count[:n] > 0) & touched[self.cls[:n]])
        masks = self.mask[live]
        pops = _bit_matrix(masks, self.m).sum(axis=1)
        live = live[np.lexsort((masks, pops, self.cls[live]))]
        rows = np.flatnonzero(touched[record_class])
        rows = rows[np.argsort(record_class[rows], kind="stable")]
        out[rows] = np.repeat(self.mask[live], self.count[live])
        return out


# --------------------------------------------------------------------------- greedy


def _bit_sum(masks: np.ndarray, per_key: np.ndarray) -> np.ndarray:
    """For each mask, the sum of ``per_key[j]`` over its bits j."""
    out = np.zeros(masks.shape)
    for j, value in enumerate(per_key):
        out += ((masks >> j) & 1) * value
    return out


def _key_sets(avail: Sequence[int]) -> Iterator[tuple[int, np.ndarray]]:
    """Masks of the subsets of ``avail``, by size, in chunks: (size, masks)."""
    for size in range(1, len(avail) + 1):
        chunk: list[int] = []
        for cols in combinations(avail, size):
            chunk.append(sum(1 << j for j in cols))
            if len(chunk) == _CHUNK:
                yield size, np.array(chunk, dtype=np.int64)
                chunk = []
        if chunk:
            yield size, np.array(chunk, dtype=np.int64)


def _smallest_set(units: _Units, u: int, diffs: np.ndarray, counts: np.ndarray, k: int,
                  damage: np.ndarray) -> int:
    """The smallest key set whose suppression in unit ``u`` makes it safe; among sets of
    that size, the one that spares the most important keys."""
    codes, vals = pd.factorize(diffs)
    weight = np.bincount(codes, weights=counts)
    avail = [j for j in range(units.m) if units.cur[j, u] >= 0]
    found: list[np.ndarray] = []
    smallest = 0
    for size, sets in _key_sets(avail):
        if found and size > smallest:
            break
        reach = ((vals[None, :] & ~sets[:, None]) == 0).astype(np.float64) @ weight
        if (reach >= k).any():
            found.append(sets[reach >= k])
            smallest = size
    ok = np.concatenate(found)
    return int(ok[np.argmin(_bit_sum(ok, damage))])


def _greedy(units: _Units, k: int, damage: np.ndarray) -> None:
    """Step 1 of the module docstring, in place."""
    ones = np.ones(units.m)
    live = np.flatnonzero(units.live() & (units.f[: units.size] < k))
    for u in live[np.argsort(units.f[live], kind="stable")]:
        need = k - int(units.f[u])
        if units.count[u] == 0 or need <= 0:
            continue
        idx, diffs = units.differences(u)
        own = _smallest_set(units, u, diffs, units.count[idx], k, damage)
        own_cost = int(units.count[u]) * int(_bit_sum(np.array([own]), ones)[0])

        donors = np.flatnonzero((diffs != 0) & (units.f[idx] >= k))
        idx, diffs = idx[donors], diffs[donors]
        pops = _bit_sum(diffs, ones)
        donors = np.flatnonzero(pops <= own_cost)  # a dearer donor can never be chosen
        idx, diffs, pops = idx[donors], diffs[donors], pops[donors]
        by_cost = np.lexsort((idx, _bit_sum(diffs, damage), pops))
        supply = units.count[idx[by_cost]]
        taken = np.clip(need - (np.cumsum(supply) - supply), 0, supply)
        if taken.sum() >= need and (taken * pops[by_cost]).sum() <= own_cost:
            for pos in np.flatnonzero(taken):
                x = int(idx[by_cost[pos]])
                units.move(x, int(units.mask[x] | diffs[by_cost[pos]]), int(taken[pos]),
                           float(taken[pos]))
        else:
            units.move(int(u), int(units.mask[u] | own), int(units.count[u]),
                       float(units.count[u]))


def _prune(units: _Units, k: int, importance: Sequence[int]) -> None:
    """Step 2: give values back (most important keys first) while k-anonymity holds."""
    changed = True
    while changed:
        changed = False
        for j in importance:
            bit = 1 << j
            for u in np.flatnonzero(units.live() & ((units.mask[: units.size] & bit) != 0)):
                key = units.cur[:, u].copy()
                key[j] = units.base[units.cls[u], j]
                s = int(units.stratum[u])
                after = units.compatible(key, s)
                live = units.live()
                if units.count[: units.size][after].sum() < k:
                    continue
                losers = units.compatible(units.cur[:, u], s) & ~after & live
                t = int(units.count[u])
                if losers.any():
                    t = min(t, int(units.f[: units.size][losers].min()) - k)
                if t > 0:
                    units.move(int(u), int(units.mask[u] & ~bit), t, float(t))
                    changed = True


# --------------------------------------------------------------------------- sdcMicro


def _kanon_greedy(codes: np.ndarray, order: Sequence[int], k: int) -> np.ndarray:
    """sdcMicro kAnon's greedy on one stratum: the mask of the values it suppresses.

    Distances are taken to the distinct rows of the current data, which give the same
    nearest values as all rows (sdcMicro's reduction of large classes to ``k`` records
    changes no choice either: the records it sets aside are copies of records it keeps,
    and a record is at risk in the reduced data exactly when it is in the full data).
    """
    mat = codes.copy()
    n, m = mat.shape
    ones = np.ones(n)
    while True:
        fk = _frequencies(mat, ones)[0]
        problem = np.flatnonzero(fk < k)
        if len(problem) == 0:
            return mat != codes
        problem = problem[np.argsort(fk[problem], kind="stable")]
        row_of = _group_ids(mat)
        count = np.bincount(row_of)
        first = np.empty(len(count), dtype=np.int64)
        first[row_of[::-1]] = np.arange(n - 1, -1, -1)
        rows = np.full((len(count) + len(problem), m), -1, dtype=np.int64)
        rows[: len(count)] = mat[first]
        count = np.concatenate([count, np.zeros(len(problem), dtype=np.int64)])
        size = len(first)
        index = {rows[i].tobytes(): i for i in range(size)}
        for i in problem:
            v = mat[i]
            cur = rows[:size]
            diff = (cur != v) & (cur >= 0) & (v >= 0)
            dist = np.where(count[:size] > 0, diff.sum(axis=1), 0)
            if not dist.any():
                # compatible with every record, so already safe (sdcMicro stops with an
                # error here: "the length of the index vector is 0")
                continue
            near = diff[dist == dist[dist > 0].min()].any(axis=0)
            col = next(j for j in order if near[j])
            count[row_of[i]] -= 1
            mat[i, col] = -1
            r = index.setdefault(mat[i].tobytes(), size)
            if r == size:
                rows[size] = mat[i]
                size += 1
            count[r] += 1
            row_of[i] = r


# --------------------------------------------------------------------------- after k


def _household_consistent(codes: np.ndarray, masks: np.ndarray, hh: np.ndarray) -> np.ndarray:
    """Extend each suppression to the household members holding the same value."""
    out = masks.copy()
    for j in range(codes.shape[1]):
        bit = np.int64(1) << j
        hit = (out & bit) != 0
        if not hit.any():
            continue
        groups = _group_ids(np.column_stack([hh, codes[:, j]]))
        spread = np.zeros(int(groups.max()) + 1, dtype=bool)
        spread[groups[hit]] = True
        out[spread[groups] & (codes[:, j] >= 0)] |= bit
    return out


def _lower_risk(units: _Units, max_risk: float, weighted: bool,
                order: Sequence[int]) -> np.ndarray:
    """Suppress the highest-risk units' least important values until the global risk is at
    or under ``max_risk`` (see the module docstring). Units move whole, so each record
    keeps its own weight and household: returns the unit where each unit's records end."""
    n = float(units.count[: units.size].sum())
    where = np.arange(units.size)  # unit now holding the records of each unit at the start
    while True:
        live = np.flatnonzero(units.live())
        risk = _risk_from_frequencies(units.f[live], units.F[live], weighted)
        if float((risk * units.count[live]).sum()) / n <= max_risk:
            return where
        open_ = (units.cur[:, live] >= 0).any(axis=0)
        if not open_.any():
            raise ValueError(_("max_risk {value} cannot be reached even with every key "
                               "value suppressed: raise it or use fewer strata")
                             .format(value=max_risk))
        u = int(live[open_][np.argmax(risk[open_])])
        col = next(j for j in order if units.cur[j, u] >= 0)
        mask = int(units.mask[u] | (1 << col))
        units.move(u, mask, int(units.count[u]), float(units.wsum[u]))
        where[where == u] = units.index[(int(units.cls[u]), mask)]


# --------------------------------------------------------------------------- public API


def _check(df: pd.DataFrame, keys: list[str], k: int, importance: Sequence[str] | None,
           strata: str | None, household: str | None, max_risk: float | None) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(_("k must be a whole number >= 1, got {value}").format(value=repr(k)))
    for name, column in (("strata", strata), ("household", household)):
        if column is None:
            continue
        if column not in df.columns:
            raise ValueError(_("missing column(s): {columns}").format(columns=column))
        if column in keys:
            raise ValueError(_("the {option} column {column} is also a key: choose another")
                             .format(option=name, column=repr(column)))
    if importance is not None and (len(importance) != len(keys)
                                   or set(importance) != set(keys)):
        raise ValueError(_("importance must list each key exactly once ({keys}), got {value}")
                         .format(keys=", ".join(keys), value=", ".join(map(str, importance))))
    if max_risk is not None and not 0 < float(max_risk) <= 1:
        raise ValueError(_("max_risk must be a fraction above 0 and at most 1, got {value}")
                         .format(value=repr(max_risk)))


def _default_importance(codes: np.ndarray, keys: list[str]) -> list[str]:
    """Fewest categories kept longest (ties in the order of the keys), as sdcMicro."""
    categories = (codes.max(axis=0) + 1).tolist()  # codes are dense, -1 for missing
    return [keys[j] for j in sorted(range(len(keys)), key=lambda j: categories[j])]


def _strata_codes(df: pd.DataFrame, strata: str | None, k: int) -> np.ndarray:
    n = len(df)
    if strata is None:
        if n < k:
            raise ValueError(_("the table has {count} records, fewer than k = {k}: lower k")
                             .format(count=n, k=k))
        return np.zeros(n, dtype=np.int64)
    # a missing stratum is a stratum of its own, never a wildcard
    codes = pd.factorize(df[strata], use_na_sentinel=False)[0].astype(np.int64)
    sizes = np.bincount(codes)
    if (sizes < k).any():
        raise ValueError(_("{count} strata have fewer than k = {k} records (smallest: {size}):"
                           " merge small strata or lower k")
                         .format(count=int((sizes < k).sum()), k=k, size=int(sizes.min())))
    return codes


def local_suppression(
    df: pd.DataFrame,
    keys: Sequence[str],
    k: int,
    *,
    importance: Sequence[str] | None = None,
    strata: str | None = None,
    household: str | None = None,
    max_risk: float | None = None,
    weight: str | None = None,
) -> Suppression:
    """Suppress key values of ``df`` until every record has ``f_k >= k``.

    ``importance`` lists the keys from the one to keep longest to the one to suppress first
    (default: fewest categories kept longest). ``strata``: k-anonymity within each stratum.
    ``household``: household-id column whose members are kept consistent. ``max_risk``: a
    global-risk ceiling reached after k-anonymity, with ``weight`` as sampling weights.
    The module docstring gives the algorithm and why it suppresses no more than sdcMicro.
    """
    keys = _validate(df, keys, weight)[0]
    _check(df, keys, k, importance, strata, household, max_risk)
    k = int(k)
    codes = _codes(df, keys)
    kept = list(importance) if importance is not None else _default_importance(codes, keys)
    rank = [keys.index(c) for c in kept]  # kept longest first
    order = rank[::-1]  # suppressed first
    hh = None
    if household is not None:
        hh = pd.factorize(df[household], use_na_sentinel=True)[0].astype(np.int64)
        if (hh < 0).any():
            raise ValueError(_("{count} records have no household id in column {column}: give "
                               "every record its household")
                             .format(count=int((hh < 0).sum()), column=repr(household)))
    stratum = _strata_codes(df, strata, k)

    record_class = _group_ids(np.column_stack([codes, stratum]))
    masks = _k_anonymous(codes, stratum, record_class, k, rank)
    if hh is not None:
        masks = _household_consistent(codes, masks, hh)
    if max_risk is not None:
        first = _first_rows(record_class)
        units, unit_of = _Units.from_records(codes[first], stratum[first], record_class, masks,
                                             _weights(df, weight))
        moved = _lower_risk(units, float(max_risk), weight is not None, order)
        masks = units.mask[moved[unit_of]]  # read after the units grew, if they did
        if hh is not None:
            masks = _household_consistent(codes, masks, hh)
    _verify(codes, stratum, record_class, masks, k)

    table = df.copy()
    per_key: dict[str, int] = {}
    any_hit = np.zeros(len(df), dtype=bool)
    for j, col in enumerate(keys):
        hit = (masks >> j) & 1 == 1
        per_key[col] = int(hit.sum())
        if per_key[col]:
            table[col] = _missing_where(table[col], hit)
            any_hit |= hit
    return Suppression(table=table, suppressions=per_key, total=sum(per_key.values()),
                       records_suppressed=int(any_hit.sum()),
                       importance=[str(c) for c in kept], k=k)


def _k_anonymous(codes: np.ndarray, stratum: np.ndarray, record_class: np.ndarray, k: int,
                 rank: Sequence[int]) -> np.ndarray:
    """Steps 1-3 of the module docstring: a suppression mask per record (bit j: key j)."""
    m = codes.shape[1]
    damage = np.zeros(m)
    damage[list(rank)] = 2.0 ** np.arange(m - 1, -1, -1)  # sparing a key beats all below it
    first = _first_rows(record_class)
    n_class = len(first)
    base, class_stratum = codes[first], stratum[first]
    sizes = np.bincount(record_class)
    ours = _Units(base, class_stratum, np.arange(n_class), np.zeros(n_class, dtype=np.int64),
                  sizes, sizes.astype(np.float64))
    at_risk = ours.f[:n_class] < k
    # kAnon's first pass suppresses one value in each record at risk: a floor on its count
    floor = int(sizes[at_risk].sum())
    _greedy(ours, k, damage)
    _prune(ours, k, rank)
    if ours.total() <= floor:
        return ours.record_masks(record_class)

    theirs_masks = np.zeros(len(codes), dtype=np.int64)
    bits = np.int64(1) << np.arange(m, dtype=np.int64)
    for s in np.unique(class_stratum[at_risk]):
        rows = np.flatnonzero(stratum == s)
        theirs_masks[rows] = _kanon_greedy(codes[rows], rank[::-1], k).astype(np.int64) @ bits
    theirs = _Units.from_records(base, class_stratum, record_class, theirs_masks,
                                 np.ones(len(codes)))[0]
    _prune(theirs, k, rank)
    best = theirs if theirs.total() < ours.total() else ours
    return best.record_masks(record_class)


def _verify(codes: np.ndarray, stratum: np.ndarray, record_class: np.ndarray,
            masks: np.ndarray, k: int) -> None:
    """Check ``f_k >= k`` for every record of the treated codes, with the wildcard rule.

    Records with the same class and mask have the same treated key, so ``f_k`` is counted
    once per such group, each weighted by its number of records."""
    ids = _group_ids(np.column_stack([record_class, masks]))
    rows = _first_rows(ids)
    counts = np.bincount(ids)
    treated = np.where(_bit_matrix(masks[rows], codes.shape[1]) == 1, -1, codes[rows])
    fk = _frequencies(np.column_stack([treated, stratum[rows]]), counts.astype(np.float64))[1]
    short = int(counts[fk < k].sum())
    if short:
        raise RuntimeError(_("local suppression left {count} records with fewer than k = {k} "
                             "compatible records").format(count=short, k=k))


def _missing_where(column: pd.Series, hit: np.ndarray) -> pd.Series:
    """``column`` with the ``hit`` values missing, in a dtype that can hold them (whole
    numbers and booleans move to pandas' nullable types rather than to floats)."""
    dtype = column.dtype
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        if pd.api.types.is_bool_dtype(dtype):
            column = column.astype("boolean")
        elif pd.api.types.is_integer_dtype(dtype):
            column = column.astype("Int64")
    return column.mask(hit)
