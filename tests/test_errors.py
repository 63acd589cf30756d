"""One family of errors: every refusal the workbook explains derives from one base, which the
command line and the pages catch."""

from __future__ import annotations

import inspect

from pim_workbook import errors
from pim_workbook.app.session import EXPECTED
from pim_workbook.cli import main


def test_every_error_of_the_workbook_derives_from_the_base():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if c.__module__ == errors.__name__]
    assert len(classes) >= 10
    assert all(issubclass(c, errors.WorkbookError) for c in classes)
    assert errors.WorkbookError in EXPECTED  # a page shows the reason instead of failing


def test_the_command_line_turns_any_of_them_into_one_line(monkeypatch, capsys, tmp_path):
    def refuse(_args: object) -> None:
        raise errors.WorkbookError("survey.xls: no such file in the data folder")

    monkeypatch.setattr("pim_workbook.cli.cmd_list", refuse)
    monkeypatch.setenv("PIM_WORKBOOK_DB", str(tmp_path / "w.sqlite"))
    code = main(["list"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "survey.xls" in err
