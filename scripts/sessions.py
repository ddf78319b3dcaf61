"""What the load, soak and benchmark scripts share: drawings whose answer is known, one
browser session drawing and playing them, and a sampler of the server's memory.

Built on scripts/browser.py, the helpers the browser tests use, so the scripts drive the page
exactly as the tests do.
"""

import statistics
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from model.config import MODEL_PATH
from model.drawn_digits import CANVAS_SIZE, STYLES, Drawing, random_drawing, render
from model.network import load_model
from model.preprocess import to_model_input
from model.trace import LstmWeights, trace
from scripts.browser import (
    clear_canvas,
    playback_step,
    press_play,
    read_prediction,
    timed_stroke,
    wait_for_playback,
)

APP_BRUSH = 22  # the app's default brush width, in canvas pixels
CONFIDENT = 0.95  # offline probability a drawing must reach to count as unambiguous ...
BRUSH_TOLERANCE = (-6, 0, 6)  # ... with the app's brush and a thinner and a thicker one


def known_drawings(count: int, seed: int = 0) -> list[Drawing]:
    """Drawings the model reads confidently offline with the app's brush, cycling through the
    digits that have a one-stroke style (one stroke, one send: the latency is that of one run).
    The browser paints strokes a little differently from Pillow (Fabric.js smooths the path),
    so only drawings that stay unambiguous under a change of brush make a fair check of what
    the page shows. And only drawings whose every point lies on the canvas: a mouse pressed
    past its edge draws nothing there."""
    weights = LstmWeights.from_keras(load_model(MODEL_PATH))
    digits = [digit for digit, styles in STYLES.items() if any(len(style.strokes) == 1 for style in styles)]
    rng = np.random.default_rng(seed)
    chosen: list[Drawing] = []
    attempts = 0
    while len(chosen) < count:
        attempts += 1
        if attempts > 100 * count:
            raise RuntimeError(f"found only {len(chosen)} of {count} confidently read drawings")
        digit = digits[len(chosen) % len(digits)]
        drawing = replace(random_drawing(digit, rng), brush_width=APP_BRUSH)
        if len(drawing.strokes) != 1 or not on_canvas(drawing):
            continue
        variants = np.stack([to_model_input(render(replace(drawing, brush_width=APP_BRUSH + change)))
                             for change in BRUSH_TOLERANCE])
        probabilities = trace(variants, weights).probabilities  # (variants, classes)
        if (probabilities[:, digit] >= CONFIDENT).all():
            chosen.append(drawing)
    return chosen


def on_canvas(drawing: Drawing) -> bool:
    """Every point of every stroke inside the canvas. Random placement can push a point of a
    large drawing a pixel or two past the edge, which Pillow clips but a mouse cannot draw."""
    points = np.concatenate([np.asarray(stroke, dtype=float) for stroke in drawing.strokes])
    return bool(((points >= 0) & (points < CANVAS_SIZE)).all())


@dataclass
class SessionResult:
    latencies_s: list[float] = field(default_factory=list)  # mouse-up -> prediction shown
    complete_s: list[float] = field(default_factory=list)  # mouse-up -> whole page updated
    errors: list[str] = field(default_factory=list)
    drawn: int = 0


def draw_play_clear(page, drawing: Drawing, result: SessionResult, timeout_ms: float = 20_000) -> None:
    """One cycle: draw (one stroke), time mouse-up -> updated prediction with the page's own
    clock, check it is this session's own digit, play the playback and see it advance, clear."""
    (stroke,) = drawing.strokes
    timing = timed_stroke(page, stroke, timeout_ms=timeout_ms)
    result.latencies_s.append(timing["prediction_ms"] / 1000)
    result.complete_s.append(timing["complete_ms"] / 1000)
    result.drawn += 1
    if timing["prediction"] != str(drawing.digit):
        result.errors.append(f"drew {drawing.digit}, page shows {timing['prediction']!r}")
    wait_for_playback(page, timeout_ms)
    start_step = playback_step(page)
    press_play(page)
    deadline = time.perf_counter() + 5
    while playback_step(page) == start_step and time.perf_counter() < deadline:
        page.wait_for_timeout(50)
    if playback_step(page) == start_step:
        result.errors.append("playback did not advance")
    if page.query_selector("[data-testid='stException']"):
        result.errors.append("the page shows an exception")
    clear_canvas(page, timeout_ms)
    if read_prediction(page) is not None:
        result.errors.append("a prediction is still shown after clearing")


class RssSampler:
    """Samples a process's resident memory (VmRSS, from /proc) in a background thread."""

    def __init__(self, pid: int, every_s: float = 0.5):
        self.pid, self.every_s = pid, every_s
        self.samples_mb: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def read_mb(self) -> float:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples_mb.append(self.read_mb())
            self._stop.wait(self.every_s)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
