"""Reports: the report notebook run through papermill, then HTML, PDF and Word.

One report = one papermill run of ``notebooks/report.ipynb`` (kept, executed, for audit),
converted to self-contained HTML without code by nbconvert, printed to PDF by
:mod:`pim_workbook.outputs.pdf` (on A4 or Letter, as the report's CSS ``@page`` rule says),
and written as Word by :mod:`pim_workbook.outputs.word`. A batch runs its reports ``jobs`` at
a time in worker processes, each running its reports one after another in one kernel, and
prints their PDFs as they come back, with one printer (one browser) for the whole batch; one
failing assessment does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache, partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from pim_workbook.errors import ReportError, StoreError
from pim_workbook.i18n import _, current_language, direction, set_language, use_language
from pim_workbook.outputs.context import check_options, record_at
from pim_workbook.outputs.filenames import default_exports_dir, export_name, output_path
from pim_workbook.outputs.kernels import in_worker, kept_kernel, run_notebook
from pim_workbook.outputs.pdf import Printer, open_printer
from pim_workbook.resources import report_notebook
from pim_workbook.store.core import Store

if TYPE_CHECKING:
    from nbconvert import HTMLExporter

FORMATS = ("html", "pdf", "docx")


@dataclass
class ReportResult:
    """What happened to one assessment's report."""

    aid: str
    status: str = "ok"  # ok | failed
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str = ""


def show_report(assessment_id: str, db_path: str = "", revision: int = 0,
                history: str = "summary", paper: str = "a4", language: str = "en") -> None:
    """The report notebook's one call: display the record as static HTML with its charts,
    styled to print on ``paper``, in ``language``."""
    from IPython.display import HTML, display

    set_language(language)

    if not assessment_id:
        display(HTML("<p>{}</p>".format(escape(_("Give {name} to render a report.")).format(
            name="<code>assessment_id</code>"))))
        return
    with Store(db_path or None) as store:
        from pim_workbook.outputs.render import report_fragment

        display(HTML(report_fragment(store, assessment_id, revision=revision or None,
                                     figures=True, history=history, paper=paper)))


@dataclass(frozen=True)
class _Options:
    """What every report of a run shares (picklable, for the worker processes)."""

    db_path: str | os.PathLike[str] | None
    out_dir: str | os.PathLike[str] | None
    formats: tuple[str, ...]
    revision: int
    history: str
    paper: str
    language: str  # the report's: the caller's active language, carried to the workers
    reuse_kernel: bool = False  # run in the process's kept kernel (a batch's)


@dataclass(frozen=True)
class _PdfJob:
    """A report's HTML waiting to be printed (by the batch's printer, in the calling
    process)."""

    html: Path
    pdf: Path
    keep_html: bool


def run_report(aid: str, *, db_path: str | os.PathLike[str] | None = None,
               out_dir: str | os.PathLike[str] | None = None,
               formats: Iterable[str] = FORMATS, revision: int = 0,
               history: str = "summary", paper: str = "a4",
               printer: str = "auto") -> ReportResult:
    """Produce one assessment's report on ``paper`` (``"a4"`` or ``"letter"``), its PDF
    printed by ``printer`` (see :func:`~pim_workbook.outputs.pdf.open_printer`); failures
    are returned, never raised."""
    result = ReportResult(aid)
    with _failures(result), open_printer(printer) as pdf:
        options = _Options(db_path, out_dir, tuple(formats), revision, history, paper,
                           current_language())
        _print(result, _prepare(result, aid, options), pdf)
    return result


@contextmanager
def _failures(result: ReportResult) -> Iterator[None]:
    """Record what goes wrong in ``result`` instead of raising it."""
    try:
        yield
    except (ReportError, ValueError, StoreError) as exc:  # said plainly, in one line
        result.status, result.error = "failed", str(exc).strip()
    except Exception as exc:  # one broken assessment must not stop a batch
        result.status = "failed"
        result.error = f"{type(exc).__name__}: {exc}".strip()
        result.error += "\n" + traceback.format_exc(limit=3)


def _prepared(aid: str, options: _Options) -> tuple[ReportResult, _PdfJob | None]:
    """A batch's report up to its PDF (in a worker process when several run at once);
    failures returned."""
    result = ReportResult(aid)
    job = None
    with _failures(result):
        job = _prepare(result, aid, options)
    return result, job


def _prepare(result: ReportResult, aid: str, options: _Options) -> _PdfJob | None:
    """Everything but the PDF: the executed notebook, the HTML and the Word file, in the
    options' language."""
    with use_language(options.language):
        return _prepare_in_language(result, aid, options)


def _prepare_in_language(result: ReportResult, aid: str,
                         options: _Options) -> _PdfJob | None:
    formats, revision, history, paper = (options.formats, options.revision, options.history,
                                         options.paper)
    unknown = set(formats) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown report format(s) {sorted(unknown)} (one of: "
                         f"{', '.join(FORMATS)})")
    check_options(paper=paper, history=history)  # before a kernel starts
    with Store(options.db_path) as store:
        record = record_at(store, aid, revision or None)
        db = str(store.path)
    folder = options.out_dir or default_exports_dir()
    suffix = f"-report-r{revision}" if revision else "-report"
    base = export_name(record, suffix)
    executed = output_path(folder, "audit", f"{base}.ipynb")
    executed.parent.mkdir(parents=True, exist_ok=True)

    import nbformat

    start = time.perf_counter()
    run_notebook(report_notebook(), executed,
                 {"assessment_id": aid, "db_path": db, "revision": revision,
                  "history": history, "paper": paper, "language": options.language},
                 reuse=options.reuse_kernel)
    html_path = output_path(folder, f"{base}.html")
    if "html" in formats or "pdf" in formats:
        body, _resources = _html_exporter().from_notebook_node(
            nbformat.read(executed, as_version=4))
        rtl = ' dir="rtl"' if direction() == "rtl" else ""
        title = _("{title} — data-sharing assessment {id}").format(title=record.title, id=aid)
        html_path.write_text(
            f'<!DOCTYPE html>\n<html lang="{current_language()}"{rtl}><head>'
            f'<meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body>\n{body}\n</body></html>\n", encoding="utf-8")
    result.seconds["execution+html"] = time.perf_counter() - start
    result.files.append(executed)
    if "html" in formats:
        result.files.append(html_path)
    if "docx" in formats:
        from pim_workbook.outputs.word import to_docx

        start = time.perf_counter()
        with Store(db) as store:
            result.files.append(to_docx(store, aid, output_path(folder, f"{base}.docx"),
                                        revision=revision or None, paper=paper))
        result.seconds["docx"] = time.perf_counter() - start
    if "pdf" not in formats:
        return None
    return _PdfJob(html_path, output_path(folder, f"{base}.pdf"), "html" in formats)


@cache
def _html_exporter() -> HTMLExporter:
    """nbconvert's exporter, made once per process so that its templates compile once.

    The "basic" template: the outputs alone, so the report's own style applies.
    """
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True,
                        exclude_output_prompt=True, embed_images=True)


def _print(result: ReportResult, job: _PdfJob | None, printer: Printer) -> None:
    """Print the job's PDF; its HTML stays only if it was asked for."""
    if job is None:
        return
    start = time.perf_counter()
    try:
        result.files.append(printer.print(job.html, job.pdf))
    finally:
        if not job.keep_html:
            job.html.unlink(missing_ok=True)
    result.seconds["pdf"] = time.perf_counter() - start


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
              history: str = "summary", paper: str = "a4", printer: str = "auto",
              kernel_per_report: bool = False) -> list[ReportResult]:
    """Reports for many assessments on ``paper``, ``jobs`` at a time (in worker processes
    when more than one); this process prints every PDF, as the reports come back, with one
    ``printer`` closed at the end. Each process runs its reports in one kernel (see
    :mod:`~pim_workbook.outputs.kernels`) unless ``kernel_per_report``."""
    from tqdm import tqdm

    options = _Options(db_path, out_dir, tuple(formats), 0, history, paper,
                       current_language(), reuse_kernel=not kernel_per_report)
    prepare = partial(_prepared, options=options)
    results: dict[str, ReportResult] = {}
    with open_printer(printer) as pdf, tqdm(total=len(ids), unit="report",
                                            disable=not progress, desc="Reports") as bar:

        def finish(result: ReportResult, job: _PdfJob | None) -> None:
            with _failures(result):
                _print(result, job, pdf)
            results[result.aid] = result
            bar.update()

        if jobs <= 1:
            with kept_kernel():
                for aid in ids:
                    finish(*prepare(aid))
        else:
            with ProcessPoolExecutor(max_workers=jobs, initializer=in_worker) as pool:
                futures = [pool.submit(prepare, aid) for aid in ids]
                if "pdf" in options.formats:
                    with suppress(ReportError):  # said again by each PDF that cannot print
                        pdf.start()  # while the first reports run
                for future in as_completed(futures):
                    finish(*future.result())
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
    made = _("{made} of {total} reports made").format(made=len(results) - failed,
                                                     total=len(results))
    lines.append(made + (_("; {failed} failed").format(failed=failed) if failed else ""))
    return "\n".join(lines)
