"""Where the digit comes from: the drawing canvas, or a gallery of MNIST test digits. Either way
the page gets a Source: the model's 28 x 28 input, the true label if known, and what a
permalink needs to bring it back."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from i18n import N_, _
from model import config
from model.data import MnistFileError, data_dir_from_env, load_mnist_if_available, to_unit_float
from model.drawn_digits import random_drawing, render
from model.preprocess import ink_extent, ink_intensity, strokes_extent, to_model_input, too_small
from model.trace import LstmWeights
from page import canvas_data, gallery, links

INK, PAPER = "#ffffff", "#0e1117"  # white on black, like the 28 x 28 input
SOURCES = (N_(":material/draw: Draw"), N_(":material/apps: MNIST test digits"))  # shown with _()
GALLERY_COLUMNS = 4
GALLERY_ALT = N_("A handwritten {label} from the MNIST test set, read as {predicted}")
TOOLBAR_PIN = (Path(__file__).resolve().parents[1] / "assets" / "canvas_toolbar.js").read_text()  # see the file for why
# A keyboard's way to a digit (no mouse, no MNIST files): the scripted strokes of
# model/drawn_digits.py, one fixed drawing per digit (seed 0: each is read as the digit it is).
SAMPLE_SEED = 0
SAMPLE_LABEL = N_("Or choose a sample drawing")  # the words marked N_() are shown with _()
SAMPLE_OPTION = N_("A drawn {digit}")
SAMPLE_PLACEHOLDER = N_("A digit from 0 to 9, without drawing")
SAMPLE_SHORT = N_("A sample digit…")  # the picker's placeholder on a phone, where its label is hidden
SAMPLE_HELP = N_("Loads scripted strokes of that digit onto the canvas, as if drawn with the mouse")
SAMPLE_NAME = "sample drawing of a {digit}"  # a Source name, for the run markers: never translated


@dataclass(frozen=True)
class Source:
    """What the page reads: a drawing or an MNIST test digit, as the model's 28 x 28 input."""

    image: np.ndarray | None  # None while there is nothing to read
    label: int | None  # the true digit, for MNIST test digits
    name: str  # "drawing with 2 strokes", "test digit #12": what the run markers report (never translated)
    link: links.Link = links.Link()  # what a permalink needs to bring it back
    too_small: bool = False  # drawn too small to read (model.preprocess.too_small): no digit is given


@st.cache_resource(show_spinner=False)
def _load_test_set(folder: str | None):
    return load_mnist_if_available(folder)


def load_test_set(folder: str | None):
    with st.spinner(_("Reading the MNIST test set…")):  # shown only if it takes over half a second
        return _load_test_set(folder)


@st.cache_resource(show_spinner=False)
def _summarise(folder: str | None, sha256: str, _weights: LstmWeights):
    mnist = _load_test_set(folder)
    return gallery.summarise_test_set(mnist.test_images, mnist.test_labels, _weights)


def summarise(folder: str | None, sha256: str, weights: LstmWeights):
    with st.spinner(_("Running the LSTM over every test digit (once per server)…")):
        return _summarise(folder, sha256, weights)


def clear_canvas(generation: int) -> None:
    st.session_state.update(canvas_generation=generation + 1, linked_drawing=None, linked_name=None)


@st.cache_data(max_entries=10, show_spinner=False)
def sample_drawing(digit: int) -> links.Drawing:
    """The sample drawing of a digit: its strokes (for the canvas) and the input they make."""
    drawing = random_drawing(digit, np.random.default_rng(SAMPLE_SEED))
    width = int(round(drawing.brush_width))
    strokes = tuple((width, np.round(np.asarray(stroke)).astype(np.int16)) for stroke in drawing.strokes)
    return links.Drawing(strokes, to_model_input(render(drawing)))


def load_sample() -> None:
    """Put the chosen sample drawing on a fresh canvas, as a link's drawing is."""
    digit = st.session_state.get("sample_drawing")
    if digit is None:
        return
    st.session_state.update(canvas_generation=st.session_state.get("canvas_generation", 0) + 1,
                            linked_drawing=sample_drawing(digit), linked_name=SAMPLE_NAME.format(digit=digit))


@st.cache_data(max_entries=256, show_spinner=False)
def model_input(png: bytes) -> tuple[np.ndarray | None, int]:
    """The canvas PNG -> the 28 x 28 input (None: nothing drawn) and the ink's longer side in
    canvas pixels, once per distinct drawing."""
    rgba = canvas_data.decode_png(png)
    image = to_model_input(rgba)
    return image, (ink_extent(ink_intensity(rgba.astype(np.float32) / 255)) if image is not None else 0)


def canvas_ui(linked: links.Drawing | None, compact: bool, samples: bool = True) -> tuple[bytes | None, int, tuple]:
    """The drawing pad, opened on a linked drawing if any; returns the canvas PNG (None before the
    first stroke), the stroke count and the strokes (for links). `samples`: offer the sample
    drawings, the keyboard's way to a digit (not on a projector, where the presenter draws)."""
    generation = st.session_state.setdefault("canvas_generation", 0)
    st.space("small")  # room for the canvas's floating toolbar (with the gap of the st.html below) ...
    st.html(f"<script>{TOOLBAR_PIN}</script>", unsafe_allow_javascript=True)  # ... pinned there
    try:
        drawing = st_canvas(stroke_width=st.session_state.get("brush", config.DEFAULT_BRUSH), stroke_color=INK,
                            background_color=PAPER, height=config.CANVAS_SIZE, width=config.CANVAS_SIZE,
                            drawing_mode="freedraw", return_image_data=True, key=f"canvas_{generation}",
                            initial_drawing=links.canvas_drawing(linked.strokes, INK) if linked else None)
        png = drawing.image_bytes
        count, strokes = canvas_data.stroke_count(drawing.json_data), links.strokes_from_canvas(drawing.json_data)
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError):  # not what the component sends
        st.session_state["canvas_generation"] = generation + 1  # a fresh, empty pad on the next run
        st.warning(_("The drawing pad sent something that is not a drawing, so it has been reset. Draw again."))
        png, count, strokes = None, 0, ()
    # Compact layouts (phone, projector) keep Clear and the sample picker on one row, the picker's
    # label only for screen readers, so that the prediction below the canvas stays on the first
    # screen of a 360 x 740 phone.
    with st.container(key="pad_tools"):
        if compact:
            clear, sample = st.columns([1, 2], vertical_alignment="bottom")
        else:
            brush, clear = st.columns([3, 1], vertical_alignment="bottom")
            brush.slider(_("Brush width"), *config.BRUSH_RANGE, config.DEFAULT_BRUSH, key="brush")
            sample = st.container()
        clear.button(_("Clear"), on_click=clear_canvas, args=(generation,), width="stretch",
                     help=_("Empty the canvas. The bin in its toolbar goes back to how the pad opened instead: empty, or the drawing a link or a sample opened."))
        if not compact:
            st.caption(_("Draw one digit, 0 to 9, with the mouse or a finger."))
        if not samples:
            return png, count, strokes
        sample.selectbox(_(SAMPLE_LABEL), range(config.CONFIG.classes), index=None, key="sample_drawing",
                         format_func=lambda digit: _(SAMPLE_OPTION).format(digit=digit),
                         placeholder=_(SAMPLE_SHORT) if compact else _(SAMPLE_PLACEHOLDER),
                         help=None if compact else _(SAMPLE_HELP), on_change=load_sample,
                         label_visibility="collapsed" if compact else "visible")
    return png, count, strokes


def drawing_ui(compact: bool, samples: bool = True) -> Source:
    """The canvas, and the model input made of what is drawn on it. A drawing opened from a
    link is read from the link's own 28 x 28 input until a new stroke changes it."""
    linked = st.session_state.get("linked_drawing")
    png, count, strokes = canvas_ui(linked, compact, samples)
    name = f"drawing with {count} stroke{'s' * (count != 1)}"
    if linked is not None and count in (0, len(linked.strokes)):
        name = st.session_state.get("linked_name") or f"drawing with {len(linked.strokes)} strokes from a link"
        return Source(linked.image, None, name, links.Link(drawing=linked), too_small(*strokes_extent(linked.strokes)))
    if png is None:
        return Source(None, None, name)
    try:
        image, extent = model_input(png)
    except ValueError as error:
        st.warning(_("That drawing could not be read ({error}). Clear the canvas and try again.").format(error=error))
        return Source(None, None, name)
    # The brush the strokes were drawn with (the canvas says), else the slider's.
    brush = strokes_extent(strokes)[1] or st.session_state.get("brush", config.DEFAULT_BRUSH)
    return Source(image, None, name, links.Link(drawing=links.Drawing(strokes, image)) if strokes else links.Link(),
                  image is not None and too_small(extent, brush))


def new_gallery_page(page: int = 0) -> None:
    """A new kind, digit or page of thumbnails: load its first digit, so that what is shown
    matches what was asked for."""
    st.session_state.update(gallery_index=None, gallery_page=page)


def gallery_ui(mnist, summary) -> int:
    """Thumbnails of test digits, each with a button that loads it; returns the chosen index."""
    kind = st.segmented_control(_("Show"), gallery.GALLERY_KINDS, default="Random", key="gallery_kind",
                                required=True, on_change=new_gallery_page, format_func=_)
    digit = (st.segmented_control(_("Digit"), range(config.CONFIG.classes), default=0, key="gallery_digit",
                                  required=True, on_change=new_gallery_page) if kind == "By digit" else 0)
    page = st.session_state.setdefault("gallery_page", 0)
    indices = gallery.gallery_indices(summary, kind, digit, page)
    if st.session_state.get("gallery_index") is None:
        st.session_state.gallery_index = int(indices[0]) if len(indices) else 0
    chosen = st.session_state.gallery_index
    if len(indices) == 0:
        st.info(_("None of the {count:,} test digits is in “{kind}”.").format(count=len(summary.labels), kind=_(kind)))
    for row_start in range(0, len(indices), GALLERY_COLUMNS):
        for column, index in zip(st.columns(GALLERY_COLUMNS), indices[row_start:row_start + GALLERY_COLUMNS]):
            label, predicted = summary.labels[index], summary.predictions[index]
            column.image(gallery.thumbnail(mnist.test_images[index]),
                         caption=(_("{meant} read as {read}").format(meant=label, read=predicted)
                                  if label != predicted else f"{label} ✓"),
                         alt=_(GALLERY_ALT).format(label=label, predicted=predicted))
            column.button(f"#{index}", key=f"load_{index}", width="stretch",
                          help=_("Load test digit #{index} into the prediction and the playback").format(index=index),
                          type="primary" if index == chosen else "secondary",
                          on_click=lambda i=int(index): st.session_state.update(gallery_index=i))
    st.button(_("More like these"), on_click=new_gallery_page, args=(page + 1,))
    return chosen


def test_digit_ui(sha256: str, weights: LstmWeights) -> Source:
    """The gallery of MNIST test digits, when this machine has them; returns the chosen one."""
    folder = data_dir_from_env()
    folder = str(folder) if folder else None
    try:
        mnist = load_test_set(folder)
    except MnistFileError as error:
        mnist = None
        st.warning(_("The MNIST files could not be read: {error}").format(error=error))
    if mnist is None:
        st.info(_("No MNIST test set found on this machine. To browse real digits, set `MNIST_DIR` to "
                  "the folder holding the four IDX files (`t10k-images-idx3-ubyte.gz`, …), e.g. "
                  "`MNIST_DIR=/path/to/mnist streamlit run app.py`. Drawing works without it."))
        return Source(None, None, "no test digits")
    index = gallery_ui(mnist, summarise(folder, sha256, weights))
    if not 0 <= index < len(mnist.test_labels):
        st.warning(_("There is no test digit #{index}; the test set has {count:,}.").format(
            index=index, count=len(mnist.test_labels)))
        return Source(None, None, "no test digits")
    return Source(to_unit_float(mnist.test_images[index]), int(mnist.test_labels[index]),
                  f"test digit #{index}", links.Link(test_digit=index))


def source_ui(sha256: str, weights: LstmWeights, compact: bool, samples: bool = True) -> Source:
    """Draw or pick a test digit; only the open tab's source is read. The canvas is drawn in
    either case, so that a drawing survives a visit to the gallery."""
    draw_tab, gallery_tab = st.tabs([_(name) for name in SOURCES], key="source", on_change="rerun")
    with draw_tab:
        drawn = drawing_ui(compact, samples)
    if gallery_tab.open:
        with gallery_tab:
            return test_digit_ui(sha256, weights)
    return drawn


