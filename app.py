"""Row-LSTM Explorer: draw a digit (or pick an MNIST test digit) and watch a one-layer LSTM read
it row by row, gate by gate, until its logistic-regression readout names the digit.

    canvas RGBA --preprocess--> 28 x 28 image --trace--> h, c, gates, probabilities --> figures

This file only lays out the page: the maths lives in model/, the charts in figures.py, and the
page's small helpers (metrics check, gallery picks, equation figures) in explorer_state.py.
Run it with: streamlit run app.py
"""

import streamlit as st

st.set_page_config(page_title="Row-LSTM Explorer", page_icon="🔢", layout="wide")

from pathlib import Path  # noqa: E402 (set_page_config goes first)

import numpy as np  # noqa: E402
from streamlit_drawable_canvas import st_canvas  # noqa: E402

import explorer_state  # noqa: E402
import figures  # noqa: E402
from model import config  # noqa: E402
from model.data import (  # noqa: E402
    MnistFileError, data_dir_from_env, load_mnist_if_available, sha256_of, to_unit_float,
)
from model.preprocess import to_model_input  # noqa: E402
from model.trace import LstmWeights, trace  # noqa: E402
from model.weights_file import read_weights  # noqa: E402

CANVAS_SIZE = 280  # px, square; the digit is cropped and scaled to 20 x 20 anyway
INK, PAPER = "#ffffff", "#0e1117"  # white on black, like the 28 x 28 input
BRUSH_WIDTHS, DEFAULT_BRUSH = (8, 40), 22
SPEEDS_MS, DEFAULT_SPEED_MS = (50, 100, 200, 400, 800), 200  # 200 ms per row: a room can follow
SOURCES = (":material/draw: Draw", ":material/apps: MNIST test digits")
SECTIONS = (":material/play_circle: Row by row", ":material/center_focus_strong: One step up close",
            ":material/help: Why the final output?")
GALLERY_COLUMNS = 4
# The figures carry their own template; Streamlit's chart theme would restyle them on every render.
PLOT = dict(theme=None, config={"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]})


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
    return explorer_state.summarise_test_set(mnist.test_images, mnist.test_labels, _weights)


@st.cache_resource(max_entries=64, show_spinner=False)
def playback(image: np.ndarray, sha256: str, frame_ms: int, _weights: LstmWeights):
    return figures.playback_figure(trace(image, _weights), frame_ms)


@st.cache_resource(max_entries=256, show_spinner=False)
def step_up_close(image: np.ndarray, sha256: str, t: int, _weights: LstmWeights):
    return figures.step_figure(trace(image, _weights), t)


def canvas_ui() -> tuple[np.ndarray | None, int]:
    """The drawing pad; returns the canvas RGBA (None before the first stroke) and the stroke count."""
    generation = st.session_state.setdefault("canvas_generation", 0)
    st.space("medium")  # room for the canvas's floating toolbar
    drawing = st_canvas(stroke_width=st.session_state.get("brush", DEFAULT_BRUSH), stroke_color=INK,
                        background_color=PAPER, height=CANVAS_SIZE, width=CANVAS_SIZE,
                        drawing_mode="freedraw", return_image_data=True, key=f"canvas_{generation}")
    brush, clear = st.columns([3, 1], vertical_alignment="bottom")
    brush.slider("Brush width", *BRUSH_WIDTHS, DEFAULT_BRUSH, key="brush")
    clear.button("Clear", on_click=lambda: st.session_state.update(canvas_generation=generation + 1),
                 width="stretch", help="Wipe the canvas (the bin in its toolbar does the same)")
    st.caption("Draw one digit, 0 to 9, with the mouse or a finger.")
    return drawing.image_data, len((drawing.json_data or {}).get("objects", []))


def gallery_ui(mnist, summary) -> int:
    """Thumbnails of test digits, each with a button that loads it; returns the chosen index."""
    kind = st.segmented_control("Show", explorer_state.GALLERY_KINDS, default="Random",
                                key="gallery_kind", required=True)
    digit = (st.segmented_control("Digit", range(config.CONFIG.classes), default=0, key="gallery_digit",
                                  required=True) if kind == "By digit" else 0)
    page = st.session_state.setdefault("gallery_page", 0)
    indices = explorer_state.gallery_indices(summary, kind, digit, page)
    chosen = st.session_state.setdefault("gallery_index", int(indices[0]) if len(indices) else 0)
    if len(indices) == 0:
        st.info(f"No {kind.lower()} among the {len(summary.labels):,} test digits.")
    for row_start in range(0, len(indices), GALLERY_COLUMNS):
        for column, index in zip(st.columns(GALLERY_COLUMNS), indices[row_start:row_start + GALLERY_COLUMNS]):
            label, predicted = summary.labels[index], summary.predictions[index]
            column.image(explorer_state.thumbnail(mnist.test_images[index]),
                         caption=f"{label} read as {predicted}" if label != predicted else f"{label} ✓")
            column.button(f"#{index}", key=f"load_{index}", width="stretch", help="Play this test digit",
                          type="primary" if index == chosen else "secondary",
                          on_click=lambda i=int(index): st.session_state.update(gallery_index=i))
    st.button("More like these", on_click=lambda: st.session_state.update(gallery_page=page + 1))
    return chosen


# --- The model: once per server. Without it there is nothing to show. ---
model_path = str(config.MODEL_PATH)
try:
    weights = load_weights(model_path)
    sha256 = model_sha256(model_path, Path(model_path).stat().st_mtime_ns)
except Exception as error:  # a missing, truncated or foreign file: say so, never a traceback
    st.error(f"The model file `{model_path}` could not be loaded ({type(error).__name__}: {error}).\n\n"
             "Rebuild it with `python -m model.train`, then reload this page.")
    st.stop()
check = explorer_state.check_metrics(config.METRICS_PATH, sha256)
metrics = check.metrics
steps, units = config.CONFIG.timesteps, config.CONFIG.units

st.title("Row-LSTM Explorer")
st.markdown(f"An LSTM with {units} units reads a {steps} × {steps} digit **one row per step**: {steps} "
            f"steps of {config.CONFIG.features} pixels. After the last row, a logistic-regression readout "
            "turns its final hidden state into ten probabilities. Draw a digit and watch it happen.")

# --- Input: a drawing or an MNIST test digit ---
source_column, input_column, result_column = st.columns([1.35, 1, 1], gap="large")
with source_column:
    draw_tab, gallery_tab = st.tabs(SOURCES, key="source", on_change="rerun")
    with draw_tab:
        canvas_rgba, strokes = canvas_ui()
    with gallery_tab:
        folder = data_dir_from_env()
        try:
            mnist = load_test_set(str(folder) if folder else None)
        except MnistFileError as error:
            mnist = None
            st.warning(f"The MNIST files could not be read: {error}")
        if mnist is None:
            st.info("No MNIST test set found on this machine. To browse real digits, set `MNIST_DIR` to "
                    "the folder holding the four IDX files (`t10k-images-idx3-ubyte.gz`, …), e.g. "
                    "`MNIST_DIR=/path/to/mnist streamlit run app.py`. Drawing works without it.")
        elif gallery_tab.open:
            gallery_choice = gallery_ui(mnist, summarise(str(folder) if folder else None, sha256, weights))

label, image = None, None
if gallery_tab.open and mnist is not None:
    label = int(mnist.test_labels[gallery_choice])
    image = to_unit_float(mnist.test_images[gallery_choice])
elif draw_tab.open and canvas_rgba is not None:
    try:
        image = to_model_input(canvas_rgba)
    except ValueError as error:
        st.warning(f"That drawing could not be read ({error}). Clear the canvas and try again.")
analysis = trace(image, weights) if image is not None else None

# The run marker: browser tests wait for its text to change (see tests/browser.py).
run = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
if gallery_tab.open:
    source = f"test digit #{gallery_choice}" if label is not None else "no test digits"
else:
    source = f"drawing with {strokes} stroke{'s' * (strokes != 1)}"
verdict = f"{source} · {'no input' if analysis is None else f'prediction {int(analysis.prediction)}'}"
with result_column:  # filled first, so that the prediction reaches the browser first
    if analysis is not None:
        prediction, settle = int(analysis.prediction), int(analysis.decision_step)
        with st.container(key="prediction"):
            st.metric("Prediction", str(prediction),
                      f"{explorer_state.percent(analysis.probabilities[prediction])} probability",
                      delta_color="off", delta_arrow="off", border=True)
        if label is not None:
            reading = (":green[:material/check_circle: read correctly]" if label == prediction
                       else ":red[:material/cancel: misread]")
            st.markdown(f"**True label: {label}** {reading}")
        st.markdown(f"The readout's favourite has been **{prediction}** since step **{settle}** of {steps}.")
        runner_up = int(np.argsort(analysis.probabilities)[-2])
        st.caption(f"Runner-up: {runner_up} at {explorer_state.percent(analysis.probabilities[runner_up])}.")
    with st.container(key="result_marker"):
        st.caption(f"Analysed run {run} · {verdict}")
with input_column:
    st.subheader("What the LSTM sees")
    if analysis is None:
        st.info("Draw a digit on the black canvas, 0 to 9. Every stroke updates the analysis.",
                icon=":material/draw:")
    else:
        st.plotly_chart(figures.input_figure(image), width="content", **PLOT)
        st.caption(f"{steps} × {steps} pixels, scaled and centred as in MNIST. Row t is the input $x_t$.")

# --- The analysis, one view at a time: only the open tab is computed and drawn ---
playback_tab, step_tab, why_tab = st.tabs(SECTIONS, key="section", on_change="rerun")
if playback_tab.open:
    with playback_tab:
        if analysis is None:
            st.info("The row-by-row playback appears here once there is a digit to read.")
        else:
            speed_column, help_column = st.columns([1, 3], vertical_alignment="bottom")
            frame_ms = speed_column.select_slider("Playback speed (ms per step)", SPEEDS_MS, DEFAULT_SPEED_MS,
                                                  key="speed")
            help_column.caption(f"Press ▶ Play under the chart, or drag its slider. At step t the LSTM has "
                                f"read rows 1…t. The readout is applied to every $h_t$, though trained on "
                                f"$h_{{{steps}}}$ only.")
            st.plotly_chart(playback(image, sha256, frame_ms, weights), key="playback", **PLOT)
if step_tab.open:
    with step_tab:
        if analysis is None:
            st.info("Gates and states of any one step appear here once there is a digit to read.")
        else:
            figure_column, equation_column = st.columns([1, 1], gap="large")
            t = equation_column.slider("Step t", 1, steps, steps // 2, key="step")
            numbers = explorer_state.step_numbers(analysis, t)
            figure_column.plotly_chart(step_up_close(image, sha256, t, weights), **PLOT)
            with equation_column:
                st.markdown(f"At step {t} the LSTM reads row {t} ({numbers['ink']:.1f} pixels' worth of "
                            f"ink) and updates all {numbers['units']} units at once. On the right, this "
                            "step's numbers:")
                st.latex(explorer_state.step_equations(numbers))
                st.caption("Gates: :green[teal] above one half (open), :orange[amber] below. States: "
                           ":red[red] positive, :blue[blue] negative. σ squashes to 0…1; ⊙ multiplies unit "
                           "by unit. W, U and b hold the four gates side by side, in Keras's order i, f, g, "
                           f"o. V and $b_V$ are the readout, trained on $h_{{{steps}}}$ alone.")
if why_tab.open:
    with why_tab:
        st.markdown("> *Why is logistic regression used in the last layer? Isn't the LSTM's final output "
                    "a better estimate than earlier timesteps' outputs?* (a classic question about "
                    "TensorFlow's MNIST RNN example)")
        if metrics is None:
            st.warning(f"{check.problem} The numbers for this section are measured with "
                       "`python -m model.evaluate`; run it, then reload the page.")
        chart_column, text_column = st.columns([3, 2], gap="large")
        chart_column.plotly_chart(figures.why_figure(metrics, analysis), **PLOT)
        if metrics is not None:
            text_column.markdown(explorer_state.why_takeaways(metrics))
            st.dataframe([{"readout input": row["name"], "test accuracy": f"{row['accuracy']:.2%}",
                           "note": row["note"]} for row in metrics["readout_alternatives"]],
                         hide_index=True, width="stretch")

st.divider()
with st.container(key="run_marker"):
    st.caption(f"Run {run} complete · {verdict} · model sha256 {sha256[:12]}")
