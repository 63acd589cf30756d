"""A step's extra sections are declared once (record/sections.py): the progress, the page,
the HTML and Markdown templates and the Word report all follow the declaration."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import ipywidgets as w
import pytest

from pim_workbook.app.gate import open_session
from pim_workbook.app.pages.step import SECTION_PANES
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.shell import Tabs
from pim_workbook.outputs import word
from pim_workbook.outputs.render import to_html, to_markdown
from pim_workbook.record import sections
from pim_workbook.record.progress import progress
from pim_workbook.record.sections import StepSection, section_keys, sections_of

TEMPLATES = files("pim_workbook.outputs") / "templates" / "sections"


def _tab_titles(root: w.Widget) -> list[str]:
    stack, titles = [root], []
    while stack:
        node = stack.pop()
        if isinstance(node, Tabs):
            titles += node.titles
        stack.extend(getattr(node, "children", ()))
    return titles


def test_every_declared_section_has_a_renderer_in_every_view():
    keys = section_keys()
    assert set(SECTION_PANES) == keys
    shown = {s.key for step in sections.STEP_SECTIONS for s in sections_of(step, reports=True)}
    assert set(word.SECTION_WRITERS) == shown
    for key in shown:
        assert (TEMPLATES / f"{key}.html.j2").is_file(), key
        assert (TEMPLATES / f"{key}.md.j2").is_file(), key
    assert "risk" in keys - shown  # the risk workspace is a tool of the page only


def test_a_steps_progress_counts_the_items_its_sections_declare(store, aid):
    step4 = store.content.step("E.4")
    before = progress(store.get(aid), store.content)["Step 4"]
    expected = len(step4.questions) + len(step4.maximise.actions) + \
        len(step4.mitigate.actions) + sum(len(s.done(store.get(aid))) for s in sections_of("E4"))
    assert before == (0, expected)
    store.set(aid, "evaluation/evaluated_on", "2026-11-30", actor="facilitator")
    assert progress(store.get(aid), store.content)["Step 4"] == (1, expected)


def test_a_section_declared_for_another_step_appears_in_every_view(store, aid, monkeypatch,
                                                                   tmp_path):
    """Declaring the evaluation for step 3 too is the only change: every view follows."""
    moved = StepSection("evaluation", "Evaluation", lambda r: [r.evaluation.evaluated_on
                                                               is not None])
    monkeypatch.setitem(sections.STEP_SECTIONS, "E3",
                        (*sections.STEP_SECTIONS["E3"], moved))
    store.set(aid, "evaluation/recommendations", "Share monthly, not weekly", actor="fac")
    store.set(aid, "evaluation/evaluated_on", dt.date(2026, 11, 30).isoformat(), actor="fac")

    assert progress(store.get(aid), store.content)["Step 3"][0] == 1
    assert "Evaluation" in _tab_titles(build_page("E.3", open_session(store, aid)))
    html = to_html(store, aid)
    step3 = html[html.index("Step 3:"):html.index("Step 4:")]
    assert "Share monthly, not weekly" in step3
    md = to_markdown(store, aid)
    assert "Share monthly, not weekly" in md[md.index("Step 3:"):md.index("Step 4:")]

    docx = pytest.importorskip("docx")
    path = word.to_docx(store, aid, tmp_path / "r.docx")
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    start = next(i for i, t in enumerate(texts) if t.startswith("Step 3:"))
    end = next(i for i, t in enumerate(texts) if t.startswith("Step 4:"))
    assert "Evaluation" in texts[start:end]
