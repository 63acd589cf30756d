"""Benchmarks of the served workbook, each against a target or a baseline of the same run.

1. What a page costs on the network (headless Chromium, cold cache): bytes and requests of
   a first Step page, then of a second one in the same browser (warm cache). Targets: at
   most 1.5 MB and 150 KB. HTTP responses count as DevTools reports them
   (``encodedDataLength``: headers and body as transferred); WebSocket frames, which
   DevTools reports inflated, count deflated as permessage-deflate sends them (Tornado's
   zlib settings, replayed on the same frames) plus their frame headers.
2. Time until Step 1 is usable on a slow link (Chromium's emulation: 400 kbit/s both ways,
   300 ms latency, cold cache): a party's answer box enabled, then a typed answer saved
   (the store holds it). Target: usable within 40 s.
3. The time to the first interactive widget: the Step 2 page (on the sample) served by a
   preheated kernel (serve's default pool) against a bare one-widget notebook served by
   Voila as it comes (its own front end, no pool), warm cache, median of N loads each
   (target: at most 0.5x). Beside them: the bare notebook served by the workbook with and
   without a pool (the pages' front end, with and without a kernel to wait for) and the
   Step 2 page without a pool. And what a kernel costs in memory.
4. The time from a widget change to the answer's row being committed in the store
   (target < 20 ms), against a bare store write.
5. ``import pim_workbook`` (target < 0.3 s), against a bare interpreter start.

Run: ``python benchmarks/bench_workbook.py [--runs N] [--quick]`` (needs /usr/bin/chromium;
``--quick``: a smoke run of about a minute: one load each of the bare notebook and the
preheated English Step 2, no slow link, no other languages, no own-kernel Step 2).
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SLOW_LINK = {"offline": False, "latency": 300, "downloadThroughput": 400_000 / 8,
             "uploadThroughput": 400_000 / 8}  # 400 kbit/s, 300 ms (DevTools' units: B/s)
WAIT_MS = 180_000  # the longest a page may take to show what a measure waits for
ANSWER_A = ".pimw-answer-A textarea"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """`pim-workbook serve` on a folder of notebooks: its link, its log, its kernels."""

    def __init__(self, url: str, pid: int, log: Path) -> None:
        self.url, self.pid, self.log = url, pid, log

    def kernels(self) -> list[int]:
        """The server's kernel processes (Voila lists no kernels over HTTP)."""
        found = []
        for proc in Path("/proc").iterdir():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                if int(stat[1]) == self.pid and b"ipykernel" in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except (OSError, ValueError):
                continue  # not a process, or one that ended meanwhile
        return found

    def _cpu(self, pid: int) -> float:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    def quiet(self, kernels: int = 0) -> None:
        """Wait until at least ``kernels`` kernels run and none has used more than a tenth
        of a CPU for a second: a preheated kernel has then reached its wait for a page."""
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pids = self.kernels()
            before = {pid: self._cpu(pid) for pid in pids}
            time.sleep(1)
            if len(pids) >= kernels and all(self._cpu(pid) - cpu < 0.1
                                            for pid, cpu in before.items()):
                return
        raise RuntimeError("the server's kernels did not settle within 3 minutes")

    def rss_mb(self) -> list[float]:
        """The resident memory of each kernel, in MB."""
        sizes = []
        for pid in self.kernels():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            sizes += [int(line.split()[1]) / 1024 for line in status.splitlines()
                      if line.startswith("VmRSS:")]
        return sizes

    def preheated(self, notebook: str) -> list[str]:
        """The kernels Voila took from ``notebook``'s pool so far, from its log."""
        return re.findall(rf"Using pre-heated kernel: ([0-9a-f-]{{36}}) for {notebook}",
                          self.log.read_text())

    def ready(self, notebook: str) -> None:
        """Wait until ``notebook``'s pool, if it has one, holds a kernel again and the
        kernels are quiet: a preheated kernel has then reached its wait for a page."""
        deadline = time.monotonic() + 180
        while "Kernel pool of" in self.log.read_text() and self.log.read_text().count(
                f"Kernel pool of {notebook} is filled") <= len(self.preheated(notebook)):
            assert time.monotonic() < deadline, f"no preheated kernel for {notebook}"
            time.sleep(0.5)
        self.quiet()


@contextmanager
def _served(notebooks: Path, env: dict[str, str], *runs: tuple[str, ...]) -> Iterator[list[Served]]:
    """The workbook's own serve command on ``notebooks``, once per tuple of options in
    ``runs``, started together, each on a copy of the store of ``env`` (each run of serve
    ends the facilitator link of the one before)."""
    procs = []
    try:
        for options in runs:
            port = _port()
            log = notebooks.parent / f"serve-{port}.log"
            store = notebooks.parent / f"serve-{port}.sqlite"
            shutil.copy(env["PIM_WORKBOOK_DB"], store)
            with log.open("w") as out:
                procs.append((subprocess.Popen(
                    [sys.executable, "-m", "pim_workbook.cli", "serve", "--port", str(port),
                     "--notebooks", str(notebooks), *options],
                    env={**env, "PIM_WORKBOOK_DB": str(store)}, stdout=out,
                    stderr=subprocess.STDOUT, text=True, start_new_session=True), log))
        yield [_listening(proc, log) for proc, log in procs]
    finally:
        for proc, _ in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc, _ in procs:
            proc.wait(timeout=60)


def _listening(proc: subprocess.Popen[str], log: Path, url: str = "") -> Served:
    """``proc``'s server once it answers (``url``: its link, else the one it prints)."""
    deadline = time.monotonic() + 120
    while not url and not (found := re.search(r"(http://\S+)", log.read_text())):
        assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
        time.sleep(0.2)
    url = url or found.group(1)
    tree = f"{url.split('/voila/')[0]}/?{url.split('?')[1].split('&')[-1]}"  # ?token=…
    while True:
        try:  # the tree page: a page of the workbook would start a kernel
            urllib.request.urlopen(tree, timeout=5).close()
            return Served(url, proc.pid, log)
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()
            time.sleep(0.5)


def _page(url: str, notebook: str, **query: str) -> str:
    """The address of ``notebook`` with the link's key and token (``url``: serve's link)."""
    base, link = url.split("/voila/")[0], url.split("?", 1)[1]  # key=…&token=…
    extra = "".join(f"{k}={v}&" for k, v in query.items())
    return f"{base}/voila/render/{notebook}?{extra}{link}"


class Transfer:
    """What one browser tab transfers, from Chromium's DevTools protocol (see item 1)."""

    def __init__(self, context: Any, page: Any) -> None:
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self._deflate: dict[tuple[str, str], Any] = {}  # (socket, direction) → compressor
        self.deflated: set[str] = set()  # sockets that agreed on permessage-deflate
        self._polls: set[str] = set()  # requests of the page's poll of its kernel
        self.cdp.on("Network.requestWillBeSent", self._request)
        self.cdp.on("Network.loadingFinished", self._response)
        self.cdp.on("Network.webSocketHandshakeResponseReceived", self._handshake)
        self.cdp.on("Network.webSocketFrameReceived", lambda e: self._frame(e, "in"))
        self.cdp.on("Network.webSocketFrameSent", lambda e: self._frame(e, "out"))
        self.reset()

    def reset(self) -> None:
        self.http_bytes = self.responses = self.ws_bytes = self.frames = 0
        self.last = time.monotonic()  # of the last transfer other than a poll

    def settle(self, page: Any, quiet_s: float = 2.0) -> None:
        """Wait until nothing but the page's poll of its kernel (part of the cost, every
        1.5 s) has been transferred for ``quiet_s``."""
        while (idle := time.monotonic() - self.last) < quiet_s:
            page.wait_for_timeout((quiet_s - idle) * 1000 + 50)

    @property
    def total(self) -> int:
        return self.http_bytes + self.ws_bytes

    def emulate(self, conditions: dict[str, Any]) -> None:
        self.cdp.send("Network.emulateNetworkConditions", conditions)

    def _request(self, event: dict[str, Any]) -> None:
        if "/api/kernels/" in event["request"]["url"]:
            self._polls.add(event["requestId"])

    def _response(self, event: dict[str, Any]) -> None:
        size = int(event["encodedDataLength"])
        if size:  # 0: served from the browser's cache (or a data: URL), nothing sent
            self.responses += 1
            self.http_bytes += size
            if event["requestId"] not in self._polls:
                self.last = time.monotonic()

    def _handshake(self, event: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        if "permessage-deflate" in headers.get("sec-websocket-extensions", ""):
            self.deflated.add(event["requestId"])

    def _frame(self, event: dict[str, Any], direction: str) -> None:
        frame = event["response"]
        data = (base64.b64decode(frame["payloadData"]) if frame["opcode"] == 2
                else frame["payloadData"].encode())
        if event["requestId"] in self.deflated:  # as Tornado's compressor sends it
            deflate = self._deflate.setdefault((event["requestId"], direction),
                                               zlib.compressobj(6, zlib.DEFLATED, -15, 8))
            data = (deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH))[:-4]
        header = 2 + (2 if len(data) >= 126 else 0) + (6 if len(data) >= 65536 else 0)
        self.frames += 1
        self.ws_bytes += len(data) + header + (4 if direction == "out" else 0)  # mask
        self.last = time.monotonic()

    def line(self, name: str, target_kb: float) -> str:
        return (f"  {name:<28} {self.total / 1024:8.0f} KB (target <= {target_kb:g} KB): "
                f"HTTP {self.http_bytes / 1024:.0f} KB in {self.responses} responses, "
                f"WebSocket {self.ws_bytes / 1024:.0f} KB in {self.frames} frames")


def bench_transfer(url: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    meter = Transfer(context, page)
    print("Network cost of a page (headless Chromium; first: cold cache, second: the same "
          "browser):")
    for name, target, notebook in (("first page (Step 1)", 1536, "04-step1.ipynb"),
                                   ("second page (Step 2)", 150, "05-step2.ipynb")):
        meter.reset()
        page.goto(_page(url, notebook, assessment="sample", party="A"))
        page.wait_for_selector(f"{ANSWER_A}:enabled", timeout=WAIT_MS)
        meter.settle(page)
        print(meter.line(name, target))
    context.close()


def bench_slow_link(url: str, browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    meter = Transfer(context, page)
    meter.emulate(SLOW_LINK)
    start = time.perf_counter()
    page.goto(_page(url, "04-step1.ipynb", assessment="sample", party="A"), timeout=WAIT_MS)
    box = page.locator(f"{ANSWER_A}:enabled").first
    box.wait_for(timeout=WAIT_MS)
    enabled = time.perf_counter() - start
    status = page.locator(".pimw-status span")
    saves = int(status.get_attribute("data-saves") or 0)
    box.fill("Typed on a slow link")
    box.press("Tab")
    page.locator(f'.pimw-status span[data-saves="{saves + 1}"]').wait_for(timeout=WAIT_MS)
    saved = time.perf_counter() - start
    context.close()
    print("Step 1 on a slow link (400 kbit/s, 300 ms latency, cold cache):")
    print(f"  answer box enabled           {enabled:6.1f} s   (target <= 40 s)")
    print(f"  typed answer saved           {saved:6.1f} s   ({meter.total / 1024:.0f} KB "
          "transferred)")


def _first_widget_seconds(context: Any, url: str, selector: str) -> tuple[float, str]:
    """Seconds until ``selector`` is enabled, and the page's kernel."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(f"{selector}:enabled", timeout=WAIT_MS)
    elapsed = time.perf_counter() - start
    kernel = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                           ".textContent).kernelId")
    page.close()
    return elapsed, kernel


def _bare_notebook(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as w\nw.Text(placeholder='one widget')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, folder / "bare.ipynb")


def bench_first_widget(pooled: Served, plain: Served, stock: Served, browser: Any, runs: int,
                       quick: bool) -> None:
    """The pages of ``targets`` in turn, ``runs`` times; before each preheated load, the
    pool's kernel has reached its wait for a page. ``plain``: the workbook without a pool;
    ``stock``: Voila as it comes."""
    step2 = {"assessment": "sample", "party": "A"}
    bare = ".widget-text input"
    targets = {
        "bare notebook, Voila as is": (stock, "bare.ipynb", {}, bare),
        "Step 2, preheated": (pooled, "05-step2.ipynb", step2, ANSWER_A),
        # the least a page of the workbook costs: its front end, no kernel to wait for
        "bare notebook, preheated": (pooled, "bare.ipynb", {}, bare),
        "bare notebook, own kernel": (plain, "bare.ipynb", {}, bare),
    }
    if not quick:  # a quick run leaves the languages to bench_languages' kernel costs
        targets["Step 2, preheated, French"] = (pooled, "05-step2.ipynb",
                                                {**step2, "lang": "fr"}, ANSWER_A)
        targets["Step 2, preheated, Arabic"] = (pooled, "05-step2.ipynb",
                                                {**step2, "lang": "ar"}, ANSWER_A)
        targets["Step 2, own kernel"] = (plain, "05-step2.ipynb", step2, ANSWER_A)
    context = browser.new_context()  # one browser cache, warmed by a first load of each
    for served in (pooled, stock):
        _first_widget_seconds(context, _page(served.url, "bare.ipynb"), bare)
    times: dict[str, list[float]] = {name: [] for name in targets}
    for _ in range(runs):
        for name, (served, notebook, query, selector) in targets.items():
            served.ready(notebook)
            seconds, kernel = _first_widget_seconds(context,
                                                    _page(served.url, notebook, **query),
                                                    selector)
            assert (kernel in served.preheated(notebook)) == (served is pooled), \
                f"{name}: kernel {kernel}\n{served.log.read_text()[-4000:]}"
            times[name].append(seconds)
    context.close()
    print(f"Time to the first interactive widget (median of {runs}, warm cache):")
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, value in medians.items():
        print(f"  {name:<28} {value:6.2f} s   (runs: "
              + ", ".join(f"{t:.2f}" for t in times[name]) + ")")
    stock_s = medians["bare notebook, Voila as is"]
    print(f"  ratio preheated Step 2 / Voila's bare notebook "
          f"{medians['Step 2, preheated'] / stock_s:5.2f}x   (target <= 0.5x)")
    print(f"  ratio preheated bare / Voila's bare notebook  "
          f"{medians['bare notebook, preheated'] / stock_s:5.2f}x   (the pages' front end alone)")
    english = medians["Step 2, preheated"]
    for language in ("French", "Arabic"):
        if f"Step 2, preheated, {language}" in medians:
            print(f"  ratio {language} / English Step 2 "
                  f"{medians[f'Step 2, preheated, {language}'] / english:5.2f}x   "
                  "(target <= 1.15x)")
    if "Step 2, own kernel" in medians:
        print(f"  ratio own-kernel Step 2 / Voila's bare notebook "
              f"{medians['Step 2, own kernel'] / stock_s:4.2f}x")


@contextmanager
def _stock_voila(notebooks: Path, env: dict[str, str]) -> Iterator[Served]:
    """Voila as it comes (its lab template and front end, no pool, no token) on
    ``notebooks``: the baseline of a bare one-widget notebook."""
    port = _port()
    log = notebooks.parent / f"voila-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(notebooks), "--no-browser", f"--port={port}",
             "--token="], env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
    try:
        yield _listening(proc, log, f"http://127.0.0.1:{port}/voila/render/bare.ipynb?token=")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def bench_voila(runs: int, quick: bool) -> None:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="pimw-bench-"))
    try:
        env = {**os.environ, "PIM_WORKBOOK_DB": str(work / "w.sqlite"),
               "PIM_WORKBOOK_ACTOR": "bench"}
        subprocess.run([sys.executable, "-m", "pim_workbook.cli", "sample"], env=env,
                       check=True, capture_output=True)
        folder = work / "notebooks"  # the pages measured: fewer kernels to preheat
        folder.mkdir()
        for name in ("index.ipynb", "04-step1.ipynb", "05-step2.ipynb"):
            shutil.copy(ROOT / "notebooks" / name, folder / name)
        _bare_notebook(folder)
        with sync_playwright() as p, _served(folder, env, (), ("--pool-size", "0")) as (
                pooled, plain), _stock_voila(folder, env) as stock:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=CHROMIUM_ARGS)
            pooled.quiet(kernels=4)
            waiting = pooled.rss_mb()
            print(f"Preheated kernels (serve's default pool, one per notebook): "
                  f"{statistics.median(waiting):.0f} MB each (median of {len(waiting)})")
            bench_transfer(pooled.url, browser)
            if not quick:
                pooled.ready("04-step1.ipynb")
                bench_slow_link(pooled.url, browser)
            bench_first_widget(pooled, plain, stock, browser, runs, quick)
            pages = pooled.rss_mb() + plain.rss_mb()
            print(f"Kernels of the pages opened and of the pools: {statistics.median(pages):.0f}"
                  f" MB each (median of {len(pages)})")
            browser.close()
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


def bench_languages(runs: int = 7) -> None:
    """What a kernel pays once for a language: its catalogue and the framework's translation
    (fresh interpreters, the catalogues compiled as an installed package has them)."""
    code = ("import time; t = time.perf_counter(); from pim_workbook import i18n; "
            "from pim_workbook.content.framework import load_content, localise; "
            "c = load_content(); t = time.perf_counter(); i18n.translations('{0}'); "
            "a = time.perf_counter(); localise(c, '{0}'); b = time.perf_counter(); "
            "print(a - t, b - a)")
    print(f"A language's cost per kernel (median of {runs} fresh interpreters):")
    for language in ("fr", "es", "ar"):
        subprocess.run([sys.executable, "-c", code.format(language)], check=True,
                       capture_output=True)  # the first one compiles a source checkout's .mo
        catalogue, content = [], []
        for _ in range(runs):
            out = subprocess.run([sys.executable, "-c", code.format(language)], check=True,
                                 capture_output=True, text=True).stdout.split()
            catalogue.append(float(out[0]) * 1000)
            content.append(float(out[1]) * 1000)
        print(f"  {language}: catalogue {statistics.median(catalogue):5.1f} ms (target < 50 ms),"
              f" framework translation {statistics.median(content):5.1f} ms")


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
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of about a minute: one load each, English only, "
                             "no slow link, no own-kernel Step 2")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    bench_import(3 if args.quick else 7)
    bench_languages(1 if args.quick else 7)
    bench_write(50 if args.quick else 200)
    bench_voila(runs, args.quick)


if __name__ == "__main__":
    main()
