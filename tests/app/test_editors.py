"""The editors without a browser: choices ticked as checkboxes, dates typed as YYYY-MM-DD,
and a step's actions one line each with their editors on demand."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pytest

from pim_workbook.access import GuardedStore, create_invite
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import FACILITATOR, Session
from pim_workbook.app.widgets.editors import DATE_FORMAT, CheckGroup, iso_date

from .helpers import find, tab

REFUSED_DATE = f"Not saved: {DATE_FORMAT}"


def _observer(store, aid) -> Session:
    """A page opened with an observer's link: it reads, and writes nothing."""
    _, key = create_invite(store, role="observer", actor="Fatima", assessment_id=aid)
    return Session(GuardedStore(store, key), aid, actor="Olu")


def _group(page, caption: str) -> CheckGroup:
    """The checkbox group that offers ``caption`` among its choices."""
    return next(g for g in find(page, CheckGroup)
                if find(g, w.Checkbox, text=caption))


def _box(root, caption: str) -> w.Checkbox:
    return next(c for c in find(root, w.Checkbox) if c.description == caption)


def _shown(page) -> list[str]:
    """The ids of the actions whose line is in the list."""
    return [next(c[len("pimw-action-"):] for c in row._dom_classes
                 if c.startswith("pimw-action-E")).replace("-", ".")
            for row in find(page, w.VBox, css="pimw-action")]


# -- choices as checkboxes -----------------------------------------------------------------
def test_ticking_boxes_writes_the_list_in_the_order_of_the_choices(store, aid):
    page = build_page("E.2", Session(store, aid, actor="Fatima"))
    tab(page, "Data items")
    find(page, w.Text, text="new data item")[0].value = "Referral forms"
    find(page, w.Button, text="Add data item")[0].click()
    categories = _group(page, "Sensitive data")
    assert not find(page, w.SelectMultiple)
    assert all(c.description for c in find(categories, w.Checkbox))  # each its own label
    _box(categories, "Sensitive data").value = True
    _box(categories, "Personal data").value = True
    assert store.get(aid).data_items["D1"].categories == ["personal", "sensitive"]
    _box(categories, "Sensitive data").value = False
    assert store.get(aid).data_items["D1"].categories == ["personal"]
    _box(_group(page, "Prediction and forecasting"), "Prediction and forecasting").value = True
    assert store.get(aid).data_items["D1"].purposes == ["prediction"]


def test_a_forged_tick_from_a_read_only_link_is_refused_and_redrawn(store, sample):
    page = build_page("E.2", _observer(store, sample))
    tab(page, "Data items")
    categories = _group(page, "Aggregated data")
    before = store.get(sample).data_items["D6"].categories
    aggregated = _box(categories, "Aggregated data")
    assert categories.disabled and aggregated.disabled
    assert not aggregated.value
    aggregated.value = True  # what a crafted widget message would do
    assert store.get(sample).data_items["D6"].categories == before
    assert not aggregated.value
    assert categories.value == tuple(before)


def test_a_choice_the_form_does_not_offer_is_kept_when_another_is_ticked():
    group = CheckGroup([("North", "n"), ("South", "s")])
    group.value = ("s", "gone")  # chosen elsewhere after the form was built
    assert [c.value for c in find(group, w.Checkbox)] == [False, True]
    _box(group, "North").value = True
    assert group.value == ("n", "s", "gone")
    group.disabled = True
    assert all(c.disabled for c in find(group, w.Checkbox))


# -- dates as YYYY-MM-DD -------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "day"), [
    ("2026-12-31", dt.date(2026, 12, 31)), (" 2027-01-05 ", dt.date(2027, 1, 5)), ("", None),
    ("   ", None)])
def test_an_iso_date_is_read(typed, day):
    assert iso_date(typed) == day


@pytest.mark.parametrize("typed", ["12/31/2026", "31/12/2026", "20261231", "2026-2-3",
                                   "2026-02-30", "tomorrow", "2026-12-31T10:00"])
def test_anything_else_is_refused(typed):
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        iso_date(typed)


def test_a_date_is_written_refused_with_a_message_and_cleared(store, aid):
    session = Session(store, aid, actor="Fatima")
    page = build_page("E.2", session)
    tab(page, "Arrangement")
    assert not find(page, w.DatePicker)
    box = find(page, w.Text, text="YYYY-MM-DD")[0]
    note = next(x for x in find(page, w.HTML, css="pimw-error"))
    box.value = "2027-03-01"
    assert store.get(aid).arrangement.next_review == dt.date(2027, 3, 1)
    assert note.layout.display == "none"
    changes = len(store.history(aid))
    box.value = "03/01/2027"  # an en-US browser's way
    assert store.get(aid).arrangement.next_review == dt.date(2027, 3, 1)
    assert len(store.history(aid)) == changes  # nothing written
    assert note.value == REFUSED_DATE and note.layout.display == ""
    assert REFUSED_DATE in session.status.value
    assert box.value == "03/01/2027"  # kept, to be put right
    box.value = ""
    assert store.get(aid).arrangement.next_review is None
    assert note.layout.display == "none" and box.value == ""


def test_a_collection_item_takes_its_dates_the_same_way(store, sample):
    page = build_page("E.2", Session(store, sample, actor="Fatima"))
    tab(page, "Register")
    delete_by = next(x for x in find(page, w.Text, text="YYYY-MM-DD")
                     if x.description == "Delete by")
    delete_by.value = "2028-06-30"
    assert store.get(sample).datasets["DS2"].retention_until == dt.date(2028, 6, 30)
    delete_by.value = "30.06.2028"
    assert store.get(sample).datasets["DS2"].retention_until == dt.date(2028, 6, 30)
    assert delete_by.value == "30.06.2028"


# -- the actions of a step -----------------------------------------------------------------
def test_each_action_is_one_line_and_its_editors_open_on_demand(store, sample):
    page = build_page("E.1", Session(store, sample, actor="Fatima"))
    tab(page, "Actions")
    rows = find(page, w.VBox, css="pimw-action")
    assert len(rows) == 14
    line = find(rows[5], w.HTML, css="pimw-action-summary")[0].value
    assert "In progress" in line and "E1.maximise.6" in line
    assert "Rashid Tamboura, MPA" in line and "due 2026-12-15" in line
    assert not find(rows[5], w.Dropdown)  # closed: no editors yet
    toggle = find(rows[5], w.ToggleButton)[0]
    assert toggle.description == "Details" and toggle.layout.width == "auto"
    toggle.value = True
    status = find(rows[5], w.Dropdown)[0]
    owner, due, note = find(rows[5], w.Text)
    assert [x.description for x in (status, owner, due, note)] == [
        "Status", "Owner", "Due", "Note"]
    assert (status.value, owner.value, due.value) == (
        "in_progress", "Rashid Tamboura, MPA", "2026-12-15")
    assert toggle.description == "Hide"
    toggle.value = False
    assert not find(rows[5], w.Dropdown)


def test_action_editors_write_status_owner_and_due(store, aid):
    session = Session(store, aid, party=FACILITATOR, actor="Fatima")
    page = build_page("E.1", session)
    tab(page, "Actions")
    row = find(page, w.VBox, css="pimw-action")[0]
    find(row, w.ToggleButton)[0].value = True
    find(row, w.Dropdown)[0].value = "in_progress"
    owner, due, _ = find(row, w.Text)
    owner.value = "Issa"
    due.value = "2026-12-15"
    state = store.get(aid).actions["E1.maximise.1"]
    assert (state.status, state.owner, state.due) == ("in_progress", "Issa",
                                                      dt.date(2026, 12, 15))
    due.value = "15/12/2026"
    assert store.get(aid).actions["E1.maximise.1"].due == dt.date(2026, 12, 15)
    assert find(row, w.HTML, css="pimw-error")[0].value == REFUSED_DATE
    summary = find(row, w.HTML, css="pimw-action-summary")[0].value
    assert "In progress" in summary and "Issa · due 2026-12-15" in summary


def test_the_filter_shows_only_the_actions_of_a_status(store, sample):
    page = build_page("E.1", Session(store, sample, actor="Fatima"))
    tab(page, "Actions")
    show = find(page, w.Dropdown, css="pimw-action-filter")[0]
    assert show.description == "Show"
    assert [label for label, _ in show.options] == [
        "All actions (14)", "Not considered (0)", "Planned (1)", "In progress (2)",
        "Done (11)", "Not applicable (0)"]
    show.value = "in_progress"
    assert _shown(page) == ["E1.maximise.6", "E1.mitigate.3"]
    show.value = "planned"
    assert _shown(page) == ["E1.mitigate.7"]
    assert find(page, w.HTML, text="None with this status")  # no maximise action planned
    show.value = ""
    assert len(_shown(page)) == 14


def test_an_open_action_stays_in_view_when_its_status_leaves_the_filter(store, sample):
    page = build_page("E.1", Session(store, sample, actor="Fatima"))
    tab(page, "Actions")
    show = find(page, w.Dropdown, css="pimw-action-filter")[0]
    show.value = "in_progress"
    row = find(page, w.VBox, css="pimw-action")[0]
    toggle = find(row, w.ToggleButton)[0]
    toggle.value = True
    find(row, w.Dropdown)[0].value = "done"
    assert store.get(sample).actions["E1.maximise.6"].status == "done"
    assert _shown(page) == ["E1.maximise.6", "E1.mitigate.3"]  # still being edited
    assert show.value == "in_progress"  # new counts, the same filter
    assert ("In progress (1)", "in_progress") in show.options
    toggle.value = False
    assert _shown(page) == ["E1.mitigate.3"]


def test_a_read_only_link_opens_an_action_but_changes_nothing(store, sample):
    page = build_page("E.1", _observer(store, sample))
    tab(page, "Actions")
    row = find(page, w.VBox, css="pimw-action")[0]
    find(row, w.ToggleButton)[0].value = True  # reading the details is allowed
    status = find(row, w.Dropdown)[0]
    due = find(row, w.Text)[1]
    assert status.disabled and due.disabled
    due.value = "2030-01-01"  # forged
    status.value = "not_applicable"
    state = store.get(sample).actions["E1.maximise.1"]
    assert (state.status, state.due) == ("done", dt.date(2026, 1, 31))
    assert (status.value, due.value) == ("done", "2026-01-31")
