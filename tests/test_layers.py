"""The package keeps its layers and has no import cycle, so each module can be read, tested
and changed knowing only what lies below it.

The layers are import-linter contracts in pyproject.toml. Imports inside functions and under
``TYPE_CHECKING`` count here: they are dependencies all the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pim_workbook"
# Imports that still close a cycle, with the reason; once one is gone, drop it from here.
ALLOWED_CYCLE_IMPORTS: dict[tuple[str, str], str] = {}


def test_the_layer_contracts_are_kept():
    """``lint-imports`` as a developer runs it, from the repository root."""
    search = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    command = shutil.which("lint-imports", path=search)
    assert command, "lint-imports is missing: pip install -e '.[test]'"
    done = subprocess.run([command, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_import_cycle_between_the_modules():
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    for importer, imported in ALLOWED_CYCLE_IMPORTS:
        assert graph.direct_import_exists(importer=importer, imported=imported), (
            f"{importer} no longer imports {imported}: remove it from ALLOWED_CYCLE_IMPORTS")
        graph.remove_import(importer=importer, imported=imported)
    cycles: dict[frozenset[str], str] = {}
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.setdefault(frozenset(back), " -> ".join((module, *back)))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles.values()))
