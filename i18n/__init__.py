"""The page's words in the reader's language: which language this run speaks, and the lookups.

Every sentence a person reads is written in English in the code, wrapped in `_()` (or
`ngettext()` where a count changes the words), with named str.format placeholders for its
numbers:

    _("Step {step}: reading row {row}").format(step=t, row=t)

Those English sentences are the keys (msgids) of one gettext catalogue per language,
locales/<lang>/LC_MESSAGES/messages.po, written and kept by people and read here with Babel at
run time (no compiled .mo files). `python -m scripts.i18n extract` collects the keys from the
code into the catalogues; `python -m scripts.i18n check` lists what is missing or mistyped;
docs/languages.md says how to add a language.

The language is a context variable, set once per script run by app.py (`i18n.use(lang)`) or
for a block (`with i18n.language("ja"): ...`), so that the pure modules (explain.py, figures,
room/wall.py) need no language argument and no Streamlit. A language without a catalogue, or a
sentence without a translation, reads in English: never an empty string.

This module imports nothing of the project, so that room/wall.py may use it without reaching
into the rest of the page (tests/test_architecture.py).
"""

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"  # the language of the msgids: what the code is written in
LOCALES = Path(__file__).resolve().parents[1] / "locales"
CATALOGUE = Path("LC_MESSAGES") / "messages.po"

_language: ContextVar[str] = ContextVar("language", default=SOURCE_LANGUAGE)


@cache
def languages() -> tuple[str, ...]:
    """The languages that have a catalogue, the source language first: ("en", "ja"). Looked up
    once per process (every run asks several times): a new catalogue needs a restart."""
    found = sorted(path.parent.parent.name for path in LOCALES.glob(f"*/{CATALOGUE}"))
    return tuple(sorted(set(found) | {SOURCE_LANGUAGE}, key=lambda lang: (lang != SOURCE_LANGUAGE, lang)))


def language_name(lang: str) -> str:
    """A language's name in itself, for the language switch: "English", "日本語"."""
    return Locale.parse(lang).get_display_name(lang).capitalize()


def normalise(tag: str | None) -> str | None:
    """A browser's or a link's language tag ("ja-JP", "ja_JP", "EN") as one of languages(), or
    None when this page does not speak it."""
    if not tag:
        return None
    primary = str(tag).strip().replace("_", "-").split("-")[0].lower()
    return primary if primary in languages() else None


def choose(asked: str | None, browser_locale: str | None) -> str:
    """The language of a run: the link's ?lang= if the page speaks it, else the browser's
    language (st.context.locale), else English."""
    return normalise(asked) or normalise(browser_locale) or SOURCE_LANGUAGE


def current() -> str:
    return _language.get()


def use(lang: str | None) -> None:
    """Speak `lang` from here on in this thread's context (app.py, once per run)."""
    _language.set(normalise(lang) or SOURCE_LANGUAGE)


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Speak `lang` inside the block, then the language before it again."""
    token = _language.set(normalise(lang) or SOURCE_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


class Catalogue:
    """One language's translations, read from its .po file: msgid -> msgstr, and for plural
    messages msgid -> (msgstr[0], msgstr[1], ...) with the language's rule to pick one."""

    def __init__(self, path: Path):
        with open(path, "rb") as file:
            catalog = read_po(file)
        self.singular: dict[str, str] = {}
        self.plural: dict[str, tuple[str, ...]] = {}
        for message in catalog:
            if not message.id or message.fuzzy:  # the header; a guess nobody has checked yet
                continue
            if isinstance(message.id, tuple):
                if all(message.string):
                    self.plural[message.id[0]] = tuple(message.string)
            elif message.string:
                self.singular[message.id] = message.string
        self.plural_index = gettext.c2py(catalog.plural_expr)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> Catalogue | None:
    """The catalogue of `lang`, read once per process; None when it has none."""
    path = LOCALES / lang / CATALOGUE
    return Catalogue(path) if path.exists() else None


def _(message: str) -> str:
    """`message` (English) in the current language; English where no translation exists."""
    found = catalogue(current())
    return found.singular.get(message, message) if found is not None else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message that suits the count `n`, in the current language. Format the
    result with n as well: `ngettext("{n} row", "{n} rows", n).format(n=n)`."""
    found = catalogue(current())
    forms = found.plural.get(singular) if found is not None else None
    if forms is None:
        return singular if n == 1 else plural
    return forms[min(found.plural_index(abs(int(n))), len(forms) - 1)]


def N_(message: str) -> str:
    """Mark a constant for the catalogue without translating it yet (it is translated with
    `_()` where it is shown, in the language of that run)."""
    return message


def long_date(day: date) -> str:
    """A date as the current language writes it in prose: "November 7, 2016", "2016年11月7日"."""
    return format_date(day, format="long", locale=current())
