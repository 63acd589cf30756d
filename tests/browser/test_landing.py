"""The served landing page, through HTTP and in headless Chromium."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from .conftest import screenshot

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("query", ["", "?token=wrong"])
def test_the_server_refuses_a_request_without_the_token(served, query):
    parts = urlsplit(served)
    conn = http.client.HTTPConnection(parts.netloc, timeout=10)
    conn.request("GET", parts.path + query)
    response = conn.getresponse()
    body = response.read().decode()
    assert response.status in (302, 401, 403)
    if response.status == 302:
        assert urlsplit(response.getheader("Location")).path == "/login"
    assert "SAMPLE" not in body


def test_landing_page_lists_the_sample_and_shows_no_code(served, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(served)
    page.get_by_text("SAMPLE (fictional)").wait_for(timeout=60_000)
    text = page.inner_text("body")
    assert "PIM Data-Sharing Workbook" in text
    assert "Sahel Community Protection Network" in text
    assert "show_landing" not in page.content()
    assert "import " not in text
    screenshot(page, "landing")
    page.close()
