"""The packaged framework content: complete against the seed text, and safely adaptable."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from pim_workbook.content.framework import CONTENT_ENV, DEFAULT_CONTENT, ContentError, load_content

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "framework-seed.txt"

_FOOTNOTE = re.compile(r"\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_STEP = re.compile(r"^E\.(\d)\.")
_QUESTION = re.compile(r"^Q(\d+)\.\s+(.*)$")
_ACTIONS = re.compile(r"^ACTIONS:\s*(Maximise|Mitigate)\b")
_WHAT_TO_DO = "→ WHAT TO DO:"


def norm(text: str) -> str:
    """Drop footnote markers and emphasis asterisks; collapse whitespace and line breaks."""
    text = _FOOTNOTE.sub("", text).replace("*", "")
    return " ".join(text.split())


def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()


def parse_seed() -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], list[str]]]:
    """Questions by (step, Qn) and actions by (step, kind), read from the seed text."""
    questions: dict[tuple[str, str], str] = {}
    actions: dict[tuple[str, str], list[str]] = {}
    step: str | None = None
    current: list[str] | None = None  # actions of the open ACTIONS block
    started = False  # the "Minimum steps ..." line of the open block has been seen
    for line in seed_lines():
        stripped = line.strip()
        if not stripped or stripped.startswith("^{"):  # blank, page break or footnote
            continue
        if (m := _STEP.match(stripped)) or stripped.startswith("ANNEX"):
            step = f"E{m.group(1)}" if m else None
            current = None
            continue
        if m := _ACTIONS.match(stripped):
            kind = "maximise" if m.group(1) == "Maximise" else "mitigate"
            assert step is not None, line
            current = actions.setdefault((step, kind), [])
            started = False
            continue
        if current is not None:
            if not started:
                assert stripped.startswith("Minimum steps"), line
                started = True
            elif stripped.startswith("- ") or not current:
                current.append(stripped.removeprefix("- "))
            else:  # continuation of a wrapped line
                current[-1] += " " + stripped
            continue
        if step is not None and (m := _QUESTION.match(stripped)):
            questions[(step, f"Q{m.group(1)}")] = m.group(2)
    questions = {k: norm(v) for k, v in questions.items()}
    actions = {k: [norm(a) for a in v] for k, v in actions.items()}
    return questions, actions


def paragraphs_between(start: str, end: str) -> list[str]:
    """Blank-line separated paragraphs of the seed after line ``start`` up to line ``end``."""
    lines = seed_lines()
    body = lines[lines.index(start) + 1 : lines.index(end)]
    return [norm(p) for p in "\n".join(body).split("\n\n") if p.strip()]


def write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def raw_content() -> dict:
    return yaml.safe_load(DEFAULT_CONTENT.read_text(encoding="utf-8"))


def find(entries: list[dict], entry_id: str) -> dict:
    return next(e for e in entries if e["id"] == entry_id)


# -- 1. the packaged file ---------------------------------------------------------------
def test_packaged_content_loads_with_expected_counts():
    content = load_content()
    assert content.version == "1.0.0"
    assert len(content.questions()) == 13
    assert len(content.actions()) == 42
    assert len(content.principles) == 8
    assert len(content.pim_matrix.categories) == 7
    assert len(content.ecosystem.questions) == 3
    assert len(content.sensitivity_levels) == 3
    assert [s.id for s in content.assessment.steps] == ["E1", "E2", "E3", "E4"]
    assert all(not row.cells for row in content.pim_matrix.rows)


# -- 2. coverage of the seed text -------------------------------------------------------
def test_every_seed_question_is_in_the_content_under_its_step():
    questions, _ = parse_seed()
    assert len(questions) == 13
    content = load_content()
    for (step, number), text in questions.items():
        question = content.question(f"{step}.{number}")
        assert norm(question.text) == text
    assert len(content.questions()) == len(questions)


def test_every_seed_action_is_in_the_content_with_its_step_and_kind():
    _, actions = parse_seed()
    assert sum(len(v) for v in actions.values()) == 42
    assert {k: len(v) for k, v in actions.items()} == {
        ("E1", "maximise"): 6,
        ("E1", "mitigate"): 8,
        ("E2", "maximise"): 6,
        ("E2", "mitigate"): 6,
        ("E3", "maximise"): 5,
        ("E3", "mitigate"): 4,
        ("E4", "maximise"): 4,
        ("E4", "mitigate"): 3,
    }
    content = load_content()
    for (step, kind), texts in actions.items():
        listed = getattr(content.step(step), kind).actions
        assert [norm(a.text) for a in listed] == texts
        assert [a.id for a in listed] == [f"{step}.{kind}.{i}" for i in range(1, len(texts) + 1)]
    assert len(content.actions()) == 42


def test_every_what_to_do_heading_is_a_guidance_title():
    headings = [
        norm(line.strip().removeprefix(_WHAT_TO_DO))
        for line in seed_lines()
        if line.strip().startswith(_WHAT_TO_DO)
    ]
    assert len(headings) == 12
    titles = [norm(g.title) for q in load_content().questions() for g in q.guidance if g.title]
    assert sorted(headings) == sorted(titles)


def test_principles_and_trust_statement_follow_the_seed():
    content = load_content()
    lines = [norm(x) for x in seed_lines()]
    start, end = lines.index("B. PIM Principles"), lines.index("C. Process for Data Management")
    section = lines[start:end]
    seed_titles = [x[2:].split(":")[0] for x in section if x.startswith("- ")]
    assert len(seed_titles) == 8
    assert [p.title for p in content.principles] == seed_titles

    trust = content.trust_statement
    assert paragraphs_between("A. Trust Statement", "Trust Statement:") == [
        norm(p) for p in trust.introduction
    ]
    after = paragraphs_between("Trust Statement:", "B. PIM Principles")
    assert after == [norm(p) for p in (*trust.statement, trust.breach)]


# -- 3. an adapted content file ---------------------------------------------------------
def test_adapted_file_is_loaded_from_a_path_and_from_the_environment(tmp_path, monkeypatch):
    data = raw_content()
    question = find(find(data["assessment"]["steps"], "E2")["questions"], "E2.Q3")
    question["text"] = "Which of our data is sensitive in this operation?"
    adapted = write(tmp_path / "adapted.yaml", data)

    assert load_content(adapted).question("E2.Q3").text == question["text"]

    question["text"] = "Which data do we treat as sensitive here?"
    via_env = write(tmp_path / "via-env.yaml", data)
    monkeypatch.setenv(CONTENT_ENV, str(via_env))
    assert load_content().question("E2.Q3").text == question["text"]
    monkeypatch.delenv(CONTENT_ENV)
    packaged = load_content(DEFAULT_CONTENT).question("E2.Q3").text
    assert load_content().question("E2.Q3").text == packaged != question["text"]


# -- 4. malformed files are refused -----------------------------------------------------
def _refused(path: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content(path)
    message = str(info.value)
    assert str(path.resolve()) in message
    return message


def test_missing_field_names_file_entry_and_field(tmp_path):
    data = raw_content()
    del find(find(data["assessment"]["steps"], "E2")["questions"], "E2.Q3")["text"]
    message = _refused(write(tmp_path / "no-text.yaml", data))
    assert "E2.Q3" in message
    assert ".text" in message


def test_duplicate_action_id_is_refused(tmp_path):
    data = raw_content()
    actions = find(data["assessment"]["steps"], "E1")["maximise"]["actions"]
    actions[1]["id"] = actions[0]["id"]
    message = _refused(write(tmp_path / "duplicate.yaml", data))
    assert "'E1.maximise.1' is used twice" in message


def test_action_under_the_wrong_step_is_refused(tmp_path):
    data = raw_content()
    find(data["assessment"]["steps"], "E1")["mitigate"]["actions"][0]["id"] = "E2.mitigate.9"
    message = _refused(write(tmp_path / "wrong-step.yaml", data))
    assert "(E1)" in message
    assert "E2.mitigate.9" in message
    assert "mitigate" in message


def test_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("assessment: [unclosed\n  - : :\n", encoding="utf-8")
    assert "not valid YAML" in _refused(path)


def test_missing_file_is_refused(tmp_path):
    assert "cannot be read" in _refused(tmp_path / "absent.yaml")


def _alias_bomb(path: Path) -> Path:
    """A "billion laughs" file: 27 lines that would expand into 9**26 strings."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 27)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_alias_bomb_is_refused_at_once_naming_the_line(tmp_path):
    started = time.perf_counter()
    message = _refused(_alias_bomb(tmp_path / "bomb.yaml"))
    assert time.perf_counter() - started < 0.5
    assert "line 1: YAML anchors and aliases (&l0) are not allowed" in message


def test_an_adapted_copy_with_an_alias_is_refused(tmp_path):
    text = DEFAULT_CONTENT.read_text(encoding="utf-8")
    text = text.replace("\nassessment:", "\nassessment: &shared", 1) + "again: *shared\n"
    message = _refused(_written(tmp_path / "alias.yaml", text))
    line = text.splitlines().index("assessment: &shared") + 1
    assert f"line {line}: YAML anchors and aliases (&shared) are not allowed" in message


def test_a_file_over_2_mb_is_refused_before_it_is_read(tmp_path):
    big = _written(tmp_path / "big.yaml", "# padding\n" * 300_000)
    assert "larger than 2 MB" in _refused(big)


def test_a_file_that_is_not_utf8_or_nested_too_deeply_is_refused(tmp_path):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: café\n".encode("latin-1"))
    assert "not UTF-8 text" in _refused(latin)
    assert "nested too deeply" in _refused(_written(tmp_path / "deep.yaml", "[" * 5000))


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
