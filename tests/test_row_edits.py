"""The row edits and the row-influence measures (model/row_edits.py), checked against a direct
re-trace of each edited image."""

import numpy as np
import pytest

from model.config import CONFIG, MODEL_PATH
from model.drawn_digits import random_drawing, render
from model.preprocess import to_model_input
from model.row_edits import (
    SENSITIVITY_EPS,
    RowEdit,
    blank_rows,
    blanked_one_at_a_time,
    keep_first_rows,
    occlusion,
    reverse_rows,
    sensitivity,
    shuffle_rows,
)
from model.trace import trace
from model.weights_file import read_weights

ROWS = CONFIG.timesteps


@pytest.fixture(scope="module")
def weights():
    return read_weights(MODEL_PATH)  # the shipped model, without TensorFlow


@pytest.fixture(scope="module", params=[(7, 3), (1, 0), (4, 1)], ids=lambda p: f"digit{p[0]}-seed{p[1]}")
def image(request):
    digit, seed = request.param
    return to_model_input(render(random_drawing(digit, np.random.default_rng(seed))))


def test_blanking_row_k_in_the_batch_equals_tracing_the_edited_image(image, weights):
    drop = occlusion(image, weights)
    original = trace(image, weights)
    answer = int(original.prediction)
    batch = blanked_one_at_a_time(image)
    for k in range(1, ROWS + 1):
        edited = blank_rows(image, k, k)
        np.testing.assert_array_equal(batch[k - 1], edited)
        expected = original.probabilities[answer] - trace(edited, weights).probabilities[answer]
        assert drop[k - 1] == pytest.approx(expected, abs=1e-6), f"row {k}"
    blank = original.inputs.max(axis=1) == 0
    assert blank.any() and np.all(drop[blank] == 0), "blanking a blank row changes nothing"


def test_sensitivity_is_the_finite_difference_of_h_final_for_each_row(image, weights):
    moves = sensitivity(image, weights)
    final = trace(image, weights).hidden_states[-1].astype(np.float64)
    for k in (1, 10, 15, 20, 28):
        scaled = image.copy()
        scaled[k - 1] *= 1 + SENSITIVITY_EPS
        expected = np.linalg.norm(trace(scaled, weights).hidden_states[-1] - final) / SENSITIVITY_EPS
        # A batch and a single image round differently in float32 (about 1e-7 of each of h's 128
        # units, so about 1.4e-6 of ||h||), which the division by eps makes about 1.4e-4.
        assert moves[k - 1] == pytest.approx(expected, rel=1e-3, abs=5e-4), f"row {k}"
    inked = image.max(axis=1) > 0
    assert np.all(moves[~inked] == 0) and np.all(moves[inked] > 0)
    # Small enough to be a derivative: half the step gives nearly the same measure.
    np.testing.assert_allclose(sensitivity(image, weights, SENSITIVITY_EPS / 2).sum(), moves.sum(), rtol=0.02)


def test_a_blank_input_has_no_influence_anywhere(weights):
    blank = np.zeros((ROWS, ROWS), dtype=np.float32)
    assert np.all(occlusion(blank, weights) == 0)
    assert np.all(sensitivity(blank, weights) == 0)


def test_reversing_twice_is_the_identity_and_shuffling_permutes_rows(image):
    np.testing.assert_array_equal(reverse_rows(reverse_rows(image)), image)
    np.testing.assert_array_equal(reverse_rows(image)[0], image[-1])
    shuffled = shuffle_rows(image, seed=3)
    np.testing.assert_array_equal(shuffled, shuffle_rows(image, seed=3))
    assert not np.array_equal(shuffled, shuffle_rows(image, seed=4))
    np.testing.assert_array_equal(np.sort(shuffled, axis=0), np.sort(image, axis=0))  # the same rows
    assert sorted(map(bytes, shuffled)) == sorted(map(bytes, image))


def test_keeping_the_first_rows_leaves_the_first_steps_as_they_were(image, weights):
    for t in (0, 12, ROWS):
        edited = keep_first_rows(image, t)
        np.testing.assert_array_equal(edited[:t], image[:t])
        assert np.all(edited[t:] == 0)
        original, cut = trace(image, weights), trace(edited, weights)
        np.testing.assert_array_equal(cut.hidden_states[:t], original.hidden_states[:t])
    np.testing.assert_array_equal(keep_first_rows(image, ROWS), image)


def test_edits_are_pure_and_match_row_edit(image):
    before = image.copy()
    cases = {RowEdit("blank", 18, 22): blank_rows(image, 18, 22), RowEdit("first_rows", last=9): keep_first_rows(image, 9),
             RowEdit("reverse"): reverse_rows(image), RowEdit("shuffle", seed=5): shuffle_rows(image, 5)}
    for edit, expected in cases.items():
        result = edit.apply(image)
        np.testing.assert_array_equal(result, expected)
        assert result is not image
    np.testing.assert_array_equal(image, before)
    edited = blank_rows(image, 18, 22)
    np.testing.assert_array_equal(edited[:17], image[:17])
    np.testing.assert_array_equal(edited[22:], image[22:])
    assert np.all(edited[17:22] == 0)


@pytest.mark.parametrize("call", [
    lambda image: blank_rows(image, 0, 3), lambda image: blank_rows(image, 5, 4), lambda image: blank_rows(image, 1, 29),
    lambda image: keep_first_rows(image, -1), lambda image: keep_first_rows(image, 29),
    lambda image: RowEdit("mirror").apply(image), lambda image: reverse_rows(image[0]),
])
def test_bad_edits_raise_value_error(call):
    with pytest.raises(ValueError):
        call(np.zeros((ROWS, ROWS), dtype=np.float32))
