"""The project's set-up files agree with each other and with the README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


CONDA_NAMES = {"python-build": "build"}  # conda-forge's name -> PyPI's


def _names(specs: list[str]) -> set[str]:
    names = {re.split(r"[<>=!\[ ]", s, maxsplit=1)[0].lower() for s in specs}
    return {CONDA_NAMES.get(n, n) for n in names}


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = _names([d for d in env["dependencies"] if isinstance(d, str)]) - {"python", "pip"}
    from_pip = _names([s for d in env["dependencies"] if isinstance(d, dict)
                       for s in d.get("pip", [])])  # not on conda-forge
    assert conda | from_pip == wanted


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e . && pim-workbook sample && pim-workbook serve" in readme
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text()


def test_exports_folder_is_kept_empty_in_git():
    assert (ROOT / "exports" / ".gitkeep").exists()
    assert "exports/*" in (ROOT / ".gitignore").read_text()
