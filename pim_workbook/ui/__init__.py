"""Views the notebooks call: each renders from the store, never keeps its own copy."""

from .landing import landing_html, show_landing

__all__ = ["landing_html", "show_landing"]
