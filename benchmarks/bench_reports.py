"""Batch report benchmark: a batch as it runs now (one browser for every PDF, one kernel per
job) against how it used to run (one Chromium per file, one kernel per report), measured in
the same run.

Each round reports the same assessments (copies of the sample) in three formats with
``--jobs 2`` both ways, in turns: ``before``, one Chromium per file and a new kernel for every
report (the baseline), and ``now``. Then the HTML files of a batch are printed again, alone,
by each printer. The machine is shared, so every figure is a median (over rounds for a batch, over
reports for a step), and CPU seconds (this process and every process it started) are given
beside wall-clock ones: they depend little on what else runs. Targets: the PDF step costs at
most a third of the baseline's; the whole batch is at least 1.5x faster.

Then, against the least any report costs: a batch run serially against ``--jobs 2`` (target
>= 1.6x faster on two cores), and the report notebook's execution + HTML, each report in a
kernel of its own, against papermill runs of a minimal notebook that imports pandas and
matplotlib and saves one figure (target <= 1.5x).

Run: ``python benchmarks/bench_reports.py [--count 6] [--rounds 3]``; ``--quick`` is the smoke
run (two reports, one round, no serial or minimal runs: under a minute). Needs Debian's
chromium and Playwright (the ``pdf`` extra).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from pim_workbook.outputs.pdf import open_printer
from pim_workbook.outputs.reports import ReportResult, run_batch
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store

# how a batch ran before (the baseline) and how it runs now: (printer, a kernel per report)
PATHS = {"before": ("subprocess", True), "now": ("playwright", False)}
PRINTERS = [printer for printer, _own in PATHS.values()]  # one Chromium per file, one browser


def cpu_seconds() -> float:
    """CPU time of this process and of every process it started that has ended."""
    own, ended = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                       resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def minimal_runs(count: int, work: Path) -> list[float]:
    """Seconds of each papermill run of the minimal notebook."""
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
    seconds = []
    for i in range(count):
        start = time.perf_counter()
        papermill.execute_notebook(str(source), str(work / f"minimal-{i}.ipynb"),
                                   progress_bar=False, kernel_name="python3")
        seconds.append(time.perf_counter() - start)
    return seconds


class Batches:
    """Every batch run, by label: its wall and CPU seconds and its reports."""

    def __init__(self, ids: list[str], db: Path, work: Path) -> None:
        self.ids, self.db, self.work = ids, db, work
        self.runs: dict[str, list[tuple[float, float, list[ReportResult]]]] = {}
        self.html: list[Path] = []  # one batch's HTML files, to print alone

    def run(self, label: str, *, jobs: int, printer: str, kernel_per_report: bool) -> None:
        out = self.work / f"out-{label}-{len(self.runs.get(label, []))}"
        cpu, start = cpu_seconds(), time.perf_counter()
        results = run_batch(self.ids, jobs=jobs, progress=False, db_path=self.db, out_dir=out,
                            printer=printer, kernel_per_report=kernel_per_report)
        seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
        failed = [f"{r.aid}: {r.error.splitlines()[0]}" for r in results if r.status != "ok"]
        if failed:
            raise SystemExit(f"reports failed: {failed}")
        self.runs.setdefault(label, []).append((seconds, cpu, results))
        if not self.html:
            kept = self.work / "html"
            shutil.copytree(out, kept, ignore=shutil.ignore_patterns("audit", "*.pdf", "*.docx"))
            self.html = sorted(kept.glob("*.html"))
        shutil.rmtree(out)

    def wall(self, label: str) -> float:
        """The whole batch, median over rounds."""
        return statistics.median(seconds for seconds, _, _ in self.runs[label])

    def cpu(self, label: str) -> float:
        """The whole batch's CPU seconds, median over rounds."""
        return statistics.median(cpu for _, cpu, _ in self.runs[label])

    def per_batch(self, label: str, step: str) -> float:
        """A step's seconds summed over a batch, median over rounds."""
        return statistics.median(sum(r.seconds[step] for r in results)
                                 for _, _, results in self.runs[label])

    def per_report(self, label: str, step: str) -> float:
        """A step's seconds for one report, median over every report of every round."""
        return statistics.median(r.seconds[step] for _, _, results in self.runs[label]
                                 for r in results)


def print_alone(printer: str, html: list[Path], work: Path) -> tuple[float, float]:
    """Wall and CPU seconds of printing ``html`` with a new ``printer``, start-up and closing
    included."""
    cpu, start = cpu_seconds(), time.perf_counter()
    with open_printer(printer) as pdf:
        for path in html:
            pdf.print(path, work / f"{path.stem}.pdf")
    return time.perf_counter() - start, cpu_seconds() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=6, help="reports per batch")
    parser.add_argument("--rounds", type=int, default=3, help="batches per printer")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 2 reports, 1 round, no serial or minimal runs")
    args = parser.parse_args()
    count, rounds = (2, 1) if args.quick else (args.count, args.rounds)
    work = Path(tempfile.mkdtemp(prefix="pimw-bench-"))
    load = os.getloadavg()[0]
    try:
        db = work / "bench.sqlite"
        with Store(db) as store:
            ids = [build_sample(store, aid=f"bench{i:02d}") for i in range(count)]
        batches = Batches(ids, db, work)
        alone: dict[str, list[tuple[float, float]]] = {}
        for round_ in range(rounds):
            order = list(PATHS) if round_ % 2 == 0 else list(reversed(PATHS))
            for path in order:
                printer, own = PATHS[path]
                batches.run(path, jobs=2, printer=printer, kernel_per_report=own)
            for path in order:
                printer = PATHS[path][0]
                alone.setdefault(printer, []).append(print_alone(printer, batches.html, work))
            if not args.quick:
                batches.run("serial", jobs=1, printer="playwright", kernel_per_report=False)
                if round_ == 0:
                    batches.run("serial, kernel per report", jobs=1, printer="playwright",
                                kernel_per_report=True)
        minimal = [] if args.quick else minimal_runs(count, work)
        report(batches, alone, rounds, minimal, (load, os.getloadavg()[0]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(batches: Batches, alone: dict[str, list[tuple[float, float]]], rounds: int,
           minimal: list[float], load: tuple[float, float]) -> None:
    old, new = "before", "now"
    print(f"{len(batches.ids)} reports of the sample-sized assessment (HTML, PDF, Word), "
          f"--jobs 2, {rounds} round(s); medians; load average {load[0]:.1f} → {load[1]:.1f} "
          f"on {os.cpu_count()} cores")
    for before, now in (("before", "now"), ("Chromium per file,", "one browser,"),
                        ("kernel per report", "kernel per"), ("", "job")):
        print(f"  {'':40}{before:>22}{now:>14}")

    def row(name: str, a: float, b: float, verdict: str = "") -> None:
        print(f"  {name:<40}{a:>20.2f} s{b:>12.2f} s  {verdict}")

    def ratio(a: float, b: float) -> str:
        return f"ratio {b / a:.2f}x (target <= 0.33x)"

    pdf = {p: batches.per_batch(p, "pdf") for p in PATHS}
    row("PDF step in the batch, per batch", pdf[old], pdf[new], ratio(pdf[old], pdf[new]))
    row("PDF step in the batch, per report", batches.per_report(old, "pdf"),
        batches.per_report(new, "pdf"))
    wall = [statistics.median(w for w, _ in alone[p]) for p in PRINTERS]
    cpu = [statistics.median(c for _, c in alone[p]) for p in PRINTERS]
    row("PDF step alone, the batch's files", *wall, ratio(*wall))
    row("PDF step alone, CPU", *cpu, ratio(*cpu))
    row("execution + HTML, per report", batches.per_report(old, "execution+html"),
        batches.per_report(new, "execution+html"))
    row("Word, per report", batches.per_report(old, "docx"), batches.per_report(new, "docx"))
    row("whole batch", batches.wall(old), batches.wall(new),
        f"{batches.wall(old) / batches.wall(new):.2f}x faster (target >= 1.5x)")
    row("whole batch, CPU", batches.cpu(old), batches.cpu(new),
        f"{batches.cpu(old) / batches.cpu(new):.2f}x less")
    if "serial" in batches.runs:
        serial = batches.wall("serial")
        print(f"  one browser, serial: whole batch {serial:.2f} s; --jobs 2 "
              f"{serial / batches.wall(new):.2f}x faster (target >= 1.6x)")
    if "serial, kernel per report" in batches.runs:
        own = batches.per_report("serial, kernel per report", "execution+html")
        kept = batches.per_report("serial", "execution+html")
        print(f"  execution + HTML per report, serial: {own:.2f} s in a kernel per report, "
              f"{kept:.2f} s in one kernel ({own / kept:.2f}x faster)")
    if minimal:
        execution = batches.per_report("serial, kernel per report", "execution+html")
        print(f"  execution + HTML per report, serial, kernel per report: {execution:.2f} s; "
              "minimal notebook "
              f"(pandas + matplotlib + 1 figure) per papermill run: "
              f"{statistics.median(minimal):.2f} s; ratio "
              f"{execution / statistics.median(minimal):.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
