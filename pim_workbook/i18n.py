"""The interface's languages: gettext catalogues, the active language, locale formats.

Every sentence a person reads on a page, in a report or in an error shown on a page goes
through :func:`_` (or :func:`ngettext`); text fixed at import time is marked with :func:`N_`
and translated where it is shown. Catalogues are Babel's ``.po`` files under ``locale/``,
compiled to ``.mo`` when the package is built; a source checkout compiles a ``.po`` newer
than its ``.mo`` on first use and keeps the ``.mo`` for the next kernel.

One kernel serves one page in one language, so the active language is process-wide; a batch
sets it for its run with :func:`use_language`. Figures keep Western digits in every language
(Arabic included), as exports and reports must stay readable by any tool.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = frozenset({"ar"})
DOMAIN = "pim_workbook"
LOCALE_DIR = Path(__file__).with_name("locale")

# A pseudo-language for tests only (with PIM_WORKBOOK_PSEUDO_LANGUAGE=1): every translated
# sentence, of the interface and of the content, between the two marks, so that a test can
# find any visible text that no catalogue or overlay translates.
PSEUDO = "qps"
PSEUDO_MARKS = ("⟦", "⟧")
PSEUDO_ENV = "PIM_WORKBOOK_PSEUDO_LANGUAGE"

_active = "en"


def known(language: str | None) -> bool:
    """Whether a page may speak ``language`` (the pseudo-language only when tests enable it)."""
    return language in LANGUAGES or (language == PSEUDO and os.environ.get(PSEUDO_ENV) == "1")


def pseudo(text: str) -> str:
    """``text`` as the pseudo-language shows it."""
    return f"{PSEUDO_MARKS[0]}{text}{PSEUDO_MARKS[1]}" if text else text


def check_language(language: str | None) -> str:
    """``language`` if the workbook speaks it (``None`` is English); else a one-line error."""
    from pim_workbook.errors import WorkbookError

    if language in (None, ""):
        return "en"
    if not known(language):
        raise WorkbookError(f"unknown language {language!r}; choose one of "
                            f"{', '.join(LANGUAGES)}")
    return str(language)


def set_language(language: str | None) -> str:
    """Make ``language`` the one every later :func:`_` speaks; returns it."""
    global _active
    _active = check_language(language)
    return _active


def current_language() -> str:
    return _active


def record_language() -> str | None:
    """The active language as the record keeps it with an answer (not the pseudo one)."""
    return _active if _active in LANGUAGES else None


def _locale() -> str:
    """The Babel locale of the active language (the pseudo-language formats as English)."""
    return "en" if _active == PSEUDO else _active


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Speak ``language`` inside the block, then the language spoken before."""
    before = _active
    try:
        yield set_language(language)
    finally:
        set_language(before)


def language_query() -> dict[str, str]:
    """The query parameter that keeps a link in the active language (none for English)."""
    return {} if _active == "en" else {"lang": _active}


def direction(language: str | None = None) -> str:
    """``rtl`` or ``ltr``: the writing direction of ``language`` (default: the active one)."""
    return "rtl" if (language or _active) in RIGHT_TO_LEFT else "ltr"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: the messages themselves)."""
    if language == "en":
        return gettext.NullTranslations()
    if language == PSEUDO:
        return _Pseudo()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, "rb") as fh:
            return gettext.GNUTranslations(fh)
    if not po.is_file():
        return gettext.NullTranslations()
    compiled = compile_catalogue(po)
    try:  # kept for the next kernel, as the package build would have (replaced whole)
        scratch = mo.with_name(f".{mo.name}.{os.getpid()}")
        scratch.write_bytes(compiled)
        os.replace(scratch, mo)
    except OSError:
        pass  # a read-only install: each kernel reads the .po
    return gettext.GNUTranslations(io.BytesIO(compiled))


def compile_catalogue(po: Path) -> bytes:
    """A ``.po`` catalogue (``locale/<lang>/LC_MESSAGES/``) compiled to ``.mo`` bytes, by
    Babel: what the package build writes and a source checkout compiles on first use."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


class _Pseudo(gettext.NullTranslations):
    """Every message between the pseudo-language's marks."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


def _(message: str) -> str:
    """``message`` in the active language (itself where the catalogue lacks it)."""
    if _active == "en" or not message:
        return message
    return translations(_active).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, by the active language's rules."""
    if _active == "en":
        return singular if n == 1 else plural
    return translations(_active).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark text fixed at import time for the catalogue; :func:`_` translates it when shown."""
    return message


def format_number(value: float, decimals: int | None = None) -> str:
    """A number in the active locale's separators, with Western digits."""
    from babel.numbers import format_decimal

    pattern = None if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(),
                          numbering_system="latn")


def format_percent(value: float, decimals: int = 0) -> str:
    """A share (0.78) as a percentage ("78 %" in French), with Western digits."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    pattern = Locale.parse(_locale()).percent_formats[None].pattern
    if decimals:  # CLDR percent patterns have one zero: "#,##0%", "#,##0 %"
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return babel_percent(value, format=pattern, locale=_locale(), numbering_system="latn")


def format_day(value: date | datetime | str, style: str = "long") -> str:
    """A date spelled the active locale's way (``long``: "2 décembre 2026"), Western digits."""
    from babel.dates import format_date

    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return format_date(day, format=style, locale=_locale())
