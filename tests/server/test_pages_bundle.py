"""The pages' front end as shipped is the one its sources build, with the licences of
what it bundles."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = Path("pim_workbook/share/jupyter/voila/templates/pim/static")


@pytest.mark.slow
def test_the_shipped_front_end_is_what_its_sources_and_lockfile_build(tmp_path):
    npm = shutil.which("npm")
    assert npm, "the front end's build needs npm: apt-get install npm"
    shutil.copytree(ROOT / "frontend", tmp_path / "frontend",
                    ignore=shutil.ignore_patterns("node_modules"))
    for step in (["ci", "--no-audit", "--no-fund"], ["run", "build"]):
        done = subprocess.run([npm, *step], cwd=tmp_path / "frontend", capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
    for name in ("pages.js", "pages.css", "pages.LICENSES.txt"):
        built, shipped = (tmp_path / STATIC / name), (ROOT / STATIC / name)
        assert built.read_bytes() == shipped.read_bytes(), (
            f"{STATIC / name} is not what frontend/ builds: run `npm ci && npm run build` "
            "in frontend/ and commit the result")


def test_every_package_in_the_bundle_comes_with_its_licence_text():
    notice = (ROOT / STATIC / "pages.LICENSES.txt").read_text()
    entries = notice.split("\n" + "-" * 72 + "\n")
    named = {entry.split()[0] for entry in entries}
    assert {"@jupyter-widgets/controls", "@lumino/widgets", "jquery", "backbone"} <= named
    for entry in entries:
        assert "Copyright" in entry or "copyright" in entry, entry[:200]
        assert "Redistribution" in entry or "Permission" in entry, entry[:200]
    banner = (ROOT / STATIC / "pages.js").read_text()[:200]
    assert banner.startswith("/*! ") and "pages.LICENSES.txt" in banner


def test_the_front_end_has_a_model_and_a_view_for_every_widget_the_pages_build():
    from pim_workbook.app.pages.workbook import WIDGETS

    bundle = (ROOT / STATIC / "pages.js").read_text()
    needed = set()
    for kind in WIDGETS:
        widget = kind()
        parts = (widget, getattr(widget, "style", None), getattr(widget, "layout", None))
        for part in (part for part in parts if part is not None):
            needed |= {part._model_name, part._view_name} - {None}
            part.close()
    # the bundle's registry of classes, by the names the kernel gives (esbuild's exports)
    missing = sorted(name for name in needed if f"{name}:()=>" not in bundle)
    assert not missing, f"the pages' front end draws no {missing}: import them in pages.js"
