"""The TensorFlow-free reader of `.keras` files against Keras itself: the same file through both,
every array compared bit for bit; and foreign or damaged files refused with a ValueError."""

import zipfile

import keras
import numpy as np
import pytest

from model.config import CONFIG, MODEL_PATH, RowLstmConfig
from model.network import build_every_step_model, build_model, load_model
from model.trace import LstmWeights
from model.weights_file import read_weights

FIELDS = ("kernel", "recurrent_kernel", "bias", "readout_weights", "readout_bias")


def assert_same_weights(ours: LstmWeights, keras_weights: LstmWeights):
    for field in FIELDS:
        mine, theirs = getattr(ours, field), getattr(keras_weights, field)
        assert mine.dtype == theirs.dtype == np.float32, field
        np.testing.assert_array_equal(mine, theirs, err_msg=field)


def test_committed_model_reads_exactly_as_keras_loads_it(keras_model):
    assert_same_weights(read_weights(MODEL_PATH), LstmWeights.from_keras(keras_model))


def test_any_saved_row_lstm_reads_exactly_as_keras_loads_it(tmp_path):
    """Any path works (the every-step model arrives as a second file): a fresh network, saved and read."""
    keras.utils.set_random_seed(1)
    path = tmp_path / "another_row_lstm.keras"
    build_model().save(path)
    assert_same_weights(read_weights(path), LstmWeights.from_keras(load_model(path)))


def test_the_every_step_model_reads_exactly_as_keras_loads_it(tmp_path):
    """The every-step network (model/network.py) has the same layers: its file reads the same way."""
    keras.utils.set_random_seed(2)
    path = tmp_path / "row_lstm_every_step.keras"
    build_every_step_model().save(path)
    assert_same_weights(read_weights(path), LstmWeights.from_keras(load_model(path)))


@pytest.mark.parametrize("config, complaint", [
    (RowLstmConfig(units=64), "LSTM units is 64, expected 128"),
    (RowLstmConfig(classes=5), "readout classes is 5, expected 10"),
    (RowLstmConfig(image_size=14), "kernel (14, 512) (expected (28, 512))"),
])
def test_another_architecture_is_refused_by_name(tmp_path, config, complaint):
    path = tmp_path / "other.keras"
    build_model(config).save(path)
    with pytest.raises(ValueError, match="other.keras") as error:
        read_weights(path, CONFIG)
    assert complaint in str(error.value)


def test_a_model_without_the_named_layers_is_refused(tmp_path):
    rows = keras.Input((CONFIG.timesteps, CONFIG.features))
    outputs = keras.layers.Dense(CONFIG.classes, name="readout")(keras.layers.GRU(CONFIG.units)(rows))
    path = tmp_path / "gru.keras"
    keras.Model(rows, outputs).save(path)
    with pytest.raises(ValueError, match="expected a LSTM layer named 'lstm'"):
        read_weights(path)


def test_damaged_files_give_a_value_error_naming_the_file(tmp_path):
    original = MODEL_PATH.read_bytes()
    not_a_zip = tmp_path / "notes.keras"
    not_a_zip.write_text("hello")
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(original[: len(original) // 2])
    without_weights = tmp_path / "no_weights.keras"
    with zipfile.ZipFile(MODEL_PATH) as source, zipfile.ZipFile(without_weights, "w") as target:
        target.writestr("config.json", source.read("config.json"))
    corrupt_weights = tmp_path / "corrupt_weights.keras"
    with zipfile.ZipFile(MODEL_PATH) as source, zipfile.ZipFile(corrupt_weights, "w") as target:
        target.writestr("config.json", source.read("config.json"))
        target.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(1000))
    bad_config = tmp_path / "bad_config.keras"
    with zipfile.ZipFile(bad_config, "w") as target:
        target.writestr("config.json", "{not json")
    for path, words in [(not_a_zip, "not a Keras model archive"), (truncated, "not a Keras model archive"),
                        (without_weights, "has no model.weights.h5"),
                        (corrupt_weights, "weights file inside the archive is unreadable"),
                        (bad_config, "not a Keras model archive")]:
        with pytest.raises(ValueError, match=path.name) as error:
            read_weights(path)
        assert words in str(error.value), (path.name, str(error.value))
