"""PIM Data-Sharing Workbook: joint data-sharing assessments under the PIM framework.

Subpackages, each importing only those below it: ``content`` (the framework as data),
``record`` (the assessment record and its rules), ``store`` (SQLite persistence and
history), ``sdc`` (disclosure control), ``access`` (links and roles), ``training``,
``outputs`` (every view of a record), ``sample``, ``app`` (the pages), ``server`` (Voila)
and ``cli`` (the ``pim-workbook`` command). Importing the package loads none of them.
"""

__version__ = "0.1.0"
