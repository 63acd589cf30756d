"""Typed texts are limited to 20,000 characters by the store's one write path."""

from __future__ import annotations

import pytest

from pim_workbook.app.session import Session
from pim_workbook.cli import main
from pim_workbook.errors import StoreError
from pim_workbook.store.units import TEXT_LIMIT

LONG = "x" * (TEXT_LIMIT + 1)


def _unchanged(store, aid, write) -> str:
    """Run a write that must be refused; return its message after checking nothing moved."""
    before, changes = store.get(aid), len(store.history(aid))
    with pytest.raises(StoreError) as info:
        write()
    assert store.get(aid) == before and len(store.history(aid)) == changes
    assert isinstance(info.value, ValueError)  # pages that show refused values show it too
    return str(info.value)


def test_an_answer_at_the_limit_is_kept_one_over_is_refused(store, aid):
    store.answer(aid, "E1.Q1", "A", "y" * TEXT_LIMIT, actor="Amal")
    assert len(store.get(aid).answers["E1.Q1"].parties["A"]) == TEXT_LIMIT
    message = _unchanged(store, aid, lambda: store.answer(aid, "E1.Q2", "A", LONG, actor="Amal"))
    assert message == ("an answer is limited to 20,000 characters (this one has 20,001); "
                       "shorten it — nothing was saved")
    assert "E1.Q2" not in store.get(aid).answers  # not moved to 'discussing' either


def test_every_typed_text_is_limited_however_deep(store, aid):
    message = _unchanged(store, aid, lambda: store.agree(aid, "E1.Q1", LONG, actor="F"))
    assert message.startswith("an answer is limited to 20,000 characters")
    writes = [
        lambda: store.set(aid, "purpose", LONG, actor="F"),
        lambda: store.set_action(aid, "E1.mitigate.1", note=LONG, actor="F"),
        lambda: store.add(aid, "data_items", {"name": "Age", "description": LONG}, actor="F"),
        lambda: store.update_party(aid, "A", {"contacts": [{"name": "Amal", "email": LONG}]},
                                   actor="F"),
        lambda: store.set(aid, "purpose", "fine", actor=LONG),
    ]
    for write in writes:
        assert "is limited to 20,000 characters (this one has 20,001)" in \
            _unchanged(store, aid, write)
    store.set(aid, "purpose", "fine", actor="F")
    assert store.get(aid).purpose == "fine"


def test_a_training_title_is_limited(store):
    with pytest.raises(StoreError, match="a title is limited to 20,000"):
        store.add_training("t1234abcd", LONG, actor="Trainer")
    assert store.trainings() == []


def test_the_page_shows_the_refusal_and_keeps_the_saved_answer(store, aid):
    store.answer(aid, "E1.Q1", "A", "kept", actor="Amal")
    session = Session(store, aid, party="A", actor="Amal")
    assert not session.write(lambda: store.answer(aid, "E1.Q1", "A", LONG, actor="Amal"))
    assert session.last_error.startswith("Not saved: an answer is limited to 20,000 characters")
    assert store.get(aid).answers["E1.Q1"].parties["A"] == "kept"


def test_the_command_line_shows_the_refusal_in_one_line(db_path, capsys):
    code = main(["--db", str(db_path), "new", "Monitoring", "--purpose", LONG])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "a text is limited to 20,000 characters (this one has 20,001)" in err
