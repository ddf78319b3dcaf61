"""The architecture, and that loading a model file cannot run code from it."""

import keras
import numpy as np
import pytest

from model.config import CONFIG
from model.network import build_model, load_model


def test_architecture_is_one_lstm_and_a_softmax_readout():
    model = build_model()
    assert [layer.name for layer in model.layers] == ["rows", "lstm", "readout"]
    assert model.input_shape == (None, CONFIG.timesteps, CONFIG.features)
    assert model.get_layer("lstm").units == CONFIG.units
    assert model.output_shape == (None, CONFIG.classes)


def test_safe_mode_refuses_code_inside_a_model_file(tmp_path):
    rows = keras.Input((CONFIG.timesteps, CONFIG.features))
    sneaky = keras.layers.Lambda(lambda x: x * 2)(rows)  # a Lambda layer carries Python bytecode
    path = tmp_path / "sneaky.keras"
    keras.Model(rows, sneaky).save(path)
    with pytest.raises(ValueError, match="(?i)lambda|unsafe|safe_mode"):
        load_model(path)


def test_a_saved_model_round_trips(tmp_path):
    model = build_model()
    path = tmp_path / "round_trip.keras"
    model.save(path)
    images = np.random.default_rng(0).random((2, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(load_model(path).predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6)


def test_every_step_model_shares_the_architecture_of_record():
    """Its weights load into build_model() unchanged, and its readout at step 28 is that model."""
    from model.network import build_every_step_model

    every_step = build_every_step_model()
    assert every_step.output_shape == (None, CONFIG.timesteps, CONFIG.classes)
    plain = build_model()
    plain.set_weights(every_step.get_weights())
    images = np.random.default_rng(1).random((3, 28, 28), dtype=np.float32)
    np.testing.assert_allclose(plain.predict(images, verbose=0), every_step.predict(images, verbose=0)[:, -1],
                               atol=1e-6)
