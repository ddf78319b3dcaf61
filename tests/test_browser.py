"""The app in headless Chromium: real mouse strokes on the canvas, Plotly's own animation.

Starts `streamlit run app.py` on a free port for this module and drives it with the helpers in
scripts/browser.py. Needs /usr/bin/chromium (the `chromium_path` fixture skips, or fails in CI).
"""

import time

import numpy as np
import pytest

from model.drawn_digits import random_drawing
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def page(chromium, server):
    opened = app_browser.open_app(chromium, server.url)
    yield opened
    opened.close()


def prompt_visible(page) -> bool:
    return page.get_by_text("Draw a digit on the black canvas").is_visible()


@pytest.mark.parametrize("digit", [1, 7])
def test_drawing_with_the_mouse_updates_the_prediction(page, digit):
    assert app_browser.read_prediction(page) is None and prompt_visible(page)
    strokes = random_drawing(digit, np.random.default_rng(0)).strokes
    assert app_browser.draw_digit(page, strokes) == str(digit)
    assert app_browser.marker(page, app_browser.RESULT_MARKER)["prediction"] == str(digit)


def test_a_stroke_started_in_the_canvas_s_top_right_corner_draws_at_once(page):
    """The canvas's toolbar hides over that corner until the pointer hovers; the page pins it
    above the canvas (assets/canvas_toolbar.js; open_app waits for that), so a stroke may start
    there with no hover, as a 5's flag does, or a finger on a phone."""
    corner = [(270, 4), (200, 4), (160, 6), (120, 140), (200, 150), (150, 270)]  # starts at once, going left
    assert app_browser.draw_digit(page, [corner]) is not None
    assert app_browser.marker(page, app_browser.RESULT_MARKER)["source"] == app_browser.stroke_source(1)
    app_browser.clear_canvas(page)  # a new canvas: pinned again
    page.wait_for_selector(app_browser.TOOLBAR_PIN, state="attached")
    assert app_browser.draw_digit(page, [corner]) is not None


def test_play_button_advances_the_frames_in_the_browser(page):
    strokes = random_drawing(7, np.random.default_rng(0)).strokes
    app_browser.draw_digit(page, strokes, selector=app_browser.RUN_MARKER)  # the playback too
    marker = app_browser.run_marker(page)
    app_browser.wait_for_playback(page)
    assert app_browser.playback_step(page) == 1  # the figure opens on the first step
    app_browser.press_play(page)
    seen = set()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (len(seen) < 5 or app_browser.playback_step(page) != 28):
        seen.add(app_browser.playback_step(page))
        time.sleep(0.05)
    assert len(seen) >= 5, f"the slider should move through the steps, saw {sorted(seen)}"
    assert app_browser.run_marker(page) == marker, "playback must not rerun the script"


def test_clearing_brings_the_prompt_back(page):
    strokes = random_drawing(1, np.random.default_rng(1)).strokes
    assert app_browser.draw_digit(page, strokes) == "1"
    app_browser.clear_canvas(page)  # the canvas toolbar's bin
    assert app_browser.read_prediction(page) is None and prompt_visible(page)

    assert app_browser.draw_digit(page, strokes) == "1"
    app_browser.next_run(page, page.get_by_role("button", name="Clear", exact=True).click)  # the app's
    assert app_browser.read_prediction(page) is None and prompt_visible(page)


def test_gallery_digit_plays_back_and_the_drawing_survives(page, mnist):
    assert app_browser.draw_digit(page, random_drawing(7, np.random.default_rng(0)).strokes) == "7"
    app_browser.open_tab(page, "MNIST test digits", timeout_ms=60_000)  # the first summarises the test set
    app_browser.next_run(page, page.get_by_role("button", name="#").nth(2).click)
    assert app_browser.run_marker(page)["source"].startswith("test digit #")
    assert page.get_by_text("True label").is_visible()
    assert app_browser.read_prediction(page) is not None
    app_browser.next_run(page, page.get_by_text("Misread", exact=True).click)
    first = page.locator("[class*='st-key-load_']").first.get_attribute("class")
    index = first.split("st-key-load_")[1].split()[0]
    assert app_browser.run_marker(page)["source"] == f"test digit #{index}"  # the kind's first digit
    assert page.get_by_text("misread", exact=False).first.is_visible()
    app_browser.open_tab(page, "Draw")  # the canvas stayed mounted in its tab
    assert app_browser.read_prediction(page) == "7"
