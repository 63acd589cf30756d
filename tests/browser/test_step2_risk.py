"""Step 2 in Voila: the disclosure-risk check and the register, as a new user does them."""

from __future__ import annotations

import json
from pathlib import Path

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
    assert len(list(Path(exports).glob("*-register.hxl.csv"))) == 1
    assert len(list(Path(exports).glob("sample-ds2-*/*.csv"))) == 1


REFERENCE = Path(__file__).resolve().parents[1] / "fixtures" / "sdc-reference-sample.csv"
KEYS = ("admin2", "age_group", "sex", "nationality", "disability")


def _upload(page, button: str, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button).click()
    chooser.value.set_files(str(path))


def test_a_household_survey_is_suppressed_pramed_and_its_recipe_followed(server, browser,
                                                                         tmp_path):
    url = server.page_url("05-step2.ipynb", assessment="sample", party="A")
    context, page = open_page(browser, url)
    pick_tab(page, "Disclosure risk")
    _upload(page, "Upload a small file", REFERENCE)
    page.get_by_text("sdc-reference-sample.csv: 6,179 records").wait_for(timeout=WAIT)
    _pick(page, "pimw-risk-quasi", *KEYS)
    _pick(page, "pimw-risk-sensitive", "protection_concern")
    page.locator(".pimw-risk-household select").select_option(label="hh_id")
    _pick(page, "pimw-risk-tabulate", "admin1", "sex")
    page.get_by_role("button", name="Check the risk").click()
    page.get_by_text("a household risk of at most").wait_for(timeout=WAIT)
    assert "48.19%" in page.locator(".pimw-figures").inner_text()  # sdcMicro's figure

    page.get_by_role("button", name="Suppress values to reach k = 3").click()
    page.get_by_text("to reach k = 3 (admin2").wait_for(timeout=WAIT)
    page.locator(".pimw-risk-pram-columns select").select_option(label=["protection_concern"])
    page.locator(".pimw-risk-pram-seed input").fill("11")
    page.locator(".pimw-risk-pram-seed input").press("Tab")
    page.get_by_role("button", name="Post-randomise (PRAM)").click()
    page.get_by_text("seed 11").wait_for(timeout=WAIT)
    page.get_by_text("Table of admin1 × sex: largest relative change").wait_for(timeout=WAIT)
    screenshot(page, "step2-risk-suppressed-pramed")
    assert axe_faults(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Save the recipe").click()
    recipe = tmp_path / "recipe.json"
    download.value.save_as(recipe)
    steps = page.locator(".pimw-risk-steps").inner_text()
    _pick(page, "pimw-risk-dataset", "DS2 · Protection monitoring interview records (proposed)")
    page.get_by_role("button", name="Record the treatment and write the file").click()
    page.get_by_text("Treatment recorded for DS2").wait_for(timeout=WAIT)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "step2-risk-suppressed-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    context.close()

    # next delivery: a fresh page, the file, then the saved recipe
    context, page = open_page(browser, url)
    pick_tab(page, "Disclosure risk")
    _upload(page, "Upload a small file", REFERENCE)
    page.get_by_text("sdc-reference-sample.csv: 6,179 records").wait_for(timeout=WAIT)
    _upload(page, "Follow a saved recipe", recipe)
    page.get_by_text("seed 11").wait_for(timeout=WAIT)
    assert page.locator(".pimw-risk-steps").inner_text() == steps
    context.close()

    with Store(server.env["PIM_WORKBOOK_DB"]) as store:
        done = store.get("sample").datasets["DS2"].treatments[-1]
    assert json.loads(recipe.read_text()) == done.recipe
    assert done.after.household_risk < done.before.household_risk
    assert 0 < sum(c.suppressed for c in done.information_loss.columns.values()) <= 620
