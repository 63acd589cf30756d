"""The packaged training exercises: traceable to the seed text, scored fairly, safely adaptable."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import get_args

import pytest
import yaml

from pim_workbook.content.exercises import (
    DEFAULT_EXERCISES,
    EXERCISES_ENV,
    Exercise,
    ExercisesError,
    Kind,
    Section,
    load_exercises,
    score,
)
from pim_workbook.content.framework import Content

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "framework-seed.txt"

# Each source section of the exercises file and the seed heading that opens it, in order.
SECTION_HEADINGS: dict[str, str] = {
    "Trust Statement": "A. Trust Statement",
    "Principles": "B. PIM Principles",
    "Process for Data Management": "C. Process for Data Management",
    "Core Competencies": "D. Core Competencies",
    "Joint Benefit and Risk Assessment": "E. Joint Benefit and Risk Assessment",
    "Step 1": "E.1. STEP 1",
    "Step 2": "E.2. STEP 2",
    "Step 3": "E.3. STEP3",
    "Step 4": "E.4. STEP 4",
    "Annex: Definitions": "ANNEX Shared definitions and concepts",
}


def norm(text: str) -> str:
    return " ".join(text.split())


def seed_sections() -> dict[str, str]:
    """The seed text of each section, whitespace-normalised."""
    lines = [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]
    starts = [lines.index(heading) for heading in SECTION_HEADINGS.values()]
    ends = [*starts[1:], len(lines)]
    return {
        section: norm("\n".join(lines[start:end]))
        for section, start, end in zip(SECTION_HEADINGS, starts, ends, strict=True)
    }


def raw_exercises() -> dict:
    return yaml.safe_load(DEFAULT_EXERCISES.read_text(encoding="utf-8"))


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def find(entries: list[dict], entry_id: str) -> dict:
    return next(e for e in entries if e["id"] == entry_id)


def exercise(kind: str, answer: list[str], choices: tuple[str, ...] = ("a", "b", "c", "d")):
    return Exercise.model_validate(
        {
            "id": "EX99",
            "competency": "definitions",
            "kind": kind,
            "prompt": "A fictional scenario.",
            "choices": [{"id": c, "text": f"Choice {c}"} for c in choices],
            "answer": answer,
            "explanation": "Why.",
            "source": {"section": "Annex: Definitions", "quote": "What is informed consent?"},
        }
    )


# -- 1. the packaged file ---------------------------------------------------------------
def test_packaged_exercises_load_with_every_kind_and_competency_covered():
    exercises = load_exercises()
    assert exercises.version == "1.0.0"
    assert "PIM core competency framework" in exercises.note
    assert len(exercises.exercises) >= 30
    assert len(exercises.worked_examples) >= 3
    kinds = Counter(e.kind for e in exercises.exercises)
    assert set(kinds) == set(get_args(Kind))
    assert min(kinds.values()) >= 4
    assert {e.competency for e in exercises.exercises} == {c.id for c in exercises.competencies}
    assert all(c.wording == "workbook" for c in exercises.competencies)
    assert [e.id for e in exercises.exercises] == [
        f"EX{n:02d}" for n in range(1, len(exercises.exercises) + 1)
    ]


def test_principle_and_actions_exercises_name_framework_ids(content: Content):
    exercises = load_exercises()
    principle_ids = {p.id for p in content.principles}
    action_ids = {a.id for a in content.actions()}
    for e in exercises.exercises:
        if e.kind == "principle":
            assert {c.principle_id for c in e.choices} <= principle_ids, e.id
        if e.kind == "actions":
            named = [a for c in e.choices for a in c.action_ids]
            assert named and set(named) <= action_ids, e.id
            assert len(e.answer) > 1, f"{e.id}: actions exercises have several correct choices"
    covered = {c.principle_id for e in exercises.exercises for c in e.choices if c.principle_id}
    assert covered == principle_ids


def test_every_source_quote_is_verbatim_in_its_section_of_the_seed():
    sections = seed_sections()
    assert set(sections) == set(get_args(Section))
    exercises = load_exercises()
    for entry in (*exercises.worked_examples, *exercises.exercises):
        quote = norm(entry.source.quote)
        assert len(entry.source.quote) <= 200
        assert quote in sections[entry.source.section], (entry.id, entry.source.section, quote)


# -- 2. scoring -------------------------------------------------------------------------
def test_single_answer_is_all_or_nothing():
    single = exercise("definition", ["b"])
    right = score(single, ["b"])
    assert (right.correct, right.credit, right.wrong, right.missed) == (True, 1.0, [], [])
    wrong = score(single, ["c"])
    assert (wrong.correct, wrong.credit, wrong.wrong, wrong.missed) == (False, 0.0, ["c"], ["b"])
    hedged = score(single, ["b", "c"])
    assert (hedged.correct, hedged.credit) == (False, 0.0)
    assert score(single, []).credit == 0.0


def test_multi_answer_gives_partial_credit_and_wrong_picks_cancel_correct_ones():
    multi = exercise("classify_item", ["a", "b", "c"], ("a", "b", "c", "d", "e"))
    full = score(multi, ["c", "a", "b", "a"])
    assert (full.correct, full.credit) == (True, 1.0)
    partial = score(multi, ["a", "b"])
    assert (partial.correct, partial.missed) == (False, ["c"])
    assert partial.credit == pytest.approx(2 / 3)
    mixed = score(multi, ["a", "b", "d"])
    assert mixed.credit == pytest.approx(1 / 3)
    assert mixed.wrong == ["d"]
    floored = score(multi, ["a", "d", "e"])
    assert (floored.correct, floored.credit) == (False, 0.0)


def test_unknown_choice_id_is_a_clear_error():
    with pytest.raises(ValueError, match=r"exercise EX99 has no choice \['z'\]"):
        score(exercise("definition", ["a"]), ["a", "z"])


def test_packaged_answers_score_full_marks():
    for e in load_exercises().exercises:
        assert score(e, e.answer).correct, e.id


# -- 3. an adapted exercises file -------------------------------------------------------
def test_adapted_file_is_loaded_from_a_path_and_from_the_environment(tmp_path, monkeypatch):
    data = raw_exercises()
    find(data["exercises"], "EX01")["prompt"] = "An adapted prompt."
    adapted = write(tmp_path / "adapted.yaml", data)
    assert load_exercises(adapted).exercise("EX01").prompt == "An adapted prompt."

    monkeypatch.setenv(EXERCISES_ENV, str(adapted))
    assert load_exercises().exercise("EX01").prompt == "An adapted prompt."
    monkeypatch.delenv(EXERCISES_ENV)
    assert load_exercises().exercise("EX01").prompt != "An adapted prompt."


# -- 4. malformed files are refused -----------------------------------------------------
def _refused(path: Path) -> str:
    with pytest.raises(ExercisesError) as info:
        load_exercises(path)
    message = str(info.value)
    assert str(path.resolve()) in message
    return message


def test_missing_field_names_file_entry_and_field(tmp_path):
    data = raw_exercises()
    del find(data["exercises"], "EX05")["prompt"]
    message = _refused(write(tmp_path / "no-prompt.yaml", data))
    assert "exercises[4] (EX05).prompt: Field required" in message


def test_extra_field_is_refused(tmp_path):
    data = raw_exercises()
    find(data["exercises"], "EX02")["difficulty"] = "hard"
    message = _refused(write(tmp_path / "extra.yaml", data))
    assert "(EX02).difficulty" in message


def test_answer_naming_an_unknown_choice_is_refused(tmp_path):
    data = raw_exercises()
    find(data["exercises"], "EX12")["answer"] = ["c", "z"]
    message = _refused(write(tmp_path / "bad-answer.yaml", data))
    assert "(EX12).answer: names unknown choices ['z']" in message


def test_unknown_kind_and_long_quote_are_refused(tmp_path):
    data = raw_exercises()
    find(data["exercises"], "EX03")["kind"] = "essay"
    find(data["exercises"], "EX04")["source"]["quote"] = "x" * 201
    message = _refused(write(tmp_path / "bad-values.yaml", data))
    assert "(EX03).kind" in message
    assert "(EX04).source.quote" in message


def test_duplicate_id_and_unknown_competency_are_refused(tmp_path):
    data = raw_exercises()
    find(data["exercises"], "EX07")["id"] = "EX06"
    find(data["exercises"], "EX08")["competency"] = "negotiation"
    message = _refused(write(tmp_path / "bad-links.yaml", data))
    assert "exercises[6] (EX06).id: is used twice" in message
    assert "exercises[7] (EX08).competency: unknown competency 'negotiation'" in message


def test_unknown_framework_principle_and_action_are_refused(tmp_path):
    data = raw_exercises()
    find(find(data["exercises"], "EX01")["choices"], "b")["principle_id"] = "transparency"
    find(find(data["exercises"], "EX31")["choices"], "a")["action_ids"] = ["E1.maximise.9"]
    message = _refused(write(tmp_path / "bad-framework-ids.yaml", data))
    assert "(EX01).choices[1] (b).principle_id: unknown framework principle" in message
    assert "(EX31).choices[0] (a).action_ids: unknown framework actions ['E1.maximise.9']" in (
        message
    )


def test_principle_exercise_without_principle_ids_is_refused(tmp_path):
    data = raw_exercises()
    del find(find(data["exercises"], "EX02")["choices"], "c")["principle_id"]
    message = _refused(write(tmp_path / "no-principle.yaml", data))
    assert "(EX02).choices: principle exercise: choices ['c'] name no principle_id" in message


def test_file_that_is_not_yaml_or_missing_is_refused(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("exercises: [unclosed\n  - : :\n", encoding="utf-8")
    assert "not valid YAML" in _refused(broken)
    assert "cannot be read" in _refused(tmp_path / "absent.yaml")


def test_anchors_aliases_and_huge_files_are_refused(tmp_path):
    text = DEFAULT_EXERCISES.read_text(encoding="utf-8")
    aliased = tmp_path / "aliased.yaml"
    aliased.write_text(text + "copy: &c [1]\nagain: *c\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    assert f"exercises file {aliased.resolve()}, line {line}: YAML anchors and aliases (&c)" \
        in _refused(aliased)
    huge = tmp_path / "huge.yaml"
    huge.write_text(text * 40, encoding="utf-8")
    assert "larger than 2 MB" in _refused(huge)
