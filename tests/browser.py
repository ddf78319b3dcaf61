"""Reusable Playwright helpers for driving the app in headless Chromium.

Used by tests/test_browser.py and by the load, soak and benchmark scripts. The facts they rely
on (measured, see shared/notes/browser-testing.md): the canvas sits in an open shadow root that
Playwright's CSS selectors pierce; the component sends a drawing about 200 ms after mouse-up;
and the app writes a run marker (`RUN_MARKER`) at the very end of every completed script run,
so "the marker text changed" means "every element above it is up to date".

    with AppServer() as server, sync_playwright() as p:
        browser = launch_chromium(p, "/usr/bin/chromium")
        page = open_app(browser, server.url)
        prediction = draw_digit(page, drawing.strokes)
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CANVAS_SIZE = 280  # the app's canvas, in CSS pixels; drawn_digits strokes use the same frame

# Selectors. Playwright's CSS engine pierces the canvas component's open shadow root.
CANVAS = "[data-testid='stBidiComponentIsolated'] canvas.upper-canvas"
CANVAS_RESET = "[data-testid='stBidiComponentIsolated'] button[aria-label='Reset canvas & history']"
RUN_MARKER = ".st-key-run_marker [data-testid='stCaptionContainer']"
PREDICTION = ("[data-testid='stMetric']:has([data-testid='stMetricLabel']:has-text('Prediction')) "
              "[data-testid='stMetricValue']")
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


def open_app(browser, url: str, viewport: dict = VIEWPORT, timeout_ms: float = 60_000):
    """A fresh page (its own session) with the app loaded, the canvas ready and a first run done."""
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    page.wait_for_selector(CANVAS, timeout=timeout_ms)
    page.wait_for_selector(RUN_MARKER, timeout=timeout_ms)
    return page


def run_marker(page) -> str:
    """The text of the marker the app writes at the end of each run ("" before the first)."""
    marker = page.query_selector(RUN_MARKER)
    return marker.inner_text() if marker else ""


def wait_for_next_run(page, previous: str, timeout_ms: float = 10_000) -> str:
    """Wait (polling every animation frame) until the run marker differs from `previous`."""
    page.wait_for_function(
        """([selector, previous]) => {
            const marker = document.querySelector(selector);
            return marker !== null && marker.innerText !== previous;
        }""", arg=[RUN_MARKER, previous], polling="raf", timeout=timeout_ms)
    return run_marker(page)


def read_prediction(page) -> str | None:
    """The "Prediction" metric's value, or None while the page shows no prediction."""
    value = page.query_selector(PREDICTION)
    return value.inner_text().strip() if value else None


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


def draw_digit(page, strokes, timeout_ms: float = 10_000) -> str | None:
    """Draw, wait for the run that analysed the drawing, and return the predicted digit.

    The component sends once after the last stroke (it debounces), so one completed run is
    awaited; a rerun still in flight then finishes before the marker changes again.
    """
    before = run_marker(page)
    draw_strokes(page, strokes)
    wait_for_next_run(page, before, timeout_ms)
    return read_prediction(page)


def clear_canvas(page, timeout_ms: float = 10_000) -> None:
    """Press the canvas toolbar's reset button and wait for the run that follows."""
    before = run_marker(page)
    page.locator(CANVAS_RESET).click()
    wait_for_next_run(page, before, timeout_ms)


def open_tab(page, label: str, timeout_ms: float = 10_000) -> None:
    """Switch the input tabs ("Draw" / "MNIST test digits") and wait for the rerun."""
    before = run_marker(page)
    page.locator(TABS, has_text=label).click()
    wait_for_next_run(page, before, timeout_ms)


def playback_step(page) -> int | None:
    """The step the playback figure shows now, read from Plotly's own state."""
    return page.evaluate(
        """(selector) => {
            const plot = document.querySelector(selector);
            if (!plot || !plot._fullLayout || !plot._fullLayout.sliders) return null;
            const slider = plot._fullLayout.sliders[0];
            return Number(slider.steps[slider.active].label);
        }""", PLAYBACK)


def press_play(page) -> None:
    """Click the ▶ Play button inside the playback figure."""
    page.locator(f"{PLAYBACK} .updatemenu-button", has_text="Play").click()
