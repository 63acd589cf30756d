"""What a served page costs on a slow link: compressed responses, static files kept by the
browser for a year, a first page within 1.5 MB and a second within 150 KB (counted as the
workbook benchmark counts them)."""

from __future__ import annotations

import importlib.util
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .helpers import WAIT

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_workbook.py"
YEAR_S = 365 * 24 * 3600
READY = ".pimw-answer-A textarea:enabled"


def _transfer_meter() -> Any:
    """The benchmark's meter of bytes and requests, so that test and figures agree."""
    spec = importlib.util.spec_from_file_location("bench_workbook", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Transfer


def _max_age(headers: dict[str, str]) -> int:
    found = re.search(r"max-age=(\d+)", headers.get("cache-control", ""))
    return int(found.group(1)) if found else 0


@pytest.mark.slow
def test_scripts_arrive_gzipped_and_stay_cached_for_a_year(server, browser):
    context = browser.new_context()
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(server.page_url("04-step1.ipynb", assessment="sample", party="A"))
    page.wait_for_selector(READY, timeout=WAIT)
    scripts = [r for r in responses if r.url.split("?")[0].endswith(".js")]
    # the page draws its widgets itself (pages.js): none of JupyterLab's application
    assert [r.url.split("?")[0].rsplit("/", 1)[1] for r in scripts] == ["pages.js"]
    assert "/voila/templates/pim/static/" in scripts[0].url
    for response in scripts:
        assert response.headers.get("content-encoding") == "gzip", response.url
        assert _max_age(response.headers) >= YEAR_S, response.url
        assert "immutable" in response.headers["cache-control"], response.url
    html = next(r for r in responses if "/voila/render/04-step1.ipynb" in r.url)
    assert html.headers.get("content-encoding") == "gzip"
    assert "no-store" in html.headers["cache-control"]  # a page is never kept: it holds a key
    context.close()
    # a file whose address does not change with it is not kept unasked
    unversioned = urllib.request.Request(f"{server.url.split('/voila/')[0]}/voila/static/"
                                         "voila.js", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(unversioned, timeout=60) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert _max_age(dict(response.headers.items())) == 0


@pytest.mark.slow
def test_a_first_step_page_transfers_at_most_1_5_mb_and_a_second_150_kb(server, browser):
    context = browser.new_context()  # a cold cache
    page = context.new_page()
    meter = _transfer_meter()(context, page)
    page.goto(server.page_url("04-step1.ipynb", assessment="sample", party="A"))
    page.wait_for_selector(READY, timeout=WAIT)
    meter.settle(page)
    first = meter.total
    assert meter.deflated, "the kernel's WebSocket is not compressed"
    assert 0 < first <= 1.5 * 1024 * 1024, meter.line("first page", 1536)
    meter.reset()
    page.goto(server.page_url("05-step2.ipynb", assessment="sample", party="A"))
    page.wait_for_selector(READY, timeout=WAIT)
    meter.settle(page)
    assert 0 < meter.total <= 150 * 1024, meter.line("second page", 150)
    context.close()
