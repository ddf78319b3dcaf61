"""The page's words in Japanese and English: one catalogue per language, nothing missing from
either, every placeholder kept, the current source fully translated, the language chosen as the
page chooses it, and Japanese glyphs in the GIF."""

import io
import os
import re
from pathlib import Path

import numpy as np
import pytest
from babel.messages.catalog import Catalog
from PIL import Image, ImageDraw, ImageFont

import i18n
from i18n import _, ngettext
from model import config
from model.trace import trace
from model.weights_file import read_weights
from page import answer_view, explain, export
from scripts import i18n as catalogues

QUESTION_FILE = Path(__file__).resolve().parents[2] / "shared" / "question" / "README.md"
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")  # kana, kanji, full-width forms
LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text: str) -> float:
    """The share of CJK characters among the letters of a text (kana, kanji and Latin letters)."""
    cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    return cjk / max(cjk + latin, 1)


@pytest.fixture(scope="module")
def weights():
    return read_weights(str(config.MODEL_PATH))  # h5py only: no TensorFlow for these tests


@pytest.fixture(scope="module")
def a_seven(weights):
    image = np.zeros((28, 28), np.float32)
    image[6:9, 7:21] = 1.0  # the bar
    for row in range(9, 23):  # the stem, leaning left
        column = 19 - (row - 9) // 2
        image[row, column:column + 3] = 1.0
    return trace(image, weights)


# --- The catalogues ---------------------------------------------------------------------------

def test_the_current_source_is_fully_translated_in_every_language():
    """Extraction from the code as it is now finds no message that a catalogue lacks, leaves
    empty or marks fuzzy, and no translation with other placeholders: `python -m scripts.i18n
    check` would print nothing."""
    template = catalogues.extract()
    assert len(template) > 100  # the extraction really found the page's words
    assert catalogues.check(template) == []


def test_both_languages_have_a_catalogue():
    assert set(i18n.languages()) >= {"en", "ja"}
    for lang in ("en", "ja"):
        assert catalogues.catalogue_path(lang).is_file()


def template_of(*messages) -> Catalog:
    template = Catalog()
    for message in messages:
        template.add(message)
    return template


def test_a_message_missing_or_empty_in_a_language_fails():
    template = template_of("Step {step}", "Clear")
    catalog = Catalog(locale="ja")
    catalog.add("Step {step}", "")
    found = catalogues.problems(catalog, template, "ja")
    assert any("not translated" in problem and "Step {step}" in problem for problem in found)
    assert any("missing" in problem and "Clear" in problem for problem in found)
    catalog.get("Step {step}").string = "ステップ{step}"
    catalog.add("Clear", "消去")
    assert catalogues.problems(catalog, template, "ja") == []


@pytest.mark.parametrize("msgid, msgstr", [
    ("Step {step}: reading row {row}", "ステップ{step}: {rows}行目"),  # renamed
    ("Step {step}: reading row {row}", "ステップ{step}"),  # dropped
    ("{share:.1%} of test digits", "テスト画像の{share}"),  # its format changed
    ("digit %{y}: %{x:.1%}", "数字 %{y}"),  # a Plotly hover field dropped
    ("Step {step}", "ステップ{step"),  # malformed
])
def test_a_placeholder_that_differs_between_msgid_and_msgstr_fails(msgid, msgstr):
    catalog = Catalog(locale="ja")
    catalog.add(msgid, msgstr)
    found = catalogues.problems(catalog, template_of(msgid), "ja")
    assert len(found) == 1 and ("placeholders differ" in found[0] or "malformed" in found[0])


def test_plural_forms_are_checked_against_the_plural_msgid():
    msgid = ("The room has {n} drawing.", "The room has {n} drawings.")
    template = Catalog()
    template.add(msgid)
    good, bad = Catalog(locale="ja"), Catalog(locale="ja")
    good.add(msgid, ("ルームの手書き数字は{n}枚です。",))
    bad.add(msgid, ("ルームの手書き数字は何枚かです。",))
    assert catalogues.problems(good, template, "ja") == []
    assert "placeholders differ" in catalogues.problems(bad, template, "ja")[0]


def test_extraction_finds_new_messages_so_an_untranslated_one_fails(tmp_path):
    (tmp_path / "page").mkdir()
    (tmp_path / "room").mkdir()
    (tmp_path / "app.py").write_text('st.title(_("Row-LSTM Explorer"))\n')
    (tmp_path / "page" / "new_view.py").write_text(
        'def f(t):\n    return _("A sentence nobody has translated, step {t}").format(t=t)\n'
        'def g(n):\n    return ngettext("{n} row", "{n} rows", n).format(n=n)\n')
    template = catalogues.extract(tmp_path)
    assert {m.id for m in template if m.id} == {"Row-LSTM Explorer", "A sentence nobody has translated, step {t}",
                                               ("{n} row", "{n} rows")}
    found = catalogues.problems(catalogues.read("ja"), template, "ja")
    assert len(found) == 2 and all("missing" in problem for problem in found)


def test_extract_leaves_a_new_message_empty_in_japanese_after_filling_english():
    """`extract` updates English first (msgstr = msgid); a new message must still reach the
    Japanese catalogue untranslated, so that `check` reports it instead of passing English off."""
    template = template_of("A sentence added today")
    english = catalogues.updated(Catalog(locale="en"), template, "en")
    japanese = catalogues.updated(Catalog(locale="ja"), template, "ja")
    assert english.get("A sentence added today").string == "A sentence added today"
    assert not japanese.get("A sentence added today").string
    assert any("not translated" in problem for problem in catalogues.problems(japanese, template, "ja"))


def test_the_glossary_heads_the_japanese_catalogue():
    head = catalogues.catalogue_path("ja").read_text().split('msgid ""')[0]
    for term in ("隠れ状態", "セル状態", "ゲート", "ロジスティック回帰", "ソフトマックス", "ステップ"):
        assert term in head


# --- Lookups and the choice of language --------------------------------------------------------

def test_lookups_follow_the_language_of_the_context():
    assert _("Clear") == "Clear"
    with i18n.language("ja"):
        assert _("Clear") == "消去"
        assert _("a sentence not in any catalogue") == "a sentence not in any catalogue"  # never empty
        assert ngettext("The room has {n} drawing.", "The room has {n} drawings.", 1).format(n=1) == \
            "ルームの手書き数字は1枚です。"
        with i18n.language("en"):
            assert _("Clear") == "Clear"
        assert i18n.current() == "ja"
    assert i18n.current() == "en"
    for n, words in ((1, "The room has 1 drawing."), (2, "The room has 2 drawings.")):
        assert ngettext("The room has {n} drawing.", "The room has {n} drawings.", n).format(n=n) == words


@pytest.mark.parametrize("asked, browser, chosen", [
    (None, "ja-JP", "ja"),  # the browser's language
    (None, "en-US", "en"),
    ("en", "ja-JP", "en"),  # ?lang= overrides the browser
    ("ja", "en-GB", "ja"),
    ("xx", "ja", "ja"),  # a language the page does not speak: the browser's
    (None, "fr-FR", "en"),  # neither: English
    (None, None, "en"),  # no browser locale (AppTest)
])
def test_the_link_overrides_the_browser_and_english_is_the_fallback(asked, browser, chosen):
    assert i18n.choose(asked, browser) == chosen


def test_language_names_are_written_in_themselves():
    assert i18n.language_name("ja") == "日本語" and i18n.language_name("en") == "English"


# --- Japanese words from the trace ---------------------------------------------------------------

def test_a_japanese_run_of_the_explain_functions_speaks_japanese(a_seven):
    english = [explain.settle_sentence(a_seven), explain.step_caption(a_seven, 10),
               explain.verdict(a_seven.probabilities, int(a_seven.decision_step), 28).words,
               explain.runner_up_words(a_seven.probabilities)]
    with i18n.language("ja"):
        japanese = [explain.settle_sentence(a_seven), explain.step_caption(a_seven, 10),
                    explain.verdict(a_seven.probabilities, int(a_seven.decision_step), 28).words,
                    explain.runner_up_words(a_seven.probabilities)]
    for en, ja in zip(english, japanese):
        assert cjk_share(ja) > 0.6, ja
        assert cjk_share(en) == 0, en
        assert set(re.findall(r"\d+", en)) == set(re.findall(r"\d+", ja)), (en, ja)  # the same numbers


def test_the_question_is_quoted_exactly_as_it_was_asked():
    if not QUESTION_FILE.exists():
        pytest.skip(f"{QUESTION_FILE} is not beside this clone")
    text = QUESTION_FILE.read_text()
    assert answer_view.QUESTION in text and f"「{answer_view.QUESTION_TITLE}」" in text
    assert answer_view.QUESTION_ASKED.isoformat() in text
    with i18n.language("ja"):
        assert i18n.long_date(answer_view.QUESTION_ASKED) == "2016年11月7日"


# --- The GIF's Japanese captions ------------------------------------------------------------------

def needs_cjk_font() -> Path:
    path = export.cjk_font_path()
    if path is None:
        message = "no Japanese font: apt-get install fonts-ipafont-gothic (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def glyph(font, character: str) -> np.ndarray:
    image = Image.new("L", (32, 32), 0)
    ImageDraw.Draw(image).text((2, 2), character, fill=255, font=font)
    return np.asarray(image)


def test_the_font_draws_kanji_not_boxes():
    font = ImageFont.truetype(str(needs_cjk_font()), 22)
    first, second, box = glyph(font, "読"), glyph(font, "層"), glyph(font, "\uffff")
    assert first.any() and second.any()
    assert not np.array_equal(first, second) and not np.array_equal(first, box)
    # Pillow's own font, the one English captions use, has no kanji: the test above can fail.
    default = ImageFont.load_default(size=22)
    assert np.array_equal(glyph(default, "読"), glyph(default, "層"))


def test_a_japanese_gif_is_captioned_in_japanese_glyphs(a_seven):
    needs_cjk_font()
    with i18n.language("ja"):
        caption = explain.step_caption(a_seven, 28)
        japanese = Image.open(io.BytesIO(export.playback_gif(a_seven)))
    english = Image.open(io.BytesIO(export.playback_gif(a_seven)))
    assert cjk_share(caption) > 0.5
    japanese.seek(27)
    english.seek(27)
    caption_band = (0, export.HEIGHT - export.CAPTION_HEIGHT, export.WIDTH, export.HEIGHT)
    drawn = np.asarray(japanese.convert("L").crop(caption_band))
    assert (drawn < 128).sum() > 200  # ink in the caption band
    assert not np.array_equal(drawn, np.asarray(english.convert("L").crop(caption_band)))
    # The caption as the GIF draws it, glyph by glyph: each kanji is itself, not a box.
    font = ImageFont.truetype(str(export.cjk_font_path()), export.FONT_SIZES[1])
    kanji = sorted({c for c in caption if "\u4e00" <= c <= "\u9fff"})
    assert len(kanji) >= 2
    assert all(export.has_glyph(font, character) for character in kanji)
    assert len({glyph(font, character).tobytes() for character in kanji}) == len(kanji)


def test_without_a_japanese_font_the_gif_falls_back_to_english(a_seven, monkeypatch):
    monkeypatch.setattr(export, "cjk_font_path", lambda: None)
    english = export.playback_gif(a_seven)
    with i18n.language("ja"):
        assert export.playback_gif(a_seven) == english


# --- The page: ?lang=, the switch, the links -------------------------------------------------------

APP = Path(__file__).resolve().parents[1] / "app.py"


def page_text(at) -> str:
    return "\n".join([t.value for t in at.title] + [m.value for m in at.markdown] + [m.value for m in at.info])


def test_lang_in_the_address_sets_the_page_s_language_and_stays_in_its_links():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "ja"
    at.run()
    assert not at.exception
    assert cjk_share(page_text(at)) > 0.6
    assert at.query_params["lang"] in ("ja", ["ja"])
    at.segmented_control(key="lang").set_value("en").run()  # the switch beside the layout switch
    assert at.title[0].value == "Row-LSTM Explorer" and cjk_share(page_text(at)) == 0
    assert at.query_params["lang"] in ("en", ["en"])


def test_without_a_choice_the_page_is_english_here_and_its_links_name_no_language():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120).run()  # AppTest has no browser locale
    assert not at.exception and at.title[0].value == "Row-LSTM Explorer"
    assert "lang" not in at.query_params
