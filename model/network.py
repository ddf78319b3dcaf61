"""The row-LSTM of TensorFlow's classic MNIST RNN example, in Keras 3.

A 28 x 28 image is read as 28 timesteps of 28 pixels. One LSTM layer turns the rows into a
sequence of hidden states h_1..h_28; a Dense(10) + softmax "logistic regression" readout turns
the last hidden state h_28 into class probabilities. Nothing else: this exact architecture is
what the app explains.
"""

import keras

from model.config import CONFIG, RowLstmConfig


def build_model(config: RowLstmConfig = CONFIG) -> keras.Model:
    rows = keras.Input(shape=(config.timesteps, config.features), name="rows")
    last_hidden_state = keras.layers.LSTM(config.units, name="lstm")(rows)  # h_28
    probabilities = keras.layers.Dense(config.classes, activation="softmax", name="readout")(
        last_hidden_state
    )
    return keras.Model(rows, probabilities, name="row_lstm")


def load_model(path) -> keras.Model:
    """Load a saved row-LSTM with Keras's safe mode on (no arbitrary code from the file)."""
    return keras.saving.load_model(path, compile=False, safe_mode=True)
