"""What a person sees: one page's session on the store, the page shell and navigation, the
access gate, the widgets, and one module per page. The notebooks call
:func:`show_page`, :func:`show_step`, :func:`show_landing` and :func:`show_training`.
"""

from pim_workbook.app.nav import PAGES
from pim_workbook.app.pages.landing import landing_html, show_landing
from pim_workbook.app.pages.training import show_training
from pim_workbook.app.pages.workbook import build_page, show_page, show_step

__all__ = ["PAGES", "build_page", "landing_html", "show_landing", "show_page", "show_step",
           "show_training"]
