"""PDF: report HTML printed by headless Chromium, one browser for many files.

Starting Chromium costs more than printing a report in a page already open. With Playwright
(the ``pdf`` extra) one Debian Chromium is started on the first file and prints every file until
the printer is closed; without it each file is printed by a Chromium process of its own
(``--print-to-pdf``). Both print the same PDF: paper, margins and the "Page X of Y" footer
come from the page's CSS ``@page`` rule, the PDF is tagged (accessible), and a page loads
nothing from the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import shutil
import subprocess
import tempfile
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pim_workbook.errors import ReportError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, Route

PRINTERS = ("auto", "playwright", "subprocess")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
# Playwright adds its own no-network flags (background networking, sync, component updates)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
TIMEOUT_SECONDS = 180


def chromium() -> str:
    """The headless browser that prints PDFs (Debian's ``chromium``)."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError("PDF needs Chromium: install Debian's package `chromium` "
                      "(apt-get install chromium)")


class Printer(ABC):
    """Prints HTML files to PDF until closed; use it as a context manager."""

    @abstractmethod
    def print(self, html_path: Path, pdf_path: Path) -> Path:
        """Print ``html_path`` to ``pdf_path`` and return ``pdf_path``."""

    @abstractmethod
    def close(self) -> None:
        """Free what the printer holds."""

    @abstractmethod
    def start(self) -> None:
        """Get ready for the first file now, while the caller waits for it anyway."""

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class ProcessPrinter(Printer):
    """One Chromium process per file: needs nothing but Chromium, pays its start-up each
    time."""

    def print(self, html_path: Path, pdf_path: Path) -> Path:
        with tempfile.TemporaryDirectory() as profile:
            result = subprocess.run(
                [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
                 f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        if result.returncode != 0 or not pdf_path.exists():
            said = result.stderr.strip().splitlines()
            reason = said[-1][-300:] if said else f"exit status {result.returncode}"
            raise ReportError(f"Chromium could not print {html_path.name}: {reason}")
        return pdf_path

    def start(self) -> None:
        """Nothing to start: each file starts a Chromium of its own."""

    def close(self) -> None:
        """Nothing to free: each Chromium ended with its file."""


class BrowserPrinter(Printer):
    """One Chromium driven through Playwright: started on the first file (again if it
    died), it prints every file until closed.

    The files go through one page, so that the page's renderer and its fonts stay warm:
    printing a file then costs half the CPU it does in a new page. A report page has no
    script and loads nothing but its own file, so one file leaves nothing to the next.
    """

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._page: Page | None = None

    def print(self, html_path: Path, pdf_path: Path) -> Path:
        from playwright.sync_api import Error

        try:
            try:
                self._print(html_path, pdf_path)
            except Error:
                if self._browser is not None and self._browser.is_connected():
                    raise
                self._print(html_path, pdf_path)  # the browser had died: once more, anew
        except Error as exc:
            self._drop_page()  # the next file starts on a fresh page
            raise ReportError(f"Chromium could not print {html_path.name}: "
                              f"{_first_line(exc)}") from None
        return pdf_path

    def start(self) -> None:
        """Start the browser and open its page (a batch does it while its first reports
        run)."""
        from playwright.sync_api import Error

        try:
            self._open_page()
        except Error as exc:
            raise ReportError(f"Chromium could not start: {_first_line(exc)}") from None

    def close(self) -> None:
        """Close the browser and stop Playwright's driver, so no Chromium outlives us."""
        browser, playwright = self._browser, self._playwright
        self._browser = self._playwright = self._page = None
        try:
            if browser is not None:
                from playwright.sync_api import Error

                with contextlib.suppress(Error):  # gone already (after Ctrl-C, say)
                    browser.close()
        finally:
            if playwright is not None:
                playwright.stop()

    def _print(self, html_path: Path, pdf_path: Path) -> None:
        page = self._open_page()
        page.goto(html_path.resolve().as_uri(), wait_until="load",
                  timeout=TIMEOUT_SECONDS * 1000)
        page.pdf(path=pdf_path, prefer_css_page_size=True, print_background=True,
                 display_header_footer=False, tagged=True)

    def _open_page(self) -> Page:
        if self._browser is None or not self._browser.is_connected():
            self.close()
            self._browser = self._launch()
        if self._page is None:
            self._page = self._browser.new_page()
            self._page.route("**/*", _file_only)
        return self._page

    def _drop_page(self) -> None:
        from playwright.sync_api import Error

        page, self._page = self._page, None
        if page is not None:
            with contextlib.suppress(Error):  # the browser may be gone already
                page.context.close()

    def _launch(self) -> Browser:
        from playwright.sync_api import Error, sync_playwright

        executable = chromium()
        try:
            self._playwright = sync_playwright().start()
            return self._playwright.chromium.launch(executable_path=executable,
                                                    args=BROWSER_ARGS)
        except Error as exc:
            self.close()
            raise ReportError(f"Chromium could not start: {_first_line(exc)}") from None


def open_printer(name: str = "auto") -> Printer:
    """The printer called ``name`` (one of :data:`PRINTERS`), checked before any report runs;
    nothing starts before the first file or :meth:`Printer.start`. ``auto`` is one browser
    for all files when Playwright is installed and may run here, else one Chromium process
    per file."""
    if name not in PRINTERS:
        raise ValueError(f"unknown PDF printer {name!r} (one of: {', '.join(PRINTERS)})")
    installed = importlib.util.find_spec("playwright") is not None
    if name == "playwright" and not installed:
        raise ReportError("the playwright PDF printer needs Playwright: "
                          "pip install 'pim-workbook[pdf]'")
    # Playwright's sync API refuses to run under a running event loop (a Jupyter cell's)
    if name == "playwright" or (name == "auto" and installed and not _in_event_loop()):
        return BrowserPrinter()
    return ProcessPrinter()


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _file_only(route: Route) -> None:
    """Let a page load its own file, nothing from the network."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        route.abort()


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
