"""The readout taken apart (model/readout.py) reproduces the trace's own readout."""

import numpy as np
import pytest

from model.config import CONFIG
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.readout import pushes, take_apart
from model.trace import trace


@pytest.fixture(scope="module")
def drawn(weights):
    return trace(to_model_input(render(random_drawing(4, np.random.default_rng(2)))), weights)


def test_taken_apart_the_readout_gives_the_trace_s_answer(drawn, weights):
    readout = take_apart(drawn.hidden_states[-1], weights.readout_weights, weights.readout_bias)
    assert readout.V.shape == readout.contributions.shape == (CONFIG.classes, CONFIG.units)
    np.testing.assert_array_equal(readout.V, weights.readout_weights.T)
    np.testing.assert_allclose(readout.contributions.sum(1) + weights.readout_bias, readout.logits, rtol=1e-5)
    np.testing.assert_allclose(readout.probabilities, drawn.probabilities, atol=1e-5)
    assert readout.prediction == int(drawn.prediction)


def test_pushes_are_the_largest_shares_either_way():
    up, down = pushes(np.array([0.1, -2.0, 3.0, 0.5, -0.2, 0.0]), count=2)
    assert up == [(3, 3.0), (4, 0.5)] and down == [(2, -2.0), (5, -0.2)]
    assert pushes(np.array([1.0, 2.0]), count=3) == ([(2, 2.0), (1, 1.0)], [])
