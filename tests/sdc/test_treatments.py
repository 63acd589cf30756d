"""Tests for pim_workbook.sdc.treatments (mitigations tried on a table before sharing it)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pim_workbook.sdc.recipe import replay
from pim_workbook.sdc.risk import measure_risk
from pim_workbook.sdc.synthetic import AGE_GROUPS, DISTRICTS, synthetic_microdata
from pim_workbook.sdc.treatments import (
    AGE_BANDS,
    STEPS,
    DropRecords,
    Generalise,
    ReplaceWith,
    Suppress,
    merge_mapping,
    quasi_after,
    steps_from_json,
    steps_to_json,
)


@pytest.fixture
def people() -> pd.DataFrame:
    # classes by (district, sex): (Kessaly, F) 3, (Kessaly, M) 1, (Sanka, F) 2, (missing, F) 1
    return pd.DataFrame(
        {
            "admin1": ["North"] * 4 + ["South"] * 2 + [None],
            "district": ["Kessaly"] * 4 + ["Sanka"] * 2 + [None],
            "age_group": ["0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "60+"],
            "sex": ["F", "F", "F", "M", "F", "F", "F"],
            "concern": ["c1", "c2", "c3", "c4", "c5", "c6", "c7"],
        }
    )


# --------------------------------------------------------------------------- each treatment


def test_generalise(people):
    step = Generalise(column="age_group", mapping={"0-4": "0-17", "5-11": "0-17"})
    out = step.apply(people)
    assert out["age_group"].tolist() == ["0-17", "0-17", "12-17", "18-24", "25-39", "40-59", "60+"]
    assert out.drop(columns="age_group").equals(people.drop(columns="age_group"))
    assert step.describe() == "Merged categories of age_group: 0-4 and 5-11 into 0-17."


def test_generalise_keeps_missing_values_and_swaps_at_once():
    df = pd.DataFrame({"q": ["a", "b", None, "c"]})
    out = Generalise(column="q", mapping={"a": "b", "b": "a"}).apply(df)
    assert out["q"].tolist()[:2] == ["b", "a"]
    assert out["q"].isna().tolist() == [False, False, True, False]
    assert out["q"].iloc[3] == "c"


def test_replace_with(people):
    step = ReplaceWith(column="district", by="admin1")
    out = step.apply(people)
    assert out["district"].tolist()[:6] == ["North"] * 4 + ["South"] * 2
    assert pd.isna(out["district"].iloc[6])
    assert out["admin1"].equals(people["admin1"])
    assert list(out.columns) == list(people.columns)
    assert step.describe() == "Replaced district by admin1 (a coarser level)."


def test_suppress(people):
    step = Suppress(column="concern")
    out = step.apply(people)
    assert list(out.columns) == ["admin1", "district", "age_group", "sex"]
    assert len(out) == len(people)
    assert step.describe() == "Removed the column concern."


def test_drop_records(people):
    step = DropRecords(quasi=["district", "sex"], below=2)
    out = step.apply(people)
    # (Kessaly, M) and the record with a missing district are alone in their class
    assert out.index.tolist() == [0, 1, 2, 4, 5]
    assert DropRecords(quasi=["district", "sex"], below=3).apply(people).index.tolist() == [0, 1, 2]
    sentence = step.describe(people)
    assert sentence == ("Dropped 2 records whose combination of district and sex "
                        "is shared by fewer than 2 records.")
    assert "Dropped the records" in step.describe()
    assert DropRecords(quasi=["district"], below=2).describe(people.iloc[:6]).startswith(
        "Dropped 0 records")
    assert "Dropped 1 record whose" in DropRecords(quasi=["sex"], below=2).describe(people)
    for value in ("Kessaly", "Sanka", "c4"):
        assert value not in sentence


def test_drop_records_missing_values_are_a_category():
    df = pd.DataFrame({"q": ["a", None, None, "a"], "r": ["x", "x", "x", None]})
    out = DropRecords(quasi=["q", "r"], below=2).apply(df)
    assert out.index.tolist() == [1, 2]


@pytest.mark.parametrize(
    "step",
    [
        Generalise(column="age_group", mapping={"60+": "old"}),
        ReplaceWith(column="district", by="admin1"),
        Suppress(column="concern"),
        DropRecords(quasi=["district", "sex"]),
    ],
)
def test_input_is_not_modified(people, step):
    before = people.copy()
    out = step.apply(people)
    pd.testing.assert_frame_equal(people, before)
    assert out is not people


# --------------------------------------------------------------------------- several steps


def test_a_replay_describes_each_step_with_counts(people):
    steps = [
        Generalise(column="age_group", mapping=merge_mapping(AGE_BANDS)),
        Suppress(column="concern"),
        DropRecords(quasi=["district", "sex"], below=2),
    ]
    before = people.copy()
    done = replay(people, steps)
    out, sentences = done.table, done.sentences
    pd.testing.assert_frame_equal(people, before)
    assert len(out) == 5
    assert "concern" not in out.columns
    assert set(out["age_group"]) <= {"0-17", "18-59", "60+"}
    assert sentences == [
        "Merged categories of age_group: 0-4, 5-11 and 12-17 into 0-17; "
        "18-24, 25-39 and 40-59 into 18-59.",
        "Removed the column concern.",
        "Dropped 2 records whose combination of district and sex "
        "is shared by fewer than 2 records.",
    ]


def test_steps_round_trip_through_json():
    steps = [
        Generalise(column="age_group", mapping={"0-4": "0-17"}),
        ReplaceWith(column="district", by="admin1"),
        Suppress(column="nationality"),
        DropRecords(quasi=["district", "sex"], below=5),
    ]
    text = steps_to_json(steps)
    assert [s["kind"] for s in json.loads(text)] == [
        "generalise", "replace_with", "suppress", "drop_records"]
    assert steps_from_json(text) == steps
    assert STEPS.validate_python(STEPS.dump_python(steps, mode="json")) == steps


def test_quasi_after():
    quasi = ["district", "age_group", "sex", "nationality"]
    steps = [Suppress(column="nationality"), ReplaceWith(column="district", by="admin1"),
             Suppress(column="admin1"), DropRecords(quasi=["sex"])]
    assert quasi_after(quasi, steps) == ["district", "age_group", "sex"]
    assert quasi_after(quasi, []) == quasi


def test_merge_mapping():
    assert merge_mapping({"young": ["a", "b"], "c": ["c"]}) == {"a": "young", "b": "young"}
    assert sorted(label for olds in AGE_BANDS.values() for label in olds) == sorted(AGE_GROUPS)
    with pytest.raises(ValueError, match="'b' is in two groups"):
        merge_mapping({"x": ["a", "b"], "y": ["b"]})


# --------------------------------------------------------------------------- errors


def test_errors_name_the_columns(people):
    with pytest.raises(ValueError, match=r"missing column.*: age$"):
        Generalise(column="age", mapping={"a": "b"}).apply(people)
    with pytest.raises(ValueError, match=r"missing column.*: region$"):
        ReplaceWith(column="district", by="region").apply(people)
    with pytest.raises(ValueError, match=r"missing column.*: gone$"):
        Suppress(column="gone").apply(people)
    with pytest.raises(ValueError, match=r"missing column.*: zip$"):
        DropRecords(quasi=["sex", "zip"]).describe(people)
    with pytest.raises(ValueError, match="DataFrame"):
        Suppress(column="sex").apply([1, 2])


def test_generalise_unknown_values(people):
    mapping = {"0-4": "0-17", **{f"v{i}": "x" for i in range(7)}}  # v0..v6 are not values
    with pytest.raises(ValueError) as err:
        Generalise(column="age_group", mapping=mapping).apply(people)
    message = str(err.value)
    assert "\n" not in message
    assert message == "column 'age_group' has no value(s) 'v0', 'v1', 'v2', 'v3', 'v4' and 2 more"


def test_replace_with_needs_a_coarser_column(people):
    with pytest.raises(ValueError, match="age_group is not coarser than sex"):
        ReplaceWith(column="sex", by="age_group").apply(people)


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Generalise, {"column": "q", "mapping": {}}),
        (Generalise, {"column": "", "mapping": {"a": "b"}}),
        (ReplaceWith, {"column": "q", "by": "q"}),
        (Suppress, {"column": "q", "extra": 1}),
        (DropRecords, {"quasi": []}),
        (DropRecords, {"quasi": ["q", "q"]}),
        (DropRecords, {"quasi": ["q"], "below": 1}),
        (DropRecords, {"quasi": ["q"], "kind": "suppress"}),
    ],
)
def test_invalid_steps(model, data):
    with pytest.raises(ValidationError):
        model(**data)


def test_steps_are_frozen():
    step = Suppress(column="q")
    with pytest.raises(ValidationError):
        step.column = "r"
    with pytest.raises(ValidationError):
        steps_from_json('[{"kind": "shuffle", "column": "q"}]')


# --------------------------------------------------------------------------- properties

rows = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", "d", None]), st.sampled_from(["x", "y"])),
    min_size=1,
    max_size=40,
)


@settings(max_examples=80, deadline=None)
@given(rows, st.dictionaries(st.sampled_from("abcd"), st.sampled_from(["a", "b", "ab", "z"]),
                             min_size=1))
def test_generalising_never_lowers_k(data, mapping):
    df = pd.DataFrame(data, columns=["q1", "q2"])
    mapping = {old: new for old, new in mapping.items() if (df["q1"] == old).any()}
    assume(mapping)
    out = Generalise(column="q1", mapping=mapping).apply(df)
    before, after = measure_risk(df, ["q1", "q2"]), measure_risk(out, ["q1", "q2"])
    assert len(out) == len(df)
    assert after.k >= before.k
    assert after.global_risk <= before.global_risk + 1e-12


@settings(max_examples=80, deadline=None)
@given(rows, st.integers(2, 6))
def test_dropping_records_below_t_gives_k_at_least_t(data, t):
    df = pd.DataFrame(data, columns=["q1", "q2"])
    out = DropRecords(quasi=["q1", "q2"], below=t).apply(df)
    assert len(out) <= len(df)
    if len(out):
        assert measure_risk(out, ["q1", "q2"]).k >= t


# --------------------------------------------------------------------------- sample data


def test_treatments_lower_risk_of_synthetic_microdata():
    df = synthetic_microdata()
    quasi = ["district", "age_group", "sex", "nationality"]
    bands = Generalise(column="age_group", mapping=merge_mapping(AGE_BANDS))
    coarser = ReplaceWith(column="district", by="admin1")
    assert set(df["admin1"]) == set(DISTRICTS.values())

    before = measure_risk(df, quasi)
    banded = replay(df, [bands]).table
    done = replay(df, [bands, coarser])
    both, sentences = done.table, done.sentences
    after_bands = measure_risk(banded, quasi)
    after_both = measure_risk(both, quasi)
    assert before.global_risk > after_bands.global_risk > after_both.global_risk
    assert before.sample_uniques > after_both.sample_uniques
    assert after_both.k >= before.k
    assert len(both) == len(df)
    assert len(sentences) == 2

    weighted = [measure_risk(d, quasi, weight="weight").global_risk for d in (df, both)]
    assert weighted[1] < weighted[0]

    dropped = replay(both, [DropRecords(quasi=quasi, below=3)]).table
    assert measure_risk(dropped, quasi).k >= 3
    assert len(dropped) + measure_risk(both, quasi).below_k["3"] == len(both)


def test_dropping_records_with_a_household_id_drops_whole_households():
    people = pd.DataFrame({"hh": ["a", "a", "b", "b", "c"],
                           "sex": ["f", "x", "f", "m", "m"]})
    # "x" is alone: its record goes, and with it the rest of household a
    kept = DropRecords(quasi=["sex"], below=2, household="hh").apply(people)
    assert kept["hh"].tolist() == ["b", "b", "c"]
    assert DropRecords(quasi=["sex"], below=2).apply(people)["hh"].tolist() == \
        ["a", "b", "b", "c"]
    assert "Dropped 2 records" in DropRecords(quasi=["sex"], below=2,
                                              household="hh").describe(people)
