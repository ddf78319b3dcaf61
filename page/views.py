"""The analysis views under the input, one per tab: the row-by-row playback, one step up close,
the answer (answer_view.py): why a logistic regression, why the final output, and from the
last output to a digit; and the "what if" views (whatif_view.py): edit the rows, and where the
hidden state travels. Each *_ui function draws one view; figures come from figures.py and
words from explain.py. Only the open tab's view is computed and drawn."""

import html
import json
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import streamlit as st

import i18n
from i18n import N_, _
from model import config
from model.trace import LstmWeights, Trace
from page import answer_view, explain, export, figures, links, whatif_view
from page.chart_spec import ChartSpec
from page.layouts import Slots
from page.metrics_check import MetricsCheck

SPEEDS_MS, DEFAULT_SPEED_MS = (50, 100, 200, 400, 800), 200  # 200 ms per row: one person can follow
PRESENT_SPEED_MS = 400  # a room, listening to the speaker too, needs twice as long
SECTIONS = (N_(":material/play_circle: Row by row"), N_(":material/center_focus_strong: One step up close"),
            N_(":material/help: Why logistic regression? Why the final output?"),
            N_(":material/output: From the last output to a digit"), N_(":material/splitscreen: Rows, what if"),
            N_(":material/scatter_plot: Where the state travels"))  # shown with _()
PLOT = figures.PLOT
# Real, focusable buttons that drive the playback's Plotly controls: see the file for how.
PLAYBACK_CONTROLS_JS = (Path(__file__).resolve().parents[1] / "assets" / "playback_controls.js").read_text()
PRESENT_CHART_TEXT_PX = 16  # a projector's smallest legible chart text, at the back of a room


def for_screen(figure, mode: str):
    """The figure as the layout needs it: on a projector, every text at least 16 px."""
    if mode != "present":
        return figure
    return ChartSpec(figures.larger_text(figure.to_dict(), PRESENT_CHART_TEXT_PX))


# Figures are cached per input (the image and the model file's sha256), settings and language (their
# words), so that a rerun that changes none of them (a speed, a tab, a toggle) sends them again
# without building them.
# One playback figure holds about 0.6 MB of Python objects: a few dozen cover the sessions that
# are changing settings right now, without growing a classroom server's memory.
@st.cache_resource(max_entries=24, show_spinner=False)
def playback(image: np.ndarray, sha256: str, frame_ms: int, mode: str, show_ending: bool, start_step: int,
             lang: str, _analysis: Trace):
    # Sent as it is, without Plotly's checks on every stroke: see chart_spec.py.
    with i18n.language(lang):
        return ChartSpec(figures.playback_spec(_analysis, frame_ms, mode, show_ending, start_step))


@st.cache_resource(max_entries=24, show_spinner=False)
def step_descriptions(image: np.ndarray, sha256: str, lang: str, _analysis: Trace) -> list[str]:
    with i18n.language(lang):
        return explain.step_descriptions(_analysis)


@st.cache_resource(max_entries=64, show_spinner=False)
def step_up_close(image: np.ndarray, sha256: str, t: int, lang: str, _analysis: Trace):
    with i18n.language(lang):
        return ChartSpec(figures.step_spec(_analysis, t))


@dataclass(frozen=True)
class ViewInputs:
    """Everything the analysis views read, in one place: the digit and its trace, the model, the
    measured metrics, where the views go, and what the address bar asked for."""

    analysis: Trace | None  # None: no digit yet
    image: np.ndarray | None  # the model's 28 x 28 input
    source_name: str  # "drawing with 2 strokes", "test digit #1234": for the exported data
    link: links.Link  # what is on screen, as the address bar keeps it
    sha256: str  # the model file's, the figures' cache key
    weights: LstmWeights
    check: MetricsCheck
    slots: Slots
    start_step: int  # the step a link opened the playback on
    model_file: answer_view.ModelFile  # the page's loader (path -> weights, sha256), for the second model


def views_ui(inputs: ViewInputs) -> links.Link:
    """The analysis tabs; only the open one is computed and drawn. Returns the link to what is
    on screen, with the open view."""
    with inputs.slots.views:
        tabs = st.tabs([_(name) for name in SECTIONS], key="section", on_change="rerun")
    playback_tab, step_tab, why_tab, readout_tab, rows_tab, map_tab = tabs
    view = links.VIEWS[[tab.open for tab in tabs].index(True)]
    link = replace(inputs.link, view=view)
    if playback_tab.open:
        with playback_tab:
            playback_ui(replace(inputs, link=link))
    mode = inputs.slots.mode
    if step_tab.open:
        with step_tab:
            step_ui(inputs.analysis, inputs.image, inputs.sha256, mode)
    if why_tab.open:
        with why_tab:
            answer_view.why_ui(inputs.analysis, inputs.check, inputs.model_file, lambda f: for_screen(f, mode))
    if readout_tab.open:
        with readout_tab:
            answer_view.readout_ui(inputs.analysis, inputs.weights, lambda f: for_screen(f, mode))
    if rows_tab.open:
        with rows_tab:
            whatif_view.rows_ui(inputs.analysis, inputs.image, inputs.sha256, inputs.weights, inputs.slots.mode)
    if map_tab.open:
        with map_tab:
            whatif_view.map_ui(inputs.analysis, inputs.sha256, inputs.slots.mode)
    return link


def share_ui(analysis: Trace, source_name: str, link: links.Link, short: bool = False) -> None:
    """A link to what is on screen, to copy, and the playback and the numbers to take away.
    `short`: a one-word label, for the presenter's narrow column."""
    address = f"{(st.context.url or '').split('?')[0]}?{urlencode(links.to_query(link))}"
    lang = i18n.current()  # the downloads are made after this run, outside its language context

    def gif() -> bytes:
        with i18n.language(lang):
            return export.playback_gif(analysis)

    with st.popover(_(":material/share: Share") if short else _(":material/share: Link, GIF, data"), key="share",
                    width="stretch"):
        st.caption(_("A link to this digit, view and layout (copy it with the icon on the right):"))
        st.code(address, language=None, wrap_lines=True)
        st.download_button(_("Download GIF of the playback"), gif,
                           file_name="row-lstm-playback.gif", mime="image/gif", icon=":material/gif_box:",
                           on_click="ignore", key="download_gif")
        st.download_button(_("Download data (JSON: probabilities, gates, h_t per step)"),
                           lambda: export.trace_json(analysis, source_name), file_name="row-lstm-trace.json",
                           mime="application/json", icon=":material/download:", on_click="ignore",
                           key="download_data")


def playback_ui(inputs: ViewInputs) -> None:
    analysis, slots = inputs.analysis, inputs.slots
    if analysis is None:
        st.info(_("The row-by-row playback appears here once there is a digit to read."))
        return
    steps = config.CONFIG.timesteps
    if slots.controls is not None:  # a narrow column of its own: the speed, then the toggle and the menu
        speed_column = slots.controls
        ending_column, share_column = slots.controls.columns([1.4, 1], vertical_alignment="center")
    else:
        speed_column, ending_column, share_column = st.columns([2, 1.2, 1.3], vertical_alignment="bottom")
    present = slots.mode == "present"  # the value says what it is: the label's line is the projector's to spare
    frame_ms = speed_column.select_slider(_("Playback speed (ms per step)"), SPEEDS_MS,
                                          PRESENT_SPEED_MS if present else DEFAULT_SPEED_MS, key="speed",
                                          format_func=lambda ms: (_("{ms} ms per step").format(ms=ms) if present
                                                                  else str(ms)),
                                          label_visibility="collapsed" if present else "visible")
    show_ending = ending_column.toggle(_("Show the ending"), key="show_ending",
                                       help=_("Draw every step's readout, faint, from the start"))
    with share_column:
        share_ui(analysis, inputs.source_name, inputs.link, short=present)
    if slots.mode == "desktop":
        st.caption(_("Press Play above the chart (the keys step too), or ▶ Play and the slider under it. At step t "
                     "the LSTM has read rows 1…t. The readout is applied to every $h_t$, though trained on "
                     "$h_{{{last}}}$ only.").format(last=steps))
    figure = playback(inputs.image, inputs.sha256, frame_ms, slots.mode, show_ending, inputs.start_step,
                      i18n.current(), analysis)
    # Above the chart in every layout. On a projector the room reads the chart's own caption, so
    # the words (the live region, for screen readers) move off screen and the buttons take one row.
    playback_controls_ui(step_descriptions(inputs.image, inputs.sha256, i18n.current(), analysis), inputs.start_step,
                         projected=slots.mode == "present")
    # A projector's playback takes the screen's height (PRESENT_CSS sizes its box; no rerun asks the
    # browser for it); elsewhere the figure's own height.
    st.plotly_chart(figure, key="playback", theme=None, alt=explain.playback_alt(analysis),
                    height="stretch" if present else "content",
                    config=PLOT["config"] | {"displayModeBar": slots.mode == "desktop"})
    # Built when opened (a rerun), not on every stroke: most strokes are drawn with it folded.
    with st.expander(_(explain.TABLE_TITLE), icon=":material/table:", key="step_table", on_change="rerun") as table:
        if table.open:
            st.table(explain.step_table(analysis), hide_index=True)


def playback_controls_ui(descriptions: list[str], start_step: int, projected: bool = False) -> None:
    """Buttons for the playback that the keyboard reaches (first, previous, play/pause, next,
    last), and the step's description in words (`descriptions`, one per step), an ARIA live region
    that follows the figure. assets/playback_controls.js binds them to the figure in the browser:
    no rerun per step."""
    start_step = min(max(start_step, 1), len(descriptions))
    labels = {action: _(label) for action, label in explain.PLAYBACK_BUTTONS.items()}  # the reader's language
    pressed = {"play": ' aria-pressed="false"'}  # a toggle: Play, or Pause while playing
    buttons = "".join(f'<button type="button" data-action="{action}"{pressed.get(action, "")}>'
                      f"{html.escape(labels[action])}</button>" for action in ("first", "previous", "play", "next", "last"))
    st.html(f'<div class="playback-controls{" projected" if projected else ""}" role="group" '
            f'aria-label="{html.escape(_(explain.PLAYBACK_CONTROLS))}" '
            f'data-descriptions="{html.escape(json.dumps(descriptions))}" data-step="{start_step}" '
            f'data-playing="false" data-play-label="{html.escape(labels["play"])}" '
            f'data-pause-label="{html.escape(labels["pause"])}">'
            f'<div class="playback-buttons">{buttons}</div>'
            f'<p class="playback-description" aria-live="polite" aria-atomic="true">'
            f"{html.escape(descriptions[start_step - 1])}</p>"
            f'<p class="playback-keys">{html.escape(_(explain.PLAYBACK_KEYS))}</p></div>'
            f"<script>{PLAYBACK_CONTROLS_JS}</script>", unsafe_allow_javascript=True)


def step_ui(analysis: Trace | None, image, sha256: str, mode: str = "desktop") -> None:
    if analysis is None:
        st.info(_("Gates and states of any one step appear here once there is a digit to read."))
        return
    steps = config.CONFIG.timesteps
    # On a projector the figure's six panel titles, in larger text, need the wider column.
    figure_column, equation_column = st.columns([3, 2] if mode == "present" else [1, 1], gap="large")
    t = equation_column.slider(_("Step t"), 1, steps, steps // 2, key="step")
    numbers = explain.step_numbers(analysis, t)
    figure_column.plotly_chart(for_screen(step_up_close(image, sha256, t, i18n.current(), analysis), mode),
                               alt=explain.step_alt(numbers, t), **PLOT)
    with equation_column:
        st.markdown(_("At step {t} the LSTM reads row {t} ({ink:.1f} pixels' worth of ink) and updates all "
                      "{units} units at once. On the right, this step's numbers:").format(
                          t=t, ink=numbers["ink"], units=numbers["units"]))
        # Each number under its equation in every layout: beside it, a 1280 px laptop cut the numbers off.
        st.latex(explain.step_equations(numbers, stacked=True))
        st.caption(_("Gates: :green[teal] above one half (open), :orange[amber] below. States: "
                     ":red[red] positive, :blue[blue] negative. σ squashes to 0…1; ⊙ multiplies unit "
                     "by unit. W, U and b hold the four gates side by side, in Keras's order i, f, g, "
                     "o. V and $b_V$ are the readout, trained on $h_{{{last}}}$ alone.").format(last=steps))
