"""Step 2 in Voila: the disclosure-risk check and the register, as a new user does them."""

from __future__ import annotations

import pytest

from pim_workbook.store.core import Store

from .conftest import screenshot
from .helpers import WAIT, axe_faults, open_page, pick_tab

pytestmark = pytest.mark.slow


def _pick(page, css: str, *labels: str) -> None:
    page.locator(f".{css} select").select_option(label=list(labels))


def test_a_new_user_treats_the_sample_microdata_and_exports_the_register(server, browser):
    context, page = open_page(browser, server.page_url("05-step2.ipynb", assessment="sample",
                                                   party="A"))
    pick_tab(page, "Disclosure risk")
    page.get_by_role("button", name="Use the sample microdata").click()
    page.get_by_text("2,000 records, 8 columns").wait_for(timeout=WAIT)
    _pick(page, "pimw-risk-quasi", "district", "age_group", "sex", "nationality")
    _pick(page, "pimw-risk-sensitive", "protection_concern")
    page.get_by_role("button", name="Check the risk").click()
    page.get_by_text("Needs action").wait_for(timeout=WAIT)
    page.get_by_text("Combinations shared by fewer than 3 records").wait_for(timeout=WAIT)
    screenshot(page, "step2-risk-before")
    assert axe_faults(page) == []  # the figures and their controls, as screen readers get them

    _pick(page, "pimw-risk-merge-column", "age_group")
    page.get_by_role("button", name="Age groups into 0-17 / 18-59 / 60+").click()
    page.get_by_text("After the steps").wait_for(timeout=WAIT)
    _pick(page, "pimw-risk-replace-column", "district")
    _pick(page, "pimw-risk-replace-by", "admin1")
    page.get_by_role("button", name="Replace by the coarser column").click()
    page.get_by_text("Replaced district by admin1").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Drop records in groups smaller than 3").click()
    page.get_by_text("Within the thresholds").wait_for(timeout=WAIT)
    _pick(page, "pimw-risk-dataset", "DS2 · Protection monitoring interview records (proposed)")
    page.get_by_role("button", name="Record the treatment and write the file").click()
    page.get_by_text("Treatment recorded for DS2").wait_for(timeout=WAIT)
    screenshot(page, "step2-risk-after")

    pick_tab(page, "Register")
    page.get_by_text("within thresholds (k=3)").wait_for(timeout=WAIT)
    page.get_by_role("button", name="Export the register (HXL, JSON, datapackage.json)").click()
    page.locator(".pimw-ok", has_text="valid").first.wait_for(timeout=WAIT)
    assert page.locator(".pimw-error:visible").count() == 0
    screenshot(page, "step2-register")
    context.close()

    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        ds = store.get("sample").datasets["DS2"]
    assert ds.risk_check is not None and ds.risk_check.k >= 3
    assert ds.treatments[0].before.global_risk > 0.03 > ds.treatments[0].after.global_risk
    exports = server.env["PIM_WORKBOOK_EXPORTS"]
    from pathlib import Path

    assert len(list(Path(exports).glob("*-register.hxl.csv"))) == 1
    assert len(list(Path(exports).glob("sample-ds2-*/*.csv"))) == 1
