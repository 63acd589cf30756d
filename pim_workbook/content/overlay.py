"""Translations of the content files as overlays keyed by stable ids.

An overlay (``framework.fr.yaml``, ``exercises.ar.yaml``) maps a *key* — the path of one
piece of text in the English file, written with the ids the file already has, for example
``assessment.steps[E1].questions[E1.Q1].guidance[E1.Q1.g1].bullets[0].text`` — to its
translation. The English file stays the one source of structure: an overlay can only replace
text, never ids, order or links, and the merged document is validated by the same schema.
A key the overlay lacks falls back to English and is listed by :func:`check_overlay`.

The packaged overlays are the workbook's own translations. An organisation can put its own
(an official translation, say) in the folder named by ``PIM_WORKBOOK_CONTENT_OVERLAYS``; its
entries take precedence over the packaged ones, entry by entry.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pim_workbook.content.yamlfile import read_yaml
from pim_workbook.errors import ContentError
from pim_workbook.i18n import LANGUAGES, PSEUDO, current_language, known, pseudo

Translated = Literal["fr", "es", "ar"]  # the languages an overlay translates into
PACKAGED_OVERLAYS = Path(__file__).with_name("translations")
OVERLAYS_ENV = "PIM_WORKBOOK_CONTENT_OVERLAYS"

# fields that hold ids, codes or links rather than text a person reads
_NOT_TEXT = frozenset({"id", "version", "wording", "evidence", "number", "kind", "competency",
                       "principle_id", "action_ids", "definitions", "section"})
_ID_LISTS = frozenset({"answer"})  # a list of choice ids here; a text in worked examples
_KEY = re.compile(r"[A-Za-z0-9_.\[\]-]+")


class OverlayFile(BaseModel):
    """One overlay file: its language, the notice pages show once, and the entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Translated
    translation_of: Literal["framework", "exercises"]
    notice: str = Field(min_length=1)
    entries: dict[str, str]


def text_keys(data: object) -> Iterator[tuple[str, str]]:
    """Every (key, English text) of a content document, in document order."""
    return ((key, text) for key, _holder, _slot, text in _texts(data, ""))


def _texts(node: object, path: str) -> Iterator[tuple[str, Any, Any, str]]:
    """(key, container, index in it, text) of every text under ``node``."""
    if isinstance(node, dict):
        slots = [(name, value, f"{path}.{name}" if path else str(name))
                 for name, value in node.items()
                 if name not in _NOT_TEXT and not (name in _ID_LISTS and isinstance(value, list))]
    elif isinstance(node, list):
        slots = [(i, item, f"{path}[{_label(item, i)}]") for i, item in enumerate(node)]
    else:
        return
    for slot, value, key in slots:
        if isinstance(value, str):
            yield key, node, slot, value
        else:
            yield from _texts(value, key)


def _label(item: object, index: int) -> object:
    """How a key names a list item: by its id where it has one, else by its place."""
    ident = item.get("id") if isinstance(item, dict) else None
    return index if ident is None else ident


def pseudo_entries(data: object) -> dict[str, str]:
    """Every text of ``data`` in the tests' pseudo-language (see :mod:`pim_workbook.i18n`)."""
    return {key: pseudo(text) for key, text in text_keys(data)}


def apply_entries(data: dict[str, Any], entries: dict[str, str]) -> dict[str, Any]:
    """A copy of ``data`` with the text at each key of ``entries`` replaced."""
    merged = copy.deepcopy(data)
    for key, holder, slot, _text in _texts(merged, ""):
        if key in entries:
            holder[slot] = entries[key]
    return merged


def overlay_paths(kind: str, language: str) -> list[Path]:
    """The overlay files for ``kind`` in ``language``, packaged first, the organisation's
    (from ``PIM_WORKBOOK_CONTENT_OVERLAYS``) last, so that its entries win."""
    name = f"{kind}.{language}.yaml"
    paths = [PACKAGED_OVERLAYS / name]
    folder = os.environ.get(OVERLAYS_ENV)
    if folder:
        paths.append(Path(folder).expanduser() / name)
    return [p for p in paths if p.is_file()]


def read_overlay(path: Path, kind: str, language: str) -> OverlayFile:
    """Read and check one overlay file; any problem is one :class:`ContentError` line."""
    data = read_yaml(path, "translation file", ContentError)
    try:
        overlay = OverlayFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ContentError(f"translation file {path}: {where}: {first['msg']}") from None
    if overlay.language != language or overlay.translation_of != kind:
        raise ContentError(f"translation file {path}: it says language {overlay.language!r} of "
                           f"{overlay.translation_of!r}; rename it {overlay.translation_of}."
                           f"{overlay.language}.yaml")
    bad = [k for k in overlay.entries if not _KEY.fullmatch(k)]
    if bad:
        raise ContentError(f"translation file {path}: {bad[0]!r} is not a key; keys look like "
                           "assessment.steps[E1].questions[E1.Q1].text")
    return overlay


class Translation(BaseModel):
    """The entries in force for one language, and where they came from."""

    model_config = ConfigDict(frozen=True)

    language: str
    entries: dict[str, str] = {}
    notices: list[str] = []
    files: list[str] = []


def load_translation(kind: str, language: str) -> Translation:
    """The merged overlays of ``kind`` (``framework`` or ``exercises``) in ``language``."""
    if not known(language):
        raise ContentError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    entries: dict[str, str] = {}
    notices: list[str] = []
    files: list[str] = []
    if language not in ("en", PSEUDO):
        for path in overlay_paths(kind, language):
            overlay = read_overlay(path, kind, language)
            entries.update(overlay.entries)
            notices.append(overlay.notice)
            files.append(str(path))
    return Translation(language=language, entries=entries, notices=notices, files=files)


def translation_notice(kind: str = "framework") -> str:
    """Whose translation the text of ``kind`` is, in the active language ("" in English),
    said once on a page or in a report."""
    language = current_language()
    if language == "en":
        return ""
    notices = load_translation(kind, language).notices
    return notices[-1] if notices else ""


def check_overlay(data: object, translation: Translation) -> tuple[list[str], list[str]]:
    """(keys the translation lacks, keys it has that the English file does not)."""
    english = dict(text_keys(data))
    missing = [k for k in english if k not in translation.entries]
    unknown = [k for k in translation.entries if k not in english]
    return missing, unknown
