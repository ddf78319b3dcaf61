"""Accessibility in headless Chromium (issue 28): axe-core finds no WCAG 2.0/2.1/2.2 A or AA
violation on any view (each analysis tab on a laptop after drawing, the phone layout, presenter
mode, the room's wall with drawings); the playback is reached and stepped with the keyboard
alone, and its live region says each step in words; a sample drawing loads from the keyboard;
with reduced motion nothing plays by itself.

axe-core comes from npm, pinned: `.ci/run` installs it with
`npm install --prefix .axe axe-core@<AXE_VERSION>` (the folder is ignored by git). axe cannot
look inside Plotly's SVG, so keyboard access and text alternatives are checked here directly.
"""

import numpy as np
import pytest
from conftest import skip_or_fail

from model.drawn_digits import random_drawing
from room import store
from scripts import browser as app_browser

playwright = pytest.importorskip("playwright.sync_api")

AXE_VERSION = "4.14.1"  # the version .ci/run installs
AXE = app_browser.REPO / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LAPTOP = dict(viewport={"width": 1440, "height": 900})
SEVEN = random_drawing(7, np.random.default_rng(0)).strokes
FIRST_PAGE_MS = 180_000  # the server's first page loads the model: slow on a busy machine
WAIT_MS = 60_000
TAB_LABELS = ("Row by row", "One step up close", "Why logistic regression?", "From the last output")
CONTROLS = ".playback-controls"
LIVE_REGION = ".playback-description"


@pytest.fixture(scope="module")
def axe_script(chromium_path) -> str:
    if not AXE.exists():
        skip_or_fail(f"axe-core is not installed (npm install --prefix .axe axe-core@{AXE_VERSION})")
    return str(AXE)


@pytest.fixture(scope="module")
def rooms_database(tmp_path_factory):
    return tmp_path_factory.mktemp("rooms") / "rooms.sqlite3"


@pytest.fixture(scope="module")
def server(rooms_database):
    """The app with its own rooms database, so that the test can fill a room's wall."""
    env = {"ROOMS_DB": str(rooms_database), "DATABASE_URL": ""}
    with app_browser.AppServer(env=env) as running:
        yield running


def violations(page, axe_script: str) -> list[str]:
    """axe-core's WCAG A and AA violations on the page, one line each: rule, count, first nodes."""
    page.add_script_tag(path=axe_script)
    assert page.evaluate("() => axe.version") == AXE_VERSION
    found = page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then((result) =>
            result.violations.map((v) => `${v.id} (${v.nodes.length}): ` +
                v.nodes.slice(0, 3).map((n) => n.html.slice(0, 120)).join(' | ')))""", WCAG_A_AA)
    return found


def drawn_page(context, url: str):
    page = app_browser.open_app(context, url, timeout_ms=FIRST_PAGE_MS)
    assert app_browser.draw_digit(page, SEVEN, timeout_ms=WAIT_MS, selector=app_browser.RUN_MARKER) == "7"
    app_browser.wait_for_playback(page, timeout_ms=WAIT_MS)
    return page


def live_text(page) -> str:
    return page.locator(LIVE_REGION).inner_text().strip()


def live_step(page) -> int:
    return int(page.locator(CONTROLS).get_attribute("data-step"))


def wait_for_live_step(page, step: int) -> None:
    """Until the figure and the live region both show `step`."""
    page.wait_for_function(
        """([plot, controls, step]) => {
            const gd = document.querySelector(plot), group = document.querySelector(controls);
            return gd !== null && group !== null && gd._fullLayout.sliders[0].active + 1 === step
                && group.dataset.step === String(step)
                && group.querySelector('.playback-description').textContent.startsWith(`Step ${step} of`);
        }""", arg=[app_browser.PLAYBACK, CONTROLS, step], polling="raf", timeout=WAIT_MS)


def test_no_axe_violation_on_any_analysis_tab_of_a_laptop(server, context_for, axe_script):
    page = drawn_page(context_for(**LAPTOP), server.url)
    for label in TAB_LABELS:
        if label != TAB_LABELS[0]:
            app_browser.open_tab(page, label, timeout_ms=WAIT_MS)
        assert violations(page, axe_script) == [], label


def test_no_axe_violation_on_a_phone_or_in_presenter_mode(server, context_for, axe_script):
    phone = drawn_page(context_for(**app_browser.PHONE), server.url)
    assert violations(phone, axe_script) == []
    presenter = drawn_page(context_for(**app_browser.PROJECTOR), f"{server.url}/?mode=present")
    assert violations(presenter, axe_script) == []


def test_no_axe_violation_on_a_wall_with_drawings(server, rooms_database, context_for, axe_script):
    rooms = store.Store(f"sqlite:///{rooms_database}", send_interval_s=0)
    code = rooms.create_room().code
    for session, (meant, read) in enumerate([(7, 7), (1, 1), (4, 9)]):
        pixels = np.zeros((28, 28), np.uint8)
        pixels[6:22, 12:15] = 255
        rooms.add_drawing(code, f"session-{session}", pixels, 2, meant, read, np.full(28, read))
    rooms.close()
    page = context_for(**app_browser.PROJECTOR).new_page()
    page.goto(f"{server.url}/?room={code}&view=wall", timeout=FIRST_PAGE_MS)
    page.wait_for_function("() => document.querySelectorAll(\"[class*='st-key-wall_drawing_'] img\").length === 3",
                           polling=250, timeout=FIRST_PAGE_MS)
    alts = page.locator("[class*='st-key-wall_drawing_'] img").evaluate_all("(images) => images.map((i) => i.alt)")
    assert sorted(alts) == ["A drawn 1, read by the LSTM as 1", "A drawn 4, read by the LSTM as 9",
                            "A drawn 7, read by the LSTM as 7"]
    assert violations(page, axe_script) == []


def test_the_playback_is_reached_and_stepped_with_the_keyboard_and_its_live_region_follows(server, context_for):
    page = drawn_page(context_for(**LAPTOP), server.url)
    assert live_step(page) == 1 and live_text(page).startswith("Step 1 of 28")
    assert page.locator(LIVE_REGION).get_attribute("aria-live") == "polite"
    # Tab from the top of the page, as a keyboard user would, until a playback button has focus.
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => document.activeElement.closest('{CONTROLS}') !== null"):
            break
    else:
        pytest.fail("Tab never reached the playback's controls")
    focused = page.evaluate("() => document.activeElement.dataset.action")
    assert focused == "first"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows where the focus is"

    page.keyboard.press("Tab")  # "Previous step"
    page.keyboard.press("Tab")  # "Play"
    page.keyboard.press("Tab")  # "Next step"
    assert page.evaluate("() => document.activeElement.dataset.action") == "next"
    page.keyboard.press("Enter")
    wait_for_live_step(page, 2)
    page.keyboard.press("ArrowRight")
    wait_for_live_step(page, 3)
    page.keyboard.press("End")
    wait_for_live_step(page, 28)
    assert "settled" in live_text(page) and "not settled" not in live_text(page)
    page.keyboard.press("ArrowLeft")
    wait_for_live_step(page, 27)
    page.keyboard.press("Home")
    wait_for_live_step(page, 1)
    assert "not settled yet" in live_text(page)

    run = app_browser.run_marker(page)["run"]
    page.locator(f"{CONTROLS} [data-action='play']").focus()
    page.keyboard.press("Space")  # Play
    page.wait_for_function(f"() => document.querySelector('{CONTROLS}').dataset.playing === 'true'",
                           polling="raf", timeout=WAIT_MS)
    assert page.locator(LIVE_REGION).get_attribute("aria-live") == "off"  # silent while it plays
    page.wait_for_function(f"() => Number(document.querySelector('{CONTROLS}').dataset.step) >= 4",
                           polling="raf", timeout=WAIT_MS)
    page.keyboard.press("Space")  # Pause
    page.wait_for_function(f"() => document.querySelector('{CONTROLS}').dataset.playing === 'false'",
                           polling="raf", timeout=WAIT_MS)
    paused = app_browser.playback_step(page)
    wait_for_live_step(page, paused)
    assert page.locator(LIVE_REGION).get_attribute("aria-live") == "polite"
    assert app_browser.run_marker(page)["run"] == run, "stepping and playing never rerun the script"


def test_a_sample_drawing_loads_from_the_keyboard(server, context_for):
    page = app_browser.open_app(context_for(**LAPTOP), server.url, timeout_ms=FIRST_PAGE_MS)
    box = page.get_by_role("combobox", name="Or choose a sample drawing")
    box.focus()
    done = app_browser.wait_until_idle(page, WAIT_MS)
    page.keyboard.type("drawn 3")
    page.keyboard.press("Enter")
    page.wait_for_function(
        """([selector, done]) => {
            const marker = document.querySelector(selector);
            return marker !== null && Number(marker.dataset.run) > done
                && marker.dataset.source === 'sample drawing of a 3';
        }""", arg=[app_browser.RUN_MARKER, done], polling="raf", timeout=WAIT_MS)
    assert app_browser.run_marker(page)["prediction"] == "3"
    app_browser.wait_for_playback(page, timeout_ms=WAIT_MS)
    assert live_text(page).startswith("Step 1 of 28")


def test_with_reduced_motion_nothing_plays_by_itself(server, context_for):
    """The playback never starts by itself; with reduced motion the page's own transitions stop too."""
    page = drawn_page(context_for(**LAPTOP, reduced_motion="reduce"), server.url)
    assert page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
    steps = set()
    for _ in range(20):  # 3 s: at the slowest speed (800 ms a step) a playing figure moves 3 steps
        steps.add(app_browser.playback_step(page))
        page.wait_for_timeout(150)
    assert steps == {1} and page.locator(CONTROLS).get_attribute("data-playing") == "false"
    durations = page.locator(f"{CONTROLS} button").first.evaluate(
        "(b) => [getComputedStyle(b).transitionDuration, getComputedStyle(b).animationDuration]")
    seconds = [float(part.strip().removesuffix("s")) for value in durations for part in value.split(",")]
    assert max(seconds) < 0.001, durations  # computed styles give seconds: "1e-05s", "0.15s, 0.15s"
