"""Disclosure-risk benchmark: ``measure_risk`` against pycanon on the same categorical data.

For each size, a table with 4 quasi-identifiers (location ~200 values, age group 7, sex 2,
nationality 5) and 1 sensitive column (6 values) is generated (fixed seed, no missing values)
and written once to a CSV file that both sides read. Only the computation is timed (best of
``--repeats``): ``measure_risk(df, quasi, sensitive=[sens])`` here, ``k_anonymity`` +
``l_diversity`` from ``pycanon.anonymity`` in a separate virtual environment (pycanon pins old
pandas/numpy, so it is never installed next to the workbook). The venv is created on first use
with ``python -m venv`` and ``pip install pycanon`` (needs PyPI), then reused.

Then, on the same tables (medians of ``--repeats``): ``measure_risk`` alone, the household
risk with a synthetic household column (1 to 7 members, about 4 on average, fixed seed),
``local_suppression`` to k = 3 with its suppressions per key and in total, and PRAM of the
sensitive column (pd 0.8, alpha 0.5, fixed seed) with the values it changed.

Last, the invented household survey of ``tests/fixtures/`` against sdcMicro 5.8.1's ``kAnon``
on it (its suppressions and seconds as recorded in ``sdc-reference-figures.txt``): the same
keys, k = 3 and 5, default and 1..5 importance orders.

Targets: >= 10x faster than pycanon at 1M rows; our check under 1 s at 1M rows; local
suppression to k = 3 in at most 3 s at 1M rows.
Exit status: 1 if k or l differ, 2 if pycanon could not be set up or run.

Run: ``python benchmarks/bench_risk.py [--rows 100000,1000000] [--repeats 3]
[--venv DIR] [--pycanon-max-rows N] [--quick]`` (venv default:
$PIM_WORKBOOK_PYCANON_VENV or ~/.cache/pim-workbook/venv-pycanon). ``--quick`` measures
100,000 rows only and leaves pycanon out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import numpy as np
import pandas as pd

from pim_workbook.sdc.pram import pram
from pim_workbook.sdc.risk import household_risk, measure_risk
from pim_workbook.sdc.suppression import local_suppression

QUASI = ["location", "age_group", "sex", "nationality"]
SENS = "condition"
TARGET_RATIO = 10.0
TARGET_SECONDS = 1.0
TARGET_ROWS = 1_000_000
SUPPRESSION_K = 3
SUPPRESSION_SECONDS = 3.0
QUICK_ROWS = 100_000
DEFAULT_VENV = Path.home() / ".cache" / "pim-workbook" / "venv-pycanon"
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
REFERENCE_KEYS = ["admin2", "age_group", "sex", "nationality", "disability"]

# Runs inside the pycanon venv: argv = csv path, repeats, quasi (comma-separated), sensitive.
WORKER = """
import json, sys, time
import pandas as pd
import pycanon
from pycanon.anonymity import k_anonymity, l_diversity
path, repeats, quasi, sens = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
df = pd.read_csv(path)
times = []
for _ in range(repeats):
    start = time.perf_counter()
    k = k_anonymity(df, quasi)
    l_div = l_diversity(df, quasi, [sens])
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times), "k": int(k), "l": int(l_div),
                  "pycanon": getattr(pycanon, "__version__", "?"), "pandas": pd.__version__}))
"""


def make_data(rows: int, seed: int) -> pd.DataFrame:
    """Categorical table with mildly skewed frequencies, no missing values.

    With the default seed: k = 1, l = 1 at 100 000 rows; k = 8, l = 4 at 1 000 000 rows.
    """
    rng = np.random.default_rng(seed)
    columns = {
        "location": ([f"L{i:03d}" for i in range(200)], 1.0 / np.arange(1, 201) ** 0.3),
        "age_group": (["0-4", "5-17", "18-29", "30-44", "45-59", "60-74", "75+"],
                      [0.12, 0.16, 0.16, 0.16, 0.16, 0.14, 0.10]),
        "sex": (["F", "M"], [0.5, 0.5]),
        "nationality": (["N1", "N2", "N3", "N4", "N5"], [0.4, 0.2, 0.15, 0.15, 0.1]),
        SENS: (["C1", "C2", "C3", "C4", "C5", "C6"], [0.3, 0.2, 0.15, 0.15, 0.1, 0.1]),
    }
    data = {}
    for name, (values, weights) in columns.items():
        p = np.asarray(weights, dtype=float)
        data[name] = np.asarray(values)[rng.choice(len(values), size=rows, p=p / p.sum())]
    return pd.DataFrame(data)


def time_ours(path: Path, repeats: int) -> tuple[float, int, int]:
    """Best time of ``measure_risk`` on the CSV (reading excluded), with its k and l."""
    df = pd.read_csv(path)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = measure_risk(df, QUASI, sensitive=[SENS])
        times.append(time.perf_counter() - start)
    return min(times), result.k, result.l_diversity[SENS]


def with_households(df: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``df`` with a household id: consecutive records, households of 1 to 7 (mean 4)."""
    sizes = np.random.default_rng(seed).integers(1, 8, size=len(df))
    return df.assign(hh=np.repeat(np.arange(len(df)), sizes)[: len(df)])


def time_treatments(path: Path, repeats: int, seed: int) -> dict:
    """Medians of ``measure_risk``, ``household_risk`` and ``local_suppression`` (k = 3) on
    the CSV (reading excluded), with the suppressions per key and in total."""
    df = with_households(pd.read_csv(path), seed)
    runs: dict[str, list[float]] = {"risk": [], "household": [], "suppression": [],
                                     "pram": []}
    result = perturbed = None
    for _ in range(repeats):
        start = time.perf_counter()
        measure_risk(df, QUASI, sensitive=[SENS])
        runs["risk"].append(time.perf_counter() - start)
        start = time.perf_counter()
        household_risk(df, QUASI, "hh")
        runs["household"].append(time.perf_counter() - start)
        start = time.perf_counter()
        result = local_suppression(df, QUASI, SUPPRESSION_K)
        runs["suppression"].append(time.perf_counter() - start)
        start = time.perf_counter()
        perturbed = pram(df, [SENS], seed=seed)
        runs["pram"].append(time.perf_counter() - start)
    assert result is not None and perturbed is not None
    return {**{name: median(times) for name, times in runs.items()},
            "suppressions": result.suppressions, "total": result.total,
            "pram_changed": perturbed.changed[SENS]}


def report_treatments(results: dict[int, dict], repeats: int) -> None:
    """The table of the treatments' timings and the local-suppression target."""
    print(f"\nRisk, household risk and local suppression to k = {SUPPRESSION_K} "
          f"(median of {repeats}; CSV reading not timed; {', '.join(QUASI)})")
    print(f"{'rows':>10} {'risk (s)':>9} {'household (s)':>14} {'suppression (s)':>16} "
          f"{'PRAM (s)':>9}   suppressions per key (total); values PRAM changed")
    for rows, r in results.items():
        t = r["treatments"]
        counts = " ".join(f"{key}={count}" for key, count in t["suppressions"].items())
        print(f"{rows:>10} {t['risk']:9.3f} {t['household']:14.3f} {t['suppression']:16.3f} "
              f"{t['pram']:9.3f}   {counts} ({t['total']}); {t['pram_changed']:,}")
    target = results.get(TARGET_ROWS)
    if target is None:
        print(f"Target at {TARGET_ROWS:,} rows: local suppression <= {SUPPRESSION_SECONDS:.0f} "
              "s: not measured (add 1000000 to --rows)")
        return
    seconds = target["treatments"]["suppression"]
    print(f"Target at {TARGET_ROWS:,} rows: local suppression <= {SUPPRESSION_SECONDS:.0f} s: "
          f"{seconds:.3f} s   {'met' if seconds <= SUPPRESSION_SECONDS else 'not met'}")


def against_sdcmicro(repeats: int) -> None:
    """Our local suppression on the reference survey beside sdcMicro's kAnon figures."""
    survey = pd.read_csv(FIXTURES / "sdc-reference-sample.csv", dtype=str,
                         keep_default_na=False, na_values=[""])
    figures = {}
    for line in (FIXTURES / "sdc-reference-figures.txt").read_text().splitlines():
        if line.startswith("kAnon "):
            values = dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)
            order = "default" if values["importance"].startswith("default") else "1..5"
            figures[(int(values["k"]), order)] = (int(values["total"]),
                                                  float(values["seconds"]))
    print(f"\nLocal suppression on the reference survey ({len(survey):,} records; "
          f"{', '.join(REFERENCE_KEYS)}), against sdcMicro 5.8.1's kAnon (median of {repeats})")
    print(f"{'k':>3} {'importance':>11} {'ours':>6} {'kAnon':>6} {'ours (s)':>9} "
          f"{'kAnon (s)':>10}")
    for (k, order), (total, seconds) in sorted(figures.items()):
        importance = None if order == "default" else REFERENCE_KEYS
        times, result = [], None
        for _ in range(repeats):
            start = time.perf_counter()
            result = local_suppression(survey, REFERENCE_KEYS, k, importance=importance)
            times.append(time.perf_counter() - start)
        assert result is not None
        verdict = "fewer or equal" if result.total <= total else "MORE"
        print(f"{k:>3} {order:>11} {result.total:>6} {total:>6} {median(times):9.3f} "
              f"{seconds:10.2f}   {verdict}")


def venv_python(venv: Path) -> Path:
    """The interpreter of ``venv`` (POSIX or Windows layout)."""
    posix = venv / "bin" / "python"
    return posix if posix.exists() or os.name != "nt" else venv / "Scripts" / "python.exe"


def ensure_pycanon(venv: Path) -> tuple[Path | None, str]:
    """Create the venv and install pycanon if needed; (python, "") or (None, reason)."""
    python = venv_python(venv)
    ok = [str(python), "-c", "import pycanon.anonymity"]
    if python.exists() and subprocess.run(ok, capture_output=True).returncode == 0:
        return python, ""
    steps = [[sys.executable, "-m", "venv", str(venv)],
             [str(venv_python(venv)), "-m", "pip", "install", "--quiet", "pycanon"]]
    print(f"Setting up pycanon in {venv} (once; needs PyPI) ...", flush=True)
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            return None, f"`{' '.join(step)}` failed:\n{tail}"
    python = venv_python(venv)
    if subprocess.run(ok, capture_output=True).returncode != 0:
        return None, f"pycanon is not importable in {venv} after installation"
    return python, ""


def time_pycanon(python: Path, path: Path, repeats: int) -> dict:
    """Run the worker in the pycanon venv; its JSON result (seconds, k, l, versions)."""
    done = subprocess.run([str(python), "-c", WORKER, str(path), str(repeats), ",".join(QUASI),
                           SENS], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="100000,1000000",
                        help="comma-separated table sizes (default: 100000,1000000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per side (best)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--venv", type=Path,
                        default=Path(os.environ.get("PIM_WORKBOOK_PYCANON_VENV", DEFAULT_VENV)),
                        help="pycanon's virtual environment (created if missing)")
    parser.add_argument("--pycanon-max-rows", type=int, default=None,
                        help="skip pycanon above this many rows")
    parser.add_argument("--quick", action="store_true",
                        help=f"only {QUICK_ROWS:,} rows and no pycanon (well under a minute)")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.rows.split(",") if s.strip()]
    if args.quick:
        sizes = [QUICK_ROWS]
    if args.repeats < 1 or not sizes or min(sizes) < 1:
        parser.error("--repeats and every --rows size must be >= 1")

    python: Path | None = None
    if not args.quick:
        python, problem = ensure_pycanon(args.venv.expanduser())
        if python is None:
            print(f"pycanon unavailable, only our figures are shown.\n{problem}",
                  file=sys.stderr)

    status = 0 if python is not None or args.quick else 2
    results: dict[int, dict] = {}
    work = Path(tempfile.mkdtemp(prefix="pimw-bench-risk-"))
    try:
        for rows in sizes:
            path = work / f"risk-{rows}.csv"
            make_data(rows, args.seed).to_csv(path, index=False)
            ours, k, l_div = time_ours(path, args.repeats)
            theirs = None
            skip = args.pycanon_max_rows is not None and rows > args.pycanon_max_rows
            if python is not None and not skip:
                try:
                    theirs = time_pycanon(python, path, args.repeats)
                except (RuntimeError, ValueError) as exc:
                    print(f"pycanon failed at {rows} rows: {exc}", file=sys.stderr)
                    status = max(status, 2)
            results[rows] = {"seconds": ours, "k": k, "l": l_div, "theirs": theirs,
                             "treatments": time_treatments(path, args.repeats, args.seed)}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    versions = next((r["theirs"] for r in results.values() if r["theirs"]), None)
    print(f"\nDisclosure risk, k-anonymity + l-diversity on {len(QUASI)} quasi-identifiers and "
          f"1 sensitive column (best of {args.repeats}; CSV reading not timed)")
    if versions:
        print(f"pycanon {versions['pycanon']} (pandas {versions['pandas']}) against "
              f"pim_workbook (pandas {pd.__version__})")
    print(f"{'rows':>10} {'ours (s)':>9} {'pycanon (s)':>12} {'ratio':>13}   "
          f"{'ours k/l':>9} {'pycanon k/l':>12}  equal")
    for rows, r in results.items():
        ours, theirs = r["seconds"], r["theirs"]
        if theirs is None:
            print(f"{rows:>10} {ours:9.3f} {'-':>12} {'-':>13}   {r['k']:>4}/{r['l']:<4} "
                  f"{'-':>12}  -")
            continue
        equal = theirs["k"] == r["k"] and theirs["l"] == r["l"]
        if not equal:
            status = 1
        ratio = f"{theirs['seconds'] / ours:.1f}x faster"
        print(f"{rows:>10} {ours:9.3f} {theirs['seconds']:12.3f} {ratio:>13}   "
              f"{r['k']:>4}/{r['l']:<4} {theirs['k']:>6}/{theirs['l']:<5}  "
              f"{'yes' if equal else 'no'}")

    print("Targets at 1,000,000 rows:")
    target = results.get(TARGET_ROWS)
    if target is None:
        print("  (not measured: add 1000000 to --rows)")
    else:
        ours = target["seconds"]
        if target["theirs"] is None:
            print(f"  >= {TARGET_RATIO:.0f}x faster than pycanon:  not measured")
        else:
            ratio = target["theirs"]["seconds"] / ours
            print(f"  >= {TARGET_RATIO:.0f}x faster than pycanon:  {ratio:.1f}x   "
                  f"{'met' if ratio >= TARGET_RATIO else 'not met'}")
        print(f"  our check < {TARGET_SECONDS:.0f} s:              {ours:.3f} s   "
              f"{'met' if ours < TARGET_SECONDS else 'not met'}")
    report_treatments(results, args.repeats)
    against_sdcmicro(1 if args.quick else args.repeats)
    if status == 1:
        print("k or l differ between pim_workbook and pycanon.", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
