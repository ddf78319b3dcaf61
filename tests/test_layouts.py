"""The page where it is used: a phone (390 x 844, touch), a projector (1280 x 720 and 1920 x 1080,
presenter mode), and a link opened in a fresh browser. One server and one Chromium for the module; each
test opens its own context (a fresh browser profile, cookies and all)."""

import io
import os

import numpy as np
import pytest
from PIL import Image

from model.drawn_digits import random_drawing
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

SEVEN = random_drawing(7, np.random.default_rng(3)).strokes
FOUR = random_drawing(4, np.random.default_rng(1)).strokes
MIN_PRESENTER_FONT_PX = 16
FIRST_PAGE_MS = 180_000  # the server's first page loads TensorFlow and the model: slow on a busy machine


def within(box: dict, viewport: dict) -> bool:
    return (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


def test_phone_shows_the_prediction_without_scrolling_and_nothing_overlaps(server, context_for):
    viewport = app_browser.PHONE["viewport"]
    page = app_browser.open_app(context_for(**app_browser.PHONE), server.url, timeout_ms=FIRST_PAGE_MS)
    assert app_browser.draw_digit(page, SEVEN, timeout_ms=30_000, selector=app_browser.RUN_MARKER) == "7"
    assert within(page.locator(".st-key-prediction").bounding_box(), viewport)
    app_browser.wait_for_playback(page, timeout_ms=60_000)
    texts = app_browser.chart_texts(page)
    assert texts and app_browser.overlapping(texts) == []
    for tab in page.locator(app_browser.TABS).all():  # every tab label whole and on screen
        label = tab.locator("p").first
        assert label.evaluate("p => p.scrollWidth <= p.clientWidth"), tab.inner_text()
        assert within(tab.bounding_box(), {"width": viewport["width"], "height": 10_000}), tab.inner_text()


PROJECTORS = {"720p": app_browser.PROJECTOR, "1080p": dict(viewport={"width": 1920, "height": 1080})}


@pytest.mark.parametrize("screen", PROJECTORS)
def test_presenter_mode_fits_a_projector_with_large_chart_text(server, context_for, screen):
    options = PROJECTORS[screen]
    viewport = options["viewport"]
    page = app_browser.open_app(context_for(**options), f"{server.url}/?mode=present", timeout_ms=FIRST_PAGE_MS)
    assert app_browser.draw_digit(page, SEVEN, timeout_ms=30_000, selector=app_browser.RUN_MARKER) == "7"
    app_browser.wait_for_playback(page, timeout_ms=60_000)
    for part in (".st-key-prediction", ".st-key-playback", app_browser.CANVAS):
        assert within(page.locator(part).bounding_box(), viewport), part
    fonts = [text["font_px"] for text in app_browser.chart_texts(page, ".st-key-playback .js-plotly-plot")]
    assert min(fonts) >= MIN_PRESENTER_FONT_PX


def test_a_link_reproduces_the_prediction_in_a_fresh_browser_and_the_gif_has_28_frames(server, context_for):
    page = app_browser.open_app(context_for(**app_browser.PROJECTOR), server.url, timeout_ms=FIRST_PAGE_MS)
    shown = app_browser.draw_digit(page, FOUR, timeout_ms=30_000, selector=app_browser.RUN_MARKER)
    app_browser.wait_for_playback(page, timeout_ms=60_000)
    link = page.url
    assert "d=" in link and len(link) < 4_096
    page.get_by_text("Link, GIF, data").click()
    assert page.locator("[data-testid='stCode']").inner_text().strip().endswith(link.split("/", 3)[3])
    with page.expect_download() as download:
        page.get_by_role("button", name="Download GIF of the playback").click()
    gif = Image.open(io.BytesIO(open(download.value.path(), "rb").read()))
    assert gif.n_frames == 28 and os.path.getsize(download.value.path()) <= 2 * 1024 * 1024

    fresh = context_for(**app_browser.PROJECTOR).new_page()
    fresh.goto(link)
    fresh.wait_for_selector(app_browser.RUN_MARKER, state="attached", timeout=FIRST_PAGE_MS)
    restored = app_browser.run_marker(fresh)
    assert restored["prediction"] == shown and restored["source"].endswith("from a link")
    assert app_browser.shown_prediction(fresh, restored, timeout_ms=30_000) == shown
    ink = fresh.locator("[data-testid='stBidiComponentIsolated'] canvas.dc-canvas.lower-canvas").evaluate(
        """(canvas) => {
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let bright = 0;
            for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > 200) bright++;
            return bright;
        }""")
    assert ink > 500, "the link's strokes are drawn on the canvas again"
