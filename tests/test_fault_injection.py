"""The fault-injection script's smoke run: every target met, nothing acknowledged is lost."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fault_injection.py"


@pytest.mark.slow
def test_the_quick_fault_injection_run_meets_every_target():
    with subprocess.Popen([sys.executable, str(SCRIPT), "--quick"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, cwd=SCRIPT.parents[1]) as run:
        try:
            table, log = run.communicate(timeout=150)
        except subprocess.TimeoutExpired:
            run.terminate()  # on SIGTERM the script stops its server and kernels first
            table, log = run.communicate(timeout=60)
            pytest.fail(f"no table after 150 s:\n{table}{log[-3000:]}")
    assert run.returncode == 0, table + log[-3000:]
    for section in ("1a. 8 writer processes", "1b. 4 writer processes",
                    "2. A writer killed with kill -9", "3. A page kernel killed mid-typing",
                    "4. Kernels after", "5. Kernels after"):
        assert section in table
    lost = re.findall(r"^ +(acknowledged writes lost|characters lost) +(\d+) +0 +(\w+)$",
                      table, re.MULTILINE)
    assert [row[0] for row in lost] == ["acknowledged writes lost"] * 3 + ["characters lost"]
    assert all(value == "0" and result == "PASS" for _, value, result in lost)
    assert re.search(r"PRAGMA integrity_check ok after each kill +(\d+)/\1 ", table)
    assert re.search(r"kernels alive \d+ s after closing \(orphan timeout 8 s\) +0 ", table)
    assert re.search(r"kernels alive \d+ s after \(within 10 s\) +0 ", table)
    assert "FAIL" not in table
