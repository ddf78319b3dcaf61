"""Figure builders for the page: a trace (and the measured metrics) in, a Plotly figure out.

Every function here is pure: no Streamlit calls, no model, no global state, so the tests can
check a figure without a browser. The playback figure animates in the browser with Plotly's own
frames (Plotly.animate), so playing it costs the server nothing; each frame updates only the few
traces that change, and the hidden-state heatmap grows by one column per step instead of
repeating all 28.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from model.trace import Trace

# Colours, shared by every figure so that a digit keeps its colour from chart to chart.
# One colour per digit (D3's palette, its grey swapped for a slate that reads as a colour).
CLASS_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                 "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#3f4a5a")
INK_COLOURSCALE = [[0.0, "#0e1117"], [1.0, "#ffffff"]]  # white ink on a dark field, like the canvas
STATE_COLOURSCALE = "RdBu_r"  # h and c: blue negative, white zero, red positive
HIGHLIGHT = "#ffb000"  # "now": the row being read and the current step
UNREAD_SHADE = "rgba(14, 17, 23, 0.78)"  # laid over rows the LSTM has not read yet
GATE_COLOURS = {"open": "#2a9d8f", "closed": "#e9a23b"}  # gate above / below one half
SIGN_COLOURS = {"positive": "#d6604d", "negative": "#4393c3"}  # as in STATE_COLOURSCALE
MUTED = "#9aa0a6"
FONT = dict(family="Source Sans Pro, sans-serif", size=13)

PLAYBACK_HEIGHT = 680
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


def _pixel_axes(fig: go.Figure, size: int, row=None, col=None) -> None:
    """Square pixel axes with row 1 at the top, ticks every 7 pixels, labelled 1-based."""
    ticks = dict(tickvals=list(range(0, size, 7)), ticktext=[str(v + 1) for v in range(0, size, 7)])
    fig.update_xaxes(range=[-0.5, size - 0.5], showgrid=False, zeroline=False, constrain="domain",
                     **ticks, row=row, col=col)
    fig.update_yaxes(range=[size - 0.5, -0.5], showgrid=False, zeroline=False, constrain="domain",
                     scaleanchor="x", **ticks, row=row, col=col)  # "x": the first (or only) subplot


def _input_heatmap(image: np.ndarray, **kwargs) -> go.Heatmap:
    return go.Heatmap(z=image, zmin=0.0, zmax=1.0, colorscale=INK_COLOURSCALE, showscale=False,
                      hovertemplate="row %{y}, column %{x}: %{z:.2f}<extra></extra>",
                      x=np.arange(image.shape[1]), y=np.arange(image.shape[0]), **kwargs)


def input_figure(image: np.ndarray) -> go.Figure:
    """The 28 x 28 model input, one cell per pixel, large enough to see each one."""
    size = image.shape[0]
    fig = go.Figure(_input_heatmap(image))
    _pixel_axes(fig, size)
    fig.update_layout(width=INPUT_SIZE, height=INPUT_SIZE, margin=dict(l=30, r=10, t=10, b=30),
                      font=FONT, plot_bgcolor="#0e1117")
    return fig


def _readout_bars(probabilities: np.ndarray) -> dict:
    """Bar properties for one step's readout: the leading digit outlined and labelled."""
    leader = int(np.argmax(probabilities))
    text = [f"{p:.0%}" if d == leader else "" for d, p in enumerate(probabilities)]
    line_widths = [3 if d == leader else 0 for d in range(len(probabilities))]
    return dict(y=probabilities, text=text, marker_line_width=line_widths)


def playback_figure(trace: Trace, frame_ms: int = DEFAULT_FRAME_MS) -> go.Figure:
    """Row-by-row playback: one frame per timestep t = 1..T, played by Plotly in the browser.

    At step t the four panels agree: the input with row t outlined and unread rows shaded; the
    hidden states h_1..h_t as a units x steps heatmap (later columns empty); the readout's ten
    probabilities at step t, the leader outlined; and all ten probability trajectories with a
    marker at t and a dashed line where the prediction settles. The figure opens on the last step.

    The heatmap is one single-column trace per step, and a frame only switches columns on or
    off, so 28 frames cost a few kilobytes instead of 28 copies of the growing matrix. (Frames
    also could not carry it as NumPy arrays: plotly.js decodes the base64 typed arrays that
    plotly.py makes of them in a figure's data, but not a 2-D one in its frames.)
    """
    steps, size = trace.inputs.shape
    units = trace.hidden_states.shape[1]
    classes = trace.step_probabilities.shape[1]
    prediction, settle = int(trace.prediction), int(trace.decision_step)
    digits = list(range(classes))
    step_numbers = list(range(1, steps + 1))
    state_limit = max(float(np.abs(trace.hidden_states).max()), 1e-6)

    fig = make_subplots(
        rows=2, cols=2, column_widths=[0.36, 0.64], row_heights=[0.56, 0.44],
        horizontal_spacing=0.09, vertical_spacing=0.14,
        subplot_titles=(f"Input: rows 1…t of {steps} read", f"Hidden state h<sub>1</sub>…h<sub>t</sub>: "
                        f"{units} units × steps read", "Readout softmax(V h<sub>t</sub> + b) at step t",
                        f"The readout at every step, 1…{steps}"),
    )
    # Static traces first, then those the frames change (PLAYBACK_ANIMATED, in this order).
    fig.add_trace(_input_heatmap(trace.inputs, name="input"), row=1, col=1)
    for digit in digits:
        final = digit == prediction
        fig.add_trace(go.Scatter(
            x=step_numbers, y=trace.step_probabilities[:, digit], mode="lines", name=str(digit),
            line=dict(color=CLASS_COLOURS[digit], width=4 if final else 1.5), opacity=1.0 if final else 0.7,
            hovertemplate=f"digit {digit}, step %{{x}}: %{{y:.1%}}<extra></extra>", legendgroup="digits",
        ), row=2, col=2)
    animated_from = len(fig.data)
    fig.add_trace(go.Scatter(name="unread rows", fill="toself", fillcolor=UNREAD_SHADE, mode="none",
                             hoverinfo="skip", showlegend=False), row=1, col=1)
    fig.add_trace(go.Scatter(name="row t", mode="lines", line=dict(color=HIGHLIGHT, width=3),
                             hoverinfo="skip", showlegend=False), row=1, col=1)
    fig.add_trace(go.Bar(name="readout", x=digits, marker_color=CLASS_COLOURS[:classes],
                         marker_line_color="#0e1117", textposition="outside", textfont_size=14,
                         cliponaxis=False, showlegend=False,
                         hovertemplate="digit %{x}: %{y:.1%}<extra></extra>"), row=2, col=1)
    fig.add_trace(go.Scatter(name="step t", mode="lines", line=dict(color=HIGHLIGHT, width=3),
                             hoverinfo="skip", showlegend=False), row=2, col=2)
    for t in step_numbers:
        fig.add_trace(go.Heatmap(
            name=f"h_{t}", z=trace.hidden_states[t - 1][:, None], x0=t, dx=1, y0=1, dy=1,
            coloraxis="coloraxis", hovertemplate=f"step {t}, unit %{{y}}: h = %{{z:.2f}}<extra></extra>",
        ), row=1, col=2)

    def animated(t: int) -> list[dict]:
        """What changes at step t (1-based), for the traces from `animated_from` on."""
        unread_x, unread_y = _unread_block(t, size)
        row_x, row_y = _row_box(t - 1, size)
        return [
            dict(type="scatter", x=unread_x, y=unread_y),
            dict(type="scatter", x=row_x, y=row_y),
            dict(type="bar", **_readout_bars(trace.step_probabilities[t - 1].tolist())),
            dict(type="scatter", x=[t, t], y=[0.0, 1.0]),
            *(dict(type="heatmap", visible=column <= t) for column in step_numbers),
        ]

    animated_traces = list(range(animated_from, len(fig.data)))
    fig.frames = [dict(name=str(t), data=animated(t), traces=animated_traces) for t in step_numbers]
    fig.update(data=[{}] * animated_from + animated(steps))  # open on the last step
    fig.add_vline(x=settle, line=dict(color=MUTED, dash="dash", width=1.5), row=2, col=2,
                  annotation=dict(text=f"settles on {prediction} at step {settle}", font_color="#555",
                                  xanchor="right" if settle > steps / 2 else "left"))

    _pixel_axes(fig, size, row=1, col=1)
    fig.update_xaxes(range=[0.5, steps + 0.5], row=1, col=2)
    fig.update_yaxes(range=[0.5, units + 0.5], title_text="unit", row=1, col=2)
    fig.update_xaxes(tickvals=digits, title_text="digit", title_standoff=4, row=2, col=1)
    fig.update_yaxes(range=[0, 1.12], tickformat=".0%", row=2, col=1)
    fig.update_xaxes(range=[0.5, steps + 0.5], title_text="step t", title_standoff=4, row=2, col=2)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=2, col=2)

    instant = dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0), mode="immediate")
    play = dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0),
                fromcurrent=True, mode="immediate")
    fig.update_layout(
        height=PLAYBACK_HEIGHT, margin=dict(l=50, r=20, t=40, b=130), font=FONT, bargap=0.25,
        plot_bgcolor="white", legend=dict(title_text="digit", orientation="v", x=1.0, y=0.44,
                                          yanchor="top", font_size=11),
        coloraxis=dict(colorscale=STATE_COLOURSCALE, cmid=0.0, cmin=-state_limit, cmax=state_limit,
                       colorbar=dict(title=dict(text="h", side="top"), len=0.5, y=0.78, thickness=12)),
        updatemenus=[dict(
            type="buttons", direction="left", showactive=False, x=0.0, y=-0.2, xanchor="left",
            yanchor="top", pad=dict(t=0, r=10),
            buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                     dict(label="❚❚ Pause", method="animate", args=[[None], instant])],
        )],
        sliders=[dict(
            active=steps - 1, x=0.16, y=-0.13, len=0.84, xanchor="left", yanchor="top",
            pad=dict(t=0, b=0), currentvalue=dict(prefix="step t = ", font_size=14),
            steps=[dict(label=str(t), method="animate", args=[[str(t)], instant]) for t in step_numbers],
        )],
    )
    return fig


def step_figure(trace: Trace, t: int) -> go.Figure:
    """Gates i, f, g, o and the states c_t, h_t across all units at one step t (1-based)."""
    units = trace.hidden_states.shape[1]
    c_prev = trace.cell_states[t - 2] if t > 1 else np.zeros(units, dtype=np.float32)
    panels = [
        ("i", "i<sub>t</sub> input gate: write how much", trace.input_gates[t - 1], (0, 1)),
        ("f", "f<sub>t</sub> forget gate: keep how much", trace.forget_gates[t - 1], (0, 1)),
        ("g", "g<sub>t</sub> candidate: what to write", trace.candidates[t - 1], (-1, 1)),
        ("o", "o<sub>t</sub> output gate: show how much", trace.output_gates[t - 1], (0, 1)),
        ("c", "c<sub>t</sub> cell state (dots: c<sub>t-1</sub>)", trace.cell_states[t - 1], None),
        ("h", "h<sub>t</sub> hidden state, the output", trace.hidden_states[t - 1], (-1, 1)),
    ]
    fig = make_subplots(rows=3, cols=2, subplot_titles=[title for _, title, _, _ in panels],
                        horizontal_spacing=0.07, vertical_spacing=0.13, shared_xaxes=True)
    unit_numbers = np.arange(1, units + 1)
    for index, (symbol, _, values, value_range) in enumerate(panels):
        row, col = index // 2 + 1, index % 2 + 1
        if value_range == (0, 1):  # a gate: colour by whether it is mostly open
            colours = np.where(values >= 0.5, GATE_COLOURS["open"], GATE_COLOURS["closed"])
        else:  # a signed quantity: colour by sign
            colours = np.where(values >= 0, SIGN_COLOURS["positive"], SIGN_COLOURS["negative"])
        if symbol == "c":
            fig.add_trace(go.Scatter(x=unit_numbers, y=c_prev, mode="markers", marker=dict(
                color=MUTED, size=4), hovertemplate="unit %{x}: c<sub>t-1</sub> = %{y:.2f}<extra></extra>"),
                row=row, col=col)
        fig.add_trace(go.Bar(x=unit_numbers, y=values, marker_color=colours, marker_line_width=0,
                             hovertemplate=f"unit %{{x}}: {symbol}<sub>t</sub> = %{{y:.2f}}<extra></extra>"),
                      row=row, col=col)
        if value_range is not None:
            fig.update_yaxes(range=list(value_range), row=row, col=col)
        if value_range == (0, 1):
            fig.add_hline(y=0.5, line=dict(color=MUTED, dash="dot", width=1), row=row, col=col)
    fig.update_xaxes(range=[0.5, units + 0.5], showgrid=False)
    fig.update_xaxes(title_text="unit", row=3)
    fig.update_layout(height=560, showlegend=False, bargap=0.1, font=FONT, plot_bgcolor="white",
                      margin=dict(l=40, r=10, t=40, b=40))
    fig.update_annotations(font_size=13)
    return fig


def why_figure(metrics: dict | None, trace: Trace | None = None) -> go.Figure:
    """Test accuracy per step of the trained readout on h_t, against probes fitted on h_t and
    c_t; with the current input's probability of its final class at each step overlaid."""
    fig = go.Figure()
    if metrics is not None:
        readout = metrics["readout_accuracy_per_step"]
        steps = np.arange(1, len(readout) + 1)
        probes = metrics["probe_accuracy_per_step"]
        fig.add_trace(go.Scatter(x=steps, y=probes["c"], name="probe fitted on c_t", mode="lines",
                                 line=dict(color=CLASS_COLOURS[4], width=2, dash="dot")))
        fig.add_trace(go.Scatter(x=steps, y=probes["h"], name="probe fitted on h_t", mode="lines",
                                 line=dict(color=CLASS_COLOURS[0], width=2)))
        fig.add_trace(go.Scatter(x=steps, y=readout, name="trained readout applied to h_t",
                                 mode="lines+markers", line=dict(color=CLASS_COLOURS[1], width=3),
                                 marker_size=5))
        fig.add_hline(y=metrics["chance_accuracy"], line=dict(color=MUTED, dash="dash", width=1),
                      annotation=dict(text="chance: always the most common digit", font_color="#555",
                                      x=1, xanchor="right", yanchor="top"))
    if trace is not None:
        prediction = int(trace.prediction)
        steps = np.arange(1, len(trace.step_probabilities) + 1)
        fig.add_trace(go.Scatter(
            x=steps, y=trace.step_probabilities[:, prediction], mode="lines+markers",
            name=f"this input: probability of {prediction} at step t",
            line=dict(color=CLASS_COLOURS[prediction], width=2, dash="dash"), marker_size=4))
    fig.update_xaxes(title_text="step t (rows read)")
    fig.update_yaxes(title_text="test accuracy / probability", range=[0, 1.02], tickformat=".0%")
    fig.update_traces(hovertemplate="step %{x}: %{y:.1%}")
    fig.update_layout(height=420, font=FONT, plot_bgcolor="white", hovermode="x unified",
                      margin=dict(l=50, r=10, t=10, b=40),
                      legend=dict(orientation="h", x=0, y=-0.18, yanchor="top"))
    return fig
