"""Figures for the page's answer: why the final output (test-set curves above, the current
drawing below), and how the last output becomes a digit (h_28, V, logits, probabilities).

Pure functions, as in figures.py: numbers in, Plotly figure out, no Streamlit. The series of the
"why" chart are coloured by what they are (which model, which probe), never by digit, so that
the drawing's curve cannot take the colour of another series.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import _
from model.readout import Readout, pushes
from model.trace import Trace, empty_rows, first_inked_step
from page.explain import TOP_UNITS, percent
from page.figures import CLASS_COLOURS, FONT, HIGHLIGHT, MUTED, STATE_COLOURSCALE, TEMPLATE

# One colour per series (Okabe-Ito, safe for colour-blind readers), none of them a digit's colour.
SERIES = {
    "last_step": "#d55e00",  # the model of record: readout trained on the last step only
    "every_step": "#0072b2",  # the same architecture trained with the readout at every step
    "probe_h": "#009e73",
    "probe_c": "#cc79a7",
}
BLANK_SHADE = "rgba(154, 160, 166, 0.18)"  # rows above the ink: the same for every image
WHY_HEIGHT = 620
READOUT_HEIGHT = 640


def _percent_axis(**settings) -> dict:
    return dict(range=[0, 1.04], tickformat=".0%", **settings)


def why_figure(metrics: dict | None, trace: Trace | None = None,
               every_step_trace: Trace | None = None) -> go.Figure:
    """Above: test-set accuracy per step of each readout and probe. Below, on its own axis: the
    current drawing's probability of its final answer at each step, from each model.

    Either part is left out when its input is missing (no metrics, or nothing drawn yet).
    """
    panels = [name for name, present in (("test", metrics is not None), ("drawing", trace is not None))
              if present]
    if not panels:
        return go.Figure(layout=dict(height=200, template=TEMPLATE, font=FONT))
    # Short titles: a phone gives the chart about 360 px.
    images = (metrics or {}).get("data", {}).get("test_images")
    titles = {"test": (_("Test digits read correctly (of {images:,})").format(images=images) if images
                       else _("Test digits read correctly")),
              "drawing": _("Your drawing: probability of its answer")}
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[titles[name] for name in panels],
                        row_heights=[0.6, 0.4][: len(panels)] if len(panels) == 2 else None)
    row = {name: index + 1 for index, name in enumerate(panels)}
    if metrics is not None:
        _test_set_curves(fig, metrics, row["test"])
    if trace is not None:
        _drawing_curves(fig, trace, every_step_trace, row["drawing"])
    steps = len(trace.step_probabilities if trace is not None else metrics["readout_accuracy_per_step"])
    fig.update_xaxes(range=[0.5, steps + 0.5], dtick=1 if steps <= 14 else 3, tick0=1)
    fig.update_xaxes(title_text=_("step t (rows read)"), row=len(panels), col=1)
    fig.update_layout(height=WHY_HEIGHT if len(panels) == 2 else WHY_HEIGHT // 2 + 80, font=FONT,
                      template=TEMPLATE, plot_bgcolor="white", hovermode="x unified",
                      # The legend at the figure's foot, under the axis title whatever the font size.
                      margin=dict(l=60, r=10, t=40, b=110),
                      legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom", font_size=12))
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=13)
    return fig


def _test_set_curves(fig: go.Figure, metrics: dict, row: int) -> None:
    readout = metrics["readout_accuracy_per_step"]
    steps = np.arange(1, len(readout) + 1)
    probes = metrics["probe_accuracy_per_step"]
    series = [
        (probes.get("h"), _("probe fitted to h_t"), dict(color=SERIES["probe_h"], width=2),
         dict(symbol="circle", size=6)),
        # Dashed with open diamonds, drawn over h_t: where the two agree, both stay visible.
        (probes.get("c"), _("probe fitted to c_t (cell state)"),
         dict(color=SERIES["probe_c"], width=2, dash="dash"), dict(symbol="diamond-open", size=8)),
        (readout, _("last-step model: its readout applied to h_t"), dict(color=SERIES["last_step"], width=3),
         dict(symbol="square", size=6)),
        ((metrics.get("every_step_model") or {}).get("readout_accuracy_per_step"),
         _("every-step model: its readout applied to h_t"), dict(color=SERIES["every_step"], width=3),
         dict(symbol="triangle-up", size=7)),
    ]
    for values, name, line, marker in series:
        if values:
            fig.add_trace(go.Scatter(x=steps, y=values, name=name, mode="lines+markers", line=line,
                                     marker=marker, legendgroup="test",
                                     hovertemplate=f"{name}: %{{y:.1%}}<extra></extra>"), row=row, col=1)
    fig.add_hline(y=metrics["chance_accuracy"], line=dict(color=MUTED, dash="dot", width=1), row=row, col=1,
                  annotation=dict(text=_("chance: always the most common digit"), font_color="#555",
                                  x=1, xanchor="right", yanchor="top"))
    fig.update_yaxes(_percent_axis(title_text=_("test accuracy")), row=row, col=1)


def _drawing_curves(fig: go.Figure, trace: Trace, every_step_trace: Trace | None, row: int) -> None:
    final = int(trace.prediction)
    steps = np.arange(1, len(trace.step_probabilities) + 1)
    first_ink = first_inked_step(trace.inputs)
    models = [(_("last-step model"), trace, SERIES["last_step"], "square")]
    if every_step_trace is not None:
        models.append((_("every-step model"), every_step_trace, SERIES["every_step"], "triangle-up"))
    for name, model_trace, colour, symbol in models:
        label = _("your drawing, {model}: probability of {digit}").format(model=name, digit=final)
        fig.add_trace(go.Scatter(
            x=steps, y=model_trace.step_probabilities[:, final], name=label, mode="lines+markers",
            line=dict(color=colour, width=2.5, dash="dot"), marker=dict(symbol=symbol, size=6),
            customdata=[percent(p) for p in model_trace.step_probabilities[:, final]], legendgroup="drawing",
            hovertemplate=f"{name}, p({final}): %{{customdata}}<extra></extra>"),
            row=row, col=1)
    if first_ink is not None and first_ink > 1:  # after the traces: Plotly skips shapes on empty subplots
        faint = empty_rows(trace.inputs) < first_ink - 1  # rows of faint ink, under the ink threshold
        fig.add_vrect(x0=0.5, x1=first_ink - 0.5, fillcolor=BLANK_SHADE, line_width=0, row=row, col=1,
                      annotation=dict(text=_("before the ink") if faint else _("empty rows"), font_color="#555"),
                      annotation_position="top left")
    fig.update_yaxes(_percent_axis(title_text=_("probability of {digit}").format(digit=final)), row=row, col=1)


def readout_figure(trace: Trace, readout: Readout, digit: int) -> go.Figure:
    """The last step's readout drawn with the drawing's own numbers.

    Top: h_28, the LSTM's last output (128 numbers). Middle: V, the readout's 10 x 128 weights,
    beside the 10 logits V h_28 + b and the 10 probabilities softmax gives them; hovering a
    logit names the units that push that digit up or down most. Bottom: for `digit`, each unit's
    share V[digit, j] h_j of its logit. `readout` is model.readout.take_apart(h_28, ...).
    """
    h = trace.hidden_states[-1]
    V, contributions = readout.V, readout.contributions
    logits, probabilities, prediction = readout.logits, readout.probabilities, readout.prediction
    classes, units = V.shape
    digits, unit_numbers = np.arange(classes), np.arange(1, units + 1)
    last = len(trace.step_probabilities)
    share = contributions[digit]
    fig = make_subplots(
        rows=3, cols=3, column_widths=[0.62, 0.19, 0.19], row_heights=[0.1, 0.5, 0.4],
        horizontal_spacing=0.04, vertical_spacing=0.1,
        specs=[[{}, None, None], [{}, {}, {}], [{"colspan": 3}, None, None]],
        # Short titles: a phone gives the chart about 360 px; the words under it say the rest.
        subplot_titles=(_("h<sub>{last}</sub> ({units} numbers)").format(last=last, units=units),
                        f"V ({classes} × {units})", "V h + b", "softmax",
                        _("digit {digit}: V<sub>{digit},j</sub> h<sub>j</sub>, unit by unit").format(digit=digit)))
    # h and V in the colours of the other state charts: red positive, white zero, blue negative.
    fig.add_trace(go.Heatmap(z=h[None, :], x=unit_numbers, y=[f"h{last}"], coloraxis="coloraxis",
                             name="h", hovertemplate=_("unit %{x}: h = %{z:.2f}") + "<extra></extra>"),
                  row=1, col=1)
    hover = np.stack([np.broadcast_to(h, V.shape), contributions], axis=-1)  # (classes, units, 2)
    fig.add_trace(go.Heatmap(z=V, x=unit_numbers, y=digits, customdata=hover, coloraxis="coloraxis2",
                             name="V", hovertemplate=_("digit %{y}, unit %{x}: V = %{z:.2f} × h = "
                                                       "%{customdata[0]:.2f} → %{customdata[1]:+.2f}")
                             + "<extra></extra>"), row=2, col=1)
    fig.add_shape(type="rect", x0=0.5, x1=units + 0.5, y0=digit - 0.5, y1=digit + 0.5, row=2, col=1,
                  line=dict(color=HIGHLIGHT, width=2))
    emphasis = [CLASS_COLOURS[k] if k == prediction else MUTED for k in digits]
    fig.add_trace(go.Bar(x=logits, y=digits, orientation="h", name="logits", marker_color=emphasis,
                         hovertext=[_logit_hover(readout, k) for k in digits], hoverinfo="text"),
                  row=2, col=2)
    fig.add_trace(go.Bar(x=probabilities, y=digits, orientation="h", name="probabilities",
                         marker_color=emphasis, text=[percent(p) if k == prediction else ""
                                                      for k, p in enumerate(probabilities)],
                         customdata=[percent(p) for p in probabilities], textposition="auto",
                         hovertemplate=_("digit %{y}: %{customdata}") + "<extra></extra>"),
                  row=2, col=3)
    fig.add_trace(go.Bar(x=unit_numbers, y=share, name=f"V[{digit}] · h",
                         marker_color=np.where(share >= 0, "#d6604d", "#4393c3"),
                         hovertemplate=_("unit %{{x}}: %{{y:+.2f}} to digit {digit}").format(digit=digit)
                         + "<extra></extra>"),
                  row=3, col=1)
    digit_axis = dict(tickvals=list(digits), range=[classes - 0.5, -0.5])  # digit 0 at the top
    fig.update_yaxes(digit_axis, row=2, col=1)
    fig.update_yaxes(digit_axis | dict(showticklabels=False), row=2, col=2)
    fig.update_yaxes(digit_axis | dict(showticklabels=False), row=2, col=3)
    fig.update_yaxes(showticklabels=False, row=1, col=1)
    fig.update_yaxes(title_text=_("share of logit {digit}").format(digit=digit), zeroline=True, row=3, col=1)
    for row in (1, 2, 3):
        fig.update_xaxes(range=[0.5, units + 0.5], row=row, col=1)
    fig.update_xaxes(title_text=_("unit j"), row=3, col=1)
    fig.update_xaxes(nticks=3, row=2, col=2)
    fig.update_xaxes(range=[0, 1.05], tickvals=[0, 1], tickformat=".0%", row=2, col=3)
    weight_limit = float(np.abs(V).max()) or 1.0
    fig.update_layout(
        height=READOUT_HEIGHT, font=FONT, template=TEMPLATE, plot_bgcolor="white", showlegend=False,
        margin=dict(l=50, r=10, t=40, b=40), bargap=0.2,
        coloraxis=dict(colorscale=STATE_COLOURSCALE, cmid=0, cmin=-1, cmax=1, showscale=False),
        coloraxis2=dict(colorscale=STATE_COLOURSCALE, cmid=0, cmin=-weight_limit, cmax=weight_limit,
                        showscale=False))
    for annotation in fig.layout.annotations:
        annotation.font = dict(size=13)
    return fig


def _logit_hover(readout: Readout, digit: int) -> str:
    """Hover text for one logit: its value, and the units that push it up and down most."""
    up, down = (_(", ").join(f"{j} ({share:+.2f})" for j, share in pairs) or _("none")
                for pairs in pushes(readout.contributions[digit], TOP_UNITS))
    return _("digit {digit}: logit {logit:.2f}<br>pushed up most by units {up}"
             "<br>pushed down most by units {down}").format(digit=digit, logit=readout.logits[digit], up=up,
                                                             down=down)
