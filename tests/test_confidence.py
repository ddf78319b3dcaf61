"""The "not sure" rule: its energy against a direct log-sum-exp, and each of its three signs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import logsumexp

from model.confidence import (
    FAMILIAR_PERCENTILE,
    LATE_ROWS,
    SURE_PROBABILITY,
    doubts,
    energy_floor,
    readout_energy,
)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float32, (3, 16), elements=st.floats(-1, 1, width=32)), st.floats(-50, 50))
def test_energy_is_the_log_sum_exp_of_the_logits_and_moves_with_a_common_shift(hidden, shift):
    rng = np.random.default_rng(0)
    weights, bias = rng.normal(0, 3, (16, 10)), rng.normal(0, 1, 10)
    energy = readout_energy(hidden, weights, bias)
    np.testing.assert_allclose(energy, logsumexp(hidden.astype(np.float64) @ weights + bias, axis=-1), rtol=1e-9)
    # Adding the same amount to every logit leaves the softmax alone but moves the energy by it:
    # that is what the energy sees and the probabilities cannot.
    np.testing.assert_allclose(readout_energy(hidden, weights, bias + shift), energy + shift, rtol=1e-9, atol=1e-9)


def test_energy_does_not_overflow_for_huge_logits():
    energy = readout_energy(np.ones((1, 2)), np.full((2, 10), 500.0), np.zeros(10))
    assert np.isfinite(energy).all() and energy[0] == pytest.approx(1000 + np.log(10))


def test_the_floor_is_exceeded_by_all_but_the_percentile():
    energies = np.arange(1000, dtype=float)
    floor = energy_floor(energies)
    assert np.mean(energies < floor) == pytest.approx(FAMILIAR_PERCENTILE / 100, abs=0.002)


@pytest.mark.parametrize("top, settle, energy, low, late, unfamiliar", [
    (0.95, 10, 9.0, False, False, False),
    (SURE_PROBABILITY - 0.01, 10, 9.0, True, False, False),
    (0.95, 28 - LATE_ROWS + 1, 9.0, False, True, False),
    (0.95, 28 - LATE_ROWS, 9.0, False, False, False),
    (0.95, 10, 4.0, False, False, True),
])
def test_each_sign_of_doubt_on_its_own(top, settle, energy, low, late, unfamiliar):
    probabilities = np.full(10, (1 - top) / 9)
    probabilities[3] = top
    found = doubts(probabilities, settle, 28, energy, floor=5.0)
    assert (bool(found.low), bool(found.late), bool(found.unfamiliar)) == (low, late, unfamiliar)
    assert bool(found.unsure) == (low or late or unfamiliar)


def test_without_a_floor_nothing_is_unfamiliar_and_batches_keep_their_shape():
    probabilities = np.eye(10)[[1, 2, 3]] * 0.9 + 0.01
    found = doubts(probabilities, np.array([5, 27, 5]), 28, energies=np.array([0.0, 0.0, 0.0]))
    assert found.unfamiliar.tolist() == [False, False, False]
    assert found.unsure.tolist() == [False, True, False]
