"""The take-aways: a 28-frame GIF under 2 MB, and the trace as JSON that quotes the trace."""

import io
import json

import numpy as np
from PIL import Image

from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.trace import trace
from page import export


def a_trace(weights):
    return trace(to_model_input(render(random_drawing(4, np.random.default_rng(0)))), weights)


def test_gif_has_one_frame_per_step_and_is_small(weights):
    gif = export.playback_gif(a_trace(weights))
    assert len(gif) <= 2 * 1024 * 1024
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF" and image.n_frames == 28
    image.seek(0)
    first = np.asarray(image.convert("RGB"))
    image.seek(27)
    assert not np.array_equal(first, np.asarray(image.convert("RGB"))), "frames must differ"


def test_json_quotes_the_trace(weights):
    steps = a_trace(weights)
    data = json.loads(export.trace_json(steps, "drawing with 1 stroke"))
    assert data["prediction"] == int(steps.prediction) and len(data["steps"]) == 28
    step = data["steps"][15]
    np.testing.assert_allclose(step["probabilities"], steps.step_probabilities[15], atol=1e-5)
    np.testing.assert_allclose(step["h"], steps.hidden_states[15], atol=1e-5)
    assert step["gates"]["f"]["open"] == int((steps.forget_gates[15] > 0.5).sum())
