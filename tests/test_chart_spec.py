"""What the page sends for a figure (chart_spec.ChartSpec of a figures.*_spec dict) is exactly what
Plotly would send after checking the same dict with go.Figure: same JSON, for several inputs."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import figures
from chart_spec import ChartSpec
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.trace import trace


def as_sent(figure: go.Figure) -> dict:
    """The JSON st.plotly_chart puts on the wire for this figure, read back."""
    return json.loads(pio.to_json(figure.to_dict(), validate=False))


@pytest.fixture(scope="module", params=[(7, 0), (1, 3), (4, 1)], ids=lambda p: f"digit{p[0]}-seed{p[1]}")
def drawn(request, weights):
    digit, seed = request.param
    return trace(to_model_input(render(random_drawing(digit, np.random.default_rng(seed)))), weights)


@pytest.mark.parametrize("build", [
    lambda steps: figures.playback_spec(steps, 300),
    lambda steps: figures.playback_spec(steps, 200, "phone", show_ending=True, start_step=5),
    lambda steps: figures.playback_spec(steps, 400, "present"),
    lambda steps: figures.step_spec(steps, 1),
    lambda steps: figures.step_spec(steps, 17),
    lambda steps: figures.input_spec(steps.inputs),
], ids=["playback", "playback phone", "playback present", "step 1", "step 17", "input"])
def test_the_page_sends_what_plotly_would_after_checking_the_figure(drawn, build):
    checked = go.Figure(**build(drawn))  # Plotly's checks: raises on anything invalid
    assert as_sent(ChartSpec(build(drawn))) == as_sent(checked)


def test_arrays_travel_as_compact_typed_arrays(drawn):
    heatmap = as_sent(ChartSpec(figures.playback_spec(drawn)))["data"][0]
    assert set(heatmap["z"]) == {"dtype", "bdata", "shape"} and heatmap["z"]["dtype"] == "f4"
