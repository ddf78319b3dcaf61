"""Figure builders for the page: a trace (and the measured metrics) in, a Plotly figure out.

Every function here is pure: no Streamlit calls, no model, no global state, so the tests can
check a figure without a browser. The playback figure animates in the browser with Plotly's own
frames (Plotly.animate), so playing it costs the server nothing; each frame updates only the few
traces that change, and the hidden-state heatmap grows by one column per step instead of
repeating all 28.

Titles, axis titles, labels and hover text are in the language of the run (i18n/__init__.py);
symbols (h, V, softmax) and numbers are the same in every language.
"""

import copy
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale
from plotly.subplots import make_subplots

from i18n import _
from model.trace import Trace, first_inked_step
from page import explain

# Colours, shared by every figure so that a digit keeps its colour from chart to chart.
# One colour per digit (D3's palette, its grey swapped for a slate that reads as a colour).
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#3f4a5a")
INK_COLOURSCALE = [[0.0, "#0e1117"], [1.0, "#ffffff"]]  # white ink on a dark field, like the canvas
STATE_COLOURSCALE = get_colorscale("RdBu_r")  # h and c: blue negative, white zero, red positive
HIGHLIGHT = "#ffb000"  # "now": the row being read and the current step
UNREAD_SHADE = "rgba(14, 17, 23, 0.78)"  # laid over rows the LSTM has not read yet
GATE_COLOURS = {"open": "#2a9d8f", "closed": "#e9a23b"}  # gate above / below one half
SIGN_COLOURS = {"positive": "#d6604d", "negative": "#4393c3"}  # as in STATE_COLOURSCALE
MUTED = "#9aa0a6"
FONT = dict(family="Source Sans Pro, sans-serif", size=13)
TEMPLATE = "plotly_white"  # the page passes theme=None: each figure's look is set here, once

# How the page shows every figure: with the figure's own template (Streamlit's chart theme would
# restyle it on every render), without Plotly's logo and lasso tools.
PLOT = dict(theme=None, config={"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d"]})

INPUT_SIZE = 300
DEFAULT_FRAME_MS = 200

def _row_box(row: int, width: int) -> tuple[list[float], list[float]]:
    """Outline of image row `row` (0-based) as a closed polygon in pixel coordinates."""
    top, bottom = row - 0.5, row + 0.5
    return [-0.5, width - 0.5, width - 0.5, -0.5, -0.5], [top, top, bottom, bottom, top]


def _unread_block(steps_read: int, size: int) -> tuple[list[float], list[float]]:
    """Polygon covering the rows below the last one read (empty once every row is read)."""
    top, bottom = steps_read - 0.5, size - 0.5
    return [-0.5, size - 0.5, size - 0.5, -0.5, -0.5], [top, top, bottom, bottom, top]


def _pixel_axis_settings(size: int) -> tuple[dict, dict]:
    """Square pixel axes with row 1 at the top, ticks every 7 pixels, labelled 1-based."""
    ticks = dict(tickvals=list(range(0, size, 7)), ticktext=[str(v + 1) for v in range(0, size, 7)])
    x = dict(range=[-0.5, size - 0.5], showgrid=False, zeroline=False, constrain="domain", **ticks)
    y = dict(range=[size - 0.5, -0.5], showgrid=False, zeroline=False, constrain="domain",
             scaleanchor="x", **ticks)  # "x": the input's own x axis, the first in every figure
    return x, y


def _input_heatmap(image: np.ndarray, **kwargs) -> dict:
    return dict(type="heatmap", z=image, zmin=0.0, zmax=1.0, colorscale=INK_COLOURSCALE, showscale=False,
                hovertemplate=_("row %{y}, column %{x}: %{z:.2f}") + "<extra></extra>",
                x=np.arange(image.shape[1]), y=np.arange(image.shape[0]), **kwargs)


@lru_cache(maxsize=16)
def _cached_subplot_layout(**settings) -> dict:
    return make_subplots(**settings).layout.to_plotly_json()


def _subplot_layout(**settings) -> dict:
    """make_subplots(**settings)'s layout as a dict of one's own: made once per settings (it costs
    more than the rest of a figure), then copied."""
    return copy.deepcopy(_cached_subplot_layout(**settings))


def _merged(style: dict, update: dict) -> dict:
    """A trace's fixed style with one step's values; nested dicts (marker.line) merged key by key."""
    merged = dict(style)
    for key, value in update.items():
        both_dicts = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _merged(merged[key], value) if both_dicts else value
    return merged


def input_figure(image: np.ndarray) -> go.Figure:
    """The 28 x 28 model input, one cell per pixel, large enough to see each one."""
    return go.Figure(**input_spec(image))


def input_spec(image: np.ndarray) -> dict:
    """input_figure as plain dicts (data, layout), for chart_spec.ChartSpec."""
    size = image.shape[0]
    x, y = _pixel_axis_settings(size)
    return dict(data=[_input_heatmap(image)], layout=dict(
        xaxis=x, yaxis=y, width=INPUT_SIZE, height=INPUT_SIZE, margin=dict(l=30, r=10, t=10, b=30),
        font=FONT, template=TEMPLATE, plot_bgcolor="#0e1117"))


def _readout_bars(probabilities: list[float], percents: list[str], leader: int) -> dict:
    """Bar properties for one step's readout (`percents`: the probabilities in words): the leading
    digit outlined and labelled."""
    text = [words if d == leader else "" for d, words in enumerate(percents)]
    line_widths = [3 if d == leader else 0 for d in range(len(percents))]
    return dict(y=probabilities, text=text, customdata=percents, marker=dict(line=dict(width=line_widths)))


@dataclass(frozen=True)
class PlaybackLayout:
    """How the playback is laid out for one kind of screen."""

    stacked: bool  # one column of three panels (no heatmap), for a phone; else a 2 x 2 grid
    height: int  # px
    font_size: int  # every chart text; the caption and panel titles are larger
    caption_size: int
    slider_labels_every: int  # label every n-th step of the slider (the caption names the step)


PLAYBACK_LAYOUTS = {
    "desktop": PlaybackLayout(stacked=False, height=700, font_size=14, caption_size=20, slider_labels_every=1),
    # 1280 x 720 at 100%: the page's top bar and the caption leave about 610 px for the chart.
    "present": PlaybackLayout(stacked=False, height=540, font_size=16, caption_size=24, slider_labels_every=3),
    "phone": PlaybackLayout(stacked=True, height=1010, font_size=13, caption_size=15, slider_labels_every=9),
}
def _clearance(probabilities: np.ndarray, columns, candidates: np.ndarray) -> np.ndarray:
    """For each candidate height, its distance to the nearest curve point in the given steps."""
    values = probabilities[[t - 1 for t in columns]].ravel()
    return np.abs(candidates[:, None] - values[None, :]).min(axis=1)


def label_place(probabilities: np.ndarray, step: int, span: int = 6) -> tuple[float, bool]:
    """Where a label beside a vertical line at `step` (1-based) covers the fewest curves: the
    side (left: True) and the height in 0.12..0.88 farthest from every probability curve over the
    `span` steps on that side. probabilities: (T, classes). Returns (height, left)."""
    steps = len(probabilities)
    candidates = np.linspace(0.12, 0.88, 20)
    sides = {True: range(max(step - span, 1), step + 1), False: range(step, min(step + span, steps) + 1)}
    if step - span < 1 or step + span > steps:  # too close to an edge: the label goes on the roomier side
        sides = {step > steps / 2: sides[step > steps / 2]}
    best = max(((clearance.max(), left, float(candidates[clearance.argmax()]))
                for left, columns in sides.items()
                for clearance in [_clearance(probabilities, columns, candidates)]))
    return best[2], best[1]


def playback_figure(trace: Trace, frame_ms: int = DEFAULT_FRAME_MS, layout_name: str = "desktop",
                    show_ending: bool = False, start_step: int = 1) -> go.Figure:
    """Row-by-row playback, checked by Plotly; see playback_spec."""
    return go.Figure(**playback_spec(trace, frame_ms, layout_name, show_ending, start_step))


def playback_spec(trace: Trace, frame_ms: int = DEFAULT_FRAME_MS, layout_name: str = "desktop",
                  show_ending: bool = False, start_step: int = 1) -> dict:
    """Row-by-row playback: one frame per timestep t = 1..T, played by Plotly in the browser.

    At step t the panels agree and show nothing the LSTM has not read yet: the input with row t
    outlined and unread rows shaded; the hidden states h_1..h_t as a units x steps heatmap
    (later columns empty; left out of the phone layout); the readout's ten probabilities at step
    t, the leader outlined; and the ten probability curves drawn up to step t, an amber band and
    dots marking "now". A caption above says what happens at step t. The step where the
    prediction settles is marked once the playback reaches it; `show_ending` adds the whole
    curves, faint, and the settle line from the start. The figure opens on `start_step`.

    The heatmap is one single-column trace per step, and a frame only switches columns on or
    off, so 28 frames cost a few kilobytes instead of 28 copies of the growing matrix. (Frames
    also could not carry it as NumPy arrays: plotly.js decodes the base64 typed arrays that
    plotly.py makes of them in a figure's data, but not a 2-D one in its frames.) The figure is
    assembled from plain, nested dicts (no "marker_line_width" shorthand), so that the page can
    send it without Plotly's checks (chart_spec.py); playback_figure checks it.
    """
    style = PLAYBACK_LAYOUTS[layout_name]
    steps, size = trace.inputs.shape
    units = trace.hidden_states.shape[1]
    probabilities = trace.step_probabilities  # (T, classes)
    axis, layout = _playback_grid(style, steps, units)
    on = {name: dict(xaxis=f"x{number}", yaxis=f"y{number}") for name, number in axis.items()}
    settle = int(trace.decision_step)
    settle_height, settle_left = label_place(probabilities, settle)

    static = [_input_heatmap(trace.inputs, name="input")]
    if show_ending:  # the whole story, faint, behind the curves drawn so far
        static += [dict(type="scatter", x=list(range(1, steps + 1)), y=probabilities[:, digit], mode="lines",
                        name=f"ending {digit}", line=dict(color=CLASS_COLOURS[digit], width=1.5),
                        opacity=0.22, hoverinfo="skip", showlegend=False, **on["curves"])
                   for digit in range(probabilities.shape[1])]
    story = _Story.of(trace, settle_height)
    styles = _animated_styles(trace, story, style, on, settle_left)

    def animated(t: int) -> list[dict]:
        return _step_updates(story, t, style, show_ending)

    data = static + [_merged(style_, update) for style_, update in zip(styles, animated(start_step))]
    animated_traces = list(range(len(static), len(data)))
    frames = [dict(name=str(t), data=animated(t), traces=animated_traces,
                   layout=dict(title=dict(text=explain.step_caption(trace, t))))
              for t in range(1, steps + 1)]

    def axes(name: str, **settings) -> dict:
        number = axis[name]
        return {f"xaxis{number}": layout[f"xaxis{number}"] | settings.get("x", {}),
                f"yaxis{number}": layout[f"yaxis{number}"] | settings.get("y", {})}

    pixel_x, pixel_y = _pixel_axis_settings(size)
    step_axis = dict(range=[0.5, steps + 0.5], tickvals=[1, 7, 14, 21, 28])
    states = {} if style.stacked else axes(
        "states", x=step_axis, y=dict(range=[0.5, units + 0.5], title=dict(text=_("unit")),
                                      tickvals=[1, 32, 64, 96, 128]))
    state_limit = max(float(np.abs(trace.hidden_states).max()), 1e-6)
    top, bottom = style.caption_size * 2 + 24, 96 if style.stacked else 84
    layout.update(
        **axes("input", x=pixel_x, y=pixel_y),
        **states,
        **axes("readout", x=dict(tickvals=list(range(probabilities.shape[1])), fixedrange=True),
               y=dict(range=[0, 1.15], tickformat=".0%", tickvals=[0, 0.5, 1], fixedrange=True)),
        **axes("curves", x=step_axis | dict(title=dict(text=_("step t"), standoff=2)),
               y=dict(range=[0, 1.04], tickformat=".0%", tickvals=[0, 0.5, 1])),
        title=dict(text=explain.step_caption(trace, start_step), x=0.0, xanchor="left", y=1.0, yanchor="top",
                   yref="container", pad=dict(t=8, l=4), font=dict(size=style.caption_size, color="#111")),
        height=style.height, margin=dict(l=48, r=24, t=top, b=bottom), font=FONT | dict(size=style.font_size),
        template=TEMPLATE, bargap=0.25, plot_bgcolor="white", showlegend=False,
        coloraxis=dict(colorscale=STATE_COLOURSCALE, cmid=0.0, cmin=-state_limit, cmax=state_limit,
                       colorbar=dict(title=dict(text="h", side="top"), len=0.45, y=0.78, thickness=12),
                       showscale=not style.stacked),
        **_playback_controls(style, frame_ms, start_step, steps),
    )
    for annotation in layout["annotations"]:  # the panel titles, lifted clear of the top tick labels
        annotation.update(font=dict(size=style.font_size + 2), yshift=8)
    return dict(data=data, layout=layout, frames=frames)


def _playback_grid(style: PlaybackLayout, steps: int, units: int) -> tuple[dict, dict]:
    """The panels' axes (x/y the input, then the readout, the curves and, in the 2 x 2 grid, the
    hidden states) and the subplot layout that places them."""
    if style.stacked:
        return dict(input="", readout="2", curves="3"), _subplot_layout(
            rows=3, cols=1, row_heights=(0.36, 0.28, 0.36), vertical_spacing=0.09,
            subplot_titles=(_("Input: rows 1…t read"), _("Readout at step t"), _("The readout, steps 1…t")))
    return dict(input="", states="2", readout="3", curves="4"), _subplot_layout(
        rows=2, cols=2, column_widths=(0.36, 0.64), row_heights=(0.54, 0.46),
        horizontal_spacing=0.09, vertical_spacing=0.16,
        subplot_titles=(_("Input: rows 1…t of {steps} read").format(steps=steps),
                        _("Hidden state h<sub>1</sub>…h<sub>t</sub>: {units} units").format(units=units),
                        _("Readout softmax(V h<sub>t</sub> + b) at step t"),
                        _("The readout at steps 1…t of {steps}").format(steps=steps)))


def settle_label(trace: Trace) -> str:
    """The words on the settle line, which say what "settles" means: from that step to the end
    the readout's answer stays the same (model.trace.decision_step). An answer held from before
    the ink is said as such: the ink did not decide it."""
    prediction, settle = int(trace.prediction), int(trace.decision_step)
    first_ink = first_inked_step(trace.inputs)
    if first_ink is not None and settle < first_ink:
        return _("{digit} from step {step} to the end:<br>before the ink (row {first_ink}) ").format(
            digit=prediction, step=settle, first_ink=first_ink)
    return _("settles: {digit} from<br>step {step} to the end ").format(digit=prediction, step=settle)


def _animated_styles(trace: Trace, story: "_Story", style: PlaybackLayout, on: dict,
                     settle_left: bool) -> list[dict]:
    """The look of the traces that frames change, in the order _step_updates lists their updates."""
    classes = trace.step_probabilities.shape[1]
    digits = list(range(classes))
    styles = [
        dict(name="unread rows", fill="toself", fillcolor=UNREAD_SHADE, mode="none", hoverinfo="skip",
             showlegend=False),
        dict(name="row t", mode="lines", line=dict(color=HIGHLIGHT, width=3), hoverinfo="skip",
             showlegend=False),
        dict(name="readout", x=digits, marker=dict(color=CLASS_COLOURS[:classes], line=dict(color="#0e1117")),
             textposition="outside", textfont=dict(size=style.font_size + 2), constraintext="none",
             cliponaxis=False, showlegend=False, hovertemplate=_("digit %{x}: %{customdata}") + "<extra></extra>",
             **on["readout"]),
        dict(name="step t", fill="toself", fillcolor="rgba(255, 176, 0, 0.28)", mode="lines",
             line=dict(color=HIGHLIGHT, width=2), hoverinfo="skip", showlegend=False, **on["curves"]),
        *(dict(name=str(digit), mode="lines", x0=1, dx=1, line=dict(color=CLASS_COLOURS[digit], width=3),
               customdata=[row[digit] for row in story.percents],
               hovertemplate=_("digit {digit}, step %{{x}}: %{{customdata}}").format(digit=digit)
               + "<extra></extra>", showlegend=False,
               **on["curves"]) for digit in digits),
        dict(name="now", mode="markers+text", marker=dict(color=CLASS_COLOURS[:classes], size=11,
             line=dict(color="white", width=1.5)), textfont=dict(size=style.font_size + 2),
             cliponaxis=False, hoverinfo="skip", showlegend=False, **on["curves"]),
        dict(name="settles", mode="lines+text", line=dict(color=MUTED, dash="dash", width=2),
             textposition="middle left" if settle_left else "middle right", textfont=dict(color="#555"),
             cliponaxis=False, hoverinfo="skip", showlegend=False, **on["curves"]),
    ]
    if not style.stacked:
        styles += [
            dict(name="h now", mode="lines", line=dict(color=HIGHLIGHT, width=3), hoverinfo="skip",
                 showlegend=False, **on["states"]),
            *(dict(name=f"h_{t}", z=trace.hidden_states[t - 1][:, None], x0=t, dx=1, y0=1, dy=1,
                   coloraxis="coloraxis",
                   hovertemplate=_("step {t}, unit %{{y}}: h = %{{z:.2f}}").format(t=t) + "<extra></extra>",
                   **on["states"]) for t in range(1, len(trace.hidden_states) + 1)),
        ]
    return styles


@dataclass(frozen=True)
class _Story:
    """What every frame of the playback draws from, worked out once per figure rather than once per
    frame: the probabilities as frames carry them (three decimals, the 0.1% that explain.percent
    shows in the hover, rounded in float64 so that JSON writes 0.102 and not float32's
    0.10199999809265137: these numbers are most of every frame), the same in words, and the settle
    line (its step, height and words)."""

    shown: list[list[float]]  # [t - 1][digit]
    curves: list[list[float]]  # [digit][t - 1]
    percents: list[list[str]]  # [t - 1][digit]
    leaders: list[int]  # [t - 1]: the readout's answer, from the unrounded probabilities
    size: int  # pixels per row
    units: int
    settle: int
    settle_height: float
    label: str

    @classmethod
    def of(cls, trace: Trace, settle_height: float) -> "_Story":
        shown = np.round(trace.step_probabilities.astype(np.float64), 3)
        return cls(shown=shown.tolist(), curves=shown.T.tolist(),
                   percents=[[explain.percent(p) for p in row] for row in trace.step_probabilities],
                   leaders=trace.step_predictions.tolist(), size=trace.inputs.shape[1],
                   units=trace.hidden_states.shape[1], settle=int(trace.decision_step),
                   settle_height=settle_height, label=settle_label(trace))


def _step_updates(story: _Story, t: int, style: PlaybackLayout, show_ending: bool) -> list[dict]:
    """What changes at step t (1-based), one update per trace of _animated_styles."""
    steps, settle, shown = len(story.shown), story.settle, story.shown[t - 1]
    digits = range(len(shown))
    unread_x, unread_y = _unread_block(t, story.size)
    row_x, row_y = _row_box(t - 1, story.size)
    leader = story.leaders[t - 1]
    settled = show_ending or t >= settle
    updates = [
        dict(type="scatter", x=unread_x, y=unread_y),
        dict(type="scatter", x=row_x, y=row_y),
        dict(type="bar", **_readout_bars(shown, story.percents[t - 1], leader)),
        dict(type="scatter", x=[t - 0.45, t + 0.45, t + 0.45, t - 0.45, t - 0.45], y=[0, 0, 1.02, 1.02, 0]),
        *(dict(type="scatter", y=story.curves[digit][:t]) for digit in digits),  # at x = 1, 2, ...
        dict(type="scatter", x=[t] * len(digits), y=shown,
             text=[str(d) if d == leader else "" for d in digits],
             textposition="middle left" if t > steps - 4 else "middle right"),
        dict(type="scatter", x=[settle] * 3 if settled else [], y=[0, story.settle_height, 1.02] if settled else [],
             text=["", story.label, ""] if settled else []),
    ]
    if not style.stacked:
        updates.append(dict(type="scatter", x=[t - 0.5, t + 0.5, t + 0.5, t - 0.5, t - 0.5],
                            y=[0.5, 0.5, story.units + 0.5, story.units + 0.5, 0.5]))
        updates += [dict(type="heatmap", visible=column <= t) for column in range(1, steps + 1)]
    return updates


def _playback_controls(style: PlaybackLayout, frame_ms: int, start_step: int, steps: int) -> dict:
    """Play/Pause and the step slider, below the axis titles: the slider beside the buttons (on a
    phone, below them), so that nothing collides."""
    instant = dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0), mode="immediate")
    play = dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    # Anchored to the plot area's bottom edge (y = 0) and pushed down in pixels, so they keep their
    # place whatever height the browser gives the figure (a projector's fills the screen).
    buttons_pad = 44 if not style.stacked else 40
    slider_pad = buttons_pad if not style.stacked else 86
    return dict(
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False, x=0.0, y=0.0, xanchor="left",
            yanchor="top", pad=dict(t=buttons_pad, r=0), font=dict(size=style.font_size),
            buttons=[dict(label=_("▶ Play"), method="animate", args=[None, play]),
                     dict(label=_("❚❚ Pause"), method="animate", args=[[None], instant])],
        )],
        sliders=[dict(
            active=start_step - 1, x=0.0 if style.stacked else 0.3, y=0.0,
            len=1.0 if style.stacked else 0.7, xanchor="left", yanchor="top", pad=dict(t=slider_pad, b=0),
            currentvalue=dict(visible=False), font=dict(size=style.font_size),
            steps=[dict(label=str(t) if (t - 1) % style.slider_labels_every == 0 or t == steps else "",
                        value=str(t), method="animate", args=[[str(t)], instant]) for t in range(1, steps + 1)],
        )],
    )


def _split(values: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Values at or above the threshold, and below it; zero where the other part holds them."""
    above = values >= threshold
    return np.where(above, values, 0.0), np.where(above, 0.0, values)


def step_figure(trace: Trace, t: int) -> go.Figure:
    """Gates i, f, g, o and the states c_t, h_t at step t, checked by Plotly; see step_spec."""
    return go.Figure(**step_spec(trace, t))


def step_spec(trace: Trace, t: int) -> dict:
    """Gates i, f, g, o and the states c_t, h_t across all units at one step t (1-based).

    Each panel draws its 128 units as two filled step curves (one per colour) rather than 128
    bars: the same picture, a fraction of the SVG for the browser to lay out on every stroke.
    """
    units = trace.hidden_states.shape[1]
    c_prev = trace.cell_states[t - 2] if t > 1 else np.zeros(units, dtype=np.float32)
    panels = [
        ("i", _("i<sub>t</sub> input gate: write how much"), trace.input_gates[t - 1], (0, 1)),
        ("f", _("f<sub>t</sub> forget gate: keep how much"), trace.forget_gates[t - 1], (0, 1)),
        ("g", _("g<sub>t</sub> candidate: what to write"), trace.candidates[t - 1], (-1, 1)),
        ("o", _("o<sub>t</sub> output gate: show how much"), trace.output_gates[t - 1], (0, 1)),
        ("c", _("c<sub>t</sub> cell state (dots: c<sub>t-1</sub>)"), trace.cell_states[t - 1], None),
        ("h", _("h<sub>t</sub> hidden state, the output"), trace.hidden_states[t - 1], (-1, 1)),
    ]
    layout = _subplot_layout(rows=3, cols=2, subplot_titles=tuple(title for _symbol, title, _values, _range in panels),
                             horizontal_spacing=0.07, vertical_spacing=0.13)
    unit_numbers = np.arange(1, units + 1)
    data, shapes = [], []
    for index, (symbol, _title, values, value_range) in enumerate(panels):
        axis = "" if index == 0 else str(index + 1)
        on_axes = dict(xaxis=f"x{axis}", yaxis=f"y{axis}")
        gate = value_range == (0, 1)
        if symbol == "c":
            data.append(dict(type="scatter", x=unit_numbers, y=c_prev, mode="markers", name="c_{t-1}",
                             marker=dict(color=MUTED, size=4), **on_axes,
                             hovertemplate=_("unit %{x}: c<sub>t-1</sub> = %{y:.2f}") + "<extra></extra>"))
        # A gate is coloured by whether it is mostly open; a signed quantity by its sign.
        parts = _split(values, 0.5 if gate else 0.0)
        colours = (GATE_COLOURS["open"], GATE_COLOURS["closed"]) if gate else \
            (SIGN_COLOURS["positive"], SIGN_COLOURS["negative"])
        for part, colour in zip(parts, colours):
            data.append(dict(type="scatter", x=unit_numbers, y=part, customdata=values, name=symbol,
                             mode="lines", line=dict(shape="hvh", width=0.5, color=colour), fill="tozeroy",
                             fillcolor=colour, **on_axes,
                             hovertemplate=_("unit %{{x}}: {symbol}<sub>t</sub> = %{{customdata:.2f}}").format(
                                 symbol=symbol) + "<extra></extra>"))
        layout[f"xaxis{axis}"].update(range=[0.5, units + 0.5], showgrid=False)
        if index >= 4:  # the bottom row names the axis
            layout[f"xaxis{axis}"]["title"] = dict(text=_("unit"))
        if value_range is not None:
            layout[f"yaxis{axis}"].update(range=list(value_range))
        if gate:
            shapes.append(dict(type="line", xref=f"x{axis} domain", yref=f"y{axis}", x0=0, x1=1, y0=0.5,
                               y1=0.5, line=dict(color=MUTED, dash="dot", width=1)))
    layout.update(height=560, showlegend=False, font=FONT, template=TEMPLATE, plot_bgcolor="white",
                  shapes=shapes, margin=dict(l=40, r=10, t=40, b=40), hovermode="closest")
    for annotation in layout["annotations"]:  # the panel titles, lifted clear of the top tick labels
        annotation.update(font=dict(size=13), yshift=8)
    return dict(data=data, layout=layout)


FONT_KEYS = frozenset({"font", "textfont", "tickfont", "titlefont", "insidetextfont", "outsidetextfont"})


def larger_text(spec: dict, min_px: int) -> dict:
    """A copy of a figure's dict whose every text is at least `min_px` (a projector's minimum):
    the default font and every explicit size below it are raised; larger sizes stay. Frames
    keep their data; their layouts are raised too. Pure: the given dict is not changed."""
    def raise_sizes(value, key=None):
        if isinstance(value, dict):
            raised = {name: raise_sizes(item, name) for name, item in value.items()}
            if key in FONT_KEYS and isinstance(raised.get("size"), (int, float)):
                raised["size"] = max(raised["size"], min_px)
            return raised
        if isinstance(value, (list, tuple)):
            return [raise_sizes(item, key) for item in value]
        return value

    raised = raise_sizes(spec)
    layout = raised.setdefault("layout", {})
    layout["font"] = {**layout.get("font", {}), "size": max(layout.get("font", {}).get("size", 12), min_px)}
    return raised


def warm_up(trace: Trace) -> None:
    """Build every figure once, as the page does. Plotly imports its validators lazily and the
    subplot grids are made once per layout, so the first figure of a process takes about a
    second longer than the rest."""
    for layout_name in PLAYBACK_LAYOUTS:
        playback_spec(trace, layout_name=layout_name)
    step_spec(trace, 1)
    input_spec(trace.inputs)
