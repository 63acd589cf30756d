"""Pages in the partner's language: ``?lang=`` picks it, every link keeps it, the content
comes from the translation with its English original on demand, answers stay as typed."""

from __future__ import annotations

import ipywidgets as w

from pim_workbook.app.pages.landing import landing_html
from pim_workbook.app.pages.workbook import build_page
from pim_workbook.app.session import PageQuery, Session, page_query
from pim_workbook.app.shell import language_switch
from pim_workbook.content.framework import load_content
from pim_workbook.i18n import current_language, set_language

from .helpers import find


def test_the_page_takes_its_language_from_the_url(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "assessment=sample&key=k1&lang=ar")
    assert page_query() == PageQuery("sample", key="k1", lang="ar")
    assert current_language() == "ar"
    monkeypatch.setenv("QUERY_STRING", "assessment=sample&lang=de")  # not one we have
    page_query()
    assert current_language() == "en"


def test_a_french_page_shows_the_french_content_with_its_english_original(store, sample):
    set_language("fr")
    french, english = load_content(language="fr"), load_content()
    page = build_page("E.1", Session(store, sample, party="A", actor="Awa"))
    shown = "\n".join(x.value for x in find(page, w.HTML))
    q1 = french.question("E1.Q1")
    assert q1.text in shown.replace("&#x27;", "'")
    # the English original, on demand, marked as English for screen readers
    assert 'class="pimw-original" lang="en" dir="ltr"' in shown
    assert english.question("E1.Q1").text.split("?")[0] in shown
    # a party's answer is shown exactly as typed, in whatever language it was typed
    typed = next(x for x in find(page, w.Textarea) if "pimw-own" in x._dom_classes
                 or not x.disabled)
    assert typed.value == store.get(sample).answers["E1.Q1"].parties["A"]


def test_every_link_keeps_the_language_and_the_switch_keeps_the_rest(store, sample,
                                                                     monkeypatch):
    set_language("es")
    page = build_page("E.1", Session(store, sample, party="B", actor="Ben", key="k9"))
    nav = next(x for x in find(page, w.HTML) if "05-step2.ipynb" in x.value)
    assert "05-step2.ipynb?assessment=sample&amp;party=B&amp;name=Ben&amp;key=k9&amp;lang=es" \
        in nav.value
    monkeypatch.setenv("QUERY_STRING", "assessment=sample&key=k9&lang=es")
    switch = language_switch()
    assert 'href="?assessment=sample&amp;key=k9&amp;lang=ar" hreflang="ar"' in switch
    assert 'href="?assessment=sample&amp;key=k9" hreflang="en"' in switch
    assert 'hreflang="es" lang="es" title="Español" aria-current="true"' in switch
    assert "lang=es" in landing_html(store, "k9")


def test_an_english_page_has_no_originals_and_no_translation_notice(store, sample):
    page = build_page("E.1", Session(store, sample, party="A"))
    shown = "\n".join(x.value for x in find(page, w.HTML))
    assert "class=\"pimw-original\"" not in shown
    assert "class=\"pimw-translation-notice\"" not in shown
    footer = next(x for x in find(page, w.HTML) if "Next:" in x.value).value
    assert "05-step2.ipynb?assessment=sample&amp;party=A" in footer and "lang=" not in footer


def test_the_record_keeps_the_language_each_answer_was_typed_in(store, aid):
    import json

    from pim_workbook.outputs.history import entries
    from pim_workbook.outputs.jsonfile import to_json
    from pim_workbook.record.hashing import record_hash

    set_language("fr")
    page = build_page("E.1", Session(store, aid, party="A", actor="Awa"))
    own = next(x for x in find(page, w.Textarea) if "pimw-answer-A" in x._dom_classes)
    own.value = "Nous avons besoin des tendances par commune."
    before = record_hash(store.get(aid))
    set_language("ar")
    facilitator = build_page("E.1", Session(store, aid, actor="Fatima"))
    joint = next(x for x in find(facilitator, w.Textarea)
                 if "pimw-agreed-answer" in x._dom_classes)
    joint.value = "اتجاهات شهرية حسب البلدية"
    record = store.get(aid)
    assert record.typed_in["E1.Q1"].parties == {"A": "fr"}
    assert record.typed_in["E1.Q1"].agreed == "ar"
    # what the parties sign does not change with the language of typing
    store.set(aid, "typed_in/E1.Q1/parties/A", "es", actor="Awa")
    assert record_hash(store.get(aid)) != before  # the agreed text changed it, not the rest
    assert record_hash(store.get(aid)) == record_hash(record)
    exported = json.loads(to_json(store, aid))
    assert exported["record"]["typed_in"]["E1.Q1"] == {"parties": {"A": "es"}, "agreed": "ar"}
    readable = entries(store.history(aid), store.get(aid), store.content)
    assert not [e for e in readable if "typed_in" in e.section + e.what]
