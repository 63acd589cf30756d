"""Load on a shared store: many partners answering at once, on SQLite and on PostgreSQL.

N simulated partners (threads), each on an assessment of its own with two parties, write
an answer every 2-5 s (uniformly at random, fixed seed) through a pool of open stores
(at most ``--pool`` connections: PostgreSQL's default allows 100). Each write is one
``Store.set``: one transaction and its history row. Printed per store and N: writes per
second, median and 99th-percentile commit latency, and lost writes — every write is
checked afterwards: each assessment's history must hold every value written, in order,
and the stored answer must be the last one (target: 0 lost everywhere; 99th percentile
under 50 ms at N = 200 on PostgreSQL).

With ``--browser`` (the default unless ``--quick``), at N = 50 a real page is open too:
``pim-workbook serve`` on the same store, party B's Step 1 of the sample in headless
Chromium, while party A's answer is written through the store as another server would;
printed: the time until the page shows it (target: the page's refresh interval + 1 s).

PostgreSQL: ``--postgresql ADDRESS``, else a throw-away cluster started for the run (the
tests' ``tests/pg_cluster.py``; Debian's PostgreSQL). Run:
``python benchmarks/bench_store_load.py [--clients 10,50,200] [--seconds 30] [--quick]``
(``--quick``: N = 10 for 8 s on each store, no browser: well under a minute).
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pim_workbook.app.session import REFRESH_MS
from pim_workbook.sample.assessment import build_sample
from pim_workbook.store.core import Store

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "answers/E1.Q2/parties/A"
TARGET_P99_MS = 50.0


class Pool:
    """At most ``size`` open stores, lent to one writer at a time."""

    def __init__(self, address: str, size: int) -> None:
        self._free: queue.Queue[Store] = queue.Queue()
        for _ in range(size):
            self._free.put(Store(address))

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = self._free.get()
        try:
            yield store
        finally:
            self._free.put(store)

    def close(self) -> None:
        while not self._free.empty():
            self._free.get().close()


def run_load(address: str, clients: int, seconds: float, pool_size: int,
             seed: int) -> dict[str, float]:
    """``clients`` partners writing for ``seconds``; the figures and the writes lost."""
    with Store(address) as setup:
        aids = []
        for i in range(clients):
            aid = setup.create(f"Load {clients}-{i}", actor="bench")
            setup.add_party(aid, "Provider", "provider", actor="bench")
            setup.add_party(aid, "Recipient", "recipient", actor="bench")
            aids.append(aid)
    pool = Pool(address, min(pool_size, clients))
    latencies: list[float] = []
    written: dict[str, list[str]] = {aid: [] for aid in aids}
    failures: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def partner(aid: str, rng: random.Random) -> None:
        time.sleep(rng.uniform(0, 2))  # partners do not all start on the same second
        n = 0
        while time.monotonic() < stop:
            value = f"{aid} answer {n}"
            try:
                with pool.store() as store:
                    start = time.perf_counter()
                    store.set(aid, QUESTION, value, actor="partner", party="A")
                    took = time.perf_counter() - start
            except Exception as exc:  # a failed write is a lost one: say why, go on
                with lock:
                    failures.append(f"{aid}: {exc}")
            else:
                with lock:
                    latencies.append(took)
                    written[aid].append(value)
            n += 1
            time.sleep(rng.uniform(2, 5))

    master = random.Random(seed)
    threads = [threading.Thread(target=partner, args=(aid, random.Random(master.random())))
               for aid in aids]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    pool.close()
    lost = len(failures)
    with Store(address) as check:
        for aid, values in written.items():
            kept = [c.new for c in check.history(aid) if c.path == QUESTION]
            lost += sum(1 for v in values if v not in kept) + (kept != values)
            if values and check.unit(aid, QUESTION)[0] != values[-1]:
                lost += 1
    ordered = sorted(latencies)
    return {"writes": len(latencies), "per_second": len(latencies) / elapsed,
            "median_ms": 1000 * statistics.median(ordered) if ordered else float("nan"),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
            if ordered else float("nan"), "lost": lost, "failures": len(failures)}


@contextmanager
def served(address: str, folder: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``pim-workbook serve`` on ``address`` (no preheating); its facilitator link."""
    env = {**os.environ, "PIM_WORKBOOK_DB": address, "PIM_WORKBOOK_ACTOR": "bench",
           "PIM_WORKBOOK_EXPORTS": str(folder / "exports")}
    log = folder / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pim_workbook.cli", "serve", "--port",
                                 str(_port()), "--pool-size", "0"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not (found := re.search(r"(http://\S+)", log.read_text())):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        url = found.group(1)
        tree = f"{url.split('/voila/')[0]}/?{url.split('&')[-1]}"  # starts no kernel
        while True:
            try:
                urllib.request.urlopen(tree, timeout=5).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def _port() -> int:
    """A port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def time_to_other_browser(address: str, folder: Path, tries: int = 5) -> list[float]:
    """Seconds from party A's answer committed (through the store, as another server would
    write it) to party B's open page showing it; ``tries`` answers."""
    from playwright.sync_api import sync_playwright

    with Store(address) as store:
        if not store.exists("sample"):
            build_sample(store)
    seen = []
    with served(address, folder) as (url, _proc), sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto(url.replace("index.ipynb", "04-step1.ipynb") + "&assessment=sample&party=B",
                  timeout=180_000)
        page.locator(".pimw-tab", has_text="Q2").first.click()
        box = page.locator(".pimw-card", has_text="E1.Q2").locator(".pimw-answer-A textarea")
        box.wait_for(timeout=180_000)
        with Store(address) as store:
            for i in range(tries):
                text = f"Written elsewhere {i} {time.time():.3f}"
                store.set("sample", QUESTION, text, actor="elsewhere", party="A")
                start = time.monotonic()
                while box.input_value() != text:
                    page.wait_for_timeout(50)
                    assert time.monotonic() - start < 60, "the answer never arrived"
                seen.append(time.monotonic() - start)
        browser.close()
    return seen


def start_cluster() -> tuple[Any, str]:
    """A throw-away PostgreSQL cluster, as the tests start one, and a database in it."""
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_cluster import Cluster  # type: ignore[import-not-found]

    cluster = Cluster.start()
    return cluster, cluster.create_database("load")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="10,50,200", help="N partners, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long each load runs")
    parser.add_argument("--pool", type=int, default=40, help="connections at most")
    parser.add_argument("--postgresql", metavar="ADDRESS",
                        help="a PostgreSQL database to use (default: a throw-away cluster)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true",
                        help="N = 10 for 8 s on each store, no browser")
    args = parser.parse_args()
    clients = [10] if args.quick else [int(n) for n in args.clients.split(",")]
    seconds = 8.0 if args.quick else args.seconds
    work = Path(tempfile.mkdtemp(prefix="pimw-bench-load-"))
    cluster = None
    try:
        address = args.postgresql
        if address is None:
            cluster, address = start_cluster()
        stores = {"SQLite": str(work / "load.sqlite"), "PostgreSQL": address}
        print(f"Partners writing every 2-5 s for {seconds:g} s, through at most "
              f"{args.pool} connections (one transaction and a history row per write)")
        print(f"{'store':<11} {'N':>4} {'writes':>7} {'writes/s':>9} {'median ms':>10} "
              f"{'p99 ms':>8} {'lost':>5}")
        worst_lost = 0
        for name, where in stores.items():
            for n in clients:
                r = run_load(where, n, seconds, args.pool, args.seed)
                worst_lost = max(worst_lost, int(r["lost"]))
                print(f"{name:<11} {n:>4} {r['writes']:>7.0f} {r['per_second']:>9.1f} "
                      f"{r['median_ms']:>10.1f} {r['p99_ms']:>8.1f} {r['lost']:>5.0f}")
                if name == "PostgreSQL" and n == max(clients):
                    met = r["p99_ms"] < TARGET_P99_MS
                    print(f"  target: p99 < {TARGET_P99_MS:g} ms at N = {n}: "
                          f"{'met' if met else 'not met'}")
        print(f"lost writes: {worst_lost} (target 0)")
        if not args.quick:
            background = threading.Thread(target=run_load,
                                          args=(address, 50, 40.0, args.pool, args.seed))
            background.start()  # N = 50 partners keep writing meanwhile
            seen = time_to_other_browser(address, work)
            background.join()
            print(f"An answer reaching another partner's open page (PostgreSQL, N = 50 "
                  f"writing): median {statistics.median(seen):.2f} s, worst {max(seen):.2f} s "
                  f"(target <= {REFRESH_MS / 1000 + 1:.1f} s: refresh {REFRESH_MS / 1000:g} s "
                  "+ 1 s)")
        return 1 if worst_lost else 0
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
