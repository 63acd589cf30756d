"""Views of the record: JSON (+ schema) round trip, HTML, Markdown, CSV, file names."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pim_workbook.errors import ImportRefused, StoreError
from pim_workbook.outputs import actions, jsonfile, render
from pim_workbook.outputs.exports import export
from pim_workbook.outputs.filenames import slug
from pim_workbook.outputs.jsonfile import import_json, to_json
from pim_workbook.record.readiness import open_items
from pim_workbook.store.core import Store

NASTY = "<script>alert('x')</script> & \"quotes\" | pipes *stars* مرحبا été"


def test_the_shipped_json_schema_is_the_models_schema():
    shipped = json.loads(jsonfile.SCHEMA_PATH.read_text(encoding="utf-8"))
    assert shipped == jsonfile.json_schema()


def test_export_validates_against_the_published_schema(store, aid):
    import jsonschema

    store.answer(aid, "E1.Q1", "A", NASTY, actor="amal")
    jsonschema.validate(json.loads(to_json(store, aid)), jsonfile.json_schema())


def _fill(store: Store, aid: str, ops: list[tuple[str, str, str]]) -> None:
    for kind, key, text in ops:
        if kind == "answer":
            store.answer(aid, key, "AB"[len(text) % 2], text, actor="amal")
        elif kind == "agree":
            store.agree(aid, key, text, actor="facilitator")
        elif kind == "item":
            store.add(aid, "data_items", {"name": text.strip() or "unnamed", "sensitivity": "high"},
                      actor="ben")
        elif kind == "action":
            store.set_action(aid, key, note=text, due="2026-12-24", actor="ben")
        elif store.status(aid) != "signed":  # signing an unchanged record is refused
            store.sign(aid, "A", "Amal", actor="amal",
                       acknowledged=open_items(store.get(aid), store.content))
            store.sign(aid, "B", "Ben", actor="ben",
                       acknowledged=open_items(store.get(aid), store.content))


QUESTIONS = ["E1.Q1", "E2.Q3", "E4.Q3"]
ACTIONS = ["E1.maximise.1", "E3.mitigate.4"]
op = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from(QUESTIONS), st.text(max_size=40)),
    st.tuples(st.just("agree"), st.sampled_from(QUESTIONS), st.text(max_size=40)),
    st.tuples(st.just("item"), st.just(""), st.text(max_size=20)),
    st.tuples(st.just("action"), st.sampled_from(ACTIONS), st.text(max_size=20)),
    st.tuples(st.just("sign"), st.just(""), st.just("")),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, max_size=12))
def test_export_import_export_gives_the_same_bytes(tmp_path_factory, content, ops):
    folder = tmp_path_factory.mktemp("roundtrip")
    with Store(folder / "a.sqlite", content=content) as first:
        aid = first.create("Round trip", actor="fac")
        first.add_party(aid, "Org A", "provider", actor="fac")
        first.add_party(aid, "Org B", "recipient", actor="fac")
        _fill(first, aid, ops)
        text = to_json(first, aid)
        sealed_by = first.own_fingerprint()
    with Store(folder / "b.sqlite", content=content) as second:
        assert import_json(second, text, actor="importer") == aid
        assert to_json(second, aid) == text  # the first store's seals, kept as they came
        assert second.history(aid)[-1].actor != "importer"  # import logged apart
        assert second.imports()[0][0] == aid
        result = second.verify(aid)
        assert result.problems == () and result.signers == ((sealed_by, "unknown"),)


def test_a_store_that_changes_an_import_seals_what_it_adds(store, sample, tmp_path, content):
    first = json.loads(to_json(store, sample))
    with Store(tmp_path / "b.sqlite", content=content) as second:
        import_json(second, json.dumps(first), actor="importer")
        second.set(sample, "purpose", "Widened after the import", actor="ben")
        again = json.loads(to_json(second, sample))
        added = second.own_fingerprint()
    assert again["history"][:len(first["history"])] == first["history"]
    assert again["seals"][:-1] == first["seals"]
    assert again["seals"][-1]["key"] == added
    assert [k["fingerprint"] for k in again["keys"]] == [first["keys"][0]["fingerprint"], added]
    with Store(tmp_path / "c.sqlite", content=content) as third:
        import_json(third, json.dumps(again), actor="importer")
        result = third.verify(sample)
        assert result.problems == ()
        assert [fp for fp, _ in result.signers] == [first["keys"][0]["fingerprint"], added]


def test_import_refuses_bad_files_and_leaves_the_store_unchanged(store, aid, tmp_path,
                                                                  content):
    good = json.loads(to_json(store, aid))
    target = Store(tmp_path / "target.sqlite", content=content)
    cases = {
        "not JSON": "{oops",
        "format_version": json.dumps({**good, "format_version": 99}),
        "record/parties/A/role": json.dumps(
            {**good, "record": {**good["record"], "parties": {
                "A": {"organisation": "X", "role": "boss", "contacts": []}}}}),
        "history": json.dumps({k: v for k, v in good.items() if k != "history"}),
    }
    for expected, text in cases.items():
        with pytest.raises(ImportRefused, match=expected):
            import_json(target, text, actor="x", source="bad.json")
    assert target.ids() == []
    import_json(target, json.dumps(good), actor="x")
    with pytest.raises(StoreError, match="already in the store"):
        import_json(target, json.dumps(good), actor="x")


def test_import_detects_an_altered_signed_revision(store, aid, tmp_path, content):
    store.sign(aid, "A", "Amal", actor="amal",
               acknowledged=open_items(store.get(aid), store.content))
    store.sign(aid, "B", "Ben", actor="ben",
               acknowledged=open_items(store.get(aid), store.content))
    doc = json.loads(to_json(store, aid))
    doc["revisions"][0]["record"]["purpose"] = "quietly changed"
    with pytest.raises(ImportRefused, match="does not match its content hash"):
        import_json(Store(tmp_path / "t.sqlite", content=content), json.dumps(doc), actor="x")


def test_html_escapes_user_text_and_shows_answers_side_by_side(store, aid):
    store.set(aid, "purpose", NASTY, actor="amal")
    store.answer(aid, "E1.Q1", "A", "Response planning", actor="amal")
    store.answer(aid, "E1.Q1", "B", "<b>advocacy</b>", actor="ben")
    html = render.to_html(store, aid)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;advocacy&lt;/b&gt;" in html
    assert "مرحبا été" in html
    assert "Response planning" in html
    assert html.count('class="question diverges"') == 1


def test_markdown_escapes_user_text(store, aid):
    store.set(aid, "purpose", NASTY + "\nsecond line", actor="amal")
    md = render.to_markdown(store, aid)
    assert "<script>" not in md
    assert r"\<script\>" in md
    assert r"\| pipes \*stars\*" in md
    assert "second line" in md and "\nsecond line" not in md


def test_action_plan_csv_lists_every_action_and_marks_overdue(store, aid, content):
    store.set_action(aid, "E1.mitigate.2", status="in_progress", owner="Amal",
                     due="2026-01-15", actor="amal")
    store.set_action(aid, "E1.mitigate.3", status="done", due="2026-01-15", actor="amal")
    store.add(aid, "custom_actions", {"step": "E2", "kind": "mitigate",
                                      "text": "Encrypt the shared drive"}, actor="ben")
    text = actions.actions_csv(store.get(aid), content, today=dt.date(2026, 2, 1))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 42 + 1
    by_id = {r["id"]: r for r in rows}
    assert by_id["E1.mitigate.2"]["overdue"] == "yes"
    assert by_id["E1.mitigate.3"]["overdue"] == ""
    assert by_id["E1.maximise.1"]["status"] == "not_considered"
    assert by_id["C1"]["action"] == "Encrypt the shared drive"


def test_files_are_named_from_id_and_title_and_never_collide(store, aid, tmp_path):
    other = store.create("Protection monitoring to cluster", actor="fac")
    paths = [export(store, a, fmt, tmp_path) for a in (aid, other)
             for fmt in ("json", "html", "md", "csv")]
    assert paths[0].name == f"{aid}-protection-monitoring-to-cluster.json"
    assert paths[3].name == f"{aid}-protection-monitoring-to-cluster-actions.csv"
    assert len({p.name for p in paths}) == 8
    assert slug("Évaluation : <partage> / 2026") == "evaluation-partage-2026"
    assert slug("مرحبا") == "assessment"
