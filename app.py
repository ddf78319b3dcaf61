"""Row-LSTM Explorer: draw a digit (or pick an MNIST test digit) and watch a one-layer LSTM read
it row by row, gate by gate, until its logistic-regression readout names the digit.

    canvas RGBA --preprocess--> 28 x 28 image --trace--> h, c, gates, probabilities --> figures

This file lays out the page as a short flow of *_ui() functions (main() at the bottom). The
maths lives in model/, the charts in page/figures.py, the words in page/explain.py, the canvas and the
gallery in page/sources.py, the three layouts in page/layouts.py, the analysis tabs in page/views.py
and the rooms in room/.
Run it with: streamlit run app.py
"""

import streamlit as st

st.set_page_config(page_title="Row-LSTM Explorer", page_icon=":material/table_rows:", layout="wide")

import gc  # noqa: E402 (set_page_config goes first)
import html  # noqa: E402
import json  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import i18n  # noqa: E402
from i18n import _  # noqa: E402
from model import config  # noqa: E402
from model.confidence import readout_energy  # noqa: E402
from model.data import sha256_of  # noqa: E402
from model.trace import LstmWeights, Trace, trace  # noqa: E402
from model.weights_file import read_weights  # noqa: E402
from page import explain, figures, layouts, links, sources, views  # noqa: E402
from page.chart_spec import ChartSpec  # noqa: E402
from page.metrics_check import check_metrics, energy_floor  # noqa: E402
from room import ui as room  # noqa: E402

STEPS = config.CONFIG.timesteps
CSS = Path(__file__).with_name("assets") / "page.css"


@st.cache_resource(show_spinner=False)  # model_file shows the spinner, in the reader's language
def load_weights(path: str) -> LstmWeights:
    weights = read_weights(path)  # zipfile + h5py: the server never imports TensorFlow
    # Build every figure once: Plotly validates and imports lazily, which made the first stroke
    # of a server's first visitor wait 1-3 s for work that takes tens of ms afterwards.
    figures.warm_up(trace(np.eye(STEPS, dtype=np.float32), weights))
    # What is alive now (the libraries, their modules, the model) lives as long as the server: out
    # of the cyclic collector's sight, its full collections stop scanning it on every stroke
    # (measured with 30 phones: docs/performance.md).
    gc.freeze()
    return weights


@st.cache_resource(show_spinner=False)
def model_sha256(path: str, modified_ns: int) -> str:
    return sha256_of(path)


def model_file(path: str) -> tuple[LstmWeights, str]:
    """A model file's weights and sha256, each read once per server."""
    with st.spinner(_("Loading the model…")):  # shown only if it takes over half a second
        return load_weights(path), model_sha256(path, Path(path).stat().st_mtime_ns)


def model_ui() -> tuple[LstmWeights, str]:
    """The model's weights and its file's sha256; without a model the page says how to make one."""
    path = str(config.MODEL_PATH)
    try:
        return model_file(path)
    except Exception as error:  # a missing, truncated or foreign file: say so, never a traceback
        st.error(_("The model file `{path}` could not be loaded ({error_type}: {error}).\n\n"
                   "Rebuild it with `python -m model.train`, then reload this page.").format(
                       path=path, error_type=type(error).__name__, error=error))
        st.stop()


def language_ui() -> str:
    """The language of this run: the one chosen on the page, else the link's ?lang=, else the
    browser's (st.context.locale), else English. Set for the whole run (i18n/__init__.py)."""
    if "lang" not in st.session_state:
        asked = i18n.normalise(st.query_params.get("lang"))
        st.session_state.lang = i18n.choose(asked, st.context.locale)
        st.session_state.lang_chosen = asked is not None  # a choice goes into the page's links
    i18n.use(st.session_state.lang)
    st.session_state.lang_shown = st.session_state.lang
    st.set_page_config(page_title=_("Row-LSTM Explorer"))
    # The document's language, for screen readers' voices and the browser's fonts (WCAG 3.1.1), set
    # by a script in a container that takes no room on the page.
    st.html("<style>div:has(> .st-key-page_language) { display: none; }</style>")  # the wrapper too: no gap
    with st.container(key="page_language"):
        st.html(f"<script>document.documentElement.lang = {json.dumps(st.session_state.lang)};</script>",
                unsafe_allow_javascript=True)
    return st.session_state.lang


def switch_language() -> None:
    """The language switch's callback: remember the choice (it goes into links) and keep the open
    tabs open, their labels being the tabs' state."""
    old, new = st.session_state.get("lang_shown", i18n.SOURCE_LANGUAGE), st.session_state.lang
    st.session_state.lang_chosen = True
    for key, names in (("source", sources.SOURCES), ("section", views.SECTIONS)):
        for name in names:
            with i18n.language(old):
                shown = _(name)
            if st.session_state.get(key) == shown:
                with i18n.language(new):
                    st.session_state[key] = _(name)


def chosen_language() -> str | None:
    """The language for permalinks: only one chosen by link or by the switch; otherwise each
    reader's browser decides."""
    return st.session_state.lang if st.session_state.get("lang_chosen") else None


def header_ui(mode: str, language: object | None = None) -> None:
    """The title, the layout and language switches and, on a laptop, what the page is about.
    `language`: where the language switch goes, if not under the layout switch."""
    if mode != "present":
        title, switch = st.columns([3, 2], vertical_alignment="center")
        title.title(_("Row-LSTM Explorer"))
    else:
        switch = st.container()
    switch.segmented_control(_("Layout"), tuple(layouts.MODES), format_func=layouts.mode_name, key="mode",
                             required=True, label_visibility="collapsed")
    # Under the layout switch: beside a one-line title, the two fit the title's height. A phone and a
    # projector have no height to spare: there it goes to the (folded) sidebar, or under the
    # projector's playback controls (also ?lang=).
    (language or switch).container(key="language_switch").segmented_control(
        _("Language"), i18n.languages(), format_func=i18n.language_name, key="lang", required=True,
        label_visibility="collapsed" if language is None else "visible", on_change=switch_language)
    if mode != "desktop":
        return
    st.markdown(_("An LSTM with {units} units reads a {steps} × {steps} digit **one row per step**: {steps} "
                  "steps of {features} pixels. After the last row, a logistic-regression readout turns its "
                  "final hidden state into ten probabilities. Draw a digit and watch it happen.").format(
                      units=config.CONFIG.units, steps=STEPS, features=config.CONFIG.features))


def result_ui(analysis: Trace | None, label: int | None, compact: bool, weights: LstmWeights,
              floor: float | None, too_small: bool = False) -> None:
    """The prediction, said as surely as the model holds it, and since when. `floor`: the
    model's measured energy floor (model/confidence.py); None when metrics.json lacks it. A
    drawing too small to read gets no digit and no percentage, only a request to draw bigger."""
    if too_small:
        with st.container(key="prediction"):
            st.metric(_(explain.TOO_SMALL_HEADLINE), "–", _("draw it bigger"), delta_color="off", delta_arrow="off",
                      border=True)
        st.markdown(explain.too_small_words())
        return
    if analysis is None:  # the card's place, kept for it: the prediction never pushes the page about
        with st.container(key="prediction_placeholder"):
            st.metric(_("Prediction"), "–", _("appears here as you draw"), delta_color="off", delta_arrow="off",
                      border=True)
        return
    probabilities = analysis.probabilities
    prediction, settle = int(analysis.prediction), int(analysis.decision_step)
    energy = readout_energy(analysis.hidden_states[-1], weights.readout_weights, weights.readout_bias)
    verdict = explain.verdict(probabilities, settle, STEPS, energy, floor)
    with st.container(key="prediction"):
        st.metric(verdict.headline, str(prediction), verdict.words, delta_color="off" if verdict.sure else "orange",
                  delta_arrow="off", border=True)
    if label is not None:
        reading = (_(":green[:material/check_circle: read correctly]") if label == prediction
                   else _(":red[:material/cancel: misread]"))
        st.markdown(_("**True label: {label}** {reading}").format(label=label, reading=reading))
    if compact:
        return
    st.markdown(explain.settle_sentence(analysis))
    st.caption(explain.runner_up_words(probabilities))


def input_ui(image: np.ndarray | None) -> None:
    """What the LSTM sees: the 28 x 28 input, or a prompt to draw."""
    st.subheader(_("What the LSTM sees"))
    if image is None:
        st.info(_("Draw a digit on the black canvas, 0 to 9. Every stroke updates the analysis."),
                icon=":material/draw:")
        return
    st.plotly_chart(ChartSpec(figures.input_spec(image)), width="content", alt=explain.input_alt(image), **views.PLOT)
    st.caption(_("{steps} × {steps} pixels, scaled and centred as in MNIST. Row t is the input $x_t$.").format(
        steps=STEPS))


def marker_ui(key: str, run: int, source: sources.Source, analysis: Trace | None) -> None:
    """An invisible marker the browser tests wait on (scripts/browser.py): data attributes in a
    hidden element, holding this run's number, its source and its prediction."""
    prediction = "" if analysis is None else str(int(analysis.prediction))
    with st.container(key=key):
        st.html(f'<span hidden data-run="{run}" data-source="{html.escape(source.name)}" '
                f'data-prediction="{prediction}"></span>')


def link_ui() -> links.Link:
    """The link this page was opened with, read once per session into the widgets' state."""
    link, problems = links.from_query(st.query_params.to_dict())
    if "opened_link" not in st.session_state:
        st.session_state.opened_link = link
        st.session_state.linked_drawing = link.drawing
        if link.test_digit is not None:
            st.session_state.update(source=_(sources.SOURCES[1]), gallery_index=link.test_digit)
        if link.view is not None:
            st.session_state.section = _(views.SECTIONS[links.VIEWS.index(link.view)])
        if link.step is not None:
            st.session_state.step = link.step
        st.session_state.mode = layouts.choose_mode(link.mode, st.context.headers.get("User-Agent", ""))
        for problem in problems:
            st.warning(problem)
    return st.session_state.opened_link


def main() -> None:
    language_ui()
    weights, sha256 = model_ui()
    check = check_metrics(config.METRICS_PATH, sha256)
    run = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    st.html(f"<style>{CSS.read_text()}</style>")  # the page's own styles, the wall's too
    room_code = room.room_ui()  # ?room=CODE (None without one); ?room=new opens a room
    if room_code is not None and room.is_wall():  # the projector's wall instead of the explorer
        room.wall_ui(room_code, check.metrics)
        return
    opened = link_ui()
    slots = layouts.layout(st.session_state.mode)
    if slots.mode == "present":  # the room sees the demonstration, not the rooms' controls
        st.set_page_config(initial_sidebar_state="collapsed")
    with slots.header:
        header_ui(slots.mode, slots.language)
        if room_code is not None:
            room.room_bar_ui(room_code, slots.mode)
    with slots.source:
        source = sources.source_ui(sha256, weights, slots.compact, samples=slots.mode != "present")
    readable = source.image is not None and not source.too_small  # a dot or a tiny digit gets no digit
    analysis = trace(source.image, weights) if readable else None
    with slots.result:  # filled first, so that the prediction reaches the browser first
        result_ui(analysis, source.label, slots.compact, weights, energy_floor(check.metrics), source.too_small)
        if room_code is not None and source.label is None and slots.mode != "present":  # projected: a demo
            room.send_ui(room_code, source.image, len(source.link.drawing.strokes) if source.link.drawing else 0,
                         analysis)
        marker_ui("result_marker", run, source, analysis)
    if slots.seen is not None:
        with slots.seen:
            input_ui(source.image)
    link = replace(source.link, step=st.session_state.get("step"), mode=slots.mode, lang=chosen_language())
    link = views.views_ui(views.ViewInputs(analysis, source.image, source.name, link, sha256, weights, check,
                                           slots, start_step=opened.step or 1, model_file=model_file))
    st.query_params.from_dict(links.to_query(link) | room.to_query(room_code))
    marker_ui("run_marker", run, source, analysis)


main()
