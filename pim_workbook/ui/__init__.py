"""Views the notebooks call: each renders from the store, never keeps its own copy."""

from .landing import landing_html, show_landing
from .nav import PAGES
from .pages import build_page, show_page, show_step
from .training_page import show_training

__all__ = ["PAGES", "build_page", "landing_html", "show_landing", "show_page", "show_step",
           "show_training"]
