"""The NumPy trace against Keras, the way micrograd checks itself against PyTorch: the same
inputs through both, every timestep compared, float32 tolerance 1e-5."""

import keras
import numpy as np
import pytest

from model.config import CONFIG
from model.network import build_model
from model.trace import LstmWeights, decision_step, first_inked_step, trace

TOLERANCE = 1e-5


def keras_hidden_states(model, images: np.ndarray) -> np.ndarray:
    """h_1..h_T from Keras's own LSTM layer, run with return_sequences=True on model's weights."""
    rows = keras.Input((CONFIG.timesteps, CONFIG.features))
    sequence = keras.layers.LSTM(CONFIG.units, return_sequences=True)(rows)
    every_step = keras.Model(rows, sequence)
    every_step.layers[1].set_weights(model.get_layer("lstm").get_weights())
    return every_step.predict(images, batch_size=500, verbose=0)


def assert_matches_keras(model, images):
    steps = trace(images, LstmWeights.from_keras(model))
    np.testing.assert_allclose(steps.hidden_states, keras_hidden_states(model, images), atol=TOLERANCE, rtol=0)
    np.testing.assert_allclose(steps.probabilities, model.predict(images, batch_size=500, verbose=0),
                               atol=TOLERANCE, rtol=0)


def test_random_weights_match_keras():
    """Runs without data or a trained model: a freshly initialised network on random images."""
    keras.utils.set_random_seed(0)
    model = build_model()
    images = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    assert_matches_keras(model, images)


def test_trained_model_matches_keras_on_1000_test_images(keras_model, mnist):
    images = mnist.test_images[:1000].astype(np.float32) / 255.0
    assert_matches_keras(keras_model, images)


def test_one_image_and_a_batch_agree(weights, mnist):
    images = mnist.test_images[:3].astype(np.float32) / 255.0
    batch = trace(images, weights)
    single = trace(images[1], weights)
    assert single.hidden_states.shape == (CONFIG.timesteps, CONFIG.units)
    assert single.step_probabilities.shape == (CONFIG.timesteps, CONFIG.classes)
    np.testing.assert_allclose(single.hidden_states, batch.hidden_states[1], atol=1e-6)
    assert single.prediction == batch.prediction[1]


def test_trace_obeys_the_lstm_equations(weights, mnist):
    steps = trace(mnist.test_images[0].astype(np.float32) / 255.0, weights)
    for gate in (steps.input_gates, steps.forget_gates, steps.output_gates):
        assert gate.min() >= 0.0 and gate.max() <= 1.0
    assert np.abs(steps.candidates).max() <= 1.0
    c_prev = np.vstack([np.zeros(CONFIG.units), steps.cell_states[:-1]])
    np.testing.assert_allclose(steps.cell_states, steps.forget_gates * c_prev + steps.input_gates * steps.candidates, atol=1e-6)
    np.testing.assert_allclose(steps.hidden_states, steps.output_gates * np.tanh(steps.cell_states), atol=1e-6)
    np.testing.assert_allclose(steps.step_probabilities.sum(axis=-1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(steps.inputs, mnist.test_images[0] / np.float32(255.0))


def test_weights_cross_with_their_shapes_checked():
    model = build_model()
    weights = LstmWeights.from_keras(model)
    assert weights.kernel.shape == (28, 4 * 128) and weights.recurrent_kernel.shape == (128, 512)
    with pytest.raises(ValueError, match="expected images of shape"):
        trace(np.zeros((28, 27), np.float32), weights)
    with pytest.raises(ValueError, match="NaN"):
        trace(np.full((28, 28), np.nan, np.float32), weights)


def test_decision_step():
    one_hot = np.eye(10)
    assert decision_step(one_hot[[3, 3, 5, 5, 7, 7, 7]]) == 5  # settles on 7 at step 5
    assert decision_step(one_hot[[7, 7, 7]]) == 1  # never changes
    assert decision_step(one_hot[[7, 2, 7]]) == 3  # the last step alone counts
    assert decision_step(np.stack([one_hot[[1, 2, 2]], one_hot[[2, 1, 2]]])).tolist() == [2, 3]


def test_first_inked_step_skips_blank_and_faint_rows():
    image = np.zeros((CONFIG.timesteps, CONFIG.features), dtype=np.float32)
    assert first_inked_step(image) is None
    image[3, 5] = 0.05  # fainter than the preprocessing's ink threshold: background
    image[7, 9] = 0.6
    assert first_inked_step(image) == 8
    image[0, 0] = 1.0
    assert first_inked_step(image) == 1
