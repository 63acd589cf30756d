"""A treatment as a replayable recipe, from the command line as a data team runs it: household
risk, local suppression, PRAM, information loss, the recipe saved, then replayed on next
month's delivery (``tests/fixtures/sdc-reference-sample.csv``, an invented household survey)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from pim_workbook.cli import main
from pim_workbook.sdc.recipe import (
    Recipe,
    load_recipe,
    recipe_json,
    recipe_schema,
    replay,
    shipped_schema,
)
from pim_workbook.sdc.risk import _codes, _frequencies
from pim_workbook.sdc.treatments import (
    Generalise,
    LocalSuppression,
    Pram,
    steps_from_json,
    steps_to_json,
)
from pim_workbook.sdc.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLE = FIXTURES / "sdc-reference-sample.csv"
KEYS = ["admin2", "age_group", "sex", "nationality", "disability"]
SDCMICRO_K3_DEFAULT = 620  # kAnon's suppressions on this file (sdc-reference-figures.txt)


def _run(capsys, *args: str) -> dict:
    assert main(["risk", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _next_month(folder: Path) -> Path:
    """Another delivery of the same survey: other households, the same columns."""
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    households = table["hh_id"].drop_duplicates().sample(frac=0.8, random_state=3)
    month = table[table["hh_id"].isin(households)]
    path = folder / "june.csv"
    month.to_csv(path, index=False)
    return path


def _k_anonymous(path: Path, k: int) -> bool:
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    fk, _ = _frequencies(_codes(table, KEYS), np.ones(len(table)))
    return bool((fk >= k).all())


def test_a_household_survey_is_treated_then_the_recipe_replays_next_month(tmp_path, capsys):
    treated, recipe = tmp_path / "may-treated.csv", tmp_path / "recipe.json"
    may = _run(capsys, SAMPLE, "--quasi", ",".join(KEYS), "--sensitive", "protection_concern",
               "--household", "hh_id", "--suppress-to-k", 3, "--pram", "protection_concern",
               "--seed", 11, "--tabulate", "admin1,sex", "--out", treated,
               "--save-recipe", recipe)
    # household risk before, beside the individual risk, and weighed by the verdict
    assert may["household_risk"] == pytest.approx(0.4818696652, rel=1e-9)
    assert may["household_expected_reidentifications"] == pytest.approx(2977.472661, rel=1e-9)
    assert may["household_risk"] > may["global_risk"] and may["needs_action"]
    # local suppression: k = 3 reached with fewer suppressions than sdcMicro's kAnon
    assert 0 < may["suppressions_total"] <= SDCMICRO_K3_DEFAULT
    assert may["suppressions_total"] == sum(may["suppressions"].values())
    assert may["records_suppressed"] <= may["suppressions_total"]
    assert may["after"]["k"] >= 3 and _k_anonymous(treated, 3)
    assert may["after"]["household_risk"] < may["household_risk"]
    # PRAM on the sensitive column, and the information loss beside the risk
    assert may["pram_changed"]["protection_concern"] > 0
    loss = may["information_loss"]
    assert loss["columns"]["protection_concern"]["perturbed"] == \
        may["pram_changed"]["protection_concern"]
    assert loss["columns"]["admin2"]["suppressed"] == may["suppressions"]["admin2"]
    assert loss["records_dropped"] == 0
    assert loss["tabulation"]["columns"] == ["admin1", "sex"]
    assert loss["tabulation"]["largest_relative_change"] == 0  # neither column was touched
    # the recipe holds parameters and seeds, and replays May byte for byte
    saved = json.loads(recipe.read_text())
    jsonschema.validate(saved, shipped_schema())
    assert [s["kind"] for s in saved["steps"]] == ["local_suppression", "pram"]
    assert saved["steps"][1]["seed"] == 11 and saved["household"] == "hh_id"
    again = tmp_path / "may-again.csv"
    _run(capsys, SAMPLE, "--recipe", recipe, "--out", again)
    assert again.read_bytes() == treated.read_bytes()
    # next month: the same treatment, deterministic, and k = 3 holds on the new file
    june = _next_month(tmp_path)
    first, second = tmp_path / "june-1.csv", tmp_path / "june-2.csv"
    june_figures = _run(capsys, june, "--recipe", recipe, "--out", first)
    _run(capsys, june, "--recipe", recipe, "--out", second)
    assert first.read_bytes() == second.read_bytes()
    assert june_figures["after"]["k"] >= 3 and _k_anonymous(first, 3)
    assert june_figures["n"] < may["n"]


def test_the_importance_order_and_strata_reach_the_suppression(capsys):
    ordered = _run(capsys, SAMPLE, "--quasi", ",".join(KEYS), "--suppress-to-k", 3,
                   "--keep", ",".join(KEYS))
    assert ordered["suppressions_total"] <= 630  # kAnon with importance 1..5
    assert ordered["suppressions"]["admin2"] < ordered["suppressions"]["disability"]
    by_region = _run(capsys, SAMPLE, "--quasi", "age_group,sex,disability", "--strata",
                     "admin1", "--suppress-to-k", 3)
    assert by_region["suppressions_total"] >= 0 and by_region["after"]["k"] >= 3


@pytest.mark.parametrize(("args", "message"), [
    (["--quasi", "sex", "--keep", "sex"], "--keep orders local suppression"),
    (["--quasi", "sex", "--keep-households", "--suppress-to-k", "3"],
     "--keep-households needs the household-id column"),
    (["--quasi", "sex", "--out", "x.csv"], "--out writes the treated table"),
    (["--quasi", "sex", "--strata", "admin1"], "--strata applies to local suppression"),
    ([], "name the quasi-identifiers with --quasi"),
    (["--quasi", "sex,nowhere", "--suppress-to-k", "3"], "missing column"),
])
def test_treatment_options_that_do_not_fit_are_refused_in_one_line(args, message, capsys,
                                                                   tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["risk", str(SAMPLE), *args]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()


def test_a_recipe_that_is_not_one_or_does_not_fit_is_refused(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pim-workbook-sdc-recipe", "version": 1, "quasi": ["sex"], '
                   '"steps": [{"kind": "pram", "columns": ["sex"]}]}')
    with pytest.raises(ValueError, match=r"bad.json is not a treatment recipe: steps.0.pram"):
        load_recipe(bad)
    other = tmp_path / "other.json"
    other.write_text(recipe_json(Recipe(quasi=["district"], steps=[])))
    assert main(["risk", str(SAMPLE), "--recipe", str(other)]) != 0
    assert "does not have: district" in capsys.readouterr().err
    assert main(["risk", str(SAMPLE), "--recipe", str(other), "--quasi", "sex"]) != 0
    assert "--recipe brings its own columns" in capsys.readouterr().err


def test_the_shipped_recipe_schema_is_the_models_schema():
    assert shipped_schema() == recipe_schema()


def test_steps_round_trip_as_json_and_replay_identically():
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    steps = [Generalise(column="age_group", mapping={"0-4": "0-17", "5-11": "0-17"}),
             LocalSuppression(keys=tuple(KEYS), k=3, importance=tuple(KEYS)),
             Pram(columns=("marital_status",), pd=0.7, alpha=0.6, seed=5)]
    assert steps_from_json(steps_to_json(steps)) == steps
    first, second = replay(table, steps), replay(table, steps_from_json(steps_to_json(steps)))
    assert first.table.equals(second.table) and first.sentences == second.sentences
    assert [kind for kind, _ in first.stages] == ["recoded", "suppressed", "perturbed"]
    assert "n/a" in set(first.table["marital_status"].dropna())  # a category, not missing
    with pytest.raises(ValueError, match="importance order must list each key once"):
        LocalSuppression(keys=("sex", "admin2"), importance=("sex",))


def test_with_a_household_id_the_verdict_weighs_the_household_risk():
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    work = Workspace(table, "may.csv", quasi=["admin1", "sex", "age_group"], max_risk=0.03)
    alone = work.before()
    assert "household_risk" not in alone and not alone["needs_action"]
    work.household = "hh_id"
    with_households = work.before()
    assert with_households["household_risk"] > work.max_risk >= alone["global_risk"]
    assert with_households["needs_action"]
    evidence = work.check("Ana")
    assert evidence.household == "hh_id" and evidence.households == 1500
    assert evidence.needs_action


def test_a_recipe_is_followed_only_on_a_table_read_as_it_was():
    table = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    recipe = Recipe(quasi=["sex"], na_values=["n/a"], steps=[])
    with pytest.raises(ValueError, match=r"reads n/a as missing, this table was read with "
                                         r"empty fields only: read the file again"):
        Workspace(table, "may.csv").follow(recipe)
    assert Workspace(table, "may.csv", na_values=["n/a"]).follow(recipe) == []
