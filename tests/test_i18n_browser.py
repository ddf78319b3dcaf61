"""A browser whose language is Japanese gets a Japanese page, an English one an English page: in
Chromium (Playwright's locale sets navigator.language, which st.context.locale reads), after
drawing a digit, in every analysis tab.

The prose measured is what a person reads in the main column, without code, formulas and the
charts' numbers but with the charts' titles (scripts/browser.py's visible_prose). In Japanese it
must be mostly CJK characters and hold no English sentence; in English, no Japanese beyond the
question's quotation on the "why" tab."""

import re

import numpy as np
import pytest

from model.drawn_digits import random_drawing
from page import links
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
LATIN = re.compile(r"[A-Za-z]")
# Four Latin words in a row (names such as "Row-LSTM Explorer" or "MNIST RNN" have fewer).
ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,’'-]+[A-Za-z]+){3,}")
SOURCE_TABS = 2  # tabs 0 and 1 choose the source; every later tab is an analysis view
WHY_TAB = SOURCE_TABS + links.VIEWS.index("why")
JAPANESE_SHARE = 0.6  # of letters: the rest is names (LSTM, MNIST, TensorFlow) and symbols (h_t)


def cjk_share(text: str) -> float:
    cjk, latin = len(CJK.findall(text)), len(LATIN.findall(text))
    return cjk / max(cjk + latin, 1)


def english_sentences(text: str) -> list[str]:
    return [line for line in text.splitlines() if ENGLISH_RUN.search(line)]


def analysis_tabs(page) -> range:
    """Every analysis tab, however many views the page has."""
    return range(SOURCE_TABS, page.locator(app_browser.TABS).count())


def show_tab(page, index: int) -> None:
    """Open an analysis tab (the first is open already: clicking it would start no run)."""
    if index == SOURCE_TABS:
        app_browser.wait_until_idle(page)
    else:
        app_browser.open_tab_at(page, index)


@pytest.fixture
def drawn_page(chromium, server, request):
    context = chromium.new_context(locale=request.param, viewport=app_browser.VIEWPORT)
    page = app_browser.open_app(context, server.url)
    strokes = random_drawing(7, np.random.default_rng(3)).strokes
    app_browser.draw_digit(page, strokes, selector=app_browser.RUN_MARKER)
    yield page
    context.close()


@pytest.mark.parametrize("drawn_page", ["ja-JP"], indirect=True)
def test_a_japanese_browser_gets_japanese_prose_in_every_tab(drawn_page):
    tabs = analysis_tabs(drawn_page)
    assert len(tabs) >= 4
    for index in tabs:
        show_tab(drawn_page, index)
        prose = app_browser.visible_prose(drawn_page)
        english = english_sentences(prose)
        assert cjk_share(prose) > JAPANESE_SHARE and not english, (
            f"tab {index}: {cjk_share(prose):.0%} CJK; English found: {english}")
    assert "?lang=" not in drawn_page.evaluate("location.href")  # nobody chose: links follow each reader
    assert drawn_page.evaluate("document.documentElement.lang") == "ja"  # for screen readers' voices


@pytest.mark.parametrize("drawn_page", ["en-US"], indirect=True)
def test_an_english_browser_gets_english_prose_in_every_tab(drawn_page):
    for index in analysis_tabs(drawn_page):
        show_tab(drawn_page, index)
        prose = app_browser.visible_prose(drawn_page)
        if index == WHY_TAB:  # the question, quoted in Japanese, with its English rendering beside it
            assert "最終層でロジスティック回帰が使われている理由です" in prose and "In English" in prose
            prose = "\n".join(line for line in prose.splitlines() if not CJK.search(line))
        japanese = [line for line in prose.splitlines() if CJK.search(line)]
        assert cjk_share(prose) == 0, f"tab {index}: Japanese in {japanese}"
        assert len(english_sentences(prose)) >= 3
    assert drawn_page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("drawn_page", ["en-US"], indirect=True)
def test_lang_in_the_link_overrides_the_browser_and_stays_in_the_link(drawn_page, server):
    address = drawn_page.evaluate("location.href")
    page = drawn_page.context.new_page()
    page.goto(address + "&lang=ja")
    page.wait_for_selector(app_browser.RUN_MARKER, state="attached", timeout=60_000)
    app_browser.wait_until_idle(page, 60_000)
    assert cjk_share(app_browser.visible_prose(page)) > JAPANESE_SHARE
    assert "lang=ja" in page.evaluate("location.href")
    page.close()
