"""Benchmarks of the served workbook, each against a baseline measured in the same run.

1. Voila's time to the first interactive widget: the Step 2 page (on the sample) against a
   bare one-widget notebook, both served the same way, in headless Chromium (target <= 1.3x).
2. The time from a widget change to the answer's row being committed in the store
   (target < 20 ms), against a bare store write.
3. ``import pim_workbook`` (target < 0.3 s), against a bare interpreter start.

Run: ``python benchmarks/bench_workbook.py [--runs N]`` (needs /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(notebooks: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """The workbook's own serve command (same Voila options for both pages)."""
    port = _port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pim_workbook.cli", "serve", "--port", str(port),
         "--notebooks", str(notebooks)], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().split()[-1]
    import urllib.request

    for _ in range(120):
        try:
            urllib.request.urlopen(url, timeout=5).close()
            break
        except OSError:
            time.sleep(0.5)
    return proc, url


def _first_widget_seconds(browser, url: str, selector: str) -> float:
    page = browser.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f"{selector}:enabled", timeout=120_000)
    elapsed = time.perf_counter() - start
    page.close()
    return elapsed


def bench_voila(runs: int) -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="pimw-bench-"))
    try:
        env = {**os.environ, "PIM_WORKBOOK_DB": str(work / "w.sqlite"),
               "PIM_WORKBOOK_ACTOR": "bench"}
        subprocess.run([sys.executable, "-m", "pim_workbook.cli", "sample"], env=env,
                       check=True, capture_output=True)
        bare = work / "bare"
        shutil.copytree(ROOT / "notebooks", bare)  # same folder shape; index.ipynb needed
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(
            "import ipywidgets as w\nw.Text(placeholder='one widget')")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, bare / "bare.ipynb")
        proc, url = _serve(bare, env)
        base, query = url.split("/voila/")[0], url.split("?", 1)[1]  # key=…&token=…
        targets = {
            "bare one-widget notebook": (f"{base}/voila/render/bare.ipynb?{query}",
                                         ".widget-text input"),
            "Step 2 page (sample)": (
                f"{base}/voila/render/05-step2.ipynb?assessment=sample&party=A&{query}",
                ".pimw-answer-A textarea"),
        }
        times: dict[str, list[float]] = {name: [] for name in targets}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=CHROMIUM_ARGS)
            _first_widget_seconds(browser, *targets["bare one-widget notebook"])  # warm-up
            for _ in range(runs):
                for name, (page_url, selector) in targets.items():
                    times[name].append(_first_widget_seconds(browser, page_url, selector))
            browser.close()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        print("Voila, time to first interactive widget (median of "
              f"{runs}, headless Chromium):")
        medians = {name: statistics.median(t) for name, t in times.items()}
        for name, value in medians.items():
            print(f"  {name:<28} {value:6.2f} s   (runs: "
                  + ", ".join(f"{t:.2f}" for t in times[name]) + ")")
        ratio = medians["Step 2 page (sample)"] / medians["bare one-widget notebook"]
        print(f"  ratio Step 2 / bare          {ratio:6.2f}x   (target <= 1.3x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def bench_write(samples: int = 200) -> None:
    from pim_workbook.app.session import Session
    from pim_workbook.app.widgets.question import question_card
    from pim_workbook.sample.assessment import build_sample
    from pim_workbook.store.core import Store

    work = Path(tempfile.mkdtemp(prefix="pimw-bench-"))
    try:
        store = Store(work / "w.sqlite")
        build_sample(store)
        session = Session(store, "sample", party="A", actor="bench")
        card = question_card(session, store.content.question("E2.Q1"))
        box = next(x for x in _walk(card) if "pimw-answer-A" in getattr(x, "_dom_classes", ()))
        reader = Store(work / "w.sqlite")
        widget, bare = [], []
        for i in range(samples):
            start = time.perf_counter()
            box.value = f"answer {i}"
            widget.append(time.perf_counter() - start)
            assert reader.unit("sample", "answers/E2.Q1/parties/A")[0] == f"answer {i}"
            start = time.perf_counter()
            store.set("sample", "arrangement/channel", f"channel {i}", actor="bench")
            bare.append(time.perf_counter() - start)
        w_ms, b_ms = statistics.median(widget) * 1e3, statistics.median(bare) * 1e3
        print(f"Widget change to committed row (median of {samples}, including the redraw):")
        print(f"  widget change                {w_ms:6.2f} ms   (target < 20 ms)")
        print(f"  bare store write             {b_ms:6.2f} ms   (ratio {w_ms / b_ms:.1f}x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


def bench_import(runs: int = 7) -> None:
    def timed(code: str) -> float:
        values = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            values.append(time.perf_counter() - start)
        return statistics.median(values)

    bare = timed("pass")
    package = timed("import pim_workbook")
    print(f"import pim_workbook (median of {runs} fresh interpreters):")
    print(f"  python -c pass               {bare:6.3f} s")
    print(f"  python -c 'import pim_workbook' {package:6.3f} s   "
          f"(import itself {package - bare:.3f} s; target < 0.3 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads per page")
    args = parser.parse_args()
    bench_import()
    bench_write()
    bench_voila(args.runs)


if __name__ == "__main__":
    main()
