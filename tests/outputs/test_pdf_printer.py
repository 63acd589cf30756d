"""PDFs printed by one browser for a whole batch (Playwright), or by one Chromium per file
without it: the same pages either way, no browser left running, errors said in one line."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pim_workbook.errors import ReportError
from pim_workbook.outputs import pdf
from pim_workbook.outputs.pdf import BrowserPrinter, ProcessPrinter, open_printer
from pim_workbook.outputs.render import to_html
from pim_workbook.outputs.reports import run_batch, run_report
from pim_workbook.store.core import Store

pytestmark = pytest.mark.slow

NO_PLAYWRIGHT = "the playwright PDF printer needs Playwright: pip install 'pim-workbook[pdf]'"


def descendants() -> dict[int, str]:
    """Live processes started, directly or not, by this test process: pid → command line."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, ppid = stat.read_text().rsplit(")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if state != "Z":
            parents[int(stat.parent.name)] = int(ppid)
    found: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    commands = {}
    for pid in found:
        try:
            commands[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
    return {pid: command.decode(errors="replace") for pid, command in commands.items()
            if command}  # an exiting process has no command line any more


def browsers() -> set[int]:
    """This process's Chromium processes and Playwright's driver."""
    return {pid for pid, command in descendants().items()
            if "chromium" in command or "playwright" in command}


def still_alive(pids: set[int], wait: float = 10.0) -> set[int]:
    """Those of ``pids`` still running after up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while True:
        alive = set()
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.add(pid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def pdf_pages(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return dict(re.findall(r"^([\w ]+):\s+(.*)$", out, re.MULTILINE))


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The Chromium executables Playwright launched during the test, one entry per launch."""
    from playwright.sync_api import BrowserType

    launched: list[str] = []
    launch = BrowserType.launch

    def counted(self: BrowserType, **options: object) -> object:
        launched.append(str(options["executable_path"]))
        return launch(self, **options)

    monkeypatch.setattr(BrowserType, "launch", counted)
    return launched


@pytest.fixture
def record_html(store: Store, aid: str, tmp_path: Path) -> Path:
    """A record's report page (its @page rule: A4, the footer, "Page X of Y")."""
    path = tmp_path / "record.html"
    path.write_text(to_html(store, aid), encoding="utf-8")
    return path


def test_one_browser_prints_the_same_pages_as_one_chromium_per_file(record_html, tmp_path,
                                                                    launches):
    with open_printer("playwright") as browser, open_printer("subprocess") as process:
        assert isinstance(browser, BrowserPrinter) and isinstance(process, ProcessPrinter)
        printed = [browser.print(record_html, tmp_path / f"browser{i}.pdf") for i in range(3)]
        printed.append(process.print(record_html, tmp_path / "process.pdf"))
    assert launches == [pdf.chromium()]  # one browser for three files
    infos = [pdf_info(path) for path in printed]
    pages = [pdf_pages(path) for path in printed]
    for info in infos:
        assert info["Page size"] == "594.96 x 841.92 pts (A4)"
        assert info["Tagged"] == "yes"  # accessible, as before
        assert info["Pages"] == infos[-1]["Pages"]
    assert all(text == pages[-1] for text in pages)  # word for word, footers included
    for number, text in enumerate(pages[0], start=1):
        assert f"Page {number} of {len(pages[0])}" in text
        assert "Assessment " in text and "content hash" in text


def test_a_batch_prints_every_pdf_with_one_browser_and_leaves_none_running(
        store, sample, aid, tmp_path, launches, monkeypatch):
    other = store.create("Cash assistance registration", actor="facilitator")
    store.add_party(other, "Helping Hands", "provider", actor="facilitator")
    seen: set[int] = set()
    print_file = BrowserPrinter.print

    def watched(self: BrowserPrinter, html_path: Path, pdf_path: Path) -> Path:
        printed = print_file(self, html_path, pdf_path)
        seen.update(browsers())
        return printed

    monkeypatch.setattr(BrowserPrinter, "print", watched)
    results = run_batch([sample, aid, "missing", other], jobs=2, progress=False,
                        db_path=store.path, out_dir=tmp_path, formats=["pdf"],
                        printer="playwright")
    assert [r.status for r in results] == ["ok", "ok", "failed", "ok"], results
    assert "\n" not in results[2].error and "missing" in results[2].error
    assert launches == [pdf.chromium()]
    for result in results[:2] + results[3:]:
        printed = [p for p in result.files if p.suffix == ".pdf"]
        assert len(printed) == 1 and printed[0].read_bytes().startswith(b"%PDF")
        assert pdf_info(printed[0])["Page size"] == "594.96 x 841.92 pts (A4)"
        assert "pdf" in result.seconds
    assert not list(tmp_path.glob("*.html"))  # only the PDFs were asked for
    assert seen  # the browser ran while printing ...
    assert not still_alive(seen)  # ... and nothing of it outlives the batch


def test_a_started_printer_has_its_browser_ready_for_the_first_file(record_html, tmp_path,
                                                                   launches):
    with open_printer("playwright") as printer:
        printer.start()  # what a batch does while its first reports run
        running = browsers()
        assert launches == [pdf.chromium()] and running
        printer.print(record_html, tmp_path / "one.pdf")
    assert launches == [pdf.chromium()] and not still_alive(running)
    with open_printer("subprocess") as process:
        process.start()  # nothing to start: each file has its own Chromium
        assert not browsers()


def test_the_browser_is_closed_when_printing_is_interrupted(record_html, tmp_path):
    with pytest.raises(KeyboardInterrupt), open_printer("playwright") as printer:
        printer.print(record_html, tmp_path / "one.pdf")
        running = browsers()
        raise KeyboardInterrupt
    assert running and not still_alive(running)


def test_a_browser_that_died_is_started_again(record_html, tmp_path, launches):
    with open_printer("playwright") as printer:
        printer.print(record_html, tmp_path / "before.pdf")
        browser = next(pid for pid, command in descendants().items()
                       if command.split()[0].endswith("/chromium") and "--type=" not in command)
        os.kill(browser, signal.SIGKILL)
        assert not still_alive({browser})
        printer.print(record_html, tmp_path / "after.pdf")
    assert len(launches) == 2
    assert pdf_pages(tmp_path / "after.pdf") == pdf_pages(tmp_path / "before.pdf")


def test_without_playwright_each_pdf_is_printed_by_a_chromium_of_its_own(
        db_path, aid, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    assert isinstance(open_printer(), ProcessPrinter)
    result = run_report(aid, db_path=db_path, out_dir=tmp_path / "out", formats=["pdf"])
    assert result.status == "ok", result.error
    printed = next(p for p in result.files if p.suffix == ".pdf")
    pages = pdf_pages(printed)
    assert pdf_info(printed)["Page size"] == "594.96 x 841.92 pts (A4)"
    assert f"Page 1 of {len(pages)}" in pages[0]
    with pytest.raises(ReportError) as refused:
        open_printer("playwright")
    assert str(refused.value) == NO_PLAYWRIGHT
    asked = run_report(aid, db_path=db_path, out_dir=tmp_path / "asked", printer="playwright")
    assert (asked.status, asked.error) == ("failed", NO_PLAYWRIGHT)
    assert not (tmp_path / "asked").exists()  # refused before a kernel started


def test_under_an_event_loop_auto_prints_with_one_chromium_per_file(record_html, tmp_path):
    """As in a Jupyter cell, where Playwright's sync API cannot run."""

    async def in_a_cell() -> str:
        with open_printer() as printer:
            assert isinstance(printer, ProcessPrinter)
            printer.print(record_html, tmp_path / "cell.pdf")
        with open_printer("playwright") as printer, pytest.raises(ReportError) as refused:
            printer.print(record_html, tmp_path / "refused.pdf")
        return str(refused.value)

    said = asyncio.run(in_a_cell())
    assert said.startswith("Chromium could not start: ") and "asyncio loop" in said
    assert "\n" not in said
    assert pdf_info(tmp_path / "cell.pdf")["Page size"] == "594.96 x 841.92 pts (A4)"
    assert isinstance(open_printer(), BrowserPrinter)  # outside it, one browser


def test_printer_errors_are_one_line(db_path, aid, record_html, tmp_path, monkeypatch):
    unknown = run_report(aid, db_path=db_path, out_dir=tmp_path / "out", printer="word")
    assert unknown.error == "unknown PDF printer 'word' (one of: auto, playwright, subprocess)"
    with pytest.raises(ValueError, match="unknown PDF printer 'word'"):
        run_batch([aid], progress=False, db_path=db_path, printer="word")
    assert not (tmp_path / "out").exists()

    with open_printer("playwright") as printer, pytest.raises(ReportError) as missing_file:
        printer.print(tmp_path / "gone.html", tmp_path / "gone.pdf")
    assert str(missing_file.value).startswith("Chromium could not print gone.html: ")
    assert "ERR_FILE_NOT_FOUND" in str(missing_file.value)

    monkeypatch.setattr(pdf, "CHROMIUM_CANDIDATES", ("no-such-chromium",))
    for name in ("playwright", "subprocess"):
        with open_printer(name) as printer, pytest.raises(ReportError) as no_chromium:
            printer.print(record_html, tmp_path / "none.pdf")
        assert str(no_chromium.value) == ("PDF needs Chromium: install Debian's package "
                                          "`chromium` (apt-get install chromium)")

    monkeypatch.setattr(pdf, "CHROMIUM_CANDIDATES", ("false",))  # starts, then fails
    with open_printer("playwright") as printer, pytest.raises(ReportError) as broken:
        printer.print(record_html, tmp_path / "broken.pdf")
    assert str(broken.value).startswith("Chromium could not start: ")
    with open_printer("subprocess") as printer, pytest.raises(ReportError) as failed:
        printer.print(record_html, tmp_path / "broken.pdf")
    assert str(failed.value) == "Chromium could not print record.html: exit status 1"
    for error in (missing_file, broken, failed):
        assert "\n" not in str(error.value)


@pytest.fixture
def web_server() -> Iterator[tuple[str, list[str]]]:
    """A web server on this machine, and the paths it was asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"p { color: red }")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_loads_nothing_from_the_network(web_server, tmp_path):
    url, asked = web_server
    with urllib.request.urlopen(f"{url}/probe", timeout=10) as response:  # it answers
        assert response.status == 200
    asked.clear()
    html = tmp_path / "remote.html"
    html.write_text(f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{url}/a.css">'
                    f'</head><body><p>Printed offline</p><img src="{url}/b.png">'
                    f'<iframe src="{url}/c.html"></iframe></body></html>', encoding="utf-8")
    with open_printer("playwright") as printer:
        printer.print(html, tmp_path / "remote.pdf")
    assert asked == []
    assert "Printed offline" in " ".join(pdf_pages(tmp_path / "remote.pdf"))
