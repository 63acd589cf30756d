"""Two workbook servers sharing one PostgreSQL store behind nginx, as the README's deployment
on several hosts describes it (tried on one machine: ``scripts/serve-behind-nginx.sh``)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pim_workbook.store.core import Store

from .conftest import CLI, _free_port, screenshot
from .helpers import WAIT, answer, question_box

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "serve-behind-nginx.sh"


class Deployment:
    """The script's proxy and two servers, on free ports."""

    def __init__(self, folder: Path, store: str) -> None:
        self.ports = [_free_port() for _ in range(3)]
        self.proxy = f"http://127.0.0.1:{self.ports[0]}"
        self.env = {**os.environ, "PIM_WORKBOOK_DB": store, "PYTHON": sys.executable,
                    "PIM_WORKBOOK_EXPORTS": str(folder / "exports"),
                    "PIM_WORKBOOK_ACTOR": "tester", "SERVE_OPTIONS": "--pool-size 0"}
        self.log = folder / "deployment.log"
        self.proc: subprocess.Popen[str] | None = None
        self.files = Path()
        self.token = ""

    def cli(self, *args: str) -> str:
        return subprocess.run([*CLI, *args], env=self.env, check=True, capture_output=True,
                              text=True).stdout

    def start(self) -> None:
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(["bash", str(SCRIPT), *map(str, self.ports)],
                                         env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         text=True, start_new_session=True)
        self._until(lambda: "files: " in self.log.read_text(), "the script's links")
        said = self.log.read_text()
        self.files = Path(re.search(r"files: (\S+)", said).group(1))
        self.token = re.search(r"token=(\w[\w-]*)", said).group(1)
        for port in self.ports[1:]:  # each server answers before the proxy is asked
            self._until(lambda port=port: self._answers(f"http://127.0.0.1:{port}/"),
                        f"the server on {port}")

    def _until(self, condition: Any, what: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"no {what}: {self.log.read_text()}"
            time.sleep(0.5)

    def _answers(self, base: str, cookie: str = "") -> bool:
        request = urllib.request.Request(f"{base}?token={self.token}",
                                         headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError):
            return False

    def server_of(self, pin: str) -> str:
        """The server (host:port) the proxy sends a browser pinned by ``pin`` to, from the
        proxy's access log."""
        assert self._answers(f"{self.proxy}/", f"pimw_server={pin}")
        logged: list[str] = []  # nginx writes the line once the response has gone
        self._until(lambda: logged.extend(
            x for x in (self.files / "access.log").read_text().splitlines()
            if f"cookie={pin} " in x) or logged, f"the proxy's log of {pin}", 10)
        return logged[-1].rsplit("upstream=", 1)[1]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)


@pytest.fixture
def deployment(tmp_path, postgres) -> Iterator[Deployment]:
    if not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is missing: run scripts/install-test-deps.sh", pytrace=False)
    store = postgres.create_database("pim_two_servers")
    deployed = Deployment(tmp_path, store)
    deployed.cli("sample")
    deployed.start()
    try:
        yield deployed
    finally:
        deployed.stop()


def _pinned(browser: Any, deployment: Deployment, pin: str, url: str) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_cookies([{"name": "pimw_server", "value": pin, "url": deployment.proxy}])
    page = context.new_page()
    said: list[str] = []  # what the page's scripts said, should it never draw
    page.on("console", lambda message: said.append(f"{message.type}: {message.text}"))
    page.on("websocket", lambda socket: socket.on(
        "close", lambda _: said.append(f"closed: {socket.url.split('?')[0]}")))
    page.goto(url)
    try:
        page.wait_for_selector(".pimw-question", timeout=WAIT)
    except Exception as error:
        logs = "".join(f"\n--- {log.name}\n{log.read_text()[-3000:]}"
                       for log in sorted(deployment.files.glob("*.log")))
        raise AssertionError(f"{url} drew no question: {error}\nthe page said: {said}"
                             f"\nits cells: {page.inner_text('body')[:500]!r}{logs}") from error
    return context, page


def test_partners_on_two_servers_behind_one_address_work_on_one_assessment(deployment,
                                                                          browser):
    pins: dict[str, str] = {}  # server → a cookie value the proxy pins to it
    for candidate in (f"browser-{i}" for i in range(40)):
        pins.setdefault(deployment.server_of(candidate), candidate)
        if len(pins) == 2:
            break
    assert sorted(pins) == sorted(f"127.0.0.1:{p}" for p in deployment.ports[1:])
    links = {party: deployment.cli("invite", "sample", "--party", party).strip()
             for party in "AB"}
    assert all(link.startswith(f"{deployment.proxy}/voila/") for link in links.values())
    first, second = sorted(pins)
    step1 = {party: link.replace("01-start.ipynb", "04-step1.ipynb")
             for party, link in links.items()}
    assert all("04-step1.ipynb?assessment=sample&" in link for link in step1.values())
    ctx_a, page_a = _pinned(browser, deployment, pins[first], step1["A"])
    ctx_b, page_b = _pinned(browser, deployment, pins[second], step1["B"])
    text_a, text_b = "Typed on the first server", "Typed on the second server"
    answer(page_a, "E1.Q2", "A", text_a)
    answer(page_b, "E1.Q2", "B", text_b)
    # each sees the other's answer, read from the shared store by its own server
    for page, box, text in ((page_b, ".pimw-answer-A", text_a),
                            (page_a, ".pimw-answer-B", text_b)):
        deadline = time.monotonic() + 30
        while question_box(page, "E1.Q2", box).input_value() != text:
            assert time.monotonic() < deadline, f"{text!r} never reached the other page"
            page.wait_for_timeout(500)
    screenshot(page_b, "two-servers-party-b")
    # the pages' kernels live on their own servers: the proxy kept each browser on one
    log = (deployment.files / "access.log").read_text().splitlines()
    for pin, server in ((pins[first], first), (pins[second], second)):
        assert {line.rsplit("upstream=", 1)[1] for line in log if f"cookie={pin} " in line} \
            == {server}
    # a revocation made on one server locks the page served by the other
    link_id = re.search(r"key=(l[0-9a-f]+)\.", links["A"]).group(1)
    deployment.cli("revoke", link_id)
    page_a.locator(".pimw-answer-A textarea:disabled").wait_for(timeout=WAIT)
    for context in (ctx_a, ctx_b):
        context.close()
    with Store(deployment.env["PIM_WORKBOOK_DB"]) as store:
        by_party = {c.party: c.new for c in store.history("sample")
                    if c.path.startswith("answers/E1.Q2/parties/")}
    assert (by_party["A"], by_party["B"]) == (text_a, text_b)
