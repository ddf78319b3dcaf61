"""A whole lesson in headless Chromium, as a class would run it (issue 25): a presenter opens a
room on a 1280 x 720 projector; three phones (touch, phone user agents) join by its link; each
draws and sends two digits (one of two strokes, one sent twice), clears and draws again; the
wall, open throughout, counts them by itself. Along the way: the canvas never moves under a
finger, the phone's first screen holds the canvas, "I drew" empties with a new drawing, a
drawing is stored once, the presenter key stays off the projector, and a localhost link says
that phones cannot reach it. Screenshots of every step go to LESSON_SHOTS (default: the test's
tmp_path). One server for the module; needs /usr/bin/chromium (the `chromium_path` fixture)."""

import os
import time
from pathlib import Path

import numpy as np
import pytest

from model.drawn_digits import random_drawing
from room import store
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

WAIT_MS = 90_000  # three phones, a projector and a self-refreshing wall share two busy cores
FIRST_RUN_MS = 180_000  # a fresh server's first run loads the model
TWO_STROKE_FOUR = random_drawing(4, np.random.default_rng(0)).strokes  # two strokes
ONE_STROKE_SEVEN = random_drawing(7, np.random.default_rng(0)).strokes
assert len(TWO_STROKE_FOUR) == 2 and len(ONE_STROKE_SEVEN) == 1
STILL_S = 0.5  # the layout counts as settled once nothing has moved for this long
SECOND_STROKE_AFTER_MS = 150  # a person's second stroke starts as the first stroke's answer arrives
WALL_COUNT = app_browser.WALL_COUNT
WALL_TILES = app_browser.WALL_TILES
SEND = ".st-key-room_send_button button"
PICKED = ".st-key-room_meant [aria-checked='true'], .st-key-room_meant [aria-pressed='true']"
MIN_TILE_PX, MIN_CAPTION_PX, MIN_CONTRAST = 96, 18, 4.5


@pytest.fixture(scope="module")
def lesson_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("rooms") / "rooms.sqlite3"
    env = {"ROOMS_DB": str(database), "DATABASE_URL": "", "PUBLIC_URL": ""}
    with app_browser.AppServer(env=env) as running:
        running.database = database
        yield running


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("LESSON_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def shoot(page, name: str) -> None:
        taken.append(folder / f"{len(taken):02d}-{name}.png")
        page.screenshot(path=taken[-1])
    return shoot


def open_page(chromium, url: str, options: dict, ready: str = app_browser.RUN_MARKER):
    context = chromium.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url, timeout=FIRST_RUN_MS)
    page.locator(ready).first.wait_for(state="attached", timeout=FIRST_RUN_MS)
    return page


def settled(page) -> None:
    """The canvas is ready for a finger, no run is in flight and the layout has stopped moving
    (the canvas's frame takes its height a moment after its toolbar is styled, on a slow machine)."""
    page.wait_for_selector(app_browser.TOOLBAR_PIN, state="attached")
    app_browser.wait_until_idle(page, WAIT_MS)
    last, still_since, deadline = None, time.monotonic(), time.monotonic() + WAIT_MS / 1000
    while time.monotonic() - still_since < STILL_S:
        assert time.monotonic() < deadline, "the layout never stopped moving"
        now = (box(page, app_browser.CANVAS), box(page, ".st-key-result"))
        if now != last:
            last, still_since = now, time.monotonic()
        page.wait_for_timeout(100)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def inside(part: dict, viewport: dict) -> bool:
    return (part["x"] >= 0 and part["y"] >= 0 and part["x"] + part["width"] <= viewport["width"]
            and part["y"] + part["height"] <= viewport["height"])


def scrolled(page) -> float:
    """How far the page is scrolled: the window and every container around the page's content
    (Streamlit scrolls inside its own)."""
    return page.evaluate("""() => {
        let total = window.scrollY;
        for (let node = document.querySelector('[data-testid="stMainBlockContainer"]'); node; node = node.parentElement) {
            total += node.scrollTop;
        }
        return total;
    }""")



def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two CSS rgb()/rgba() colours (alpha over white)."""
    def channels(colour: str) -> list[float]:
        values = [float(v) for v in colour[colour.index("(") + 1:-1].split(",")]
        alpha = values[3] if len(values) == 4 else 1.0
        return [alpha * v + (1 - alpha) * 255 for v in values[:3]]

    def luminance(colour: str) -> float:
        linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
                  for c in channels(colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def draw_steadily(page, strokes) -> str:
    """Draw with a finger (the second stroke SECOND_STROKE_AFTER_MS after the first ends) and
    return the prediction shown for the last stroke; the canvas must not move meanwhile."""
    page.locator(app_browser.CANVAS).scroll_into_view_if_needed()  # after a send, the finger scrolls back up
    app_browser.track_canvas(page)
    prediction = app_browser.touch_digit(page, strokes, SECOND_STROKE_AFTER_MS, WAIT_MS)
    moved = app_browser.canvas_shift_px(app_browser.stop_tracking_canvas(page))
    assert moved == 0, f"the canvas moved {moved} px under the finger"
    return prediction


def send(page, digit: int) -> None:
    """Pick the digit under "I drew" with a tap and tap Send; the canvas stays where it is."""
    assert page.locator(SEND).is_disabled(), "Send waits for a digit"
    assert page.locator(PICKED).count() == 0, "I drew starts empty for a new drawing"
    app_browser.track_canvas(page)
    page.locator(".st-key-room_meant").get_by_role("radio", name=str(digit), exact=True).first.tap()
    page.locator(f"{SEND}:not([disabled])").wait_for()
    assert page.locator(PICKED).count() == 1
    page.locator(SEND).tap()
    page.locator(".st-key-room_sent").wait_for()
    assert app_browser.canvas_shift_px(app_browser.stop_tracking_canvas(page)) == 0


def clear(page) -> None:
    app_browser.next_run(page, page.get_by_role("button", name="Clear", exact=True).tap, WAIT_MS)
    settled(page)
    assert page.locator(SEND).is_disabled() and page.locator(PICKED).count() == 0


def check_phone_first_screen(page, viewport: dict) -> None:
    """Right after joining: the canvas wholly on the first screen, nothing under the top bar."""
    assert scrolled(page) == 0
    assert inside(app_browser.canvas_box(page), viewport), app_browser.canvas_box(page)
    top_bar = box(page, "header[data-testid='stHeader']")
    for part in ("h1", ".st-key-mode", ".st-key-room_bar"):
        assert box(page, part)["y"] >= top_bar["y"] + top_bar["height"], f"{part} is under the top bar"


def test_a_lesson_three_phones_a_projector_and_the_wall(chromium, lesson_server, shots):
    url = lesson_server.url
    presenter = open_page(chromium, f"{url}/?room=new", app_browser.PROJECTOR)
    presenter.wait_for_function("() => /[?&]room=[A-Z]{4}/.test(location.search)", polling=250,
                                timeout=FIRST_RUN_MS)
    code = presenter.evaluate("location.href").split("room=")[1][:4]
    presenter.locator(".st-key-room_unreachable").wait_for()  # 127.0.0.1: phones cannot open it
    key_block = presenter.locator(".st-key-presenter_key [data-testid='stCode']")
    assert key_block.count() == 0 or not key_block.first.is_visible(), "the key is folded away"
    shots(presenter, "presenter-opened-room")

    wall = open_page(chromium, f"{url}/?room={code}&view=wall", app_browser.PROJECTOR, ready=WALL_COUNT)
    assert app_browser.wall_shows(wall, 0, WAIT_MS) == []
    assert "key=" not in wall.locator("body").inner_text()
    wall.locator(".st-key-room_unreachable").wait_for()
    shots(wall, "wall-empty")

    expected = []
    for number, name in enumerate(("iphone", "android", "iphone")):
        options = app_browser.PHONES[name]
        phone = open_page(chromium, f"{url}/?room={code}", options)
        settled(phone)
        check_phone_first_screen(phone, options["viewport"])
        shots(phone, f"phone{number}-{name}-joined")

        shown = draw_steadily(phone, TWO_STROKE_FOUR)
        assert inside(box(phone, ".st-key-prediction"), options["viewport"]), "the prediction is on screen"
        shots(phone, f"phone{number}-drew-two-strokes")
        send(phone, 4)
        expected.append("4 ✓" if shown == "4" else f"4 read as {shown}")
        phone.locator(SEND).tap()  # the same drawing again: said, not stored
        phone.locator(".st-key-room_already").wait_for()
        shots(phone, f"phone{number}-sent-twice")

        clear(phone)
        shots(phone, f"phone{number}-cleared")
        shown = draw_steadily(phone, ONE_STROKE_SEVEN)
        assert phone.locator(SEND).is_disabled() and phone.locator(PICKED).count() == 0
        phone.wait_for_timeout(2_000)  # the room takes one drawing per phone every 2 s
        send(phone, 7)
        expected.append("7 ✓" if shown == "7" else f"7 read as {shown}")
        shots(phone, f"phone{number}-sent-second")
        phone.context.close()

    assert app_browser.wall_shows(wall, len(expected), WAIT_MS) == sorted(expected)  # refreshed by itself, each drawing once
    shots(wall, "wall-full")
    tiles = wall.locator(f"{WALL_TILES} img").evaluate_all("images => images.map(i => i.getBoundingClientRect().width)")
    assert min(tiles) >= MIN_TILE_PX, tiles
    captions = wall.locator(f"{WALL_TILES} [data-testid='stImageCaption']").evaluate_all(
        """captions => captions.map((caption) => {
            let c = caption;  // the element that holds the text itself
            while (c.firstElementChild) c = c.firstElementChild;
            let node = c, background = 'rgba(0, 0, 0, 0)';
            while (node && background === 'rgba(0, 0, 0, 0)') {
                background = getComputedStyle(node).backgroundColor; node = node.parentElement; }
            const style = getComputedStyle(c);
            let opacity = 1;
            for (let n = c; n; n = n.parentElement) opacity *= Number(getComputedStyle(n).opacity);
            return {px: parseFloat(style.fontSize), colour: style.color, opacity,
                    background: background === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : background};
        })""")
    assert captions and min(c["px"] for c in captions) >= MIN_CAPTION_PX
    assert all(c["opacity"] == 1 and contrast(c["colour"], c["background"]) >= MIN_CONTRAST for c in captions)
    assert len(store.Store(f"sqlite:///{lesson_server.database}").room_summary(code).drawings) == len(expected)
    wall.context.close()
    presenter.context.close()


STEADY_CASES = {  # (browser, address): out of a room and in one, on each screen of a lesson
    "iphone": (app_browser.PHONES["iphone"], ""),
    "android": (app_browser.PHONES["android"], ""),
    "laptop": (app_browser.LAPTOP, ""),
    "laptop-room": (app_browser.LAPTOP, "room"),
    "present": (app_browser.PROJECTOR, "mode=present"),
    "present-room": (app_browser.PROJECTOR, "mode=present&room"),
}


@pytest.mark.parametrize("case", STEADY_CASES)
def test_the_canvas_never_moves_under_a_two_stroke_digit(chromium, lesson_server, shots, case):
    options, query = STEADY_CASES[case]
    if "room" in query:
        code = store.Store(f"sqlite:///{lesson_server.database}").create_room().code
        query = query.replace("room", f"room={code}")
    page = open_page(chromium, f"{lesson_server.url}/?{query}", options)
    settled(page)
    placeholder = box(page, ".st-key-result")
    draw_steadily(page, TWO_STROKE_FOUR)
    assert box(page, ".st-key-result")["y"] == placeholder["y"], "the prediction took the placeholder's place"
    shots(page, f"steady-{case}")
    page.context.close()


LOOKS = {  # the three screens of a lesson, after drawing
    "phone": (app_browser.PHONES["iphone"], ""),
    "present": (app_browser.PROJECTOR, "mode=present"),
    "laptop": (app_browser.LAPTOP, ""),
}
TABS = ("Row by row", "One step up close", "Why logistic regression", "From the last output")

# Every element with text whose text is cut (hidden overflow or an ellipsis with more to show),
# and every element that reaches past the viewport's sides. Elements inside a container that
# scrolls sideways on purpose (code blocks), the charts (checked as SVG text boxes instead) and
# the sidebar (off screen when folded) are not judged.
CUT_JS = """() => {
    const width = document.documentElement.clientWidth, problems = [];
    const name = (e) => `${e.tagName.toLowerCase()}[${e.dataset.testid || e.className.toString().slice(0, 30)}]`
        + ` "${(e.innerText || '').trim().slice(0, 50)}"`;
    for (const e of document.querySelectorAll('[data-testid="stMain"] *')) {
        if (e.closest('.js-plotly-plot, [data-testid="stSidebar"], [hidden], svg, .katex-mathml')) continue;
        const box = e.getBoundingClientRect(), style = getComputedStyle(e);
        if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
        let scroller = e.parentElement;
        while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) {
            scroller = scroller.parentElement;
        }
        if (scroller && scroller.matches('pre, code, [data-testid="stCode"] *, [data-testid="stCode"]')) continue;
        if (box.right > width + 1 || box.left < -1) problems.push(`wider than the screen: ${name(e)}`);
        const clips = style.textOverflow === 'ellipsis' || ['hidden', 'clip'].includes(style.overflowX);
        if (clips && (e.innerText || '').trim() && e.scrollWidth > e.clientWidth + 1) {
            problems.push(`text cut: ${name(e)}`);
        }
    }
    return [...new Set(problems)];
}"""


@pytest.mark.parametrize("look", LOOKS)
def test_nothing_is_cut_or_overlaps_in_any_tab(chromium, lesson_server, shots, look):
    options, query = LOOKS[look]
    page = open_page(chromium, f"{lesson_server.url}/?{query}", options)
    settled(page)
    app_browser.touch_digit(page, TWO_STROKE_FOUR, SECOND_STROKE_AFTER_MS, WAIT_MS) if options.get("has_touch") \
        else app_browser.draw_digit(page, TWO_STROKE_FOUR, WAIT_MS, app_browser.RUN_MARKER)
    problems = []
    for number, tab in enumerate(TABS):
        if number:  # the first tab is open already
            app_browser.open_tab(page, tab, WAIT_MS)
        page.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)",
                               polling=250, timeout=WAIT_MS)
        page.wait_for_timeout(500)  # Plotly places its texts a frame after its layout
        shots(page, f"cut-{look}-{tab.split()[0].lower()}")
        problems += [f"{tab}: {problem}" for problem in page.evaluate(CUT_JS)]
        problems += [f"{tab}: chart texts overlap: {pair}" for pair in app_browser.overlapping(app_browser.chart_texts(page))]
    assert not problems, "\n".join(problems)
    page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}],
                         ids=["720p", "1080p"])
def test_the_projector_keeps_every_control_on_screen_and_the_caption_in_place(chromium, lesson_server, shots,
                                                                              viewport):
    page = open_page(chromium, f"{lesson_server.url}/?mode=present", {"viewport": viewport})
    settled(page)
    app_browser.draw_digit(page, TWO_STROKE_FOUR, WAIT_MS, app_browser.RUN_MARKER)
    app_browser.wait_for_playback(page, WAIT_MS)
    caption = f"{app_browser.PLAYBACK} .gtitle"
    before = box(page, caption)
    app_browser.next_run(page, page.locator(".st-key-show_ending label").first.click, WAIT_MS)
    app_browser.wait_for_playback(page, WAIT_MS)
    shots(page, f"projector-{viewport['height']}-ending-shown")
    assert scrolled(page) == 0 and box(page, caption)["y"] == before["y"], "the caption stayed in place"
    for part in (caption, f"{app_browser.PLAYBACK} .updatemenu-button", ".st-key-show_ending", ".st-key-share",
                 ".st-key-mode", ".st-key-prediction", app_browser.CANVAS):
        assert inside(box(page, part), viewport), part
    fonts = [text["font_px"] for text in app_browser.chart_texts(page)]
    assert min(fonts) >= 16
    playback = box(page, app_browser.PLAYBACK)  # the screen's height, less the tabs above and the table's fold below
    assert inside(playback, viewport) and playback["y"] + playback["height"] >= viewport["height"] - 100, playback
    page.context.close()
