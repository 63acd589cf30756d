"""A real `pim-workbook serve` on the sample, for HTTP and headless-Chromium tests."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CLI = [sys.executable, "-m", "pim_workbook.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`pim-workbook serve` as the README runs it; `url` is the link it prints."""

    def __init__(self, folder: Path) -> None:
        self.data = folder / "data"  # the host's data folder, with one table in it
        self.data.mkdir()
        (self.data / "household-survey.csv").write_text(
            "district,sex\nNorth,f\nNorth,m\nSouth,f\n", encoding="utf-8")
        self.env = {**os.environ, "PIM_WORKBOOK_DB": str(folder / "w.sqlite"),
                    "PIM_WORKBOOK_EXPORTS": str(folder / "exports"),
                    "PIM_WORKBOOK_ACTOR": "tester",
                    "PIM_WORKBOOK_PSEUDO_LANGUAGE": "1"}  # ?lang=qps: see test_pages
        self.port = _free_port()
        self.proc: subprocess.Popen[str] | None = None
        self.log = folder / "serve.log"
        self.url = ""

    def cli(self, *args: str) -> str:
        return subprocess.run([*CLI, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout

    def start(self) -> str:
        # the server's and its kernels' output go to a file: a pipe nobody reads fills up
        # and then blocks whichever process writes next
        with self.log.open("w") as out:
            self.proc = subprocess.Popen([*CLI, "serve", "--port", str(self.port),
                                          "--data-dir", str(self.data),
                                          "--pool-size", "0"], env=self.env,  # no preheating
                                         stdout=out, stderr=subprocess.STDOUT, text=True,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while not (match := re.search(r"(http://\S+)", self.log.read_text())):
            assert self.proc.poll() is None and time.monotonic() < deadline, \
                f"serve printed no URL: {self.log.read_text()!r}"
            time.sleep(0.2)
        self.url = match.group(1)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url, timeout=5):
                    return self.url
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.5)

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]

    @property
    def key(self) -> str:
        """The facilitator's link key, from the link `serve` printed."""
        return parse_qs(urlsplit(self.url).query)["key"][0]

    def page_url(self, notebook: str, **query: str) -> str:
        """A page's address; the facilitator's key unless ``key`` is given ("" for none)."""
        base = self.url.split("/voila/")[0]
        params = {"key": self.key, **query, "token": self.token}
        return f"{base}/voila/render/{notebook}?{urlencode({k: v for k, v in params.items() if v})}"

    def kill_kernel(self, kernel_id: str) -> None:
        """What a crash does to a page's kernel: its process dies at once."""
        found = subprocess.run(["pgrep", "-f", f"kernel-{kernel_id}"], capture_output=True,
                               text=True).stdout.split()
        assert found, f"no process for kernel {kernel_id}"
        for pid in found:
            os.kill(int(pid), signal.SIGKILL)

    def kernel_alive(self, kernel_id: str) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url.split('/voila/')[0]}/api/kernels/"
                                        f"{kernel_id}?token={self.token}", timeout=10):
                return True
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise

    def shut_down_kernel(self, kernel_id: str) -> None:
        """What culling does to an idle page's kernel."""
        request = urllib.request.Request(
            f"{self.url.split('/voila/')[0]}/api/kernels/{kernel_id}?token={self.token}",
            method="DELETE")
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The workbook served on the sample, as the README says."""
    srv = Server(tmp_path_factory.mktemp("served"))
    srv.cli("sample")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def served(server: Server) -> str:
    return server.url


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot when PIM_WORKBOOK_SCREENSHOTS names a folder (to look at pages)."""
    folder = os.environ.get("PIM_WORKBOOK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
