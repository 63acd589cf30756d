"""Text boxes are saved while the person types: one write per pause, nothing overwritten by
a redraw meanwhile, the page never says "saved" too early, a stopping kernel writes what is
left, and the box tells the page which text the store holds."""

from __future__ import annotations

import asyncio

import ipywidgets as w
import pytest

from pim_workbook.app import session as session_module
from pim_workbook.app.session import Session, text_hash
from pim_workbook.app.widgets.question import question_card

from .helpers import find

PAUSE = 0.15


def run(coroutine) -> None:
    """Run on a loop of its own, leaving the thread's event loop as it was for other tests."""
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coroutine)
    finally:
        loop.close()


@pytest.fixture(autouse=True)
def short_pause(monkeypatch):
    monkeypatch.setattr(session_module, "TYPING_PAUSE_S", PAUSE)


def _box(store, aid, content, party="A"):
    session = Session(store, aid, party=party, actor="Ana")
    card = question_card(session, content.question("E1.Q1"))
    return session, find(card, w.Textarea, css=f"pimw-answer-{party}")[0]


def _rows(store, aid, path="answers/E1.Q1/parties/A"):
    return [c for c in store.history(aid) if c.path == path]


def test_typing_is_written_once_per_pause_and_marked_saved(store, aid, content):
    session, box = _box(store, aid, content)
    assert any(c.startswith("pimw-k-E1_Q1-A") for c in box._dom_classes)
    assert box.continuous_update

    async def type_then_pause() -> None:
        for typed in ("Com", "Commune", "Commune trends"):
            box.value = typed
            await asyncio.sleep(PAUSE / 5)
        assert _rows(store, aid) == []  # still typing: nothing written ...
        assert "Not saved yet" in session.status.value  # ... and the page says so
        await asyncio.sleep(PAUSE * 3)

    run(type_then_pause())
    assert store.get(aid).answers["E1.Q1"].parties["A"] == "Commune trends"
    assert len(_rows(store, aid)) == 1
    assert "Saved at" in session.status.value
    assert f"pimw-saved-{text_hash('Commune trends')}" in box._dom_classes


def test_a_redraw_while_typing_keeps_the_typed_text(store, aid, content):
    session, box = _box(store, aid, content)

    async def typing_during_a_refresh() -> None:
        box.value = "Draft of A"
        store.answer(aid, "E1.Q1", "B", "B's answer", actor="Bo")  # another party
        session.refresh(force=True)
        assert box.value == "Draft of A"
        await asyncio.sleep(PAUSE * 3)

    run(typing_during_a_refresh())
    assert store.get(aid).answers["E1.Q1"].parties == {"A": "Draft of A", "B": "B's answer"}


def test_a_stopping_kernel_writes_what_is_left(store, aid, content):
    session, box = _box(store, aid, content)

    async def type_and_stop() -> None:
        box.value = "Typed just before the tab closed"
        session.flush()  # what the kernel runs at exit

    run(type_and_stop())
    assert store.get(aid).answers["E1.Q1"].parties["A"] == "Typed just before the tab closed"
    assert len(_rows(store, aid)) == 1


def test_a_refused_text_stays_in_the_box_and_is_never_called_saved(store, aid, content):
    session, box = _box(store, aid, content)
    box.value = "x" * 20_001  # no event loop: written at once
    assert "Not saved" in session.status.value and "20,000" in session.status.value
    assert box.value == "x" * 20_001 and "pimw-invalid" in box._dom_classes
    assert not any(c.startswith("pimw-saved-") for c in box._dom_classes)
    assert "E1.Q1" not in store.get(aid).answers
    box.value = "short"
    assert store.get(aid).answers["E1.Q1"].parties["A"] == "short"
    assert "pimw-invalid" not in box._dom_classes


def test_the_hash_is_fnv1a_of_utf8():
    assert text_hash("") == "811c9dc5"
    assert text_hash("a") == "e40c292c"
    assert text_hash("é") != text_hash("e")


def test_the_page_template_knows_the_kernel_s_limits():
    """The page refuses to send what the kernel would refuse (or could not take)."""
    import re
    from importlib.resources import files

    from pim_workbook.sdc.microdata import UPLOAD_LIMIT
    from pim_workbook.store.units import TEXT_LIMIT

    template = files("pim_workbook").joinpath(
        "share/jupyter/voila/templates/pim/index.html.j2").read_text(encoding="utf-8")
    assert int(re.search(r"var LIMIT = (\d+);", template).group(1)) == TEXT_LIMIT
    assert int(re.search(r"var UPLOAD_LIMIT = (\d+);", template).group(1)) == UPLOAD_LIMIT
