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

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """Serve the workbook on the sample, as the README says; yields the URL it prints."""
    folder = tmp_path_factory.mktemp("served")
    env = {**os.environ, "PIM_WORKBOOK_DB": str(folder / "w.sqlite"),
           "PIM_WORKBOOK_EXPORTS": str(folder / "exports"), "PIM_WORKBOOK_ACTOR": "tester"}
    cli = [sys.executable, "-m", "pim_workbook.cli"]
    subprocess.run([*cli, "sample"], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*cli, "serve", "--port", str(_free_port())], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"(http://\S+)", line)
        assert match, f"serve printed no URL: {line!r}"
        url = match.group(1)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


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
