"""Batch report benchmark, against the least any report costs, measured in the same run.

Baseline: papermill runs of a minimal notebook that imports pandas and matplotlib and saves
one figure. Then the same number of assessments (copies of the sample) reported serially and
with ``--jobs 2``. Prints notebook execution + HTML, PDF and Word times separately, and the
ratios (targets: execution + HTML <= 1.5x the minimal runs; --jobs 2 >= 1.6x faster than
serial on two cores).

Run: ``python benchmarks/bench_reports.py [--count 20]`` (needs Debian's chromium).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from pim_workbook.outputs.reports import run_batch
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store


def minimal_runs(count: int, work: Path) -> float:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import pandas as pd\nimport matplotlib\nmatplotlib.use('Agg')\n"
        "import matplotlib.pyplot as plt\n"
        "fig, ax = plt.subplots()\nax.plot(pd.Series([1, 3, 2]))\n"
        f"fig.savefig({str(work / 'minimal.png')!r})")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    source = work / "minimal.ipynb"
    nbformat.write(nb, source)
    start = time.perf_counter()
    for i in range(count):
        papermill.execute_notebook(str(source), str(work / f"minimal-{i}.ipynb"),
                                   progress_bar=False, kernel_name="python3")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pimw-bench-"))
    try:
        db = work / "bench.sqlite"
        with Store(db) as store:
            ids = [build_sample(store, aid=f"bench{i:02d}") for i in range(args.count)]
        baseline = minimal_runs(args.count, work)
        runs = {}
        for jobs in (1, 2):
            start = time.perf_counter()
            results = run_batch(ids, jobs=jobs, progress=False, db_path=db,
                                out_dir=work / f"out{jobs}")
            runs[jobs] = (time.perf_counter() - start, results)
            failed = [r.aid for r in results if r.status != "ok"]
            assert not failed, f"reports failed: {failed}"
        n = args.count
        serial = runs[1][1]
        parts = {k: sum(r.seconds.get(k, 0.0) for r in serial)
                 for k in ("execution+html", "pdf", "docx")}
        print(f"{n} reports of the sample-sized assessment, on this machine:")
        print(f"  minimal notebook (pandas + matplotlib + 1 figure), {n} papermill runs: "
              f"{baseline:7.1f} s")
        print(f"  report notebook execution + HTML, serial:  {parts['execution+html']:7.1f} s"
              f"   ratio {parts['execution+html'] / baseline:.2f}x (target <= 1.5x)")
        print(f"  PDF (headless Chromium), serial:           {parts['pdf']:7.1f} s")
        print(f"  Word (python-docx), serial:                {parts['docx']:7.1f} s")
        print(f"  whole batch, serial:                       {runs[1][0]:7.1f} s")
        print(f"  whole batch, --jobs 2:                     {runs[2][0]:7.1f} s"
              f"   speed-up {runs[1][0] / runs[2][0]:.2f}x (target >= 1.6x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
