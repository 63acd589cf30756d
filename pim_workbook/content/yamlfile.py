"""Reading the YAML files an organisation or a trainer adapts (framework content, exercises).

These files come from outside the package, so reading one must stay cheap whatever it holds:
a file over :data:`MAX_BYTES` is refused before it is read whole, and anchors and aliases are
refused as the parser meets them, so a few kilobytes of nested aliases (a "billion laughs"
file) cannot expand into gigabytes. Neither is needed to write the content by hand.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from yaml.events import AliasEvent, NodeEvent

MAX_BYTES = 2 * 1024 * 1024


class _AliasRefused(yaml.MarkedYAMLError):
    """An anchor or alias met while composing."""


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing every anchor (``&name``) and alias (``*name``)."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            sign = "*" if isinstance(event, AliasEvent) else "&"
            raise _AliasRefused(problem=f"YAML anchors and aliases ({sign}{event.anchor}) are "
                                "not allowed; write the value out in full",
                                problem_mark=event.start_mark)
        return super().compose_node(parent, index)


_FAST = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it


def _parse(text: str) -> object:
    """The document's data, refusing anchors and aliases; a safe loader builds no objects.

    With libyaml, the events are read once to refuse anchors and aliases, then the document
    is loaded by libyaml (a page opens a content file and a translation: about ten times
    faster than the pure-Python parser, which is the fallback)."""
    if _FAST is not None:
        try:
            for event in yaml.parse(text, Loader=_FAST):
                if isinstance(event, AliasEvent | NodeEvent) and (
                        isinstance(event, AliasEvent) or event.anchor):
                    raise yaml.YAMLError("an anchor or alias")
            return yaml.load(text, Loader=_FAST)
        except yaml.YAMLError:
            pass  # the pure-Python parser says what is wrong, the same way with or without libyaml
    return yaml.load(text, Loader=_NoAliasLoader)


def read_yaml(path: Path, what: str, error: type[Exception]) -> object:
    """The data of the YAML file at ``path``; any problem raises ``error`` with one message
    naming ``what`` (e.g. "content file"), the file and, for bad YAML, the line."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error(f"{what} {path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise error(f"{what} {path}: larger than {MAX_BYTES // (1024 * 1024)} MB (the packaged "
                    "one is under 100 KB); is this the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") \
            from None
    try:
        return _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", line {mark.line + 1}" if mark else ""
        if isinstance(exc, _AliasRefused):
            raise error(f"{what} {path}{where}: {exc.problem}") from None
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        raise error(f"{what} {path}{where}: not valid YAML ({reason})") from None
    except yaml.YAMLError as exc:
        raise error(f"{what} {path}: not valid YAML ({exc})") from None
    except RecursionError:
        raise error(f"{what} {path}: nested too deeply to be content") from None
