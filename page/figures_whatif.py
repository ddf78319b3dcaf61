"""Figures for the two "what if" views: an edited input beside the original (their inputs, their
readouts at every step and where each settles), the row-influence strip, and the map of the
hidden state on which the drawing's path h_1..h_t travels.

Pure functions, as in figures.py: numbers in, plain Plotly dicts out (`*_spec`, sent by
chart_spec.ChartSpec without Plotly's checks; tests/test_figures_whatif.py checks them with
go.Figure). Every figure marks the chosen step t, the step the other views show.
"""

from dataclasses import dataclass

import numpy as np

from i18n import N_, _
from model.state_map import StateMap
from model.trace import Trace
from page.figures import CLASS_COLOURS, FONT, HIGHLIGHT, INK_COLOURSCALE, MUTED, TEMPLATE

# The words on the charts, in one place: str.format templates marked for the catalogue with N_()
# and translated with _() where they are drawn.
TITLES = {
    "original": N_("Your digit"),
    "readout": N_("p(answer) at each step: solid original, dashed edited"),
    "readout_short": N_("p(answer): solid original, dashed edited"),
    "step": N_("step t"),
    "row": N_("row"),
    "drop": N_("p({digit}) falls by (points)"),
    "drop_title": N_("Row k blanked alone"),
    "drop_title_short": N_("Row k blanked"),
    "sensitivity": "‖Δh<sub>{steps}</sub>‖ / ε",  # no words to translate
    "sensitivity_title": N_("How far row k's ink moves h<sub>{steps}</sub>"),
    "sensitivity_title_short": N_("Row k's ink moves h<sub>{steps}</sub>"),
    "input_title": N_("Rows"),
    "axis": N_("PC {number}: {share:.0%} of the variance"),
    "now": N_("step {t}"),
    "settles": N_("settles at {step}"),
}
WHICH = {"original": N_("original"), "edited": N_("edited")}  # the two inputs, in hovers
SENSITIVITY_COLOUR = "#6b7280"  # a grey that is no digit's colour: the measure is about h, not a digit
NEGATIVE_DROP = "#b9bec6"  # a row whose blanking made the answer surer


def words(key: str) -> str:
    """One of TITLES in the reader's language."""
    return _(TITLES[key])


@dataclass(frozen=True)
class WhatifLayout:
    """How the what-if figures are laid out for one kind of screen."""

    stacked: bool  # phone: the inputs above the readout; the influence strip without the image
    font_size: int  # every chart text (presenter: at least 16 px for a room); titles are larger
    rows_height: int  # px, the edited-input figure
    influence_height: int
    map_height: int
    point_size: int


LAYOUTS = {
    "desktop": WhatifLayout(stacked=False, font_size=14, rows_height=360, influence_height=400, map_height=540,
                            point_size=6),
    # 1280 x 720: the tab's controls and sentence leave about 400 px to a chart.
    "present": WhatifLayout(stacked=False, font_size=16, rows_height=340, influence_height=390, map_height=470,
                            point_size=7),
    "phone": WhatifLayout(stacked=True, font_size=13, rows_height=560, influence_height=440, map_height=420,
                          point_size=5),
}


def _title(text: str, x: float, y: float, size: int, anchor: str = "left") -> dict:
    return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor=anchor, yanchor="bottom",
                showarrow=False, font=dict(size=size, color="#111"))


def _image_axes(domain_x: list, domain_y: list, anchor: str) -> tuple[dict, dict]:
    """Square pixel axes, rows 1..28 from the top, for an input image."""
    ticks = dict(tickvals=[1, 8, 15, 22, 28])
    x = dict(domain=domain_x, range=[0.5, 28.5], showgrid=False, zeroline=False, constrain="domain",
             anchor=anchor.replace("x", "y"), **ticks)
    y = dict(domain=domain_y, range=[28.5, 0.5], showgrid=False, zeroline=False, constrain="domain",
             scaleanchor=anchor, anchor=anchor, **ticks)
    return x, y


def _image(image: np.ndarray, axes: str, name: str) -> dict:
    x_axis, y_axis = axes.split()
    rows, columns = image.shape
    return dict(type="heatmap", z=np.asarray(image, dtype=np.float32), x=np.arange(1, columns + 1),
                y=np.arange(1, rows + 1), zmin=0.0, zmax=1.0, colorscale=INK_COLOURSCALE, showscale=False,
                name=name, xaxis=x_axis, yaxis=y_axis,
                hovertemplate=_("row %{y}, column %{x}: %{z:.2f}") + "<extra></extra>")


def _row_outline(t: int, columns: int, axes: str) -> dict:
    x_axis, y_axis = axes.split()
    return dict(type="scatter", x=[0.5, columns + 0.5, columns + 0.5, 0.5, 0.5],
                y=[t - 0.5, t - 0.5, t + 0.5, t + 0.5, t - 0.5], mode="lines", name=f"row {t}",
                line=dict(color=HIGHLIGHT, width=3), hoverinfo="skip", showlegend=False,
                xaxis=x_axis, yaxis=y_axis)


def rows_spec(original: Trace, edited: Trace, step: int, edited_title: str, layout_name: str = "desktop") -> dict:
    """The original input and the edited one side by side, each with row t outlined, and the
    readout of both at every step: the probability of each one's final answer, solid for the
    original and dashed for the edited input, with a marker where each settles and an amber
    line at step t."""
    style = LAYOUTS[layout_name]
    steps = original.step_probabilities.shape[0]
    if style.stacked:
        domains = dict(x=([0.0, 0.46], [0.54, 1.0], [0.0, 1.0]), y=([0.6, 0.94], [0.6, 0.94], [0.0, 0.42]))
        readout_title = words("readout_short")
    else:
        domains = dict(x=([0.0, 0.2], [0.25, 0.45], [0.53, 1.0]), y=([0.0, 0.88],) * 3)
        # A projector's 16 px text leaves the readout's panel room for the short title only.
        readout_title = words("readout" if layout_name == "desktop" else "readout_short")
    x1, y1 = _image_axes(domains["x"][0], domains["y"][0], "x")
    x2, y2 = _image_axes(domains["x"][1], domains["y"][1], "x2")
    columns = original.inputs.shape[1]
    data = [_image(original.inputs, "x y", "original"), _row_outline(step, columns, "x y"),
            _image(edited.inputs, "x2 y2", "edited"), _row_outline(step, columns, "x2 y2")]
    answers = list(dict.fromkeys([int(original.prediction), int(edited.prediction)]))
    step_axis = list(range(1, steps + 1))
    for which, trace_, dash in (("original", original, "solid"), ("edited", edited, "dash")):
        for digit in answers:
            curve = np.round(trace_.step_probabilities[:, digit].astype(np.float64), 3)
            data.append(dict(type="scatter", x=step_axis, y=curve, mode="lines", name=f"{digit}, {which}",
                             line=dict(color=CLASS_COLOURS[digit], width=3, dash=dash), showlegend=False,
                             xaxis="x3", yaxis="y3",
                             hovertemplate=_("{which}: p({digit}) at step %{{x}}: %{{y:.1%}}").format(
                                 which=_(WHICH[which]), digit=digit) + "<extra></extra>"))
        settle, answer = int(trace_.decision_step), int(trace_.prediction)
        data.append(dict(type="scatter", x=[settle], y=[float(trace_.step_probabilities[settle - 1, answer])],
                         mode="markers", name=f"{which} settles",
                         marker=dict(size=style.font_size, color="white" if which == "edited" else CLASS_COLOURS[answer],
                                     symbol="diamond", line=dict(color=CLASS_COLOURS[answer], width=3)),
                         showlegend=False, xaxis="x3", yaxis="y3",
                         hovertemplate=f"{_(WHICH[which])}: " + words("settles").format(step=settle)
                         + "<extra></extra>"))
        data.append(dict(type="scatter", x=[steps + 0.6], y=[float(trace_.probabilities[answer])], mode="text",
                         text=[str(answer)], textposition="middle right", name=f"{which} answer",
                         textfont=dict(size=style.font_size + 2, color=CLASS_COLOURS[answer]), cliponaxis=False,
                         showlegend=False, hoverinfo="skip", xaxis="x3", yaxis="y3"))
    data.append(dict(type="scatter", x=[step, step], y=[0, 1.04], mode="lines", name="step t",
                     line=dict(color=HIGHLIGHT, width=3), hoverinfo="skip", showlegend=False,
                     xaxis="x3", yaxis="y3"))
    title_size, top = style.font_size + 2, domains["y"][0][1] + 0.02
    layout = dict(
        xaxis=x1, yaxis=y1, xaxis2=x2, yaxis2=y2,
        xaxis3=dict(domain=domains["x"][2], anchor="y3", range=[0.5, steps + 0.5], tickvals=[1, 7, 14, 21, 28],
                    title=dict(text=words("step"), standoff=4)),
        yaxis3=dict(domain=domains["y"][2], anchor="x3", range=[0, 1.04], tickformat=".0%", tickvals=[0, 0.5, 1]),
        annotations=[_title(words("original"), domains["x"][0][0], top, title_size),
                     _title(edited_title, domains["x"][1][0], top, title_size),
                     _title(readout_title, domains["x"][2][0], domains["y"][2][1] + 0.02, title_size)],
        height=style.rows_height, margin=dict(l=40, r=30, t=30, b=50), font=FONT | dict(size=style.font_size),
        template=TEMPLATE, plot_bgcolor="white", showlegend=False, hovermode="closest")
    return dict(data=data, layout=layout)


def influence_spec(inputs: np.ndarray, drop: np.ndarray, sensitivity: np.ndarray, answer: int, step: int,
                   layout_name: str = "desktop") -> dict:
    """The row-influence strip, one line per row 1..28 from the top: the input (left out on a
    phone), how far the answer's probability falls with the row blanked alone (occlusion, in
    percentage points) and how far the row's ink moves h_28 (model/row_edits.sensitivity). Row t
    is banded in amber across the strip."""
    style = LAYOUTS[layout_name]
    rows = len(drop)
    row_numbers = np.arange(1, rows + 1)
    if style.stacked:
        panels = dict(drop=[0.0, 0.46], sensitivity=[0.56, 1.0])
    else:
        panels = dict(image=[0.0, 0.2], drop=[0.3, 0.63], sensitivity=[0.71, 1.0])
    domain_y = [0.0, 0.9]
    row_axis = dict(range=[rows + 0.5, 0.5], tickvals=[1, 7, 14, 21, 28], showgrid=False, zeroline=False)
    data, layout, annotations = [], {}, []
    axis_numbers = {name: ("" if index == 0 else str(index + 1)) for index, name in enumerate(panels)}
    for name, domain in panels.items():
        number = axis_numbers[name]
        layout[f"xaxis{number}"] = dict(domain=domain, anchor=f"y{number}")
        layout[f"yaxis{number}"] = dict(domain=domain_y, anchor=f"x{number}", **row_axis)
    if "image" in panels:
        layout["xaxis"].update(range=[0.5, inputs.shape[1] + 0.5], showgrid=False, zeroline=False,
                               tickvals=[1, 14, 28])
        layout["yaxis"]["title"] = dict(text=words("row"), standoff=2)
        data.append(_image(inputs, "x y", "input"))
        annotations.append(_title(words("input_title"), panels["image"][0], domain_y[1] + 0.02,
                                  style.font_size + 2))
    else:
        layout[f"yaxis{axis_numbers['drop']}"]["title"] = dict(text=words("row"), standoff=2)
    points = np.round(np.asarray(drop, dtype=np.float64) * 100, 2)
    drop_axes = dict(xaxis=f"x{axis_numbers['drop']}", yaxis=f"y{axis_numbers['drop']}")
    data.append(dict(type="bar", orientation="h", x=points, y=row_numbers, name="occlusion",
                     marker=dict(color=[CLASS_COLOURS[answer] if p >= 0 else NEGATIVE_DROP for p in points]),
                     hovertemplate=_("without row %{{y}}: p({digit}) falls by %{{x:.1f}} points").format(
                         digit=answer) + "<extra></extra>",
                     showlegend=False, **drop_axes))
    layout[f"xaxis{axis_numbers['drop']}"].update(
        title=dict(text=words("drop").format(digit=answer), standoff=4), zeroline=True,
        zerolinecolor=MUTED,
        range=[min(0.0, float(points.min()) * 1.1), max(1.0, float(points.max()) * 1.1)])
    drop_title = words("drop_title_short" if style.stacked else "drop_title")
    annotations.append(_title(drop_title, panels["drop"][0], domain_y[1] + 0.02, style.font_size + 2))
    steps = rows
    sensitivity_axes = dict(xaxis=f"x{axis_numbers['sensitivity']}", yaxis=f"y{axis_numbers['sensitivity']}")
    data.append(dict(type="bar", orientation="h", x=np.round(np.asarray(sensitivity, dtype=np.float64), 3),
                     y=row_numbers, name="sensitivity", marker=dict(color=SENSITIVITY_COLOUR), showlegend=False,
                     hovertemplate=_("row %{y}'s ink moves h by %{x:.2f} (per unit of ε)")
                     + "<extra></extra>",
                     **sensitivity_axes))
    layout[f"xaxis{axis_numbers['sensitivity']}"].update(
        title=dict(text=TITLES["sensitivity"].format(steps=steps), standoff=4),
        range=[0, max(1e-3, float(np.max(sensitivity)) * 1.1)])
    sensitivity_title = words("sensitivity_title_short" if style.stacked else "sensitivity_title")
    annotations.append(_title(sensitivity_title.format(steps=steps), panels["sensitivity"][0],
                              domain_y[1] + 0.02, style.font_size + 2))
    band = dict(type="rect", xref="paper", x0=0, x1=1, yref="y" + axis_numbers["drop"], y0=step - 0.5, y1=step + 0.5,
                fillcolor="rgba(255, 176, 0, 0.28)", line=dict(width=0), layer="below")
    layout.update(annotations=annotations, shapes=[band], height=style.influence_height, bargap=0.15,
                  margin=dict(l=48, r=20, t=30, b=56), font=FONT | dict(size=style.font_size),
                  template=TEMPLATE, plot_bgcolor="white", showlegend=False, hovermode="closest")
    return dict(data=data, layout=layout)


def state_map_spec(state_map: StateMap, hidden_states: np.ndarray, step: int, layout_name: str = "desktop") -> dict:
    """The map at step t: test digits' h_t as faint points coloured by digit, each digit's centre
    labelled, and the drawing's path h_1..h_t, its h_t ringed in amber. The axes fit what step t
    shows (early steps' states lie close together, the last steps' far apart), with one unit the
    same length on both, so that distances on the map are the projection's."""
    style = LAYOUTS[layout_name]
    path = state_map.project(hidden_states[:step]).astype(np.float64)  # (t, 2)
    points = state_map.points[step - 1].astype(np.float32)  # (P, 2)
    centroids = state_map.centroids[step - 1]  # (classes, 2)
    data = []
    for digit in range(len(centroids)):
        mine = points[state_map.point_labels == digit]
        data.append(dict(type="scatter", x=np.round(mine[:, 0], 3), y=np.round(mine[:, 1], 3), mode="markers",
                         name=f"test {digit}s", marker=dict(color=CLASS_COLOURS[digit], size=style.point_size,
                                                             opacity=0.45),
                         hovertemplate=_("a test {digit} at step {step}").format(digit=digit, step=step)
                         + "<extra></extra>", showlegend=False))
    data.append(dict(type="scatter", x=np.round(centroids[:, 0], 3), y=np.round(centroids[:, 1], 3),
                     mode="markers+text", text=[str(d) for d in range(len(centroids))], name="centres",
                     textposition="middle center",
                     textfont=dict(size=style.font_size + 4, color=list(CLASS_COLOURS[: len(centroids)])),
                     marker=dict(size=round(style.font_size * 1.6), color="rgba(255, 255, 255, 0.85)", line=dict(color=list(
                         CLASS_COLOURS[: len(centroids)]), width=2)),
                     hovertemplate=_("the centre of the test %{{text}}s at step {step}").format(step=step)
                     + "<extra></extra>",
                     showlegend=False))
    data.append(dict(type="scatter", x=np.round(path[:, 0], 3), y=np.round(path[:, 1], 3), mode="lines+markers",
                     name="your path", line=dict(color="#111", width=2), marker=dict(color="#111", size=5),
                     customdata=np.arange(1, step + 1),
                     hovertemplate=_("your h at step %{customdata}") + "<extra></extra>", showlegend=False))
    data.append(dict(type="scatter", x=[round(float(path[-1, 0]), 3)], y=[round(float(path[-1, 1]), 3)],
                     mode="markers+text", text=[words("now").format(t=step)], textposition="top center",
                     textfont=dict(size=style.font_size + 2, color="#111"), name="now",
                     marker=dict(size=style.font_size + 4, color=HIGHLIGHT, line=dict(color="#111", width=2)),
                     hoverinfo="skip", cliponaxis=False, showlegend=False))
    everything = np.concatenate([points, centroids, path])
    low, high = everything.min(axis=0), everything.max(axis=0)
    pad = 0.08 * np.maximum(high - low, 0.1)
    layout = dict(
        xaxis=dict(range=[float(low[0] - pad[0]), float(high[0] + pad[0])], zeroline=False,
                   title=dict(text=words("axis").format(number=1, share=float(state_map.explained[0])))),
        yaxis=dict(range=[float(low[1] - pad[1]), float(high[1] + pad[1])], zeroline=False, scaleanchor="x",
                   title=dict(text=words("axis").format(number=2, share=float(state_map.explained[1])))),
        height=style.map_height, margin=dict(l=56, r=16, t=16, b=50), font=FONT | dict(size=style.font_size),
        template=TEMPLATE, plot_bgcolor="white", showlegend=False, hovermode="closest")
    return dict(data=data, layout=layout)
