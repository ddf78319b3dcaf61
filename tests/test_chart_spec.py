"""What the page sends for a figure (chart_spec.ChartSpec of a figures.*_spec dict) is exactly what
Plotly would send after checking the same dict with go.Figure: same JSON, for several inputs."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from _plotly_utils.utils import to_typed_array_spec
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.trace import trace
from page import figures
from page.chart_spec import ChartSpec, _typed_array


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


@settings(max_examples=60, deadline=None)
@given(arrays(st.sampled_from(["float32", "float64", "uint8", "int16", "int32", "int64", "bool"]),
              array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)),
       st.booleans())
def test_typed_arrays_are_those_plotly_makes(array, transposed):
    """chart_spec's own encoder agrees with Plotly's to_typed_array_spec for any dtype and shape,
    including non-contiguous arrays and those it hands back to Plotly (int64, bool, empty)."""
    array = array.T if transposed else array
    ours, plotlys = _typed_array(array), to_typed_array_spec(array)
    if isinstance(plotlys, np.ndarray):  # Plotly keeps it as it is (an int64 beyond int32, an empty array)
        assert isinstance(ours, np.ndarray) and ours.dtype == plotlys.dtype and np.array_equal(ours, plotlys)
    else:
        assert ours == plotlys
