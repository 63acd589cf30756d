"""PIM Data-Sharing Workbook: joint data-sharing assessments under the PIM framework.

Modules: ``content`` (the framework as data), ``record`` (the assessment record),
``store`` (SQLite persistence and history), ``exports`` (JSON, HTML, Markdown, CSV views),
``serve`` (Voila), ``ui`` (notebook views), ``cli`` (the ``pim-workbook`` command).
Importing the package loads none of them.
"""

__version__ = "0.1.0"
