"""Fault injection on the workbook: what is kept when things go wrong, with a target each.

1. Concurrent writers on one SQLite store: 8 processes writing different answers, and 4
   processes writing the same answer (last writer wins, every write kept in the history).
2. A writer killed with ``kill -9`` mid-burst: no acknowledged write is missing, and
   ``PRAGMA integrity_check`` says ok.
3. A page's kernel killed (SIGKILL) while a partner types in headless Chromium: seconds to
   the lock overlay, and characters typed against characters stored after "Put it back".
4. Kernels alive after 20 pages were opened and closed, once the orphan timeout has passed.
5. 20 requests with a bogus link key: each answered "Link not valid" (HTTP 403) without a
   kernel, and no kernel alive right after or 10 s later.
   Kernels are counted as the server's kernel processes: Voila serves no list of kernels.

Writers report each committed write to this process through a pipe before making the next,
so a kill at any moment cannot hide an acknowledged write. Everything runs in a temporary
folder with its own store and server, removed at the end.

Run: ``python benchmarks/fault_injection.py [--quick] [--seconds S]`` (needs
/usr/bin/chromium). Exits non-zero when a target is missed.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from pim_workbook.errors import StoreError
from pim_workbook.store.core import Store

CLI = [sys.executable, "-m", "pim_workbook.cli"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ACTOR = "fault injection"
WAIT_MS = 60_000
CHECK_INTERVAL_S = 10  # how often the server's kernel manager looks for orphans (its default)
QUICK_CHECK_S = 1  # ... in a quick run, set as an operator would, in voila.json


# -- the table ---------------------------------------------------------------------------
@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    passed: bool | None = None  # None: shown for context, without a target


@dataclass
class Report:
    """Figures grouped by section, printed as one table at the end (even after an error)."""

    sections: list[tuple[str, list[Row]]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def section(self, title: str) -> None:
        self.sections.append((title, []))
        print(f"... {time.monotonic() - self.started:5.1f} s  {title}", file=sys.stderr,
              flush=True)

    def add(self, figure: str, value: Any, target: str = "", passed: bool | None = None
            ) -> None:
        self.sections[-1][1].append(Row(figure, str(value), target, passed))

    @property
    def failed(self) -> list[Row]:
        return [row for _, rows in self.sections for row in rows if row.passed is False]

    def print(self, heading: str) -> None:
        print(heading)
        print(f"  {'figure':<62} {'value':>10}  {'target':<12} result")
        for title, rows in self.sections:
            print(title)
            for row in rows:
                result = {True: "PASS", False: "FAIL", None: ""}[row.passed]
                print(f"  {row.figure:<62} {row.value:>10}  {row.target:<12} {result}".rstrip())


# -- 1 and 2: writers on one store -------------------------------------------------------
@dataclass
class Writes:
    """What one writer process did: its attempts, and the texts the store acknowledged."""

    acknowledged: list[str] = field(default_factory=list)
    attempted: int | None = None  # unknown when the writer was killed


def _writer(conn: Connection, go: Any, db: str, aid: str, qid: str, party: str, tag: str,
            seconds: float) -> None:
    """Write distinct answers for ``seconds``; each text goes down the pipe once committed
    and before the next write starts, so whatever kills this process, the parent knows every
    write the store acknowledged."""
    with Store(db) as store:
        conn.send("ready")
        go.wait()
        deadline = time.monotonic() + seconds
        attempted = 0
        while time.monotonic() < deadline:
            attempted += 1
            text = f"{tag} {attempted}"
            try:
                store.answer(aid, qid, party, text, actor=ACTOR)
            except (StoreError, sqlite3.Error):
                continue  # refused with an error the writer saw: not acknowledged
            conn.send(text)
    conn.send(("done", attempted))


@dataclass
class Burst:
    """Writer processes started together on one store, each on its (question, party).

    They are forked, so each starts with the package already imported and its content
    loaded (only this script's main thread exists then: no browser, no server yet)."""

    db: Path
    aid: str
    targets: list[tuple[str, str, str]]  # (question, party, tag) per writer
    seconds: float
    ctx: Any = field(default_factory=lambda: multiprocessing.get_context("fork"))
    writes: dict[Connection, Writes] = field(default_factory=dict)
    procs: list[Any] = field(default_factory=list)

    def start(self) -> None:
        """Start every writer, wait until each has opened the store, then let all go."""
        go = self.ctx.Event()
        for qid, party, tag in self.targets:
            parent, child = self.ctx.Pipe(duplex=False)
            proc = self.ctx.Process(target=_writer, args=(child, go, str(self.db), self.aid,
                                                          qid, party, tag, self.seconds),
                                    daemon=True)  # ended with this script, however it ends
            proc.start()
            child.close()
            self.procs.append(proc)
            self.writes[parent] = Writes()
        for conn in self.writes:
            if conn.recv() != "ready":
                raise RuntimeError("a writer did not start")
        go.set()

    def drain(self, until: Callable[[], bool] = lambda: False) -> None:
        """Read the writers' reports until every pipe is closed, or ``until()`` holds."""
        open_ = set(self.writes)
        while open_ and not until():
            for conn in wait(list(open_), timeout=0.05):
                try:
                    message = conn.recv()
                except (EOFError, OSError):  # closed, or cut mid-message by a kill
                    open_.discard(conn)
                    continue
                if isinstance(message, tuple):
                    self.writes[conn].attempted = message[1]
                else:
                    self.writes[conn].acknowledged.append(message)

    def join(self) -> None:
        for proc in self.procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.kill()
                proc.join()


def _history(db: Path, aid: str) -> dict[str, list[Any]]:
    """Each path's values in the history, oldest first, read by a fresh connection."""
    values: dict[str, list[Any]] = collections.defaultdict(list)
    with Store(db) as store:
        for change in store.history(aid):
            values[change.path].append(change.new)
    return values


def _new_assessment(db: Path, title: str) -> str:
    with Store(db) as store:
        aid = store.create(title, actor=ACTOR)
        store.add_party(aid, "Helping Hands", "provider", actor=ACTOR)
        store.add_party(aid, "Protection Cluster", "recipient", actor=ACTOR)
        return aid


def concurrent_writers(report: Report, db: Path, seconds: float) -> None:
    with Store(db) as store:
        questions = [q.id for q in store.content.questions()][:4]
    aid = _new_assessment(db, "Concurrent writers")

    report.section(f"1a. 8 writer processes x {seconds:g} s, each its own answer, one store")
    targets = [(qid, party, f"{qid}/{party}") for qid in questions for party in "AB"]
    burst = Burst(db, aid, targets, seconds)
    burst.start()
    burst.drain()
    burst.join()
    history = _history(db, aid)
    attempted = acknowledged = committed = lost = 0
    last_kept = 0
    for (qid, party, _), writes in zip(targets, burst.writes.values(), strict=True):
        kept = history[f"answers/{qid}/parties/{party}"]
        attempted += writes.attempted or 0
        acknowledged += len(writes.acknowledged)
        committed += len(kept)
        lost += len(set(writes.acknowledged) - set(kept))
        last_kept += bool(kept and writes.acknowledged) and kept[-1] == writes.acknowledged[-1]
    report.add("writes attempted", attempted)
    report.add("writes refused with an error (not acknowledged)", attempted - acknowledged)
    report.add("writes acknowledged (committed)", acknowledged)
    report.add("rows in the history afterwards", committed, f"= {acknowledged}",
               committed == acknowledged)
    report.add("acknowledged writes lost", lost, "0", lost == 0)
    report.add("writers whose last write is the stored answer", f"{last_kept}/8", "8/8",
               last_kept == 8)
    report.add("commits per second, all writers", f"{acknowledged / seconds:.0f}")

    report.section(f"1b. 4 writer processes x {seconds:g} s, all on the same answer")
    qid, party = questions[0], "A"
    path = f"answers/{qid}/parties/{party}"
    before = len(_history(db, aid)[path])
    burst = Burst(db, aid, [(qid, party, f"same/{n}") for n in range(4)], seconds)
    burst.start()
    burst.drain()
    burst.join()
    kept = _history(db, aid)[path][before:]
    acked = [text for writes in burst.writes.values() for text in writes.acknowledged]
    attempted = sum(writes.attempted or 0 for writes in burst.writes.values())
    lost = len(set(acked) - set(kept))
    with Store(db) as store:
        stored = store.unit(aid, path)[0]
    report.add("writes attempted", attempted)
    report.add("writes acknowledged (committed)", len(acked))
    report.add("rows in the history afterwards", len(kept), f"= {len(acked)}",
               len(kept) == len(acked))
    report.add("acknowledged writes lost", lost, "0", lost == 0)
    wins = bool(kept) and stored == kept[-1] and stored in acked
    report.add("stored answer = the last write in the history", "yes" if wins else "no",
               "yes", wins)


def killed_writer(report: Report, db: Path, rounds: int) -> None:
    report.section(f"2. A writer killed with kill -9 mid-burst ({rounds} rounds)")
    aid = _new_assessment(db, "Killed writer")
    per_round: list[int] = []
    acked: list[str] = []
    checks: list[str] = []
    for n in range(rounds):
        burst = Burst(db, aid, [("E1.Q1", "B", f"kill/{n}")], seconds=3600)
        burst.start()
        writes = next(iter(burst.writes.values()))
        burst.drain(until=lambda writes=writes: bool(writes.acknowledged))
        stop = time.monotonic() + random.uniform(0.3, 1.2)
        burst.drain(until=lambda stop=stop: time.monotonic() > stop)
        os.kill(burst.procs[0].pid, signal.SIGKILL)
        burst.drain()  # what was sent before the kill
        burst.join()
        per_round.append(len(writes.acknowledged))
        acked += writes.acknowledged
        with closing(sqlite3.connect(db)) as check:  # the first opener after the kill
            checks.append(check.execute("PRAGMA integrity_check").fetchone()[0])
    kept = _history(db, aid)["answers/E1.Q1/parties/B"]
    lost = len(set(acked) - set(kept))
    report.add("writes acknowledged before the kill (all rounds)", len(acked))
    report.add("writes acknowledged per round (median)", f"{statistics.median(per_round):g}")
    report.add("committed but killed before acknowledging (all rounds)",
               len(set(kept) - set(acked)))
    report.add("acknowledged writes lost", lost, "0", lost == 0)
    ok = sum(result == "ok" for result in checks)
    report.add("PRAGMA integrity_check ok after each kill", f"{ok}/{rounds}", f"{rounds}/{rounds}",
               ok == rounds)


# -- 3, 4 and 5: a served workbook -------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernel_pids(folder: Path, kernel_id: str = "") -> list[int]:
    """The kernel processes whose connection file is in ``folder`` (all, or one kernel's),
    read from /proc: a server's own kernels, even once it has ended."""
    marker = f"{folder}/".encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
        except OSError:
            continue  # not a process, or one that ended meanwhile
        if b"ipykernel_launcher" in command and marker in command \
                and kernel_id.encode() in command:
            found.append(int(proc.name))
    return found


class Server:
    """`pim-workbook serve` on the sample, in its own folder; ``url`` is the link it prints."""

    def __init__(self, folder: Path, *options: str, check_interval: float | None = None
                 ) -> None:
        self.tmp = folder / "tmp"  # Voila's kernel connection files go here
        self.tmp.mkdir()
        self.env = {**os.environ, "PIM_WORKBOOK_DB": str(folder / "w.sqlite"),
                    "PIM_WORKBOOK_EXPORTS": str(folder / "exports"),
                    "PIM_WORKBOOK_ACTOR": ACTOR, "TMPDIR": str(self.tmp)}
        self.check_interval = check_interval or CHECK_INTERVAL_S
        if check_interval:
            config = folder / "jupyter-config"
            config.mkdir()
            (config / "voila.json").write_text(json.dumps(
                {"WorkbookKernelManager": {"check_interval": check_interval}}))
            self.env["JUPYTER_CONFIG_DIR"] = str(config)
        self.options = options
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.log: collections.deque[str] = collections.deque(maxlen=40)

    def cli(self, *args: str) -> str:
        return subprocess.run([*CLI, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout

    def start(self) -> None:
        self.cli("sample")
        self.proc = subprocess.Popen(
            [*CLI, "serve", "--port", str(_free_port()), *self.options], env=self.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        assert self.proc.stdout is not None
        match = re.search(r"(http://\S+)", self.proc.stdout.readline())
        if not match:
            raise RuntimeError("serve printed no URL")
        self.url = match.group(1)
        # keep reading the log, or a full pipe would stall the server
        threading.Thread(target=self.log.extend, args=(self.proc.stdout,), daemon=True).start()
        deadline = time.monotonic() + 90
        while self.get(self.url)[0] != 200:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the server did not start:\n" + "".join(self.log))
            time.sleep(0.5)

    @property
    def base(self) -> str:
        return self.url.split("/voila/")[0]

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]

    @property
    def key(self) -> str:
        return parse_qs(urlsplit(self.url).query)["key"][0]

    def page_url(self, notebook: str, **query: str) -> str:
        params = {"key": self.key, **query, "token": self.token}
        return f"{self.base}/voila/render/{notebook}?{urlencode(params)}"

    @staticmethod
    def get(url: str) -> tuple[int, str]:
        """A plain GET that never opens the page's kernel connection: a tab closed at once."""
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except urllib.error.URLError:
            return 0, ""

    def kernels(self) -> set[int]:
        """The kernels alive, as the server's kernel processes (Voila serves no list of
        kernels at /api/kernels): a kernel that was ended has no process left."""
        assert self.proc is not None
        if self.proc.poll() is not None:  # no kernel left because there is no server
            raise RuntimeError(f"the server ended (exit code {self.proc.returncode})")
        return set(_kernel_pids(self.tmp))

    def kill_kernel(self, kernel_id: str) -> None:
        """What a crash does to a page's kernel: its process dies at once."""
        pids = _kernel_pids(self.tmp, kernel_id)
        if not pids:
            raise RuntimeError(f"no process for kernel {kernel_id}")
        for pid in pids:
            os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop the server, then any kernel process of it that outlived it."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for pid in _kernel_pids(self.tmp):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue  # ended meanwhile


def _stored(server: Server, qid: str, party: str) -> str:
    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        answer = store.get("sample").answers.get(qid)
    return answer.parties.get(party, "") if answer else ""


def _wait_stored(server: Server, qid: str, party: str, text: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while (found := _stored(server, qid, party)) != text and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _same_start(typed: str, stored: str) -> int:
    """How many characters of ``typed`` the ``stored`` text holds, from the start."""
    return next((i for i, (a, b) in enumerate(zip(typed, stored, strict=False))
                 if a != b),
                min(len(typed), len(stored)))


def _kernel_of(page: Any) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                         ".textContent).kernelId")


def killed_kernel(report: Report, server: Server, browser: Any, rounds: int) -> None:
    report.section(f"3. A page kernel killed mid-typing (Chromium, Step 1, party B; "
                   f"{rounds} round{'s' * (rounds > 1)})")
    link = server.cli("invite", "sample", "--party", "B").strip()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(link.replace("01-start", "04-step1"))
    page.wait_for_selector(".pimw-question", timeout=WAIT_MS)
    to_overlay: list[float] = []
    typed = stored = lost = 0
    for n in range(rounds):
        qid = f"E1.Q{n % 4 + 1}"
        page.locator(f".pimw-tab-{qid.split('.')[1].lower()}").click()  # the question's tab
        box = page.locator(".pimw-card", has_text=qid).locator(".pimw-answer-B textarea")
        box.fill("")
        saved = f"Round {n}: saved at a pause."
        box.press_sequentially(saved, delay=20)
        _wait_stored(server, qid, "B", saved)
        burst = " Then typed on while the kernel died, and a little after it."
        split = len(burst) * 3 // 5  # the kernel dies 60 % of the way through the burst
        box.press_sequentially(burst[:split], delay=25)
        server.kill_kernel(_kernel_of(page))
        killed = time.monotonic()
        box.press_sequentially(burst[split:], delay=25)  # typing goes on meanwhile
        page.locator("#pimw-lost").wait_for(state="visible", timeout=30_000)
        to_overlay.append(time.monotonic() - killed)
        text = saved + burst
        page.get_by_role("button", name="Reload the page").click()
        page.locator("#pimw-restore").wait_for(state="visible", timeout=WAIT_MS)
        page.get_by_role("button", name="Put it back").click()
        found = _wait_stored(server, qid, "B", text)
        typed += len(text)
        stored += len(found)
        lost += len(text) - _same_start(text, found)
    context.close()
    worst = max(to_overlay)
    report.add(f"seconds from the kill to the lock overlay (median of {rounds})",
               f"{statistics.median(to_overlay):.1f}", "<= 5 s", worst <= 5)
    if rounds > 1:
        report.add("  slowest", f"{worst:.1f}")
    report.add("characters typed", typed)
    report.add('characters stored after reload and "Put it back"', stored)
    report.add("characters lost", lost, "0", lost == 0)


def _wait_kernels(server: Server, counted: Callable[[set[int]], int], deadline: float) -> int:
    """Poll until no kernel is counted or the ``deadline`` (monotonic) passes; the count."""
    while (count := counted(server.kernels())) and time.monotonic() < deadline:
        time.sleep(0.5)
    return count


def closed_pages(report: Report, server: Server, browser: Any, pages: int, in_browser: int,
                 orphan_timeout: float) -> None:
    report.section(f"4. Kernels after {pages} pages opened and closed ({pages - in_browser} "
                   f"never connected, {in_browser} closed in Chromium)")
    with ThreadPoolExecutor(4) as pool:  # the plain GETs, while Chromium opens its pages
        gets = pool.map(lambda _: server.get(server.page_url("index.ipynb"))[0],
                        range(pages - in_browser))
        for _ in range(in_browser):
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.page_url("01-start.ipynb", assessment="sample"))
            page.wait_for_selector(".pimw-page", timeout=WAIT_MS)
            context.close()
        statuses = list(gets)
    closed = time.monotonic()
    served = statuses.count(200) + in_browser
    report.add("pages served (HTTP 200)", f"{served}/{pages}", f"{pages}/{pages}",
               served == pages)
    report.add("kernels alive with the pages just closed", len(server.kernels()))
    time.sleep(max(0.0, closed + orphan_timeout - time.monotonic()))
    count = _wait_kernels(server, len, time.monotonic() + 2 * server.check_interval + 10)
    after = time.monotonic() - closed
    report.add(f"kernels alive {after:.0f} s after closing (orphan timeout {orphan_timeout:g} s)",
               count, "0 (no pool)", count == 0)


def bogus_keys(report: Report, server: Server, requests: int) -> None:
    report.section(f"5. Kernels after {requests} requests with a bogus link key")
    before = server.kernels()
    url = server.page_url("index.ipynb", key="bogus.x")
    with ThreadPoolExecutor(5) as pool:
        pages = list(pool.map(lambda _: server.get(url), range(requests)))
    answered = time.monotonic()
    refused = sum(1 for status, html in pages if status == 403 and "Link not valid" in html
                  and '"kernelId"' not in html)
    report.add("refused with a plain page, no kernel (HTTP 403)", f"{refused}/{requests}",
               f"{requests}/{requests}", refused == requests)
    right_after = len(server.kernels() - before)
    report.add("kernels alive right after", right_after, "0", right_after == 0)
    count = _wait_kernels(server, lambda alive: len(alive - before), answered + 10)
    elapsed = time.monotonic() - answered
    report.add(f"kernels alive {elapsed:.0f} s after (within 10 s)", count, "0",
               count == 0 and elapsed <= 10.5)


@contextmanager
def _served(folder: Path, orphan_timeout: float | None) -> Iterator[Server]:
    # no preheated pool: every kernel counted is one a page (or a plain GET) started
    options = ("--pool-size", "0") + (
        ("--orphan-timeout", f"{orphan_timeout:g}") if orphan_timeout else ())
    server = Server(folder, *options, check_interval=QUICK_CHECK_S if orphan_timeout else None)
    try:
        server.start()
        yield server
    except BaseException:
        print("".join(server.log)[-4000:], file=sys.stderr)
        raise
    finally:
        server.stop()


def _terminated(signum: int, _frame: Any) -> None:
    """A run stopped with SIGTERM (a CI timeout, say) still stops its server and kernels
    and removes its folder: the ``finally`` blocks run on the way out."""
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run of about a minute: short bursts, fewer pages")
    parser.add_argument("--seconds", type=float, help="seconds each writer writes "
                        "(default 20, or 2.5 with --quick)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _terminated)
    seconds = args.seconds or (2.5 if args.quick else 20.0)
    orphan_timeout = 8.0 if args.quick else 120.0  # the server's default in a full run
    report = Report()
    work = Path(tempfile.mkdtemp(prefix="pimw-faults-"))
    code = 0
    try:
        concurrent_writers(report, work / "writers.sqlite", seconds)
        killed_writer(report, work / "killed.sqlite", 3 if args.quick else 10)
        from playwright.sync_api import sync_playwright

        (work / "served").mkdir()
        with _served(work / "served", orphan_timeout if args.quick else None) as server, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                killed_kernel(report, server, browser, 1 if args.quick else 3)
                closed_pages(report, server, browser, 6 if args.quick else 20,
                             2 if args.quick else 3, orphan_timeout)
            finally:
                browser.close()
            bogus_keys(report, server, 10 if args.quick else 20)
    except Exception:
        traceback.print_exc()
        code = 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mode = "quick" if args.quick else "full"
    report.print(f"Fault injection ({mode} run, writers {seconds:g} s, {os.cpu_count()} cores, "
                 f"{time.monotonic() - report.started:.0f} s in all)")
    if report.failed:
        print(f"{len(report.failed)} target(s) missed")
        code = code or 1
    return code


if __name__ == "__main__":
    sys.exit(main())
