"""Reports: the report notebook run through papermill, then HTML, PDF and Word.

One report = one papermill run of ``notebooks/report.ipynb`` (kept, executed, for audit),
converted to self-contained HTML without code by nbconvert, printed to PDF by headless
Chromium (on A4 or Letter, as the report's CSS ``@page`` rule says), and written as Word by
:mod:`pim_workbook.outputs.word`. A batch runs many reports, each in its own process; one
failing assessment does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
import traceback
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path

from pim_workbook.errors import ReportError, StoreError
from pim_workbook.outputs.context import check_options, record_at
from pim_workbook.outputs.filenames import default_exports_dir, export_name, output_path
from pim_workbook.resources import report_notebook
from pim_workbook.store.core import Store

FORMATS = ("html", "pdf", "docx")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


@dataclass
class ReportResult:
    """What happened to one assessment's report."""

    aid: str
    status: str = "ok"  # ok | failed
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""


def show_report(assessment_id: str, db_path: str = "", revision: int = 0,
                history: str = "summary", paper: str = "a4") -> None:
    """The report notebook's one call: display the record as static HTML with its charts,
    styled to print on ``paper``."""
    from IPython.display import HTML, display

    if not assessment_id:
        display(HTML("<p>Give <code>assessment_id</code> to render a report.</p>"))
        return
    with Store(db_path or None) as store:
        from pim_workbook.outputs.render import report_fragment

        display(HTML(report_fragment(store, assessment_id, revision=revision or None,
                                     figures=True, history=history, paper=paper)))


def chromium() -> str:
    """The headless browser that prints PDFs (Debian's ``chromium``)."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError("PDF needs Chromium: install Debian's package `chromium` "
                      "(apt-get install chromium)")


def html_to_pdf(html_path: Path, pdf_path: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (no network, no sandbox).

    The page size, margins and footer come from the page's CSS ``@page`` rule; Chromium's own
    header and footer are left out.
    """
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
            capture_output=True, text=True, timeout=180)
    if result.returncode != 0 or not pdf_path.exists():
        raise ReportError(f"Chromium could not print {html_path.name}: "
                          f"{result.stderr.strip()[-300:]}")
    return pdf_path


def run_report(aid: str, *, db_path: str | os.PathLike[str] | None = None,
               out_dir: str | os.PathLike[str] | None = None,
               formats: Iterable[str] = FORMATS, revision: int = 0,
               history: str = "summary", paper: str = "a4") -> ReportResult:
    """Produce one assessment's report on ``paper`` (``"a4"`` or ``"letter"``); failures are
    returned, never raised."""
    result = ReportResult(aid)
    try:
        _run(result, aid, db_path, out_dir, tuple(formats), revision, history, paper)
    except (ReportError, ValueError, StoreError) as exc:  # said plainly, in one line
        result.status, result.error = "failed", str(exc).strip()
    except Exception as exc:  # one broken assessment must not stop a batch
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}".strip()
        result.error += "\n" + traceback.format_exc(limit=3)
    return result


def _run(result: ReportResult, aid: str, db_path: str | os.PathLike[str] | None,
         out_dir: str | os.PathLike[str] | None, formats: tuple[str, ...], revision: int,
         history: str, paper: str) -> None:
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {sorted(unknown)} (one of: "
                         f"{', '.join(FORMATS)})")
    check_options(paper=paper, history=history)  # before a kernel starts
    with Store(db_path) as store:
        record = record_at(store, aid, revision or None)
        db = str(store.path)
    folder = out_dir or default_exports_dir()
    suffix = f"-report-r{revision}" if revision else "-report"
    base = export_name(record, suffix)
    executed = output_path(folder, "audit", f"{base}.ipynb")
    executed.parent.mkdir(parents=True, exist_ok=True)

    import nbformat
    import papermill

    start = time.perf_counter()
    papermill.execute_notebook(
        str(report_notebook()), str(executed), kernel_name="python3", progress_bar=False,
        parameters={"assessment_id": aid, "db_path": db, "revision": revision,
                    "history": history, "paper": paper},
        cwd=str(report_notebook().parent),
        # the kernel is local and short-lived: keep its start-up notices out of the output
        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    html_path = output_path(folder, f"{base}.html")
    if "html" in formats or "pdf" in formats:
        from nbconvert import HTMLExporter

        # the "basic" template: the outputs alone, so the report's own style applies
        exporter = HTMLExporter(template_name="basic", exclude_input=True,
                                exclude_output_prompt=True, embed_images=True)
        body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
        html_path.write_text(
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>'
            f"{escape(record.title)} — data-sharing assessment {escape(aid)}</title></head>"
            f"<body>\n{body}\n</body></html>\n", encoding="utf-8")
    result.seconds["execution+html"] = time.perf_counter() - start
    result.files.append(executed)
    if "pdf" in formats:
        start = time.perf_counter()
        result.files.append(html_to_pdf(html_path, output_path(folder, f"{base}.pdf")))
        result.seconds["pdf"] = time.perf_counter() - start
    if "html" in formats:
        result.files.append(html_path)
    elif html_path.exists():
        html_path.unlink()
    if "docx" in formats:
        from pim_workbook.outputs.word import to_docx

        start = time.perf_counter()
        with Store(db) as store:
            result.files.append(to_docx(store, aid, output_path(folder, f"{base}.docx"),
                                        revision=revision or None, paper=paper))
        result.seconds["docx"] = time.perf_counter() - start


def select(store: Store, *, party: str | None = None, status: str | None = None,
           review_due_by: dt.date | None = None) -> list[str]:
    """Assessment ids matching a batch filter (party name part, status, review due by).

    An assessment that cannot be read is always selected, so the batch reports it as failed.
    """
    chosen = []
    for aid in store.ids():
        try:
            s = store.summary(aid)
        except Exception:
            chosen.append(aid)
            continue
        if party and not any(party.casefold() in p.casefold() for p in s.parties):
            continue
        if status and s.status != status:
            continue
        if review_due_by and not (s.next_review and
                                  dt.date.fromisoformat(s.next_review) <= review_due_by):
            continue
        chosen.append(s.id)
    return chosen


def run_batch(ids: list[str], *, jobs: int = 1, progress: bool = True,
              db_path: str | os.PathLike[str] | None = None,
              out_dir: str | os.PathLike[str] | None = None, formats: Iterable[str] = FORMATS,
              history: str = "summary", paper: str = "a4") -> list[ReportResult]:
    """Reports for many assessments on ``paper``, ``jobs`` at a time, in separate
    processes."""
    from tqdm import tqdm

    one = partial(run_report, db_path=db_path, out_dir=out_dir, formats=tuple(formats),
                  history=history, paper=paper)
    results: dict[str, ReportResult] = {}
    bar = tqdm(total=len(ids), unit="report", disable=not progress, desc="Reports")
    if jobs <= 1:
        for aid in ids:
            results[aid] = one(aid)
            bar.update()
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(one, aid): aid for aid in ids}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                bar.update()
    bar.close()
    return [results[aid] for aid in ids]


def summary_table(results: list[ReportResult]) -> str:
    """The closing table of a batch: id, status, output files, seconds, error."""
    lines = [f"{'ID':<10} {'STATUS':<7} {'SECONDS':>7}  FILES / ERROR"]
    for r in results:
        detail = ", ".join(p.name for p in r.files if p.suffix != ".ipynb") or "-"
        if r.error:
            detail = r.error.splitlines()[0]
        lines.append(f"{r.aid:<10} {r.status:<7} {sum(r.seconds.values()):7.1f}  {detail}")
    failed = sum(r.status != "ok" for r in results)
    lines.append(f"{len(results) - failed} of {len(results)} reports made"
                 + (f"; {failed} failed" if failed else ""))
    return "\n".join(lines)
