"""Row-LSTM Explorer: draw a digit (or pick an MNIST test digit) and watch a one-layer LSTM read
it row by row, gate by gate, until its logistic-regression readout names the digit.

    canvas RGBA --preprocess--> 28 x 28 image --trace--> h, c, gates, probabilities --> figures

This file lays out the page as a short flow of *_ui() functions (main() at the bottom). The
maths lives in model/, the charts in figures.py, the words in explain.py, the gallery's picks in
gallery.py and the analysis tabs in views.py. Run it with: streamlit run app.py
"""

import streamlit as st

st.set_page_config(page_title="Row-LSTM Explorer", page_icon="🔢", layout="wide")

import html  # noqa: E402 (set_page_config goes first)
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from streamlit_drawable_canvas import st_canvas  # noqa: E402

import canvas_data  # noqa: E402
import explain  # noqa: E402
from chart_spec import ChartSpec  # noqa: E402
import figures  # noqa: E402
import gallery  # noqa: E402
import views  # noqa: E402
from metrics_check import check_metrics  # noqa: E402
from model import config  # noqa: E402
from model.data import (  # noqa: E402
    MnistFileError, data_dir_from_env, load_mnist_if_available, sha256_of, to_unit_float,
)
from model.preprocess import to_model_input  # noqa: E402
from model.trace import LstmWeights, Trace, trace  # noqa: E402
from model.weights_file import read_weights  # noqa: E402

CANVAS_SIZE = 280  # px, square; the digit is cropped and scaled to 20 x 20 anyway
INK, PAPER = "#ffffff", "#0e1117"  # white on black, like the 28 x 28 input
BRUSH_WIDTHS, DEFAULT_BRUSH = (8, 40), 22
SOURCES = (":material/draw: Draw", ":material/apps: MNIST test digits")
GALLERY_COLUMNS = 4
STEPS = config.CONFIG.timesteps
CSS = Path(__file__).with_name("assets") / "page.css"


@dataclass(frozen=True)
class Source:
    """What the page reads: a drawing or an MNIST test digit, as the model's 28 x 28 input."""

    image: np.ndarray | None  # None while there is nothing to read
    label: int | None  # the true digit, for MNIST test digits
    name: str  # "drawing with 2 strokes", "test digit #12": what the run markers report


@st.cache_resource(show_spinner="Loading the model…")
def load_weights(path: str) -> LstmWeights:
    return read_weights(path)  # zipfile + h5py: the server never imports TensorFlow


@st.cache_resource(show_spinner=False)
def model_sha256(path: str, modified_ns: int) -> str:
    return sha256_of(path)


@st.cache_resource(show_spinner="Reading the MNIST test set…")
def load_test_set(folder: str | None):
    return load_mnist_if_available(folder)


@st.cache_resource(show_spinner="Running the LSTM over every test digit (once per server)…")
def summarise(folder: str | None, sha256: str, _weights: LstmWeights):
    mnist = load_test_set(folder)
    return gallery.summarise_test_set(mnist.test_images, mnist.test_labels, _weights)


def model_ui() -> tuple[LstmWeights, str]:
    """The model's weights and its file's sha256; without a model the page says how to make one."""
    path = str(config.MODEL_PATH)
    try:
        return load_weights(path), model_sha256(path, Path(path).stat().st_mtime_ns)
    except Exception as error:  # a missing, truncated or foreign file: say so, never a traceback
        st.error(f"The model file `{path}` could not be loaded ({type(error).__name__}: {error}).\n\n"
                 "Rebuild it with `python -m model.train`, then reload this page.")
        st.stop()


def intro_ui() -> None:
    st.html(f"<style>{CSS.read_text()}</style>")
    st.title("Row-LSTM Explorer")
    st.markdown(f"An LSTM with {config.CONFIG.units} units reads a {STEPS} × {STEPS} digit **one row per "
                f"step**: {STEPS} steps of {config.CONFIG.features} pixels. After the last row, a "
                "logistic-regression readout turns its final hidden state into ten probabilities. Draw a "
                "digit and watch it happen.")


@st.cache_data(max_entries=256, show_spinner=False)
def model_input(png: bytes) -> np.ndarray | None:
    """The canvas PNG -> the 28 x 28 input (None: nothing drawn), once per distinct drawing."""
    return to_model_input(canvas_data.decode_png(png))


def canvas_ui() -> tuple[bytes | None, int]:
    """The drawing pad; returns the canvas PNG (None before the first stroke) and the stroke count."""
    generation = st.session_state.setdefault("canvas_generation", 0)
    st.space("medium")  # room for the canvas's floating toolbar
    try:
        drawing = st_canvas(stroke_width=st.session_state.get("brush", DEFAULT_BRUSH), stroke_color=INK,
                            background_color=PAPER, height=CANVAS_SIZE, width=CANVAS_SIZE,
                            drawing_mode="freedraw", return_image_data=True, key=f"canvas_{generation}")
        png, strokes = drawing.image_bytes, canvas_data.stroke_count(drawing.json_data)
    except (AttributeError, KeyError, TypeError, ValueError):  # not what the component sends: forged or garbled
        st.session_state["canvas_generation"] = generation + 1  # a fresh, empty pad on the next run
        st.warning("The drawing pad sent something that is not a drawing, so it has been reset. Draw again.")
        png, strokes = None, 0
    brush, clear = st.columns([3, 1], vertical_alignment="bottom")
    brush.slider("Brush width", *BRUSH_WIDTHS, DEFAULT_BRUSH, key="brush")
    clear.button("Clear", on_click=lambda: st.session_state.update(canvas_generation=generation + 1),
                 width="stretch", help="Wipe the canvas (the bin in its toolbar does the same)")
    st.caption("Draw one digit, 0 to 9, with the mouse or a finger.")
    return png, strokes


def drawing_ui() -> Source:
    """The canvas, and the model input made of what is drawn on it."""
    png, strokes = canvas_ui()
    name = f"drawing with {strokes} stroke{'s' * (strokes != 1)}"
    if png is None:
        return Source(None, None, name)
    try:
        return Source(model_input(png), None, name)
    except ValueError as error:
        st.warning(f"That drawing could not be read ({error}). Clear the canvas and try again.")
        return Source(None, None, name)


def gallery_ui(mnist, summary) -> int:
    """Thumbnails of test digits, each with a button that loads it; returns the chosen index."""
    kind = st.segmented_control("Show", gallery.GALLERY_KINDS, default="Random", key="gallery_kind",
                                required=True)
    digit = (st.segmented_control("Digit", range(config.CONFIG.classes), default=0, key="gallery_digit",
                                  required=True) if kind == "By digit" else 0)
    page = st.session_state.setdefault("gallery_page", 0)
    indices = gallery.gallery_indices(summary, kind, digit, page)
    chosen = st.session_state.setdefault("gallery_index", int(indices[0]) if len(indices) else 0)
    if len(indices) == 0:
        st.info(f"No {kind.lower()} among the {len(summary.labels):,} test digits.")
    for row_start in range(0, len(indices), GALLERY_COLUMNS):
        for column, index in zip(st.columns(GALLERY_COLUMNS), indices[row_start:row_start + GALLERY_COLUMNS]):
            label, predicted = summary.labels[index], summary.predictions[index]
            column.image(gallery.thumbnail(mnist.test_images[index]),
                         caption=f"{label} read as {predicted}" if label != predicted else f"{label} ✓")
            column.button(f"#{index}", key=f"load_{index}", width="stretch", help="Play this test digit",
                          type="primary" if index == chosen else "secondary",
                          on_click=lambda i=int(index): st.session_state.update(gallery_index=i))
    st.button("More like these", on_click=lambda: st.session_state.update(gallery_page=page + 1))
    return chosen


def test_digit_ui(sha256: str, weights: LstmWeights) -> Source:
    """The gallery of MNIST test digits, when this machine has them; returns the chosen one."""
    folder = data_dir_from_env()
    folder = str(folder) if folder else None
    try:
        mnist = load_test_set(folder)
    except MnistFileError as error:
        mnist = None
        st.warning(f"The MNIST files could not be read: {error}")
    if mnist is None:
        st.info("No MNIST test set found on this machine. To browse real digits, set `MNIST_DIR` to "
                "the folder holding the four IDX files (`t10k-images-idx3-ubyte.gz`, …), e.g. "
                "`MNIST_DIR=/path/to/mnist streamlit run app.py`. Drawing works without it.")
        return Source(None, None, "no test digits")
    index = gallery_ui(mnist, summarise(folder, sha256, weights))
    return Source(to_unit_float(mnist.test_images[index]), int(mnist.test_labels[index]),
                  f"test digit #{index}")


def source_ui(sha256: str, weights: LstmWeights) -> Source:
    """Draw or pick a test digit; only the open tab's source is read. The canvas is drawn in
    either case, so that a drawing survives a visit to the gallery."""
    draw_tab, gallery_tab = st.tabs(SOURCES, key="source", on_change="rerun")
    with draw_tab:
        drawn = drawing_ui()
    if gallery_tab.open:
        with gallery_tab:
            return test_digit_ui(sha256, weights)
    return drawn


def result_ui(analysis: Trace | None, label: int | None) -> None:
    """The prediction, how sure the readout is, and since when."""
    if analysis is None:
        return
    probabilities = analysis.probabilities
    prediction, settle = int(analysis.prediction), int(analysis.decision_step)
    with st.container(key="prediction"):
        st.metric("Prediction", str(prediction), f"{explain.percent(probabilities[prediction])} probability",
                  delta_color="off", delta_arrow="off", border=True)
    if label is not None:
        reading = (":green[:material/check_circle: read correctly]" if label == prediction
                   else ":red[:material/cancel: misread]")
        st.markdown(f"**True label: {label}** {reading}")
    st.markdown(f"The readout's favourite has been **{prediction}** since step **{settle}** of {STEPS}.")
    runner_up = int(np.argsort(probabilities)[-2])
    st.caption(f"Runner-up: {runner_up} at {explain.percent(probabilities[runner_up])}.")


def input_ui(image: np.ndarray | None) -> None:
    """What the LSTM sees: the 28 x 28 input, or a prompt to draw."""
    st.subheader("What the LSTM sees")
    if image is None:
        st.info("Draw a digit on the black canvas, 0 to 9. Every stroke updates the analysis.",
                icon=":material/draw:")
        return
    st.plotly_chart(ChartSpec(figures.input_spec(image)), width="content", **views.PLOT)
    st.caption(f"{STEPS} × {STEPS} pixels, scaled and centred as in MNIST. Row t is the input $x_t$.")


def marker_ui(key: str, run: int, source: Source, analysis: Trace | None) -> None:
    """An invisible marker the browser tests wait on (scripts/browser.py): data attributes in a
    hidden element, holding this run's number, its source and its prediction."""
    prediction = "" if analysis is None else str(int(analysis.prediction))
    with st.container(key=key):
        st.html(f'<span hidden data-run="{run}" data-source="{html.escape(source.name)}" '
                f'data-prediction="{prediction}"></span>')


def main() -> None:
    weights, sha256 = model_ui()
    check = check_metrics(config.METRICS_PATH, sha256)
    run = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    intro_ui()
    source_column, input_column, result_column = st.columns([1.35, 1, 1], gap="large")
    with source_column:
        source = source_ui(sha256, weights)
    analysis = trace(source.image, weights) if source.image is not None else None
    with result_column:  # filled first, so that the prediction reaches the browser first
        result_ui(analysis, source.label)
        marker_ui("result_marker", run, source, analysis)
    with input_column:
        input_ui(source.image)
    views.views_ui(analysis, source.image, sha256, weights, check)
    marker_ui("run_marker", run, source, analysis)


main()
