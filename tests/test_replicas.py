"""Two replicas behind HAProxy (scripts/replicas.py), in real Chromium contexts: sessions land on
both, each sees only its own drawing, and killing one replica mid-test costs only its own
sessions a reconnect (their drawing comes back from the page's address), while the other
replica's sessions keep their state and keep working."""

import shutil

import pytest
from conftest import skip_or_fail

SESSIONS = 4  # round robin over 2 replicas: two sessions each
TIMEOUT_MS = 90_000  # generous: two replicas and four pages share two cores with everything else
CLEAR_TAPS, CLEAR_WAIT_MS = 9, 10_000  # taps on Clear after the reconnect, and how long each waits


@pytest.fixture(scope="module")
def drawings():
    from scripts.sessions import known_drawings

    return known_drawings(2 * SESSIONS)  # one per session, then one more each after the kill


def replica_of(context) -> str:
    from scripts.replicas import COOKIE

    (cookie,) = [cookie["value"] for cookie in context.cookies() if cookie["name"] == COOKIE]
    return cookie


def test_two_replicas_share_the_sessions_and_survive_losing_one(chromium_path, drawings):
    if shutil.which("haproxy") is None:
        skip_or_fail("haproxy is not installed (apt-get install haproxy)")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from scripts.browser import (
        RUN_MARKER,
        VIEWPORT,
        clear_canvas,
        draw_digit,
        launch_chromium,
        marker,
        open_app,
        wait_until_idle,
    )
    from scripts.replicas import Replicas

    with Replicas(2) as replicas, sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium_path)
        try:
            contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(SESSIONS)]
            pages = [open_app(context, replicas.url, timeout_ms=TIMEOUT_MS) for context in contexts]
            homes = [replica_of(context) for context in contexts]
            assert sorted(homes) == ["r1", "r1", "r2", "r2"], homes

            # Each session draws its own digit and sees that digit, not another session's.
            for page, drawing in zip(pages, drawings):
                assert draw_digit(page, drawing.strokes, TIMEOUT_MS) == str(drawing.digit)
            for page, drawing in zip(pages, drawings):
                wait_until_idle(page, TIMEOUT_MS)  # the end-of-page marker comes after the prediction
                assert marker(page)["prediction"] == str(drawing.digit)
            runs_before = [marker(page)["run"] for page in pages]

            replicas.kill(1)
            survivors = [i for i, home in enumerate(homes) if home == "r2"]
            lost = [i for i, home in enumerate(homes) if home == "r1"]
            # r2's sessions did not notice: same session (its run count goes on), its own digit still
            # shown, and a new drawing works at once.
            for i in survivors:
                assert marker(pages[i])["prediction"] == str(drawings[i].digit)
                clear_canvas(pages[i], TIMEOUT_MS)
                assert draw_digit(pages[i], drawings[SESSIONS + i].strokes, TIMEOUT_MS) == \
                    str(drawings[SESSIONS + i].digit)
                assert marker(pages[i])["run"] > runs_before[i]
            # r1's sessions notice at their next tap and reconnect, through HAProxy, to r2: a new
            # session there, which reopens the drawing from the page's address (the permalink holds
            # its strokes) and reads it as before. The tap that found the old session gone is lost,
            # and so may be one during the new session's first runs: Clear is tapped until the pad
            # is empty, and after it drawing works as before.
            shows = ("([selector, source, digit]) => { const e = document.querySelector(selector);"
                     " return e !== null && e.dataset.source === source && e.dataset.prediction === digit; }")
            for i in lost:
                clear = pages[i].get_by_role("button", name="Clear", exact=True)
                clear.click()
                reopened = f"drawing with {len(drawings[i].strokes)} strokes from a link"
                pages[i].wait_for_function(shows, arg=[RUN_MARKER, reopened, str(drawings[i].digit)],
                                           timeout=TIMEOUT_MS, polling=250)
                assert replica_of(contexts[i]) == "r2"
                for attempt in range(CLEAR_TAPS):  # a tap during the new session's first runs may be lost
                    clear.click()
                    try:
                        pages[i].wait_for_function(shows, arg=[RUN_MARKER, "drawing with 0 strokes", ""],
                                                   timeout=CLEAR_WAIT_MS, polling=250)
                        break
                    except PlaywrightTimeout:
                        assert attempt < CLEAR_TAPS - 1, "Clear never emptied the pad on the new session"
                assert draw_digit(pages[i], drawings[SESSIONS + i].strokes, TIMEOUT_MS) == \
                    str(drawings[SESSIONS + i].digit)
        finally:
            browser.close()
