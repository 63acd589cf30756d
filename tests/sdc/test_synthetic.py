"""The synthetic microdata shipped for trying the disclosure-risk check."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pim_workbook.sdc.risk import measure_risk
from pim_workbook.sdc.synthetic import MICRODATA_FILE, main, synthetic_microdata

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "samples" / MICRODATA_FILE


def test_the_shipped_file_is_what_the_generator_writes(tmp_path):
    main([str(tmp_path)])
    assert (tmp_path / MICRODATA_FILE).read_bytes() == SHIPPED.read_bytes()


def test_it_has_risky_combinations_that_generalising_reduces():
    data = pd.read_csv(SHIPPED)
    assert len(data) == 2000 and data["record_id"].is_unique
    fine = measure_risk(data, ["district", "age_group", "sex", "nationality"],
                        sensitive=["protection_concern"], weight="weight")
    coarse = measure_risk(data, ["admin1", "age_group", "sex"], weight="weight")
    assert fine.needs_action and fine.sample_uniques > 0
    assert coarse.k >= fine.k and coarse.sample_uniques < fine.sample_uniques
    assert coarse.expected_reidentifications < fine.expected_reidentifications


def test_the_same_seed_gives_the_same_records_and_another_seed_differs():
    assert synthetic_microdata(50, seed=1).equals(synthetic_microdata(50, seed=1))
    assert not synthetic_microdata(50, seed=1).equals(synthetic_microdata(50, seed=2))
