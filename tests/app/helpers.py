"""Finding and picking widgets in a page built without a browser."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as w

from pim_workbook.app.shell import Tabs


def walk(widget: w.Widget) -> Iterator[w.Widget]:
    """The widget and everything inside it."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def find(root: w.Widget, kind: type = w.Widget, css: str | None = None,
         text: str | None = None) -> list[w.Widget]:
    """The widgets under ``root`` of a kind, with a CSS class, or showing a text."""
    return [x for x in walk(root) if isinstance(x, kind)
            and (css is None or css in x._dom_classes)
            and (text is None or any(text in str(getattr(x, attr, ""))
                                     for attr in ("value", "description", "placeholder")))]


def tab(page: w.Widget, title: str) -> None:
    """Pick a pane of a page, as a click on its tab would."""
    for tabs in find(page, Tabs):
        if title in tabs.titles:
            tabs.select(title)
            return
    for toggle in find(page, w.ToggleButtons):
        if title in toggle.options:
            toggle.value = title
            return
    raise AssertionError(f"no pane {title!r}")
