"""Compile the interface's catalogues (``.po``) into ``.mo`` files inside the built package,
so an installed workbook reads its translations without Babel's parser.

It does what ``pim_workbook.i18n.compile_catalogue`` does for a source checkout, with Babel
directly: an isolated build cannot import the package it is building."""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py


class BuildPyWithCatalogues(build_py):
    """``build_py``, then every ``locale/<lang>/LC_MESSAGES/*.po`` compiled beside itself."""

    def run(self) -> None:
        super().run()
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in Path(self.build_lib, "pim_workbook", "locale").glob("*/LC_MESSAGES/*.po"):
            with open(po, "rb") as fh:
                catalog = read_po(fh, locale=po.parent.parent.name)
            with open(po.with_suffix(".mo"), "wb") as fh:
                write_mo(fh, catalog)
