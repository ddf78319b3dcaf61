"""The page's catalogues of words, one per language (locales/<lang>/LC_MESSAGES/messages.po).

    python -m scripts.i18n extract    collect every _() / ngettext() / N_() message of app.py,
                                      page/ and room/ into locales/messages.pot, and bring each
                                      .po up to date with it: new messages added (in English
                                      filled in from the msgid, elsewhere left empty to
                                      translate), gone ones dropped, translations kept
    python -m scripts.i18n check      list what a reader would miss: messages missing or empty
                                      in a language, unchecked (fuzzy) ones, and translations
                                      whose {placeholders} differ from their msgid's; exits 1 if any
    python -m scripts.i18n add LANG   start a catalogue for a new language (docs/languages.md)

Babel does the reading, extracting and writing (pybabel's own functions); this script only
names the sources, the keywords and the rules. tests/test_i18n.py runs `check` against the
current source, so a sentence added without its translation fails the tests.
"""

import argparse
import copy
import string
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

import i18n

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("app.py", "page", "room")  # where the page's words are written
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAG = "i18n:"  # a comment "# i18n: ..." just above a message goes to translators
TEMPLATE = i18n.LOCALES / "messages.pot"
PROJECT = "Row-LSTM Explorer"
TEAM = "the Row-LSTM Explorer team"
WIDTH = 100
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # not today's: an unchanged catalogue stays byte for byte


def source_files(root: Path = REPO) -> list[Path]:
    files = []
    for name in SOURCES:
        path = root / name
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return files


def extract(root: Path = REPO) -> Catalog:
    """Every message in the source, as a template catalogue (msgids only)."""
    template = Catalog(project=PROJECT, version="1", fuzzy=False, creation_date=FIXED_DATE)
    for path in source_files(root):
        for line, message, comments, context in extract_from_file(
                "python", str(path), keywords=KEYWORDS, comment_tags=(COMMENT_TAG,), strip_comment_tags=True):
            template.add(message, None, [(str(path.relative_to(root)), line)], auto_comments=comments,
                         context=context)
    return template


def new_catalogue(lang: str) -> Catalog:
    name = i18n.language_name(lang)
    return Catalog(locale=lang, project=PROJECT, version="1", copyright_holder=TEAM, fuzzy=False,
                   last_translator=TEAM, language_team=TEAM, creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                   header_comment=f"# {name} ({lang}) words of the {PROJECT}, written and checked by {TEAM}.\n"
                                  f"# Update with `python -m scripts.i18n extract`; see docs/languages.md.")


def catalogue_path(lang: str) -> Path:
    return i18n.LOCALES / lang / i18n.CATALOGUE


def read(lang: str) -> Catalog:
    with open(catalogue_path(lang), "rb") as file:
        return read_po(file, locale=lang)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        # Files without line numbers: a line moved in the code leaves the catalogues unchanged.
        write_po(file, catalog, width=WIDTH, ignore_obsolete=True, include_previous=False, include_lineno=False)


def updated(catalog: Catalog, template: Catalog, lang: str) -> Catalog:
    """`catalog` with the template's messages: translations kept, new ones empty (English: the
    msgid itself, the source language's translation of itself), vanished ones dropped. No fuzzy
    matching: a guessed translation of a changed sentence is worse than an honest gap."""
    # A copy: Babel puts the template's own Message objects into the catalogue, so without one the
    # English pass (msgstr = msgid) would fill the next language's new messages with English too.
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True, update_header_comment=False)
    for message in catalog:
        if not message.id:
            continue
        if lang == i18n.SOURCE_LANGUAGE:  # English is the msgids themselves, always
            message.string, message.flags = message.id, message.flags - {"fuzzy"}
        elif isinstance(message.id, tuple) != isinstance(message.string, tuple):  # became (or stopped being) plural
            message.string = ("",) * catalog.num_plurals if isinstance(message.id, tuple) else ""
    return catalog


def _filled(string_) -> bool:
    return all(string_) if isinstance(string_, tuple) else bool(string_)


def placeholders(text: str) -> set[tuple[str, str, str]]:
    """The {name:spec!conversion} fields of a str.format string; ValueError if it is malformed."""
    return {(name, spec or "", conversion or "") for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None}


def problems(catalog: Catalog, template: Catalog, lang: str) -> list[str]:
    """What is wrong with one language's catalogue against the template: a message missing or
    empty, unchecked (fuzzy), or with other placeholders than its msgid."""
    found = []
    for wanted in template:
        if not wanted.id:
            continue
        key = wanted.id[0] if isinstance(wanted.id, tuple) else wanted.id
        message = catalog.get(key)
        shown = key if len(key) <= 70 else key[:67] + "..."
        if message is None or message.id != wanted.id:
            found.append(f"{lang}: missing: {shown!r}")
            continue
        if not _filled(message.string):
            found.append(f"{lang}: not translated: {shown!r}")
            continue
        if message.fuzzy:
            found.append(f"{lang}: fuzzy (unchecked): {shown!r}")
        found += [f"{lang}: {problem}: {shown!r}" for problem in placeholder_problems(message.id, message.string)]
    return found


def placeholder_problems(msgid, msgstr) -> list[str]:
    """A translation must fill the same {placeholders} as its msgid. For a plural message, every
    form may use only the msgid's placeholders, and the last (the 'many' form, the only one in a
    language without plurals) must use all of the plural msgid's."""
    try:
        if not isinstance(msgid, tuple):
            expected, got = placeholders(msgid), placeholders(msgstr)
            return [] if expected == got else [f"placeholders differ ({_names(expected)} vs {_names(got)})"]
        allowed = placeholders(msgid[0]) | placeholders(msgid[1])
        forms = [placeholders(form) for form in msgstr]
    except ValueError as error:
        return [f"malformed format string ({error})"]
    found = [f"placeholders differ in form {i} ({_names(form - allowed)} not in the msgid)"
             for i, form in enumerate(forms) if not form <= allowed]
    if forms and forms[-1] != placeholders(msgid[1]):
        found.append(f"placeholders differ ({_names(placeholders(msgid[1]))} vs {_names(forms[-1])})")
    return found


def _names(fields: set) -> str:
    return "{" + ", ".join(sorted(name + (f":{spec}" if spec else "") for name, spec, _ in fields)) + "}"


def check(template: Catalog | None = None) -> list[str]:
    template = template or extract()
    found = []
    for lang in i18n.languages():
        if not catalogue_path(lang).exists():
            found.append(f"{lang}: no catalogue at {catalogue_path(lang).relative_to(REPO)}")
            continue
        found += problems(read(lang), template, lang)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="collect the messages and update every catalogue")
    commands.add_parser("check", help="list missing, empty, fuzzy or mistyped translations")
    add = commands.add_parser("add", help="start a catalogue for a new language")
    add.add_argument("lang", help="a language code, e.g. ko or pt_BR")
    args = parser.parse_args(argv)

    template = extract()
    if args.command == "extract":
        write(template, TEMPLATE)
        for lang in i18n.languages():
            path = catalogue_path(lang)
            catalog = read(lang) if path.exists() else new_catalogue(lang)
            write(updated(catalog, template, lang), path)
            print(f"{path.relative_to(REPO)}: {len(template)} messages")
        return 0
    if args.command == "add":
        path = catalogue_path(args.lang)
        if path.exists():
            print(f"{path.relative_to(REPO)} exists already; run `extract` to update it", file=sys.stderr)
            return 1
        write(updated(new_catalogue(args.lang), template, args.lang), path)
        print(f"{path.relative_to(REPO)}: {len(template)} messages to translate")
        return 0
    found = check(template)
    for problem in found:
        print(problem)
    print(f"{len(found)} problem(s) in {', '.join(i18n.languages())}, {len(template)} messages", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
