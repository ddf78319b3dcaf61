"""The two "what if" views in Chromium, where they are used: a laptop, a projector (presenter
mode, chart text of at least 16 px) and a phone; every chart's text without overlaps, and each
view's sentence, its text alternative, on the page beside its chart."""

import numpy as np
import pytest

from model.drawn_digits import random_drawing
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

SEVEN = random_drawing(7, np.random.default_rng(3)).strokes
FIRST_PAGE_MS = 180_000  # the server's first page loads the model: slow on a busy machine
MIN_FONT_PX = {"desktop": 13, "present": 16, "phone": 12}
CONTEXTS = {"desktop": dict(viewport={"width": 1280, "height": 1500}), "present": app_browser.PROJECTOR,
            "phone": app_browser.PHONE}
# Each view's charts, each with the sentence that is its text alternative and words it must hold.
VIEWS = {"Rows, what if": (("whatif_rows", "whatif_sentence", "your 7"), ("whatif_influence", "influence_sentence",
                                                                         "p(7)")),
         "Where the state travels": (("state_map", "map_sentence", "path h_1 … h_16"),)}


@pytest.mark.parametrize("mode", list(CONTEXTS))
def test_both_views_draw_legible_charts_with_their_sentences(server, chromium, mode):
    context = chromium.new_context(**CONTEXTS[mode])
    try:
        page = app_browser.open_app(context, f"{server.url}/?mode={mode}&t=16", timeout_ms=FIRST_PAGE_MS)
        assert app_browser.draw_digit(page, SEVEN, timeout_ms=60_000, selector=app_browser.RUN_MARKER) == "7"
        for tab, charts in VIEWS.items():
            app_browser.open_tab(page, tab, timeout_ms=60_000)
            for chart_key, sentence_key, words in charts:
                chart = page.locator(f".st-key-{chart_key} .js-plotly-plot")
                chart.wait_for(timeout=60_000)
                page.wait_for_function("(plot) => plot._fullLayout !== undefined", arg=chart.element_handle(),
                                       polling="raf", timeout=30_000)
                texts = app_browser.chart_texts(page, f".st-key-{chart_key} .js-plotly-plot")
                assert texts and min(text["font_px"] for text in texts) >= MIN_FONT_PX[mode], chart_key
                labels = [text for text in texts if text["text"] not in "0123456789"]  # map centres may touch
                assert app_browser.overlapping(labels) == [], chart_key
                box = chart.bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= CONTEXTS[mode]["viewport"]["width"] + 1
                sentence = page.locator(f".st-key-{sentence_key}").inner_text()
                assert words in sentence, sentence_key
    finally:
        context.close()
