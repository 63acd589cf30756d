"""Server files in the risk check: only the facilitator's link, only the host's data folder,
checked in the kernel whatever the page sends."""

from __future__ import annotations

import os

import ipywidgets as w
import pytest

from pim_workbook.access import AccessDenied, GuardedStore, create_invite, revoke
from pim_workbook.app.gate import data_file
from pim_workbook.app.pages.risk import RiskPane
from pim_workbook.app.session import Session
from pim_workbook.sample.assessment import build_sample
from pim_workbook.sdc.datafolder import DATA_DIR_ENV, DataFolderError, resolve, tables
from pim_workbook.sdc.workspace import Workspace
from pim_workbook.store.core import Store

from .helpers import find

TABLE = "place,age\nNorth,20\nNorth,20\nSouth,30\n"


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """The host's data folder with one table, and a secret table next to it."""
    data, outside = tmp_path / "data", tmp_path / "elsewhere"
    data.mkdir()
    outside.mkdir()
    (data / "survey.csv").write_text(TABLE)
    (data / "notes.txt").write_text("not a table")
    (outside / "secret.csv").write_text("name,secret\nAmina,SECRET-MARKER\n")
    os.symlink(outside / "secret.csv", data / "link-out.csv")
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    monkeypatch.setenv("PIM_WORKBOOK_REQUIRE_LINK", "1")  # as in a served kernel
    return data, outside


def _pane(store, sample, role, party=None) -> RiskPane:
    _, key = create_invite(store, role=role, actor="Fatima",
                           assessment_id=None if role == "facilitator" else sample,
                           party=party)
    guard = GuardedStore(store, key)
    return RiskPane(Session(guard, sample, party=party or "", actor="x"))


def test_the_facilitator_lists_and_reads_only_tables_inside_the_folder(store, sample,
                                                                      folders):
    _, outside = folders
    pane = _pane(store, sample, "facilitator")
    assert list(pane.server_file.options) == ["survey.csv"]  # no text file, no link out
    assert not find(pane.widget(), w.Text, css="pimw-risk-path")
    pane.server_file.value = "survey.csv"
    pane.read_button.click()
    assert "survey.csv: 3 records, 2 columns" in pane.loaded.value
    for forged in ("../elsewhere/secret.csv", str(outside / "secret.csv"), "link-out.csv",
                   "notes.txt", "..", "", "sub/../survey.csv"):
        with pytest.raises(DataFolderError):
            Workspace.from_data_folder(data_file(pane.session.store, forged), forged)
    pane.server_file.options = ["link-out.csv"]  # even if the list itself were forged
    pane.read_button.click()
    assert "not a file inside the data folder" in pane.message.value
    assert "SECRET-MARKER" not in pane.loaded.value + pane.message.value


@pytest.mark.parametrize(("role", "party"), [("party", "A"), ("observer", None)])
def test_partner_links_never_read_a_server_file(store, sample, folders, role, party):
    pane = _pane(store, sample, role, party)
    assert pane.server_row.children == ()  # nothing offered ...
    assert "give a larger file to the facilitator" in str(
        [x.value for x in find(pane.widget(), w.HTML)])
    with pytest.raises(AccessDenied, match="only the facilitator"):  # ... nor accepted
        Workspace.from_data_folder(data_file(pane.session.store, "survey.csv"), "survey.csv")
    pane.server_file.options = ["survey.csv"]  # a forged list and click
    pane.server_file.value = "survey.csv"
    pane.read_button.click()
    assert "only the facilitator reads files on the server" in pane.message.value
    assert pane.work is None


def test_a_revoked_facilitator_page_and_a_practice_copy_read_nothing(store, sample, folders,
                                                                     tmp_path):
    pane = _pane(store, sample, "facilitator")
    revoke(store, pane.session.grant.invite_id)
    with pytest.raises(AccessDenied):
        Workspace.from_data_folder(data_file(pane.session.store, "survey.csv"), "survey.csv")
    practice = Store(tmp_path / "practice.sqlite")  # a served page with a store of its own
    with pytest.raises(AccessDenied, match="only the facilitator"):
        Workspace.from_data_folder(data_file(practice, "survey.csv"), "survey.csv")
    assert RiskPane(Session(practice, build_sample(practice), party="A")).server_row \
        .children == ()


def test_without_a_data_folder_the_facilitator_is_told_to_upload(store, sample, folders,
                                                                 monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV)
    pane = _pane(store, sample, "facilitator")
    assert pane.server_row.children == (pane.server_hint,)
    assert "--data-dir" in pane.server_hint.value
    with pytest.raises(DataFolderError, match="no data folder"):
        Workspace.from_data_folder(data_file(pane.session.store, "survey.csv"), "survey.csv")


def test_resolve_refuses_every_way_out(folders):
    data, _ = folders
    assert resolve(data, "survey.csv") == (data / "survey.csv").resolve()
    assert tables(data) == ["survey.csv"]
    for name in ("../x.csv", "/etc/passwd", "a\\b.csv", "x\0.csv", "missing.csv", "."):
        with pytest.raises(DataFolderError):
            resolve(data, name)
