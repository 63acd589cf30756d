"""Kernels of a served workbook: refused links, closed tabs and the cap on live kernels."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser.conftest import CHROMIUM, CHROMIUM_ARGS, CLI, Server

from pim_workbook.access import create_invite, revoke
from pim_workbook.resources import notebooks_dir
from pim_workbook.server.kernels import BUSY, OwnKernelSpecManager, link_refusal
from pim_workbook.store.connection import DB_ENV
from pim_workbook.store.core import Store
from pim_workbook.training.sessions import join, new_training


# -- without a server ----------------------------------------------------------------------
def test_python3_is_this_interpreter_whatever_kernel_specs_say(tmp_path, monkeypatch):
    stray = tmp_path / "kernels" / "python3"  # another installation's registered kernel
    stray.mkdir(parents=True)
    (stray / "kernel.json").write_text(json.dumps({
        "argv": ["/opt/old-env/bin/python", "-m", "ipykernel_launcher", "-f",
                 "{connection_file}"], "display_name": "Python 3", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    from jupyter_client.kernelspec import KernelSpecManager

    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/opt/old-env/bin/python"
    assert OwnKernelSpecManager().get_kernel_spec("python3").argv[0] == sys.executable


def test_the_server_refuses_the_links_the_pages_refuse(store, aid, monkeypatch):
    monkeypatch.setenv(DB_ENV, str(store.path))
    _, key = create_invite(store, role="party", actor="f", assessment_id=aid, party="A")
    assert link_refusal(f"assessment={aid}&key={key}&token=t") is None
    assert link_refusal(f"assessment=another&key={key}") == \
        "this link does not open assessment 'another'"
    _, facilitator = create_invite(store, role="facilitator", actor="f")
    assert link_refusal(f"assessment=another&key={facilitator}") is None
    training = new_training(store, "Practice", actor="f")
    _, trainee = create_invite(store, role="trainee", actor="f", training_id=training)
    assert link_refusal(f"assessment={join(store, training)}&key={trainee}") is None
    for query in ("", "token=t", "key=", "key=bogus", f"key={key}x",
                  f"key={key.partition('.')[0]}.{'A' * 32}"):
        assert link_refusal(query), query
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    _, soon = create_invite(store, role="observer", actor="f", assessment_id=aid,
                            expires=dt.date.today())
    monkeypatch.setattr("pim_workbook.access._today", lambda: tomorrow)
    assert link_refusal(f"key={soon}")  # expired
    revoke(store, key.partition(".")[0])
    assert link_refusal(f"key={key}")  # revoked


# -- a real served workbook ----------------------------------------------------------------
QUICK = {"WorkbookKernelManager": {"check_interval": 0.5}}
KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')


def quick_config(folder: Path, settings: dict[str, Any] = QUICK) -> str:
    """A Jupyter config folder whose voila.json makes the kernel manager look every half
    second (as an operator tunes it); the folder, for JUPYTER_CONFIG_DIR."""
    config = folder / "jupyter-config"
    config.mkdir()
    (config / "voila.json").write_text(json.dumps(settings))
    return str(config)


def kernel_executables(server_pid: int) -> list[Path]:
    """The interpreter of each kernel process the server runs (read from /proc)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (proc / "cmdline").read_bytes().split(b"\0")
            if parent == server_pid and b"ipykernel_launcher" in command:
                found.append((proc / "exe").resolve())
        except (OSError, ValueError):
            continue  # a process that ended meanwhile
    return found


def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"still not so after {seconds} s"
        time.sleep(0.25)


class KernelServer(Server):
    """`pim-workbook serve` with kernel options, its manager looking every half second (or
    configured by ``settings``)."""

    def __init__(self, folder: Path, *options: str, settings: dict[str, Any] = QUICK) -> None:
        super().__init__(folder)
        self.env["JUPYTER_CONFIG_DIR"] = quick_config(folder, settings)
        self.options = options

    def start(self) -> str:
        with self.log.open("w") as out:  # a file: a pipe nobody reads would stall the server
            self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port),
                                          *self.options], env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, text=True,
                                         start_new_session=True)
        wait_until(lambda: re.search(r"http://\S+", self.log.read_text()) is not None, 60)
        self.url = re.search(r"(http://\S+)", self.log.read_text()).group(1)
        wait_until(self.listening, 60)
        return self.url

    def preheated(self, notebook: str) -> list[str]:
        """The kernels Voila took from ``notebook``'s pool so far, from its log."""
        return re.findall(rf"Using pre-heated kernel: ([0-9a-f-]{{36}}) for {notebook}",
                          self.log.read_text())

    def pool_fills(self, notebook: str) -> int:
        """How often ``notebook``'s pool was (re)filled, from Voila's log."""
        return self.log.read_text().count(f"Kernel pool of {notebook} is filled")

    def listening(self) -> bool:
        """Whether Voila answers, asked through its list of notebooks (which starts no
        kernel: any kernel would count toward the limits under test)."""
        assert self.proc is not None and self.proc.poll() is None, "serve stopped"
        try:
            with urllib.request.urlopen(f"{self.url.split('/voila/')[0]}/?token={self.token}",
                                        timeout=30) as r:
                return r.status == 200
        except urllib.error.URLError:
            return False

    def page(self, key: str, notebook: str = "index.ipynb", **query: str) -> tuple[int, str]:
        """Load a page and never connect to its kernel, like a tab closed at once."""
        try:
            with urllib.request.urlopen(self.page_url(notebook, key=key, **query),
                                        timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def alive(self, kernel_id: str) -> bool:
        """Whether the kernel's process runs, read from /proc: asking the server about a
        kernel (GET /api/kernels/<id>) is what a page does, and keeps the kernel."""
        marker = f"kernel-{kernel_id}".encode()
        for proc in Path("/proc").iterdir():
            try:
                if marker in (proc / "cmdline").read_bytes() and \
                        (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    return True
            except (OSError, IndexError):
                continue  # not a process, or one that ended meanwhile
        return False


def _served(folder: Path, *options: str) -> Iterator[KernelServer]:
    server = KernelServer(folder, *options)
    server.cli("sample")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def refusing(tmp_path) -> Iterator[KernelServer]:
    """The default limits: two minutes for an orphan, 40 kernels (none preheated)."""
    yield from _served(tmp_path, "--pool-size", "0")


@pytest.fixture(scope="module")
def limited(tmp_path_factory) -> Iterator[KernelServer]:
    yield from _served(tmp_path_factory.mktemp("limited"), "--orphan-timeout", "8",
                       "--max-kernels", "2", "--pool-size", "0")


def _notebooks(folder: Path, *names: str) -> str:
    """A folder with some of the workbook's notebooks (fewer kernels to preheat)."""
    folder.mkdir()
    for name in names:
        shutil.copy(notebooks_dir() / name, folder / name)
    return str(folder)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.slow
def test_pages_refused_for_their_link_are_plain_pages_that_start_no_kernel(refusing):
    with ThreadPoolExecutor(10) as pool:
        pages = list(pool.map(lambda _: refusing.page("bogus"), range(10)))
    assert [status for status, _ in pages] == [403] * 10
    assert all("Link not valid" in html and KERNEL_ID.search(html) is None
               for _, html in pages)
    status, html = refusing.page("")
    assert status == 403 and "without its link key" in html
    status, html_fr = refusing.page(refusing.key, lang="fr")
    assert status == 200 and KERNEL_ID.search(html_fr)
    status, html = refusing.page("bogus", lang="ar")
    assert '<html lang="ar" dir="rtl">' in html and "Link not valid" not in html
    assert len(kernel_executables(refusing.proc.pid)) == 1  # the facilitator's page's
    refusing.shut_down_kernel(KERNEL_ID.search(html_fr).group(1))
    wait_until(lambda: kernel_executables(refusing.proc.pid) == [], 30)


@pytest.mark.slow
def test_a_closed_page_ends_after_the_orphan_timeout_an_open_one_stays(limited, chromium):
    page = chromium.new_page()
    page.goto(limited.url)
    page.get_by_text("SAMPLE (fictional)").wait_for(timeout=60_000)
    kept = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                         ".textContent).kernelId")
    status, html = limited.page(limited.key)  # opened, then closed before it connected
    closed = KERNEL_ID.search(html).group(1)
    assert status == 200 and limited.alive(closed)
    wait_until(lambda: not limited.alive(closed), 8 + 5)
    assert limited.alive(kept)  # older than the closed one, but its page is open
    page.close()
    wait_until(lambda: not limited.alive(kept), 8 + 5)


@pytest.mark.slow
def test_a_page_still_loading_on_a_slow_link_keeps_its_kernel(limited):
    status, html = limited.page(limited.key)  # rendered; its scripts still on their way
    kernel = KERNEL_ID.search(html).group(1)
    asked = f"{limited.url.split('/voila/')[0]}/api/kernels/{kernel}?token={limited.token}"
    until = time.monotonic() + 2 * (8 + 5)  # twice what an orphan is given
    while time.monotonic() < until:  # the page asks about its kernel, as it does every 1.5 s
        urllib.request.urlopen(asked, timeout=30).close()
        time.sleep(1.5)
    assert status == 200 and limited.alive(kernel)
    wait_until(lambda: not limited.alive(kernel), 8 + 5)  # the tab closed before connecting


@pytest.mark.slow
def test_past_max_kernels_a_new_page_says_the_server_is_busy(limited):
    until = time.monotonic() + 30  # until the tests before have left no kernel counted
    while True:
        with ThreadPoolExecutor(2) as pool:
            pages = list(pool.map(lambda _: limited.page(limited.key), range(2)))
        if [status for status, _ in pages] == [200, 200] or time.monotonic() > until:
            break
        for status, html in pages:
            if status == 200:
                limited.shut_down_kernel(KERNEL_ID.search(html).group(1))
        time.sleep(2)
    assert [status for status, _ in pages] == [200, 200]
    # the kernels run serve's own interpreter, not whatever `python` a kernel spec names
    assert kernel_executables(limited.proc.pid) == [Path(sys.executable).resolve()] * 2
    status, html = limited.page(limited.key)
    assert status == 503 and BUSY in html and "kernelId" not in html
    for _, html in pages:  # the unconnected pages end as orphans, and room is made again
        kernel = KERNEL_ID.search(html).group(1)
        wait_until(lambda kernel=kernel: not limited.alive(kernel), 8 + 5)
    status, html = limited.page(limited.key)
    assert status == 200
    limited.shut_down_kernel(KERNEL_ID.search(html).group(1))


def _kernel_id(page: Any) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data')"
                         ".textContent).kernelId")


@pytest.mark.slow
def test_pooled_kernels_count_toward_the_cap_are_never_orphans_and_refill_at_room(
        tmp_path, chromium):
    server = KernelServer(tmp_path, "--notebooks",
                          _notebooks(tmp_path / "nb", "index.ipynb", "report.ipynb"),
                          "--pool-size", "1", "--max-kernels", "2", "--orphan-timeout", "3")
    server.cli("sample")
    server.start()
    try:
        wait_until(lambda: server.pool_fills("index.ipynb") == 1, 60)
        time.sleep(3 + 2)  # past the orphan timeout: a pooled kernel has no page yet
        assert len(kernel_executables(server.proc.pid)) == 1  # and none for the report
        assert server.pool_fills("report.ipynb") == 0
        first = chromium.new_page()  # takes the pooled kernel; the pool refills: the cap
        first.goto(server.url)
        first.get_by_text("SAMPLE (fictional)").wait_for(timeout=60_000)
        assert server.preheated("index.ipynb") == [_kernel_id(first)]
        wait_until(lambda: server.pool_fills("index.ipynb") == 2, 60)
        status, html = server.page("bogus.key")  # a refused link never takes a pooled one
        assert status == 403 and "Link not valid" in html and "kernelId" not in html
        second = chromium.new_page()  # the refill, at once; its own refill waits for room
        second.goto(server.url)
        second.get_by_text("SAMPLE (fictional)").wait_for(timeout=60_000)
        assert server.preheated("index.ipynb") == [_kernel_id(first), _kernel_id(second)]
        time.sleep(3)
        assert server.pool_fills("index.ipynb") == 2  # no room: waiting, not failed
        first.close()  # an orphan after 3 s: room for the pool again
        wait_until(lambda: server.pool_fills("index.ipynb") == 3, 60)
        assert server.alive(_kernel_id(second))
        second.close()
    finally:
        server.stop()


@pytest.mark.slow
def test_a_preheated_page_checks_its_own_link_and_shows_only_its_own_query(tmp_path,
                                                                         chromium):
    server = KernelServer(tmp_path, "--notebooks", _notebooks(tmp_path / "nb", "index.ipynb",
                                                              "04-step1.ipynb"),
                          "--pool-size", "1")
    server.cli("sample")
    server.start()
    keys = {party: parse_qs(urlsplit(server.cli("invite", "sample", "--party", party)
                                     .strip()).query)["key"][0] for party in "AB"}
    step1 = "04-step1.ipynb"

    def opened(key: str, **query: str) -> Any:
        wait_until(lambda: server.pool_fills(step1) == len(server.preheated(step1)) + 1, 60)
        page = chromium.new_page()
        page.goto(server.page_url(step1, key=key, assessment="sample", **query))
        page.locator(".pimw-refused, .pimw-name input").first.wait_for(timeout=120_000)
        return page

    try:
        refused = opened("l0.bogus")
        assert "Link not valid" in refused.locator(".pimw-refused").inner_text()
        assert server.preheated(step1) == []  # the pool's kernel waits for a valid link
        refused.close()
        pages = {"A": opened(keys["A"], name="Amina"), "B": opened(keys["B"], party="A")}
        assert server.preheated(step1) == [_kernel_id(pages["A"]), _kernel_id(pages["B"])]
        with Store(server.env["PIM_WORKBOOK_DB"]) as store:
            parties = store.get("sample").parties
        for party, page in pages.items():  # the link's party, whatever the address says
            shown = page.locator(".pimw-party select option:checked").inner_text()
            shown = shown.replace("\xa0", " ")  # as the dropdown draws its spaces
            assert shown == f"{party} · {parties[party].organisation}"
        assert pages["A"].locator(".pimw-name input").input_value() == "Amina"
        assert pages["B"].locator(".pimw-name input").input_value() == ""  # not A's name
        for page in pages.values():
            page.close()
    finally:
        server.stop()


def test_a_stopping_server_removes_the_practice_copies(store, monkeypatch):
    import asyncio

    from pim_workbook.server.kernels import WorkbookKernelManager
    from pim_workbook.training.practice import folder

    monkeypatch.setenv("PIM_WORKBOOK_DB", str(store.path))
    left = folder(store.path) / "t-kessaly.sqlite"
    left.parent.mkdir()
    left.write_bytes(b"practice")

    async def stop() -> None:
        await WorkbookKernelManager().shutdown_all()

    import threading

    # a thread of its own: the browser tests' event loop may be running in this one
    stopping = threading.Thread(target=asyncio.run, args=(stop(),))
    stopping.start()
    stopping.join(timeout=60)
    assert not left.parent.exists()


def test_the_request_log_never_shows_a_link_key_or_the_token():
    import logging

    from pim_workbook.server.kernels import ScrubLinks

    record = logging.LogRecord("tornado.access", logging.WARNING, __file__, 1, "%d %s %.2fms",
                               (403, "GET /voila/render/04-step1.ipynb?assessment=sample&"
                                     "key=l1a2b3.SECRET&token=TOKEN (127.0.0.1)", 3.2), None)
    assert ScrubLinks().filter(record)
    line = record.getMessage()
    assert "SECRET" not in line and "TOKEN" not in line
    assert "assessment=sample&key=[secret]&token=[secret]" in line
