"""The report charts: each renders, for the sample and for an empty assessment, and shows
what the record holds (counts read back from the drawn bars, computed here independently)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from pim_workbook.content.framework import Content
from pim_workbook.outputs import plots
from pim_workbook.outputs.actions import action_rows
from pim_workbook.record.labels import label
from pim_workbook.record.model import Record
from pim_workbook.record.progress import progress
from pim_workbook.store.core import Store

TODAY = dt.date(2026, 9, 1)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def sample(sample_export: str) -> Record:
    """The built-in sample's record (records are not changed here)."""
    return Record.model_validate(json.loads(sample_export)["record"])


@pytest.fixture
def empty(store: Store, aid: str) -> Record:
    return store.get(aid)


def _axes(fig: Figure) -> Axes:
    assert len(fig.axes) == 1
    return fig.axes[0]


def _texts(fig: Figure) -> list[str]:
    ax = _axes(fig)
    return [t.get_text() for t in ax.texts] + [ax.get_title(loc="left")]


def _bars(ax: Axes) -> dict[str, dict[str, float]]:
    """{series: {category (y tick label): bar width}} from the drawn bar containers."""
    categories = [t.get_text() for t in ax.get_yticklabels()]
    out = {}
    for container in ax.containers:
        widths = [patch.get_width() for patch in container]
        assert len(widths) == len(categories)
        out[container.get_label()] = dict(zip(categories, widths, strict=True))
    return out


def _all_figures(record: Record, content: Content) -> list[Figure]:
    return [plots.progress_figure(record, content),
            plots.actions_figure(action_rows(record, content, TODAY)),
            plots.sensitivity_figure(record, content),
            plots.ecosystem_figure(record, content)]


# -- rendering -----------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["sample", "empty"])
def test_every_figure_renders_to_png(which: str, request: pytest.FixtureRequest,
                                     content: Content) -> None:
    record = request.getfixturevalue(which)
    for fig in _all_figures(record, content):
        assert plots.png(fig).startswith(PNG)


def test_rendering_is_deterministic(sample: Record, content: Content) -> None:
    first = [plots.png(f) for f in _all_figures(sample, content)]
    again = [plots.png(f) for f in _all_figures(sample, content)]
    assert first == again


def test_a_record_without_parties_renders(store: Store, content: Content) -> None:
    record = store.get(store.create("Nothing yet", actor="facilitator"))
    for fig in _all_figures(record, content):
        assert plots.png(fig).startswith(PNG)
    ax = _axes(plots.progress_figure(record, content))
    assert "nothing to do yet" in [t.get_text() for t in ax.texts]  # no signing parties


# -- progress ------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["sample", "empty"])
def test_progress_bars_match_sections(which: str, request: pytest.FixtureRequest,
                                      content: Content) -> None:
    record = request.getfixturevalue(which)
    sections = progress(record, content)
    fig = plots.progress_figure(record, content)
    ax = _axes(fig)
    bars = _bars(ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(sections)  # in order
    assert ax.yaxis_inverted()  # first section on top
    assert set(bars["total"].values()) == {100}
    for name, (done, total) in sections.items():
        assert bars["done"][name] == pytest.approx(100 * done / total if total else 0)
        if total:
            assert f"{done} of {total}  ({100 * done / total:.0f}%)" in _texts(fig)
    overall = f"{sum(d for d, _ in sections.values())} of {sum(t for _, t in sections.values())}"
    assert overall in ax.get_title(loc="left")


# -- actions -------------------------------------------------------------------------------
def _expected_actions(record: Record, content: Content,
                      today: dt.date = TODAY) -> tuple[Counter[tuple[str, str]], int]:
    """(step, status) counts and the overdue count, straight from record and content."""
    counts: Counter[tuple[str, str]] = Counter()
    overdue = 0
    states = []
    for step in content.assessment.steps:
        for action in (*step.maximise.actions, *step.mitigate.actions):
            state = record.actions.get(action.id)
            counts[step.id, state.status if state else "not_considered"] += 1
            states.append(state)
    for custom in record.custom_actions.values():
        counts[custom.step, custom.status] += 1
        states.append(custom)
    for state in states:
        if (state is not None and state.due is not None and state.due < today
                and state.status not in ("done", "not_applicable")):
            overdue += 1
    return counts, overdue


@pytest.mark.parametrize("which", ["sample", "empty"])
def test_actions_by_status_and_step(which: str, request: pytest.FixtureRequest,
                                    content: Content) -> None:
    record = request.getfixturevalue(which)
    expected, overdue = _expected_actions(record, content)
    fig = plots.actions_figure(action_rows(record, content, TODAY))
    ax = _axes(fig)
    bars = _bars(ax)
    statuses = {status for _, status in expected}
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(map(label, statuses))
    drawn = Counter({(f"E{series.split()[-1]}", status): width
                     for series, widths in bars.items()
                     for status in statuses
                     if (width := widths[label(status)])})
    assert drawn == expected
    per_status = Counter(status for (_, status), n in expected.items() for _ in range(n))
    totals = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    for status, n in per_status.items():
        assert sum(widths[label(status)] for widths in bars.values()) == n
        assert str(n) in totals
    title = ax.get_title(loc="left")
    assert f"{sum(expected.values())} actions, {overdue} overdue" in title
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(bars)


def test_overdue_count_in_title(sample: Record, content: Content) -> None:
    dues = [a.due for a in (*sample.actions.values(), *sample.custom_actions.values()) if a.due]
    later = max(dues) + dt.timedelta(days=1)  # every unfinished action with a due date is late
    _, overdue = _expected_actions(sample, content, later)
    assert overdue > 0 and sample.custom_actions
    ax = _axes(plots.actions_figure(action_rows(sample, content, later)))
    assert f", {overdue} overdue" in ax.get_title(loc="left")


def test_custom_overdue_action_is_counted(store: Store, aid: str, content: Content) -> None:
    store.add(aid, "custom_actions", {"step": "E3", "kind": "mitigate", "text": "Train staff",
                                      "status": "in_progress", "due": "2026-01-31"},
              actor="facilitator")
    rows = action_rows(store.get(aid), content, TODAY)
    ax = _axes(plots.actions_figure(rows))
    assert "1 overdue" in ax.get_title(loc="left")
    assert _bars(ax)["Step 3"][label("in_progress")] == 1


def test_no_action_rows_says_so() -> None:
    fig = plots.actions_figure([])
    assert "No actions yet" in _texts(fig)
    assert not _axes(fig).patches
    assert plots.png(fig).startswith(PNG)


# -- sensitivity ---------------------------------------------------------------------------
def test_sensitivity_counts_items_per_level(sample: Record, content: Content) -> None:
    ax = _axes(plots.sensitivity_figure(sample, content))
    bars = _bars(ax)
    titles = {c.id: c.title for c in content.sensitivity_levels}
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == [*titles.values(), plots.NOT_CLASSIFIED]
    for series, personal in (("Personal data", True), ("Non-personal data", False)):
        for level, title in titles.items():
            n = sum(1 for d in sample.data_items.values()
                    if d.personal is personal and d.sensitivity == level)
            assert bars[series][title] == n
    assert sum(sum(w.values()) for w in bars.values()) == len(sample.data_items)
    personal = sum(1 for d in sample.data_items.values() if d.personal)
    assert f"{len(sample.data_items)} items, {personal} with personal data" in ax.get_title(
        loc="left")


def test_unclassified_items_have_their_own_bar(store: Store, aid: str,
                                               content: Content) -> None:
    for name, personal in (("Case list", True), ("Site list", False), ("Rumours", False)):
        store.add(aid, "data_items", {"name": name, "personal": personal}, actor="facilitator")
    store.add(aid, "data_items", {"name": "Trends", "sensitivity": "low"}, actor="facilitator")
    bars = _bars(_axes(plots.sensitivity_figure(store.get(aid), content)))
    assert bars["Personal data"][plots.NOT_CLASSIFIED] == 1
    assert bars["Non-personal data"][plots.NOT_CLASSIFIED] == 2
    low = next(c.title for c in content.sensitivity_levels if c.id == "low")
    assert bars["Non-personal data"][low] == 1


def test_sensitivity_of_empty_assessment_says_so(empty: Record, content: Content) -> None:
    fig = plots.sensitivity_figure(empty, content)
    assert "No data items listed yet" in _texts(fig)
    assert not _axes(fig).patches


# -- ecosystem -----------------------------------------------------------------------------
def _arrows(fig: Figure) -> int:
    return sum(isinstance(p, FancyArrowPatch) for p in _axes(fig).patches)


def test_ecosystem_draws_one_arrow_per_flow(sample: Record, content: Content) -> None:
    known = set(sample.stakeholders)
    expected = sum(1 for f in sample.flows.values()
                   if f.source in known and f.target in known and f.source != f.target)
    assert expected > 0
    assert _arrows(plots.ecosystem_figure(sample, content)) == expected


def test_ecosystem_skips_flows_to_oneself(store: Store, aid: str, content: Content) -> None:
    one = store.add(aid, "stakeholders", {"name": "Helping Hands"}, actor="facilitator")
    two = store.add(aid, "stakeholders", {"name": "Cluster"}, actor="facilitator")
    for source, target in ((one, two), (two, one), (one, one)):
        store.add(aid, "flows", {"source": source, "target": target}, actor="facilitator")
    assert _arrows(plots.ecosystem_figure(store.get(aid), content)) == 2


def test_ecosystem_of_empty_assessment_says_so(empty: Record, content: Content) -> None:
    fig = plots.ecosystem_figure(empty, content)
    assert "No stakeholders mapped yet" in [t.get_text() for t in _axes(fig).texts]
    assert _arrows(fig) == 0
