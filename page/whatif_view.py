"""The two "what if" views: "Rows, what if" (edit the input's rows and compare, and which rows
the answer needed) and "Where the state travels" (the drawing's h_1..h_t on a map of the test
digits' hidden states). Both follow the step in st.session_state["step"], the step that "One step
up close" shows. The maths is in model/row_edits.py and model/state_map.py, the charts in
figures_whatif.py, the words in explain.py; each view's sentence is its chart's text alternative.
"""

from pathlib import Path

import numpy as np
import streamlit as st
from threadpoolctl import threadpool_limits

import i18n
from model import config
from model.row_edits import RowEdit, occlusion, sensitivity
from model.state_map import STATE_MAP_PATH
from model.trace import LstmWeights, Trace, trace
from page import explain, figures_whatif
from page.chart_spec import ChartSpec
from page.figures import PLOT
from page.metrics_check import StateMapCheck, check_state_map

words = explain.whatif_words  # one of explain.WHATIF_WORDS, in the reader's language
STEPS = config.CONFIG.timesteps
EDITS = {"blank": "edit_blank_choice", "first_rows": "edit_first_rows_choice",  # each edit's words
         "reverse": "edit_reverse_choice", "shuffle": "edit_shuffle_choice"}
DEFAULT_BLANKED = (18, 22)  # the example: a 7 without its lower stroke
DEFAULT_KEPT = 14


@st.cache_resource(max_entries=64, show_spinner=False)
def row_influence(image: np.ndarray, sha256: str, _weights: LstmWeights) -> tuple[np.ndarray, np.ndarray]:
    """Occlusion and sensitivity per row, once per digit and model (two batched traces of 29).

    On one BLAS thread: OpenBLAS splits a (29, 128) x (128, 512) product across threads, and on
    a busy server its threads wait for each other. Measured here under load: 546 ms of CPU for
    the two traces with its default threads, 14 ms with one (scripts/benchmark.py --only views).
    """
    with threadpool_limits(1, user_api="blas"):
        return occlusion(image, _weights), sensitivity(image, _weights)


@st.cache_resource(max_entries=4, show_spinner=False)
def state_map_check(path: str, sha256: str, modified_ns: int, lang: str) -> StateMapCheck:
    """Once per map file, model and language (the problem, if any, is in words for the page)."""
    return check_state_map(path, sha256)


def step_slider(container) -> int:
    """The step, shared with "One step up close": the same widget (label, range, default and key)
    as that view's, so that moving it in one view moves it in the other."""
    return container.slider(words("step_label"), 1, STEPS, STEPS // 2, key="step")


def edit_ui(compact: bool) -> tuple[RowEdit, int]:
    """The edit (which one, and its rows or seed) and the step."""
    kind_column = st.container()  # the four choices need the whole width
    setting_column, step_column = (st.container(),) * 2 if compact else st.columns(2, gap="large")
    kind = kind_column.segmented_control(words("edit_label"), tuple(EDITS),
                                         format_func=lambda edit: words(EDITS[edit]), default="blank",
                                         required=True, key="row_edit")
    if kind == "blank":
        first, last = setting_column.slider(words("rows_blanked_label"), 1, STEPS, DEFAULT_BLANKED,
                                            key="rows_blanked")
        edit = RowEdit("blank", first, last)
    elif kind == "first_rows":
        edit = RowEdit("first_rows", last=setting_column.slider(words("rows_kept_label"), 0, STEPS,
                                                                DEFAULT_KEPT, key="rows_kept"))
    elif kind == "shuffle":
        edit = RowEdit("shuffle", seed=int(setting_column.number_input(words("seed_label"), 0, 9_999, 0, 1,
                                                                       key="shuffle_seed")))
    else:
        edit = RowEdit("reverse")
    return edit, step_slider(step_column)


def rows_ui(analysis: Trace | None, image: np.ndarray | None, sha256: str, weights: LstmWeights, mode: str) -> None:
    """Rows, what if: the edited input beside the original, then the row-influence strip."""
    if analysis is None:
        st.info(words("no_digit_rows"))
        return
    edit, t = edit_ui(compact=mode == "phone")
    edited = trace(edit.apply(image), weights)
    title = explain.whatif_edit_words(edit.kind, edit.first, edit.last, edit.seed)
    st.plotly_chart(ChartSpec(figures_whatif.rows_spec(analysis, edited, t, title, mode)), key="whatif_rows", **PLOT)
    with st.container(key="whatif_sentence"):
        st.markdown(explain.whatif_sentence(analysis, edited, edit.kind, edit.first, edit.last, edit.seed))
    st.subheader(words("influence_heading"))
    drop, moves = row_influence(image, sha256, weights)
    st.plotly_chart(ChartSpec(figures_whatif.influence_spec(analysis.inputs, drop, moves, int(analysis.prediction),
                                                            t, mode)), key="whatif_influence", **PLOT)
    with st.container(key="influence_sentence"):
        st.markdown(explain.influence_sentence(analysis, drop, moves))


def map_ui(analysis: Trace | None, sha256: str, mode: str) -> None:
    """Where the state travels: the drawing's path on the map, or why there is no map."""
    if analysis is None:
        st.info(words("no_digit_map"))
        return
    path = Path(STATE_MAP_PATH)
    modified_ns = path.stat().st_mtime_ns if path.exists() else 0
    check = state_map_check(str(path), sha256, modified_ns, i18n.current())
    if check.state_map is None:
        st.info(words("no_map").format(problem=check.problem), icon=":material/map:")
        return
    t = step_slider(st.container() if mode == "phone" else st.columns([1, 2])[0])
    figure = figures_whatif.state_map_spec(check.state_map, analysis.hidden_states, t, mode)
    st.plotly_chart(ChartSpec(figure), key="state_map", **PLOT)
    with st.container(key="map_sentence"):
        st.markdown(explain.map_sentence(check.state_map, analysis.hidden_states, t))
