"""Playwright helpers for driving the app in headless Chromium: start a server, open a page,
draw on the canvas, wait for the run that follows, play the playback.

Used by tests/test_browser.py and by the load, soak, benchmark and asset scripts (product code
never imports it). The facts they rely on (measured, see shared/notes/browser-testing.md): the
canvas sits in an open shadow root that Playwright's CSS selectors pierce, and the component
sends a drawing about 200 ms after mouse-up.

The app writes two invisible run markers, hidden elements whose data attributes change on every
script run: RESULT_MARKER right after the prediction and RUN_MARKER at the very end of the page,
each with data-run (the run's number), data-source ("drawing with 2 strokes", "test digit #12")
and data-prediction ("7", or empty). When a marker names the latest run, every element above it
is up to date. Both are plain CSS selectors, usable in document.querySelector as in Playwright.

    with AppServer() as server, sync_playwright() as p:
        browser = launch_chromium(p, "/usr/bin/chromium")
        page = open_app(browser, server.url)
        prediction = draw_digit(page, drawing.strokes)
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from model.config import CANVAS_SIZE

REPO = Path(__file__).resolve().parents[1]

# Selectors. Playwright's CSS engine pierces the canvas component's open shadow root.
CANVAS = "[data-testid='stBidiComponentIsolated'] canvas.upper-canvas"
# The rules assets/canvas_toolbar.js adds to the canvas's shadow root: until they are there, the
# toolbar covers the canvas's top-right corner.
TOOLBAR_PIN = "[data-testid='stBidiComponentIsolated'] style[data-toolbar-pin]"
CANVAS_RESET = "[data-testid='stBidiComponentIsolated'] button[aria-label='Reset canvas & history']"
RESULT_MARKER = ".st-key-result_marker [data-run]"
RUN_MARKER = ".st-key-run_marker [data-run]"
PREDICTION = ".st-key-prediction [data-testid='stMetricValue']"
PLAYBACK = ".st-key-playback .js-plotly-plot"
TABS = "[data-testid='stTab']"

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 1500}  # tall: Streamlit scrolls inside its own container


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """`streamlit run app.py` on a free loopback port, in its own process group.

    A context manager: entering waits until /_stcore/health answers, leaving stops the whole
    group (Streamlit and anything it spawned) by its id. The server's output goes to `log_path`.
    """

    def __init__(self, app: str = "app.py", port: int | None = None, env: dict | None = None,
                 cwd: Path = REPO, start_timeout_s: float = 30.0):
        self.app, self.port, self.cwd = app, port or free_port(), Path(cwd)
        self.env = {**os.environ, **(env or {})}
        self.start_timeout_s = start_timeout_s
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log_path = Path(tempfile.mkstemp(prefix="streamlit-", suffix=".log")[1])

    def start(self) -> "AppServer":
        command = [sys.executable, "-m", "streamlit", "run", self.app, "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_until_healthy()
        return self

    def wait_until_healthy(self) -> float:
        """Seconds until the health endpoint answered 200; RuntimeError if it never did."""
        started = time.perf_counter()
        while time.perf_counter() - started < self.start_timeout_s:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"streamlit did not become healthy in {self.start_timeout_s} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group we started, by its id
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def launch_chromium(playwright, executable_path: str = "/usr/bin/chromium"):
    """Debian's Chromium, quiet on a closed network (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=executable_path, args=CHROMIUM_FLAGS)


def open_app(browser_or_context, url: str, viewport: dict = VIEWPORT, timeout_ms: float = 60_000):
    """A fresh page (its own session) with the app loaded, the canvas ready and a first run done.
    Takes a browser (a new page of the given viewport) or a context (a page of its own viewport)."""
    if hasattr(browser_or_context, "new_context"):
        page = browser_or_context.new_page(viewport=viewport)
    else:
        page = browser_or_context.new_page()
    page.goto(url)
    page.wait_for_selector(CANVAS, timeout=timeout_ms)
    page.wait_for_selector(RUN_MARKER, state="attached", timeout=timeout_ms)
    page.wait_for_selector(TOOLBAR_PIN, state="attached", timeout=timeout_ms)
    return page


# JavaScript that reads a marker's data attributes; shared by the helpers below.
READ_MARKER_JS = """(selector) => {
    const element = document.querySelector(selector);
    if (element === null) return {run: 0, source: "", prediction: null};
    return {run: Number(element.dataset.run), source: element.dataset.source,
            prediction: element.dataset.prediction || null};
}"""


def marker(page, selector: str = RUN_MARKER) -> dict:
    """A run marker's content: {"run": 7, "source": "drawing with 2 strokes", "prediction": "3"};
    run 0 before the first run has written it, prediction None when the page shows none."""
    return page.evaluate(READ_MARKER_JS, selector)


def run_marker(page) -> dict:
    """The end-of-page marker, written when the run is complete."""
    return marker(page, RUN_MARKER)


def wait_until_idle(page, timeout_ms: float = 30_000) -> int:
    """Wait until the last run that started has also completed; returns its number.

    A run writes RESULT_MARKER early and RUN_MARKER last, so the two name the same run exactly
    when no run is in flight.
    """
    page.wait_for_function(
        """([resultSelector, runSelector]) => {
            const number = (selector) => {
                const element = document.querySelector(selector);
                return element === null ? null : Number(element.dataset.run);
            };
            const started = number(resultSelector);
            return started !== null && started === number(runSelector);
        }""", arg=[RESULT_MARKER, RUN_MARKER], polling="raf", timeout=timeout_ms)
    return run_marker(page)["run"]


def next_run(page, action, timeout_ms: float = 30_000) -> dict:
    """Wait until idle, do `action()` (a click that reruns the script), and wait for the run it
    caused to complete; returns RUN_MARKER's content. Robust where "the marker changed" is not:
    a run already in flight would change it too."""
    completed = wait_until_idle(page, timeout_ms)
    action()
    page.wait_for_function(
        """([selector, completed]) => {
            const element = document.querySelector(selector);
            return element !== null && Number(element.dataset.run) > completed;
        }""", arg=[RUN_MARKER, completed], polling="raf", timeout=timeout_ms)
    return run_marker(page)


def strokes_on_canvas(content: dict) -> int:
    """The stroke count a marker reports ("drawing with 3 strokes"); 0 if it names none."""
    found = re.search(r"drawing with (\d+) stroke", content["source"])
    return int(found.group(1)) if found else 0


def stroke_source(strokes: int) -> str:
    """The source a marker names for a drawing of this many strokes."""
    return f"drawing with {strokes} stroke{'s' * (strokes != 1)}"


def wait_for_strokes(page, strokes: int, timeout_ms: float = 30_000, selector: str = RESULT_MARKER) -> dict:
    """Wait until a run that saw exactly `strokes` strokes has written the marker.

    Waiting for "the marker changed" is not enough after several strokes: the component sends
    after each pause of about 200 ms, so a run for an unfinished drawing can land first.
    """
    page.wait_for_function(
        """([selector, wanted]) => {
            const element = document.querySelector(selector);
            return element !== null && element.dataset.source === wanted;
        }""", arg=[selector, stroke_source(strokes)], polling="raf", timeout=timeout_ms)
    return marker(page, selector)


def read_prediction(page) -> str | None:
    """The "Prediction" metric's value, or None while the page shows no prediction."""
    value = page.query_selector(PREDICTION)
    return value.inner_text().strip() if value else None


def shown_prediction(page, content: dict, timeout_ms: float = 30_000) -> str | None:
    """The prediction a marker reports, once the "Prediction" metric shows it too.

    The marker can be written a moment before the metric is painted: the first st.metric of a
    session waits for its code to load. None if the marker reports no prediction.
    """
    if content["prediction"] is None:
        return None
    page.wait_for_function(
        """([selector, wanted]) => {
            const element = document.querySelector(selector);
            return element !== null && element.innerText.trim() === wanted;
        }""", arg=[PREDICTION, content["prediction"]], polling="raf", timeout=timeout_ms)
    return content["prediction"]


def canvas_box(page) -> dict:
    return page.locator(CANVAS).bounding_box()


def draw_strokes(page, strokes, canvas_size: float = CANVAS_SIZE, steps: int = 6) -> None:
    """Draw strokes given in canvas pixel coordinates (as model/drawn_digits.py makes them),
    scaled to the canvas's bounding box on screen; each stroke is one press-move-release."""
    box = canvas_box(page)
    scale_x, scale_y = box["width"] / canvas_size, box["height"] / canvas_size
    for stroke in strokes:
        points = [(box["x"] + x * scale_x, box["y"] + y * scale_y) for x, y in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=steps)
        page.mouse.up()


def draw_digit(page, strokes, timeout_ms: float = 30_000, selector: str = RESULT_MARKER) -> str | None:
    """Draw the strokes, wait for the run that saw all of them, and return the predicted digit.

    By default this waits for RESULT_MARKER, written right after the prediction; pass
    selector=RUN_MARKER to wait until the whole page (playback, charts) is up to date as well.
    """
    expected = strokes_on_canvas(marker(page, selector)) + len(strokes)
    draw_strokes(page, strokes)
    return shown_prediction(page, wait_for_strokes(page, expected, timeout_ms, selector), timeout_ms)


def timed_stroke(page, stroke, canvas_size: float = CANVAS_SIZE, steps: int = 6,
                 timeout_ms: float = 30_000) -> dict:
    """Draw one stroke and time, inside the page, what follows its mouse-up.

    Returns {"prediction": "7" or None, "prediction_ms": ..., "complete_ms": ...}: milliseconds
    from the browser's mouseup event until the "Prediction" metric shows the new run's result,
    and until the end-of-page marker says the run is complete. The clock runs in the page
    (performance.now() and requestAnimationFrame), so Playwright's own round trips, which wait
    while the page is busy drawing charts, do not inflate the numbers.
    """
    box = canvas_box(page)
    scale_x, scale_y = box["width"] / canvas_size, box["height"] / canvas_size
    points = [(box["x"] + x * scale_x, box["y"] + y * scale_y) for x, y in stroke]
    expected = strokes_on_canvas(marker(page, RESULT_MARKER)) + 1
    page.evaluate(
        """([resultSelector, runSelector, predictionSelector, wanted, timeoutMs]) => {
            window.__strokeTiming = new Promise((resolve, reject) => {
                let released = null, shown = null, prediction = null;
                document.addEventListener("mouseup", () => { released = performance.now(); },
                                          {once: true, capture: true});
                const text = (selector) => {
                    const element = document.querySelector(selector);
                    return element === null ? "" : element.innerText;
                };
                const source = (selector) => {
                    const element = document.querySelector(selector);
                    return element === null ? "" : element.dataset.source;
                };
                const started = performance.now();
                function tick() {
                    const now = performance.now();
                    if (now - started > timeoutMs) { reject(new Error("no run saw the stroke")); return; }
                    if (released !== null && shown === null && source(resultSelector) === wanted) {
                        prediction = document.querySelector(resultSelector).dataset.prediction || null;
                        const displayed = text(predictionSelector).trim();
                        if (prediction === null || displayed === prediction) shown = now;
                    }
                    if (shown !== null && source(runSelector) === wanted) {
                        resolve({prediction, prediction_ms: shown - released, complete_ms: now - released});
                        return;
                    }
                    requestAnimationFrame(tick);
                }
                requestAnimationFrame(tick);
            });
        }""", [RESULT_MARKER, RUN_MARKER, PREDICTION, stroke_source(expected), timeout_ms])
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=steps)
    page.mouse.up()
    return page.evaluate("() => window.__strokeTiming")


def clear_canvas(page, timeout_ms: float = 30_000) -> dict:
    """Press the canvas toolbar's reset button and wait for the run that follows."""
    return next_run(page, page.locator(CANVAS_RESET).click, timeout_ms)


def open_tab(page, label: str, timeout_ms: float = 30_000) -> dict:
    """Switch to the tab whose label contains `label` ("Draw", "MNIST test digits", "Row by row",
    "One step up close", "Why the final output?") and wait for the run that follows."""
    return next_run(page, page.locator(TABS, has_text=label).click, timeout_ms)


def open_tab_at(page, index: int, timeout_ms: float = 30_000) -> dict:
    """Switch to the index-th tab of the page (0 and 1: the sources, 2 to 5: the analysis views),
    whatever language its label is in, and wait for the run that follows."""
    return next_run(page, page.locator(TABS).nth(index).click, timeout_ms)


# The prose a person reads in the main column: the page's text without code, formulas and the
# charts' numbers, but with the charts' titles and axis titles. For tests of the page's language.
PROSE_JS = """() => {
    const main = document.querySelector("[data-testid='stMain']") || document.body;
    // Left out: code, formulas, icons' names, and the language switch (each language in its own name).
    const skipped = "pre, code, .katex, [data-testid='stCode'], [data-testid='stIconMaterial'], script, style, "
        + ".js-plotly-plot, .st-key-language_switch";
    const chartText = ".gtitle, .g-xtitle, .g-ytitle, .annotation-text, .legendtext";
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        const parent = node.parentElement;
        const chart = parent.closest(chartText) !== null;
        if ((parent.closest(skipped) !== null && !chart) || !node.textContent.trim()) continue;
        if (!chart && !parent.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
        texts.push(node.textContent.trim());
    }
    return texts.join("\\n");
}"""


def visible_prose(page) -> str:
    return page.evaluate(PROSE_JS)


def wait_for_playback(page, timeout_ms: float = 30_000) -> None:
    """Wait until Plotly has drawn the playback figure (it renders after its element arrives)."""
    page.wait_for_function(
        """(selector) => {
            const plot = document.querySelector(selector);
            return plot !== null && plot._fullLayout !== undefined && plot._fullLayout.sliders !== undefined
                && plot._fullLayout.sliders.length > 0;
        }""", arg=PLAYBACK, polling="raf", timeout=timeout_ms)


def playback_step(page) -> int | None:
    """The step the playback figure shows now, read from Plotly's own state."""
    return page.evaluate(
        """(selector) => {
            const plot = document.querySelector(selector);
            if (!plot || !plot._fullLayout || !plot._fullLayout.sliders) return null;
            const slider = plot._fullLayout.sliders[0];
            return slider.active + 1;  // steps are 1..T; most slider labels are left blank
        }""", PLAYBACK)


PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, has_touch=True, is_mobile=True,
             user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                        "Chrome/131.0.0.0 Mobile Safari/537.36")  # a phone, as the page's layout sees it
PROJECTOR = dict(viewport={"width": 1280, "height": 720})


def chart_texts(page, selector: str = ".js-plotly-plot") -> list[dict]:
    """Every visible, non-empty SVG text in the charts: its text, box and font size in px."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ' text')].flatMap((text) => {
            const box = text.getBoundingClientRect();
            const style = getComputedStyle(text);
            if (!text.textContent.trim() || box.width === 0 || style.display === 'none'
                || style.visibility === 'hidden' || Number(style.opacity) === 0) return [];
            return [{text: text.textContent, x: box.x, y: box.y, width: box.width, height: box.height,
                     font_px: parseFloat(style.fontSize)}];
        })""", selector)


def overlapping(boxes: list[dict], tolerance_px: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap by more than `tolerance_px` in both directions."""
    pairs = []
    for index, a in enumerate(boxes):
        for b in boxes[index + 1:]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            if overlap_x > tolerance_px and overlap_y > tolerance_px:
                pairs.append((a["text"], b["text"]))
    return pairs


def press_play(page) -> None:
    """Click the ▶ Play button inside the playback figure."""
    page.locator(f"{PLAYBACK} .updatemenu-button", has_text="Play").click()


PHONES = {  # the two phones of a lesson: an iPhone and an Android, with their own user agents
    "iphone": dict(viewport={"width": 390, "height": 844}, device_scale_factor=3, has_touch=True, is_mobile=True,
                   user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                              "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"),
    "android": dict(viewport={"width": 360, "height": 740}, device_scale_factor=3, has_touch=True,
                    is_mobile=True,
                    user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/131.0.0.0 Mobile Safari/537.36"),
}
LAPTOP = dict(viewport={"width": 1440, "height": 900})

# Samples the canvas's position on the page (its box plus the scroll of every scrolled ancestor)
# on each animation frame, in the page's own clock, until stop_tracking_canvas reads them back.
TRACK_CANVAS_JS = """() => {
    const position = () => {
        const host = document.querySelector("[data-testid='stBidiComponentIsolated']");
        const canvas = host && host.shadowRoot && host.shadowRoot.querySelector("canvas.upper-canvas");
        if (!canvas) return null;
        let scrolled = window.scrollY;
        for (let node = host.parentElement; node; node = node.parentElement) scrolled += node.scrollTop;
        const box = canvas.getBoundingClientRect();
        return {y: box.y + scrolled, x: box.x, screen_y: box.y, t: performance.now()};
    };
    window.__canvasTrack = {samples: [], running: true};
    const sample = () => {
        if (!window.__canvasTrack.running) return;
        const now = position();
        if (now) window.__canvasTrack.samples.push(now);
        requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
}"""


def track_canvas(page) -> None:
    """Start sampling the canvas's page position on every frame (see stop_tracking_canvas)."""
    page.evaluate(TRACK_CANVAS_JS)


def stop_tracking_canvas(page) -> list[dict]:
    """Stop sampling; returns the samples ({y: page position, x, screen_y, t: ms}), oldest first."""
    return page.evaluate("() => { window.__canvasTrack.running = false; return window.__canvasTrack.samples; }")


def canvas_shift_px(samples: list[dict]) -> float:
    """How far the canvas moved on the page while it was tracked (largest minus smallest y or x)."""
    if not samples:
        raise ValueError("The canvas was never sampled.")
    return max(max(s[axis] for s in samples) - min(s[axis] for s in samples) for axis in ("y", "x"))


def touch_strokes(page, strokes, pause_ms: float = 150, canvas_size: float = CANVAS_SIZE,
                  move_ms: float = 8) -> None:
    """Draw strokes with a finger, as Chromium's touch events (CDP Input.dispatchTouchEvent): a
    touchStart, a touchMove every few pixels `move_ms` apart and a touchEnd per stroke, `pause_ms`
    between one stroke's end and the next one's start. Each stroke is placed on the canvas where
    it is at that moment, as a finger would."""
    session = page.context.new_cdp_session(page)
    try:
        for number, stroke in enumerate(strokes):
            if number:
                page.wait_for_timeout(pause_ms)
            box = canvas_box(page)
            scale_x, scale_y = box["width"] / canvas_size, box["height"] / canvas_size
            points = [(box["x"] + x * scale_x, box["y"] + y * scale_y) for x, y in stroke]
            dense = [points[0]]
            for (x0, y0), (x1, y1) in zip(points, points[1:]):
                pieces = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) // 6))
                dense += [(x0 + (x1 - x0) * k / pieces, y0 + (y1 - y0) * k / pieces) for k in range(1, pieces + 1)]
            session.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                                      "touchPoints": [{"x": dense[0][0], "y": dense[0][1]}]})
            for x, y in dense[1:]:
                session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
                page.wait_for_timeout(move_ms)
            session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        session.detach()


def touch_digit(page, strokes, pause_ms: float = 150, timeout_ms: float = 30_000,
                selector: str = RUN_MARKER) -> str | None:
    """touch_strokes, then wait for the run that saw all of them; returns the predicted digit."""
    expected = strokes_on_canvas(marker(page, selector)) + len(strokes)
    touch_strokes(page, strokes, pause_ms)
    return shown_prediction(page, wait_for_strokes(page, expected, timeout_ms, selector), timeout_ms)
