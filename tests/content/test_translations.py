"""Content translations: overlays keyed by the English file's ids, merged and checked by the
same schema; what an overlay lacks stays English; an organisation's overlay wins."""

from __future__ import annotations

import pytest
import yaml

from pim_workbook.cli import main
from pim_workbook.content.exercises import exercises_data, load_exercises
from pim_workbook.content.framework import content_data, load_content
from pim_workbook.content.overlay import (
    OVERLAYS_ENV,
    check_overlay,
    load_translation,
    text_keys,
)
from pim_workbook.errors import ContentError

Q1 = "assessment.steps[E1].questions[E1.Q1].text"


def write_overlay(folder, lang, entries, kind="framework", **fields):
    data = {"language": lang, "translation_of": kind, "notice": "Our own translation.",
            "entries": entries, **fields}
    path = folder / f"{kind}.{lang}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_packaged_translations_are_complete_and_follow_the_schema(language):
    content = load_content(language=language)
    exercises = load_exercises(content=content, language=language)
    english = load_content()
    for kind, data in (("framework", content_data()), ("exercises", exercises_data())):
        missing, unknown = check_overlay(data, load_translation(kind, language))
        assert (missing, unknown) == ([], []), kind
    # the same structure, ids and links; other text
    assert [q.id for q in content.questions()] == [q.id for q in english.questions()]
    assert [a.id for a in content.actions()] == [a.id for a in english.actions()]
    assert content.question("E1.Q1").text != english.question("E1.Q1").text
    assert exercises.exercises[0].answer == load_exercises().exercises[0].answer


def test_arabic_content_keeps_western_digits():
    texts = [text for _, text in text_keys(
        load_content(language="ar").model_dump(mode="json"))]
    assert not [t for t in texts if any("\u0660" <= c <= "\u0669" for c in t)]


def test_every_key_names_one_text_by_its_ids():
    keys = dict(text_keys(content_data()))
    assert keys[Q1] == load_content().question("E1.Q1").text
    assert "assessment.steps[E1].id" not in keys  # ids are not text: an overlay cannot move them
    assert len(keys) == len(set(keys))


def test_an_organisations_overlay_wins_entry_by_entry_and_english_fills_the_gaps(
        tmp_path, monkeypatch):
    monkeypatch.setenv(OVERLAYS_ENV, str(tmp_path))
    write_overlay(tmp_path, "fr", {Q1: "Notre formulation officielle de la question 1 ?"})
    content = load_content(language="fr")
    packaged = load_translation("framework", "fr")
    assert content.question("E1.Q1").text == "Notre formulation officielle de la question 1 ?"
    # entries the organisation did not give come from the packaged translation
    q2 = "assessment.steps[E1].questions[E1.Q2].text"
    assert content.question("E1.Q2").text == packaged.entries[q2]
    assert len(packaged.files) == 2 and packaged.notices[-1] == "Our own translation."


def test_a_missing_entry_stays_english_and_the_check_lists_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("pim_workbook.content.overlay.PACKAGED_OVERLAYS", tmp_path / "none")
    monkeypatch.setenv(OVERLAYS_ENV, str(tmp_path))
    write_overlay(tmp_path, "es", {Q1: "¿Pregunta uno?", "assessment.steps[E9].title": "X"})
    content = load_content(language="es")
    assert content.question("E1.Q1").text == "¿Pregunta uno?"
    assert content.question("E1.Q2").text == load_content().question("E1.Q2").text
    assert main(["content", "check", "--lang", "es"]) == 0
    out = capsys.readouterr().out
    assert "framework in es: 1 of 235 texts translated" in out
    assert "missing (shown in English): assessment.steps[E1].questions[E1.Q2].text" in out
    assert "not in the English file (ignored): assessment.steps[E9].title" in out
    assert "exercises in es: 0 of" in out


@pytest.mark.parametrize("entries, fields, expected", [
    ({Q1: "x"}, {"language": "de"}, "language"),
    ({Q1: "x"}, {"translation_of": "exercises"}, "rename it exercises.fr.yaml"),
    ({"<script>": "x"}, {}, "is not a key"),
    ({Q1: 3}, {}, "entries"),
])
def test_a_bad_overlay_is_refused_in_one_line(tmp_path, monkeypatch, entries, fields, expected):
    monkeypatch.setenv(OVERLAYS_ENV, str(tmp_path))
    write_overlay(tmp_path, "fr", entries, **fields)
    with pytest.raises(ContentError) as err:
        load_content(language="fr")
    assert expected in str(err.value) and "\n" not in str(err.value)
    assert "framework.fr.yaml" in str(err.value)


def test_a_translation_that_breaks_the_schema_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(OVERLAYS_ENV, str(tmp_path))
    write_overlay(tmp_path, "fr", {Q1: ""})  # questions must have text
    with pytest.raises(ContentError, match="with its translation does not follow the schema"):
        load_content(language="fr")


def test_an_unknown_language_is_refused():
    with pytest.raises(ContentError, match="unknown language 'de'"):
        load_content(language="de")
