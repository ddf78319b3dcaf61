"""Rooms in headless Chromium: two sessions join one room, draw with the mouse and send; the wall
(opened before they send) refreshes by itself to show both; a session in another room sees none
of them; and after a server restart the room and its drawings are still there (SQLite file).
Needs /usr/bin/chromium (the `chromium_path` fixture skips, or fails in CI)."""

import numpy as np
import pytest

from model.drawn_digits import random_drawing
from room import store
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

WALL_COUNT = app_browser.WALL_COUNT
WALL_TILES = app_browser.WALL_TILES
WAIT_MS = 60_000  # several sessions and a self-refreshing wall share two (busy) cores
FIRST_RUN_MS = 120_000  # a fresh server's first run imports TensorFlow and loads the model


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("rooms") / "rooms.sqlite3"



def open_page(chromium, url: str, viewport: dict = app_browser.VIEWPORT, ready: str = app_browser.RUN_MARKER):
    """A fresh session at `url`, patient with a busy machine, once `ready` is on the page."""
    page = chromium.new_page(viewport=viewport)
    page.set_default_timeout(WAIT_MS)
    page.goto(url, timeout=FIRST_RUN_MS)
    page.locator(ready).first.wait_for(state="attached", timeout=FIRST_RUN_MS)
    return page


def draw_and_send(page, digit: int) -> None:
    """Draw the digit with the mouse, pick it under "I drew" and press "Send to the room"."""
    strokes = random_drawing(digit, np.random.default_rng(0)).strokes  # read as drawn (test_browser.py)
    # Wait for the whole run: until it ends, the page may still hold the panel's previous copy.
    assert app_browser.draw_digit(page, strokes, WAIT_MS, selector=app_browser.RUN_MARKER) == str(digit)
    page.locator(".st-key-room_meant").get_by_role("radio", name=str(digit), exact=True).first.click()
    page.locator(".st-key-room_send_button button:not([disabled])").first.click()  # the next run carries both
    page.locator(".st-key-room_sent").wait_for(timeout=WAIT_MS)


def test_two_sessions_fill_one_wall_another_room_sees_none_and_a_restart_keeps_them(chromium, database):
    env = {"ROOMS_DB": str(database), "DATABASE_URL": ""}
    with app_browser.AppServer(env=env) as server:
        presenter = open_page(chromium, f"{server.url}/?room=new")
        presenter.wait_for_function("() => /[?&]room=[A-Z]/.test(location.search)", polling=250,
                                    timeout=FIRST_RUN_MS)
        code = presenter.url.split("room=")[1][:store.CODE_LENGTH]
        assert store.normalise_code(code) == code
        presenter.goto(f"{server.url}/?room={code}&view=wall")  # the wall, open before anyone sends
        assert app_browser.wall_shows(presenter, 0, WAIT_MS) == []

        other_code = store.Store(f"sqlite:///{database}").create_room().code
        for digit in (1, 7):
            joiner = open_page(chromium, f"{server.url}/?room={code}")
            draw_and_send(joiner, digit)
            joiner.close()
        outsider = open_page(chromium, f"{server.url}/?room={other_code}")
        draw_and_send(outsider, 1)

        assert app_browser.wall_shows(presenter, 2, WAIT_MS) == ["1 ✓", "7 ✓"]  # refreshed by itself: no reload

        outsider.goto(f"{server.url}/?room={other_code}&view=wall")
        assert app_browser.wall_shows(outsider, 1, WAIT_MS) == ["1 ✓"]  # its own drawing, none of the other room's
        outsider.close()
        presenter.close()

    with app_browser.AppServer(env=env) as restarted:
        wall = open_page(chromium, f"{restarted.url}/?room={code}&view=wall", {"width": 1280, "height": 720},
                         ready=WALL_COUNT)
        assert app_browser.wall_shows(wall, 2, WAIT_MS) == ["1 ✓", "7 ✓"]
        wall.close()
