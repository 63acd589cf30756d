"""Synthetic protection-monitoring microdata: invented records for trying the risk check.

No real people: every value is drawn from made-up distributions over the fictional places
of the sample assessment. ``python -m pim_workbook.sdc.synthetic data/samples`` writes
``protection-monitoring-microdata.csv``; the same seed always gives the same file.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MICRODATA_FILE = "protection-monitoring-microdata.csv"
DISTRICTS = {  # fictional communes of the sample's Tiramé Region, with their admin1
    "Kessaly": "Tiramé North", "Dorabé": "Tiramé North", "Ouré": "Tiramé North",
    "Sanka": "Tiramé South", "Billo": "Tiramé South", "Mandé-Kouré": "Tiramé South",
    "Fassa": "Tiramé East",
}
AGE_GROUPS = ["0-4", "5-11", "12-17", "18-24", "25-39", "40-59", "60+"]
NATIONALITIES = ["Valdorian", "Neighbouring country", "Other"]
CONCERNS = ["none reported", "movement restriction", "extortion at checkpoint",
            "forced recruitment", "gender-based violence", "lack of documentation"]


def synthetic_microdata(n: int = 2000, seed: int = 7) -> pd.DataFrame:
    """``n`` invented household-member records with a few rare, identifying combinations."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    districts = list(DISTRICTS)
    district = rng.choice(districts, n, p=[.3, .2, .15, .15, .1, .07, .03])
    nationality = rng.choice(NATIONALITIES, n, p=[.85, .13, .02])
    return pd.DataFrame({
        "record_id": [f"R{i:05d}" for i in range(1, n + 1)],
        "admin1": [DISTRICTS[d] for d in district],
        "district": district,
        "age_group": rng.choice(AGE_GROUPS, n, p=[.15, .18, .14, .12, .2, .14, .07]),
        "sex": rng.choice(["F", "M"], n),
        "nationality": nationality,
        "protection_concern": rng.choice(CONCERNS, n, p=[.55, .15, .1, .05, .08, .07]),
        "weight": rng.uniform(40, 160, n).round(1),
    })


def main(argv: list[str] | None = None) -> int:
    """Write the synthetic file: ``python -m pim_workbook.sdc.synthetic [OUT_DIR]``."""
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "data/samples")
    out.mkdir(parents=True, exist_ok=True)
    target = out / MICRODATA_FILE
    synthetic_microdata().to_csv(target, index=False, lineterminator="\n")
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
