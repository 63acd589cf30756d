"""The workbook's errors: one base that the command line and the pages catch.

Every error here is expected and explained: its message is one line a person can act on,
and nothing already saved was lost. Anything else is a fault, logged with its traceback.
"""

from __future__ import annotations


class WorkbookError(Exception):
    """An operation the workbook refused, with the reason in one line."""


class ContentError(WorkbookError, ValueError):
    """A content file could not be read or does not follow the schema."""


class ExercisesError(WorkbookError, ValueError):
    """An exercises file could not be read or does not follow the schema."""


class RecordError(WorkbookError, ValueError):
    """An invalid value or reference; nothing was changed."""


class StoreError(WorkbookError, RuntimeError):
    """A store operation could not be done (unknown assessment, refused delete, ...)."""


class ConflictError(StoreError):
    """Someone else changed the unit since the caller read it."""


class TextTooLongError(StoreError, ValueError):
    """A typed text is over the store's limit; also a ``ValueError`` so that every page
    which shows refused values shows this one too."""


class AccessDenied(StoreError):
    """The link does not allow this (or is not valid any more); nothing was changed."""


class DataFolderError(WorkbookError, ValueError):
    """A name that is not a table of the data folder; nothing was read."""


class ImportRefused(WorkbookError, ValueError):
    """An import file was refused; the store is unchanged."""


class ReportError(WorkbookError, RuntimeError):
    """A report could not be produced."""
