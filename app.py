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
from model.data import MnistFileError, data_dir_from_env, load_mnist_if_available, to_unit_float  # noqa: E402
from model.network import load_model  # noqa: E402
from model.preprocess import to_model_input  # noqa: E402
from model.trace import LstmWeights, trace  # noqa: E402

CANVAS_SIZE = 280  # px, square; the digit is cropped and scaled to 20 x 20 anyway
INK, PAPER = "#ffffff", "#0e1117"  # white on black, like the 28 x 28 input
BRUSH_WIDTHS, DEFAULT_BRUSH = (8, 40), 22
SPEEDS_MS, DEFAULT_SPEED_MS = (50, 100, 200, 400, 800), 200  # 200 ms per row: a room can follow
SOURCES = (":material/draw: Draw", ":material/apps: MNIST test digits")
GALLERY_COLUMNS = 4
PLOT_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}


@st.cache_resource(show_spinner="Loading the model…")
def load_weights(path: str) -> LstmWeights:
    return LstmWeights.from_keras(load_model(path))


@st.cache_resource(show_spinner=False)
def model_sha256(path: str, modified_ns: int) -> str:
    return explorer_state.file_sha256(path)


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


def canvas_ui() -> np.ndarray | None:
    """The drawing pad; returns the canvas RGBA, or None before the first stroke."""
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
    return drawing.image_data


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
            column.button(f"#{index}", key=f"load_{index}", width="stretch",
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
        canvas_rgba = canvas_ui()
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

with input_column:
    st.subheader("What the LSTM sees")
    if analysis is None:
        st.info("Draw a digit on the black canvas, 0 to 9. Every stroke updates the analysis.",
                icon=":material/draw:")
    else:
        st.plotly_chart(figures.input_figure(image), config=PLOT_CONFIG, width="content")
        st.caption(f"{steps} × {steps} pixels, scaled and centred as in MNIST. Row t is the input x_t.")
with result_column:
    if analysis is not None:
        prediction, settle = int(analysis.prediction), int(analysis.decision_step)
        st.metric("Prediction", str(prediction), f"{explorer_state.percent(analysis.probabilities[prediction])} probability",
                  delta_color="off", delta_arrow="off", border=True)
        if label is not None:
            st.markdown(f"**True label: {label}** " + (":green[:material/check_circle: read correctly]"
                                                        if label == prediction else ":red[:material/cancel: misread]"))
        st.markdown(f"The readout's favourite has been **{prediction}** since step **{settle}** of {steps}.")
        runner_up = int(np.argsort(analysis.probabilities)[-2])
        st.caption(f"Runner-up: {runner_up} at {explorer_state.percent(analysis.probabilities[runner_up])}.")

# --- Playback: Plotly animates the frames in the browser, no server work per step ---
st.header("Row by row")
if analysis is None:
    st.info("The playback appears here once there is a digit to read.")
else:
    speed_column, help_column = st.columns([1, 3], vertical_alignment="bottom")
    frame_ms = speed_column.select_slider("Playback speed (ms per step)", SPEEDS_MS, DEFAULT_SPEED_MS,
                                          key="speed")
    help_column.caption("Press ▶ Play under the chart, or drag its slider. At step t the LSTM has read rows "
                        f"1..t; the readout is the logistic regression applied to h_t, although it was "
                        f"trained only on h_{steps}.")
    st.plotly_chart(playback(image, sha256, frame_ms, weights), config=PLOT_CONFIG, key="playback")

    # --- One step up close ---
    st.header("One step up close")
    figure_column, equation_column = st.columns([1, 1], gap="large")
    t = equation_column.slider("Step t", 1, steps, steps // 2, key="step")
    n = explorer_state.step_numbers(analysis, t)
    figure_column.plotly_chart(step_up_close(image, sha256, t, weights), config=PLOT_CONFIG)
    with equation_column:
        st.markdown(f"At step {t} the LSTM reads row {t} ({n['ink']:.1f} pixels' worth of ink) and updates "
                    f"all {n['units']} units at once. The numbers on the right are this step's:")
        st.latex(r"\begin{aligned}"
                 rf"i_t &= \sigma(W_i x_t + U_i h_{{t-1}} + b_i) && \text{{mean }} {n['mean_i']:.2f},"
                 rf"\ {n['writing']} \text{{ open}} \\"
                 rf"f_t &= \sigma(W_f x_t + U_f h_{{t-1}} + b_f) && {n['forgetting']} \text{{ forgetting }}"
                 r"(f < \tfrac12) \\"
                 rf"g_t &= \tanh(W_g x_t + U_g h_{{t-1}} + b_g) && \text{{mean }} |g_t| = {n['mean_abs_g']:.2f}"
                 r" \\"
                 rf"o_t &= \sigma(W_o x_t + U_o h_{{t-1}} + b_o) && {n['showing']} \text{{ open}} \\"
                 rf"c_t &= f_t \odot c_{{t-1}} + i_t \odot g_t && \text{{mean }} |c_t - c_{{t-1}}| = "
                 rf"{n['c_change']:.2f} \\"
                 rf"h_t &= o_t \odot \tanh(c_t) && \text{{mean }} |h_t| = {n['mean_abs_h']:.2f} \\"
                 rf"p_t &= \operatorname{{softmax}}(V h_t + b_V) && \text{{leader }} {n['leader']} "
                 rf"\text{{ at }} {100 * n['leader_probability']:.1f}\%"
                 r"\end{aligned}")
        st.caption(f"σ squashes to 0…1 (a gate: 0 shut, 1 open; \"open\" means above one half); ⊙ multiplies "
                   f"unit by unit. W, U and b hold the four gates side by side, in Keras's order i, f, g, o. "
                   f"V and b_V are the readout, trained on h_{steps} only.")

# --- Why the final output? ---
st.header("Why the final output?")
st.markdown("> *Why is logistic regression used in the last layer? Isn't the LSTM's final output a better "
            "estimate than earlier timesteps' outputs?* (a classic question about TensorFlow's MNIST RNN "
            "example)")
if metrics is None:
    st.warning(f"{check.problem} The numbers for this section are measured with "
               "`python -m model.evaluate`; run it, then reload the page.")
chart_column, text_column = st.columns([3, 2], gap="large")
chart_column.plotly_chart(figures.why_figure(metrics, analysis), config=PLOT_CONFIG)
with text_column:
    if metrics is not None:
        readout, probes = metrics["readout_accuracy_per_step"], metrics["probe_accuracy_per_step"]
        half, last = steps // 2, steps
        st.markdown(
            f"- **Only the last state has read every row.** A logistic regression fitted to h_{half}, after "
            f"{half} of {steps} rows, reads {probes['h'][half - 1]:.1%} of test digits correctly; fitted to "
            f"h_{last}, {probes['h'][-1]:.1%}. Half a digit can be ambiguous: the median test digit's "
            f"prediction settles only at step {metrics['decision_step']['median']:.0f}.\n"
            f"- **The readout speaks only the last state's language.** It is a logistic regression trained "
            f"on h_{last} alone. Applied to h_{half} it gets {readout[half - 1]:.1%} right, against "
            f"{probes['h'][half - 1]:.1%} for a regression fitted to h_{half} itself: earlier states hold "
            f"the information in a code the readout was never taught. Chance is "
            f"{metrics['chance_accuracy']:.1%}.\n"
            f"- **Training made h_{last} the summary.** The loss reached every step only through h_{last}, "
            f"so the LSTM learned to carry what matters to the end. The table below refits a logistic "
            f"regression on other candidates at the last step.")
if metrics is not None:
    st.dataframe([{"readout input": row["name"], "test accuracy": f"{row['accuracy']:.2%}", "note": row["note"]}
                  for row in metrics["readout_alternatives"]], hide_index=True, width="stretch")

st.divider()
st.session_state["runs"] = st.session_state.get("runs", 0) + 1
with st.container(key="run_marker"):
    source = "gallery" if gallery_tab.open else "drawing"
    st.caption(f"Analysed run {st.session_state['runs']} · {source} · "
               f"{'no input' if analysis is None else f'prediction {int(analysis.prediction)}'} · "
               f"model sha256 {sha256[:12]}")
